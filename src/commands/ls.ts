// mpb ls / mpb status: declared and actual builders side by side, with drift. Reads only: one `buildx ls`,
// buildx's record of each declared builder it has (pins, driver options) or else one `buildx inspect` of it, one
// `docker container inspect` per local node, and a probe of each node buildx reports down (declared builders) or
// does not report running (undeclared ones), all at once: a running node is never probed.

import { readLocalContainers } from '../buildx/containers.js';
import { withRecordPins } from '../buildx/inspect-from-record.js';
import { readRecord, recordKnownFor, recordReadingOff } from '../buildx/instances.js';
import type { BuildxBuilder, BuildxVersion } from '../buildx/model.js';
import { detectVersion, readBuilder, readBuilders } from '../buildx/read.js';
import type { BuilderSpec, ResolvedConfig } from '../config/types.js';
import { type BuilderView, describeDeclared, describeUndeclared, isNodeDown } from '../core/drift.js';
import { helperOwnerOf } from '../core/helper-builder.js';
import { type Deps, optionalConfigOf, warnAbout } from '../deps.js';
import { UsageError } from '../errors.js';
import type { LsOptions } from '../options.js';
import { probeActual } from '../probe/buildx-nodes.js';
import type { ProbeResult } from '../probe/types.js';
import { probeUndeclared } from '../probe/undeclared.js';
import type { CommandResult } from '../run-command.js';
import { layoutOf } from '../ui/output.js';
import { renderLs } from '../ui/render-ls.js';

// Inspects run in parallel, a few at a time: a config of hundreds of builders must not start hundreds of
// docker processes at once.
const PARALLEL_READS = 8;

