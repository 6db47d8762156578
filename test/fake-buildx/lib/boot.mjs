// Booting a builder's nodes (inspect --bootstrap, create --bootstrap, build): remote nodes that cannot connect
// fail after MPB_FAKE_DOWN_DELAY_MS with `context deadline exceeded` (0.12+; 0.10 polls forever), and
// docker-container nodes get their BuildKit container created or started (capture dc-inspect-bootstrap).
import { containerRecord, ensureVolumes, setRunning } from './containers.mjs';
import { DRIVERS } from './drivers.mjs';
import { nowIso } from './gofmt.mjs';
import { loadBuilder } from './model.mjs';
import { createProgress } from './progress.mjs';
import { downDelayMs, sleep } from './runtime.mjs';
import { readState, updateState } from './state.mjs';
import { clusterOf, containerNameOf } from './workers.mjs';

const DEFAULT_IMAGE = 'moby/buildkit:buildx-stable-1';

function startBuildkitContainer(state, node) {
  const name = containerNameOf(node);
  if (!state.containers[name]) {
    const record = containerRecord({
      name,
      image: node.driverOpts?.image ?? DEFAULT_IMAGE,
      cmd: node.flags ?? [],
      privileged: true,
      restart: node.driverOpts?.['restart-policy'] ?? 'unless-stopped',
      mounts: [{ type: 'volume', source: `${name}_state`, target: '/var/lib/buildkit' }],
    });
    state.containers[name] = record;
    ensureVolumes(state, record);
  }
  setRunning(state.containers[name], true);
}

/**
 * Boots the builder's nodes that are not running (all, or those named in `only`). Returns {booted, failed,
 * stderr, error?, hang?}: `hang` for buildx ≤0.11 with an unreachable remote node (the caller never exits),
 * `error` when buildx would fail the command (0.12–0.21: every node failed; 0.22+: any node failed).
 */
export async function bootBuilder(ctx, name, only) {
  const b = loadBuilder(ctx, readState(ctx.env), name);
  const toBoot = b.nodes.filter((n) => !n.err && !n.running && (!only || only.includes(n.name)));
  if (b.context || toBoot.length === 0) return { booted: false, failed: 0, stderr: '' };
  const label = (n, what) => (toBoot.length > 1 ? `[${n.name} internal] ${what}` : `[internal] ${what}`);
  const remote = DRIVERS[b.driver].runtime === 'connect';
  if (remote && ctx.version.caps.bootHangs)
    return { booted: false, failed: toBoot.length, stderr: '', hang: true };

  const progress = createProgress();
  let failed = 0;
  let firstError;
  if (DRIVERS[b.driver].runtime === 'cluster') {
    const errors = await bootCluster(ctx, toBoot, progress, label);
    failed = errors.length;
    firstError = errors[0];
  } else if (remote) {
    const vertices = toBoot.map((n) => progress.start(label(n, 'waiting for connection')));
    await sleep(downDelayMs(ctx.env));
    for (const v of vertices) progress.error(v, 'context deadline exceeded');
    failed = toBoot.length;
  } else {
    updateState((state) => {
      for (const n of toBoot) {
        const v = progress.start(label(n, 'booting buildkit'));
        const container = containerNameOf(n);
        if (!state.containers[container]) {
          const image = n.driverOpts?.image ?? DEFAULT_IMAGE;
          progress.status(v, `pulling image ${image} 0.0s done`);
          progress.status(v, `creating container ${container} 0.0s done`);
        } else {
          progress.status(v, `starting container ${container} 0.0s done`);
        }
        startBuildkitContainer(state, n);
        progress.done(v);
      }
    }, ctx.env);
  }
  touchActivity(ctx, name);
  const error =
    failed > 0 && (ctx.version.caps.bootErrorIfAny || failed === toBoot.length)
      ? (firstError ?? 'context deadline exceeded')
      : undefined;
  const stale = DRIVERS[b.driver].runtime === 'cluster' && readState(ctx.env).cluster?.staleAfterBoot;
  return {
    booted: true,
    failed,
    stderr: progress.text(),
    error,
    stale: stale ? toBoot.map((n) => n.name) : [],
  };
}

const SECONDS = /^(\d+)s$/;
function timeoutText(opt) {
  const s = Number(SECONDS.exec(opt ?? '120s')?.[1] ?? 120);
  return s % 60 === 0 ? `${s / 60} minutes` : `${s} seconds`;
}

/**
 * kubernetes nodes: each becomes a Deployment in its namespace, whose pods are ready when the cluster has a
 * node of the nodeselector's arch (captures kubernetes/inspect-bootstrap*, -no-namespace, -two-nodes).
 * Returns the error of each node that did not come up.
 */
async function bootCluster(ctx, toBoot, progress, label) {
  const errors = [];
  const waits = [];
  updateState((state) => {
    const cluster = clusterOf(state);
    for (const n of toBoot) {
      const v = progress.start(label(n, 'booting buildkit'));
      const opts = n.driverOpts ?? {};
      const ns = opts.namespace ?? 'default';
      if (!cluster.namespaces.includes(ns)) {
        const message = `error while calling deploymentClient.Create for "${n.name}": namespaces "${ns}" not found`;
        progress.error(v, message);
        errors.push(message);
        continue;
      }
      const replicas = Number(opts.replicas ?? 1);
      const arch = /kubernetes\.io\/arch=([\w-]+)/.exec(opts.nodeselector ?? '')?.[1];
      const ready = arch === undefined || cluster.archs.includes(arch);
      cluster.deployments[n.name] = { namespace: ns, replicas, ready };
      const waiting = `waiting for ${replicas} pods to be ready${ctx.version.caps.bootTimeoutShown ? `, timeout: ${timeoutText(opts.timeout)}` : ''}`;
      progress.status(v, waiting);
      if (ready) {
        progress.status(v, `${waiting} 0.0s done`);
        progress.done(v);
      } else waits.push({ v, waiting, replicas });
    }
    state.cluster = cluster;
  }, ctx.env);
  if (waits.length > 0) await sleep(downDelayMs(ctx.env));
  for (const { v, waiting, replicas } of waits) {
    progress.status(v, `${waiting} 0.0s done`);
    const message = `expected ${replicas} replicas to be ready, got 0`;
    progress.error(v, message);
    errors.push(message);
  }
  return errors;
}

/** buildx records each use of a builder in its activity file. */
export function touchActivity(ctx, name) {
  updateState((state) => {
    if (state.builders[name]) state.builders[name].lastActivity = nowIso();
  }, ctx.env);
}
