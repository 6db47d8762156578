// The argv mpb builds for every flag of a real buildx's `build --help`, single and split, read by that real
// buildx: its flag parser runs before it looks the builder up, so a builder that does not exist makes it stop
// right after parsing. `no builder "…" found` then means every flag was taken, with its value (a wrong arity
// would shift the context and fail with "requires exactly 1 argument"; an unknown flag with "unknown flag").
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildArgs } from '../../src/buildx/build-args.js';
import { type BuildFlags, buildFlagRows, MPB_OWN_FLAGS } from '../../src/buildx/build-flags.js';
import { splitJobArgs } from '../../src/buildx/split-args.js';
import { installRealBuildx } from '../helpers/real-buildx.js';
import { REAL_BUILDX } from '../helpers/versions.js';

const LOCAL = fileURLToPath(new URL('../fixtures/captures-local/', import.meta.url));
const SUITES = REAL_BUILDX.map(({ suite, version }) => [suite, version] as const);
const installed = new Map(
  await Promise.all(SUITES.map(async ([suite]) => [suite, await installRealBuildx(suite)] as const)),
);

// Values buildx parses itself at flag time (pflag types bytes and ulimit), and ones valid for any build.
const VALUES: Record<string, string> = {
  '--shm-size': '1g',
  '--ulimit': 'nofile=1024:2048',
  '--add-host': 'host.example:1.2.3.4',
  '--call': 'build',
  '--progress': 'plain',
  '--network': 'host',
  '--output': 'type=image,name=localhost:5000/app,push=true',
  '--attest': 'type=sbom',
  '--provenance': 'mode=max',
  '--sbom': 'true',
  '--cache-from': 'type=registry,ref=localhost:5000/cache',
  '--cache-to': 'type=inline',
  '--build-context': 'other=.',
  '--secret': 'id=home,env=HOME',
  '--allow': 'network.host',
  '--tag': 'localhost:5000/app:1',
  '--file': 'Dockerfile',
  '--iidfile': 'id.txt',
  '--metadata-file': 'meta.json',
};

/**
 * Every pass-through flag of this buildx's help, with a value, but `omit`: `--attest type=sbom` and `--sbom`
 * name one attestation twice (buildx: duplicate attestation field), so each run leaves one of them out.
 */
function allFlags(version: string, omit: readonly string[]): BuildFlags {
  const help = readFileSync(`${LOCAL}v${version}/build-help.stdout`, 'utf8');
  const longs = [...help.matchAll(/^ {2,}(?:-[a-zA-Z], )?(--[a-z][a-z0-9-]*)(?: [a-zA-Z]+)? {2,}/gm)].map(
    (m) => m[1]!,
  );
  const flags: Record<string, unknown> = {};
  const skipped = [...MPB_OWN_FLAGS, ...omit];
  for (const long of longs.filter((l) => !skipped.includes(l))) {
    const [key, row] = buildFlagRows().find(([, r]) => r.long === long)!;
    const value = VALUES[long] ?? 'key=value';
    flags[key] = row.arity === 'boolean' ? !long.startsWith('--no-') : row.arity === 'list' ? [value] : value;
  }
  return flags as BuildFlags;
}

describe.each(SUITES)('the real buildx of Debian %s (%s) takes every flag mpb passes', (suite, version) => {
  const got = installed.get(suite)!;
  const skip = 'skip' in got ? got.skip : undefined;

  const parse = (argv: string[]) => {
    const config = mkdtempSync(join(tmpdir(), 'mpb-e2e-flags-'));
    try {
      // The plugin run by itself (buildx's standalone mode): the words after `buildx`.
      const plugin = 'pluginDir' in got ? join(got.pluginDir, 'docker-buildx') : '';
      return spawnSync(plugin, argv.slice(1), {
        env: { ...process.env, DOCKER_CONFIG: config },
        encoding: 'utf8',
      });
    } finally {
      rmSync(config, { recursive: true, force: true });
    }
  };

  it.skipIf(skip)(`single: one buildx build with them all${skip ? ` (skipped: ${skip})` : ''}`, () => {
    const flags = allFlags(version, ['--sbom']);
    expect(Object.keys(flags).length).toBeGreaterThan(28);
    const argv = buildArgs({
      builder: 'mpb-no-such',
      platforms: ['linux/amd64'],
      flags,
      extra: [],
      context: '.',
    });
    const r = parse(argv);
    // --debug (0.17+) adds buildx's stack after the error line.
    expect(r.stderr.split('\n')[0], argv.join(' ')).toBe('ERROR: no builder "mpb-no-such" found');
  });

  it.skipIf(skip)(`split: each job's argv${skip ? ` (skipped: ${skip})` : ''}`, () => {
    const {
      load: _load,
      output: _output,
      check: _check,
      call: _call,
      ...flags
    } = allFlags(version, ['--attest']);
    const input = {
      builder: 'fleet',
      platforms: ['linux/amd64', 'linux/arm64'],
      flags,
      extra: [],
      context: '.',
    };
    const job = {
      builder: 'mpb-no-such',
      platforms: ['linux/arm64'],
      metadataFile: 'm.json',
      cacheFrom: [],
      cacheTo: [],
    };
    const argv = splitJobArgs(input, job, 'localhost:5000/app');
    const r = parse(argv);
    // --debug (0.17+) adds buildx's stack after the error line.
    expect(r.stderr.split('\n')[0], argv.join(' ')).toBe('ERROR: no builder "mpb-no-such" found');
  });
});
