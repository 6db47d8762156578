// `docker buildx build`: routes platforms to nodes, boots what it needs, prints plain progress shaped like
// the build-* captures, pushes to the fake registry, writes --metadata-file, and records the build in the state.
import { existsSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { bootBuilder, touchActivity } from './boot.mjs';
import {
  imageConfig,
  layerSteps,
  parseDockerfile,
  readDockerfile,
  scanContext,
  stepNames,
} from './dockerfile.mjs';
import { DRIVERS } from './drivers.mjs';
import { exportNode, metadataFor, tagIndex } from './export.mjs';
import { parseFlags } from './flags.mjs';
import { builderNameFor, loadBuilder } from './model.mjs';
import { parsePlatformFlags } from './platforms.mjs';
import { createProgress } from './progress.mjs';
import { digestOf, storeImage, storeIndex } from './registry.mjs';
import { assignPlatforms, isPerfectMatch } from './route.mjs';
import { CliError, hang } from './runtime.mjs';
import { readState, updateState } from './state.mjs';

const SPEC = {
  bool: 'push load no-cache pull quiet check'.split(' '),
  string: 'progress metadata-file file target iidfile network provenance sbom call shm-size'.split(' '),
  array:
    'platform tag build-arg cache-from cache-to secret ssh label output allow add-host build-context attest annotation ulimit no-cache-filter'.split(
      ' ',
    ),
  short: { t: 'tag', f: 'file', q: 'quiet', o: 'output' },
};

function dockerDriverMultiError(caps) {
  if (!caps.treeLs)
    return 'multiple platforms feature is currently not supported for docker driver. Please switch to a different driver (eg. "docker buildx create --use")';
  return `${caps.failedToBuildPrefix ? 'failed to build: ' : ''}Multi-platform build is not supported for the docker driver.\nSwitch to a different driver, or turn on the containerd image store, and try again.\nLearn more at https://docs.docker.com/go/build-multi-platform/`;
}

function outputsOf(flags) {
  const outs = (flags.output ?? []).map((o) => o.split(',').map((kv) => kv.split('=')));
  const has = (type, extra) =>
    outs.some(
      (kv) =>
        kv.some(([k, v]) => k === 'type' && v === type) &&
        (!extra || kv.some(([k, v]) => k === extra && v === 'true')),
    );
  // `type=image,name=REPO,push-by-digest=true,...`: pushed untagged under REPO (capture build-push-by-digest-*).
  const byDigest = outs.find((kv) => kv.some(([k, v]) => k === 'push-by-digest' && v === 'true'));
  const name = byDigest?.find(([k]) => k === 'name')?.[1];
  return {
    push: flags.push || has('registry') || has('image', 'push'),
    load: flags.load || has('docker'),
    byDigestName: name,
  };
}

/** One node's solve: its internal loads, the steps per platform, and the exporter vertex. */
function solveNode(ctx, job, progress, node, platforms) {
  // What the node's history record keeps of each vertex, for `history logs` (history.mjs).
  const vertices = [];
  const v = (name, statuses) => {
    const vertex = progress.start(name);
    for (const s of statuses) progress.status(vertex, s);
    progress.done(vertex);
    vertices.push({ name, cached: false });
  };
  v('[internal] load build definition from Dockerfile', [
    `transferring dockerfile: ${Buffer.byteLength(job.dockerfile)}B done`,
  ]);
  v('[internal] load .dockerignore', ['transferring context: 2B done']);
  if (layerSteps(job.df).some((s) => s.op !== 'RUN'))
    v('[internal] load build context', [`transferring context: ${job.context.bytes}B done`]);
  const images = [];
  const steps = { total: 0, cached: 0 };
  for (const platform of platforms) {
    stepNames(job.df, job.requested.length > 1 ? platform : '').forEach((name, i) => {
      const key = `${node.endpoint}|${platform}|${digestOf(job.dockerfile)}|${i}|${job.context.fingerprint}`;
      const vertex = progress.start(name);
      steps.total++;
      const cached = job.cache.has(key) && !job.flags['no-cache'];
      vertices.push({ name, cached });
      if (cached) {
        progress.cached(vertex);
        steps.cached++;
      } else {
        job.cache.add(key);
        progress.done(vertex);
      }
    });
    const layers = layerSteps(job.df).map((step, k) => ({
      digest: digestOf(`${platform}|${step.text}|${k}|${job.context.fingerprint}`),
      size: 120 + (job.context.bytes % 800),
    }));
    const config = imageConfig(
      job.df,
      platform,
      new Date().toISOString(),
      layers.map((l) => l.digest),
    );
    images.push(storeImage(job.state, platform, config, layers));
  }
  return { ...exportNode(ctx, job, progress, images), steps, vertices };
}

/**
 * Which node builds which platform, booting what that needs first: only the pinning nodes when every platform
 * is pinned, else all nodes (their worker platforms decide). Returns Map(node index → platforms).
 */
async function routeAndBoot(ctx, b, requested) {
  const perfect = isPerfectMatch(b.nodes, requested);
  const pinned = requested.length ? assignPlatforms(b.nodes, requested, ctx.version) : new Map([[0, []]]);
  if (!b.context) {
    const only = perfect ? [...pinned.keys()].map((i) => b.nodes[i].name) : undefined;
    const boot = await bootBuilder(ctx, b.name, only);
    if (boot.hang) await hang();
    ctx.stderr(boot.stderr);
    if (boot.failed) throw new CliError('context deadline exceeded');
  }
  const booted = loadBuilder(ctx, readState(ctx.env), b.name);
  if (!requested.length) return new Map([[0, [booted.nodes[0].platforms[0] ?? 'linux/amd64']]]);
  return perfect ? pinned : assignPlatforms(booted.nodes, requested, ctx.version);
}

/** `bake` (bake.mjs) passes `{target}`: the build is that bake target's, recorded and named after it. */
export async function runBuild(ctx, argv, bake = undefined) {
  const { caps } = ctx.version;
  const { flags, args } = parseFlags(argv, SPEC, 'build');
  if (args.length !== 1) throw new CliError('"docker buildx build" requires exactly 1 argument.');
  const outputs = outputsOf(flags);
  const tags = flags.tag ?? [];
  if (outputs.push && !tags.length && !outputs.byDigestName)
    throw new CliError('tag is needed when pushing to registry');
  if (!caps.treeLs && outputs.push && outputs.load)
    throw new CliError('push and load may not be set together at the moment');
  const name = builderNameFor(ctx, readState(ctx.env), undefined, flags);
  let b = loadBuilder(ctx, readState(ctx.env), name);
  const requested = parsePlatformFlags(flags.platform ?? []);
  if (b.context && b.err) throw new CliError(b.err);
  if (b.context && requested.length > 1) throw new CliError(dockerDriverMultiError(caps));
  const contextDir = resolve(args[0]);
  if (!existsSync(contextDir)) throw new CliError(`unable to prepare context: path "${args[0]}" not found`);

  const assign = await routeAndBoot(ctx, b, requested);
  b = loadBuilder(ctx, readState(ctx.env), name);
  const dockerfile = readDockerfile(contextDir, flags.file);
  const progress = createProgress();
  const mode = flags.quiet ? 'quiet' : (flags.progress ?? 'auto');
  if (caps.buildingWithLine && mode !== 'quiet' && mode !== 'none')
    ctx.stderr(`#0 building with "${b.name}" instance using ${b.driver} driver\n\n`);
  if (dockerfile === undefined) {
    const vertex = progress.start('[internal] load build definition from Dockerfile');
    progress.error(vertex, 'failed to read dockerfile: open Dockerfile: no such file or directory');
    ctx.stderr(progress.text());
    throw new CliError(
      `${caps.failedToBuildPrefix ? 'failed to build: ' : ''}failed to solve: failed to read dockerfile: open Dockerfile: no such file or directory`,
    );
  }
  const nodeNames = [...assign.keys()].map((i) => b.nodes[i].name);
  const startedAt = new Date().toISOString();
  const outcome = updateState((state) => {
    const job = {
      state,
      flags,
      outputs,
      tags,
      requested: requested.length ? requested : [...assign.values()].flat(),
      dockerfile,
      df: parseDockerfile(dockerfile),
      context: scanContext(contextDir),
      cache: new Set(state.cache),
      multiNode: assign.size > 1,
      builder: b.name,
      nodeNames,
      dockerDriver: DRIVERS[b.driver].engineExport,
      ref: digestOf(`${process.pid}|${Date.now()}|${Math.random()}`).slice(7, 32),
    };
    const results = [...assign.entries()].map(([i, platforms]) =>
      solveNode(ctx, job, progress, b.nodes[i], platforms),
    );
    const error = results.find((r) => r.error)?.error;
    let index = results[0].index;
    if (!error && outputs.push && job.multiNode) {
      index = storeIndex(
        state,
        results.flatMap((r) => r.images),
        { dockerList: !caps.treeLs },
      );
      progress.done(progress.start(`merging manifest list ${tags.join(' ')}`));
    }
    if (!error && index) tagIndex(state, tags, index);
    // buildx's history: one record per node of the build, under one ref (captures-local history-ls-json).
    const completedAt = new Date().toISOString();
    state.history = [
      ...(state.history ?? []),
      ...[...assign.entries()].map(([i, pfs], k) => ({
        builder: b.name,
        node: b.nodes[i].name,
        ref: job.ref,
        name: bake?.target ?? (args[0].split('/').pop() || args[0]),
        status: error ? 'failed' : 'completed',
        createdAt: startedAt,
        completedAt,
        platforms: pfs,
        totalSteps: results[k].vertices.length,
        cachedSteps: results[k].steps.cached,
        vertices: results[k].vertices,
      })),
    ];
    state.cache = [...job.cache];
    const routing = Object.fromEntries(
      [...assign.entries()].flatMap(([i, pfs]) => pfs.map((p) => [p, b.nodes[i].name])),
    );
    state.builds.push({
      ...(bake ? { target: bake.target } : {}),
      builder: b.name,
      platforms: job.requested,
      routing,
      tags,
      push: outputs.push,
      load: outputs.load,
      exitCode: error ? 1 : 0,
    });
    return { error, index, metadata: error ? undefined : metadataFor(ctx, job, results, index) };
  }, ctx.env);

  if (mode !== 'quiet' && mode !== 'none') ctx.stderr(progress.text());
  if (outcome.error)
    throw new CliError(`${caps.failedToBuildPrefix ? 'failed to build: ' : ''}${outcome.error}`);
  if (flags['metadata-file'])
    writeFileSync(flags['metadata-file'], JSON.stringify(outcome.metadata, null, 2));
  const id = outcome.metadata['containerimage.digest'];
  if (flags.iidfile && id) writeFileSync(flags.iidfile, id);
  if (mode === 'quiet' && id) ctx.stdout(`${id}\n`);
  if (!outputs.push && !outputs.load && !flags.output?.length && !b.context)
    ctx.stderr(
      `WARNING: No output specified with ${b.driver} driver. Build result will only remain in the build cache. To push result image into registry use --push or to load image into docker use --load\n`,
    );
  touchActivity(ctx, name);
  return 0;
}
