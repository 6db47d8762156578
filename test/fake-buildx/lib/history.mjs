// `docker buildx history ls|inspect --format json` (0.23+; JSON shapes of captures-local/v0.29.1/history-*-json):
// one record per node and build under one ref. `history logs [--progress rawjson] REF` replays the newest record
// with that ref on stderr (captures-local/v0.29.1/logs-*-history-logs-*). Below 0.23 there is no history command: buildx reads the words as
// top-level flags and fails on `--format` (capture captures-local/v0.13.1/history-ls-json, exit 125).
import { parseFlags } from './flags.mjs';
import { builderNameFor } from './model.mjs';
import { digestOf } from './registry.mjs';
import { CliError, FlagError } from './runtime.mjs';
import { readState } from './state.mjs';

const LS_STATUS = { completed: 'Completed', failed: 'Error' };
const sortKeys = (o) =>
  Object.fromEntries(
    Object.keys(o)
      .sort()
      .map((k) => [k, o[k]]),
  );

export function runHistory(ctx, argv) {
  if (!ctx.version.caps.history) throw new FlagError("unknown flag: --format\nSee 'docker buildx --help'.");
  const [verb, ...rest] = argv.filter((a, i) => !(a === '--builder' || argv[i - 1] === '--builder'));
  const builderFlag = argv.includes('--builder') ? argv[argv.indexOf('--builder') + 1] : undefined;
  const spec = { string: verb === 'logs' ? ['progress'] : ['format'] };
  const { flags, args } = parseFlags(rest, spec, `history ${verb}`);
  const state = readState(ctx.env);
  const builder = builderNameFor(ctx, state, undefined, { builder: builderFlag });
  const records = (state.history ?? []).filter((r) => r.builder === builder).reverse();
  if (verb === 'logs') return replay(ctx, records, args[0], flags.progress ?? 'plain');
  if (flags.format !== 'json')
    throw new CliError(`fake buildx: history ${verb} without --format json is not implemented`);
  if (verb === 'ls') {
    for (const r of records) {
      const line = {
        cached_steps: r.cachedSteps,
        completed_at: r.completedAt,
        completed_steps: r.totalSteps,
        created_at: r.createdAt,
        name: r.name,
        ref: `${r.builder}/${r.node}/${r.ref}`,
        status: LS_STATUS[r.status] ?? r.status,
        total_steps: r.totalSteps,
      };
      ctx.stdout(`${JSON.stringify(sortKeys(line))}\n`);
    }
    return 0;
  }
  if (verb === 'inspect') {
    const r = args[0] ? records.find((x) => x.ref === args[0]) : records[0];
    if (!r) throw new CliError(`no record found for ref "${args[0] ?? ''}"`);
    const doc = {
      Name: r.name,
      Ref: r.ref,
      Context: r.name,
      Dockerfile: 'Dockerfile',
      Platform: r.platforms,
      StartedAt: r.createdAt,
      CompletedAt: r.completedAt,
      Duration: (Date.parse(r.completedAt) - Date.parse(r.createdAt)) * 1e6,
      Status: r.status,
      NumCompletedSteps: r.totalSteps,
      NumTotalSteps: r.totalSteps,
      NumCachedSteps: r.cachedSteps,
    };
    ctx.stdout(`${JSON.stringify(doc, null, 2)}\n`);
    return 0;
  }
  throw new CliError(`fake buildx: history ${verb} is not implemented`);
}

/**
 * `history logs`: the newest record with the ref (records are newest first), its vertices one millisecond apart
 * from its creation. rawjson: one line of `{"vertexes":[…]}` with each vertex's digest, name, started, completed
 * and `cached` when it was (logs-solo-history-logs-two-rawjson); plain: `#N name`, `#N CACHED` / `#N DONE 0.0s`.
 */
function replay(ctx, records, ref, progress) {
  const r = ref ? records.find((x) => x.ref === ref) : records[0];
  if (!r) throw new CliError(`no record found for ref "${ref ?? ''}"`);
  const at = (ms) => new Date(Date.parse(r.createdAt) + ms).toISOString();
  const vertices = r.vertices ?? [];
  if (progress === 'rawjson') {
    const vertexes = vertices.map((v, i) => ({
      digest: digestOf(`${r.ref}|${r.node}|${i}|${v.name}`),
      name: v.name,
      started: at(i),
      completed: at(i + 1),
      ...(v.cached ? { cached: true } : {}),
    }));
    ctx.stderr(`${JSON.stringify({ vertexes })}\n`);
    return 0;
  }
  if (progress !== 'plain')
    throw new CliError(`fake buildx: history logs --progress ${progress} is not implemented`);
  const blocks = vertices.map(
    (v, i) => `#${i + 1} ${v.name}\n#${i + 1} ${v.cached ? 'CACHED' : 'DONE 0.0s'}\n`,
  );
  ctx.stderr(blocks.join('\n'));
  return 0;
}
