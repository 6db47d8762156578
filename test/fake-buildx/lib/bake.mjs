// `docker buildx bake`: reads JSON bake files (bake-definition.mjs); `--print` prints the definition in the
// emulated version's shape; otherwise each target is built as `build` builds (same routing, state, history and
// registry), its linked `target:` targets first, and bake's metadata file maps each target to its build's metadata.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { linksOf, readBakeFiles, resolveBake } from './bake-definition.mjs';
import { definitionProgress, formatBakePrint } from './bake-print.mjs';
import { runBuild } from './build.mjs';
import { parseFlags } from './flags.mjs';
import { CliError } from './runtime.mjs';

const SPEC = {
  bool: 'print push load no-cache pull'.split(' '),
  string: 'progress metadata-file provenance sbom call'.split(' '),
  array: 'file set allow'.split(' '),
  short: { f: 'file' },
};

/** `docker buildx build` argv for one resolved target. */
function buildArgv(target, flags) {
  const context = target.context ?? '.';
  const argv = ['--file', join(context, target.dockerfile ?? 'Dockerfile')];
  const add = (flag, values) => {
    for (const v of values ?? []) argv.push(flag, v);
  };
  if (flags.builder) argv.push('--builder', flags.builder);
  add('--platform', target.platforms);
  add('--tag', target.tags);
  add(
    '--build-arg',
    Object.entries(target.args ?? {}).map(([k, v]) => `${k}=${v}`),
  );
  add(
    '--label',
    Object.entries(target.labels ?? {}).map(([k, v]) => `${k}=${v}`),
  );
  add('--cache-from', target['cache-from']);
  add('--cache-to', target['cache-to']);
  add('--output', target.linkedOnly ? ['type=cacheonly'] : target.output);
  if (target.target) argv.push('--target', target.target);
  if (flags.load && !target.linkedOnly) argv.push('--load');
  if (flags['no-cache']) argv.push('--no-cache');
  argv.push('--progress', flags.progress ?? 'auto');
  return [...argv, context];
}

/** Linked targets before the targets that use them. */
function buildOrder(targets) {
  const order = [];
  const visit = (name) => {
    if (order.includes(name)) return;
    for (const link of linksOf(targets[name])) visit(link);
    order.push(name);
  };
  for (const name of Object.keys(targets)) visit(name);
  return order;
}

export async function runBake(ctx, argv) {
  const { flags, args } = parseFlags(argv, SPEC, 'bake');
  const files = readBakeFiles(flags.file ?? []);
  const sets = [...(flags.push ? ['*.push=true'] : []), ...(flags.set ?? [])];
  const quiet = flags.progress === 'quiet' || flags.progress === 'none';
  if (!quiet) ctx.stderr(definitionProgress(files));
  const definition = resolveBake(files, args, sets);
  if (flags.print) {
    ctx.stdout(formatBakePrint(definition, ctx.version.caps));
    return 0;
  }
  const dir = mkdtempSync(join(tmpdir(), 'fake-bake-'));
  const metadata = {};
  try {
    for (const name of buildOrder(definition.targets)) {
      const file = join(dir, `${name}.json`);
      const target = definition.targets[name];
      try {
        await runBuild(ctx, [...buildArgv(target, flags), '--metadata-file', file], { target: name });
      } catch (e) {
        if (!(e instanceof CliError)) throw e;
        const why = e.message.replace(/^failed to build: /, '');
        throw new CliError(ctx.version.caps.bakeTargetErrors ? `target ${name}: ${why}` : why, e.code);
      }
      metadata[name] = JSON.parse(readFileSync(file, 'utf8'));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  if (flags['metadata-file']) {
    const sorted = Object.fromEntries(
      Object.keys(metadata)
        .sort()
        .map((k) => [k, metadata[k]]),
    );
    writeFileSync(flags['metadata-file'], JSON.stringify(sorted, null, 2));
  }
  return 0;
}