async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < items.length; i = next++) results[i] = await work(items[i]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** The declared builders and buildx's other builders to show: all of them, or the ones named. */
function selectShown(
  config: ResolvedConfig | undefined,
  actual: readonly BuildxBuilder[],
  names: readonly string[],
) {
  const declaredBuilders = config?.builders ?? [];
  const declaredNames = new Set(declaredBuilders.map((b) => b.name));
  const all = actual.map((b) => b.name);
  // mpb's own helper builders (split builds) are listed apart, not as the user's undeclared builders.
  const helpers = actual.flatMap((b) => {
    const helperOf = helperOwnerOf(b.name, all);
    return helperOf
      ? [{ name: b.name, helperOf, node: b.nodes[0]?.name ?? null, endpoint: b.nodes[0]?.endpoint ?? null }]
      : [];
  });
  const undeclared = actual.filter(
    (b) => !declaredNames.has(b.name) && !helpers.some((h) => h.name === b.name),
  );
  if (names.length === 0) return { declared: declaredBuilders, undeclared, helpers };
  const unknown = names.filter((n) => !declaredNames.has(n) && !actual.some((b) => b.name === n));
  if (unknown.length > 0) {
    throw new UsageError(
      `no builder ${unknown.map((n) => `"${n}"`).join(', ')}: ${config ? `not declared in ${config.file} and` : 'no config file found, and'} unknown to buildx`,
      { hint: `Declared: ${[...declaredNames].join(', ') || 'none'}. Run mpb ls to see every builder.` },
    );
  }
  return {
    declared: declaredBuilders.filter((b) => names.includes(b.name)),
    undeclared: undeclared.filter((b) => names.includes(b.name)),
    helpers: helpers.filter((h) => names.includes(h.helperOf) || names.includes(h.name)),
  };
}

// `ls --format json` has no pins (0.13+) and `ls` text no driver options: `inspect` has both, and so has
// buildx's record with JSON beside it (buildx/inspect-from-record.ts withRecordPins): a listed builder whose
// record fits what JSON shows needs no `inspect`. A builder buildx cannot inspect is shown as `ls` saw it, with
// the reason.
async function inspectDeclared(
  deps: Deps,
  version: BuildxVersion,
  spec: BuilderSpec,
  listed: BuildxBuilder | undefined,
) {
  const { run } = deps;
  const [actual, containers] = await Promise.all([
    listed
      ? readListed(deps, version, spec.name, listed).catch(
          (e: unknown): BuildxBuilder => ({ ...listed, error: e instanceof Error ? e.message : String(e) }),
        )
      : undefined,
    readLocalContainers(run, spec),
  ]);
  return { spec, actual, containers };
}

/**
 * Why each node of a declared builder that buildx reports down is down: probed with what buildx has of it (its
 * endpoint and TLS driver options, as for an undeclared node). None when every node runs: nothing is started.
 */
function probeDownNodes(
  deps: Deps,
  actual: BuildxBuilder | undefined,
  timeoutMs: number,
): Promise<ProbeResult[]> {
  const down = actual?.nodes.filter((n) => isNodeDown(n, actual.driver)) ?? [];
  if (!actual || down.length === 0) return Promise.resolve([]);
  return probeActual({ ...actual, nodes: down }, timeoutMs, { run: deps.run });
}

/** Each declared builder read (a few at a time), then the down nodes of all of them probed at once. */
async function describeAllDeclared(
  deps: Deps,
  version: BuildxVersion,
  specs: readonly BuilderSpec[],
  byName: ReadonlyMap<string, BuildxBuilder>,
  timeoutMs: number,
): Promise<BuilderView[]> {
  const read = await mapLimit(specs, PARALLEL_READS, (spec) =>
    inspectDeclared(deps, version, spec, byName.get(spec.name)),
  );
  const probes = await Promise.all(read.map((r) => probeDownNodes(deps, r.actual, timeoutMs)));
  return read.map((r, i) =>
    describeDeclared(r.spec, r.actual, { version, containers: r.containers, probes: probes[i] }),
  );
}

async function readListed(deps: Deps, version: BuildxVersion, name: string, listed: BuildxBuilder) {
  if (version.caps.lsJson && recordKnownFor(version) && !recordReadingOff(deps.env)) {
    const read = await readRecord(deps.env, deps.cwd, name);
    const made = read.ok ? withRecordPins(listed, read.record) : read;
    if (made.ok) return made.builder;
    note(deps, `builder ${name}: read with buildx inspect (buildx's record not used: ${made.why})`);
  }
  return readBuilder(deps.run, version, name);
}

// --verbose: which way each declared builder was read.
function note(deps: Deps, text: string): void {
  if (deps.verbose) deps.stderr.write(`${deps.out.color.dim(`# ${text}`)}\n`);
}

async function collect(deps: Deps, names: readonly string[], probeTimeoutMs: number) {
  const { run } = deps;
  // `buildx version` (when not remembered) answers while the config loads; a bad config is still the error.
  const detected = detectVersion(run, deps.env);
  detected.catch(() => {}); // awaited below, after the config
  // No config file is no error: every builder buildx has is then shown (and judged) as an undeclared one.
  const loaded = await optionalConfigOf(deps);
  const config = loaded?.config;
  if (!loaded)
    deps.out.info(
      "no config file found: buildx's builders are shown as undeclared ones (mpb init --from BUILDER writes one)",
    );
  // ls shows every declared builder: each one's warnings with it.
  if (loaded)
    warnAbout(
      deps,
      loaded,
      loaded.config.builders.map((b) => b.name),
    );
  const version = await detected;
  const actual = await readBuilders(run, version);
  const shown = selectShown(config, actual, names);
  const byName = new Map(actual.map((b) => [b.name, b]));
  const [declared, probes] = await Promise.all([
    describeAllDeclared(deps, version, shown.declared, byName, probeTimeoutMs),
    probeUndeclared(run, version, shown.undeclared, probeTimeoutMs),
  ]);
  return {
    config,
    version,
    views: [...declared, ...shown.undeclared.map((b) => describeUndeclared(b, probes.get(b.name)))],
    helpers: shown.helpers,
  };
}

async function show(
  deps: Deps,
  names: readonly string[],
  strict: boolean,
  options: LsOptions,
): Promise<CommandResult> {
  const { config, version, views, helpers } = await collect(deps, names, options.probeTimeout * 1000);
  const inSync = views.every((v) => !v.declared || v.state === 'in-sync');
  // Without names `status` judges the declared builders only; an undeclared one named is judged by its nodes,
  // and so is every builder when there is no config file (none is declared).
  const judged = names.length > 0 || config === undefined;
  const namedDown = judged && views.some((v) => !v.declared && v.drift.length > 0);
  const outcome = strict && (!inSync || namedDown) ? 'unhealthy' : 'ok';
  if (deps.json)
    return {
      outcome,
      data: { inSync, buildx: version.raw, config: config?.file ?? null, builders: views, helpers },
    };
  const helperLines = helpers.length
    ? [
        '',
        'helper builders (mpb made them for split builds; mpb rm BUILDER removes them):',
        ...helpers.map((h) =>
          `  ${h.name}  for "${h.helperOf}" node ${h.node ?? '-'}  ${h.endpoint ?? ''}`.trimEnd(),
        ),
      ]
    : [];
  deps.out.result(
    [...renderLs(views, deps.out.color, layoutOf(deps.out, options.wide)), ...helperLines].join('\n'),
  );
  return { outcome };
}

/** `mpb ls`: informational, exit 0 whatever the drift. */
export function runLs(deps: Deps, names: string[], options: LsOptions): Promise<CommandResult> {
  return show(deps, names, false, options);
}

/**
 * `mpb status`: the same view, and exit 3 when a declared builder is missing, drifted or has a node down, or
 * when an undeclared builder named on the command line has a node down.
 */
export function runStatus(deps: Deps, names: string[], options: LsOptions): Promise<CommandResult> {
  return show(deps, names, true, options);
}
