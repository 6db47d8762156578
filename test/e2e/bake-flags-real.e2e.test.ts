// mpb bake's reads and argv against the real buildx of Debian trixie (0.13.1) and sid (0.29.1), no daemon:
// `--print` and `--list` through mpb, and every flag mpb bake passes on — in each job's argv and in the whole bake's —
// parsed by that buildx, which stops at the builder lookup once every flag was taken (`no builder … found`; an
// unknown flag or a bad value would stop it before).
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planBake } from '../../src/build/bake-plan.js';
import { readBakeRequest } from '../../src/build/bake-request.js';
import type { BuildTarget } from '../../src/build/target.js';
import { parseBakePrint } from '../../src/buildx/parse/bake-print.js';
import { versionOf } from '../../src/buildx/version.js';
import { cleanEnv, runMpb } from '../helpers/built-cli.js';
import { installRealBuildx } from '../helpers/real-buildx.js';
import { REAL_BUILDX } from '../helpers/versions.js';

const SUITES = REAL_BUILDX.map(({ suite, version }) => [suite, version] as const);
const installed = new Map(
  await Promise.all(SUITES.map(async ([suite]) => [suite, await installRealBuildx(suite)] as const)),
);

const HCL = `group "default" {
  targets = ["api", "web"]
}
target "base" {
  context   = "base"
  platforms = ["linux/amd64", "linux/arm64"]
}
target "api" {
  context   = "api"
  contexts  = { base = "target:base" }
  platforms = ["linux/amd64", "linux/arm64"]
  tags      = ["localhost:5000/shop/api:1"]
  cache-from = ["type=registry,ref=localhost:5000/shop/cache:api"]
}
target "web" {
  context   = "web"
  platforms = ["linux/amd64", "linux/arm64"]
  tags      = ["localhost:5000/shop/web:1"]
}
`;

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'mpb-e2e-bake-flags-'));
  writeFileSync(join(dir, 'docker-bake.hcl'), HCL);
  for (const name of ['base', 'api', 'web']) {
    mkdirSync(join(dir, name));
    writeFileSync(join(dir, name, 'Dockerfile'), 'FROM scratch\n');
  }
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const node = (name: string, platform: string) => ({
  name,
  status: 'running' as const,
  listed: [{ platform, pinned: true }],
  declared: { platforms: [platform], emulate: [] },
  native: { platforms: [platform], source: 'worker' as const },
});
const fleet = (version: string): BuildTarget => ({
  name: 'mpb-no-such',
  from: 'flag',
  spec: undefined,
  configFile: undefined,
  version: versionOf(version),
  driver: 'remote',
  platforms: [],
  shownPlatforms: [],
  nodes: [node('amd-1', 'linux/amd64'), node('amd-2', 'linux/amd64'), node('arm-1', 'linux/arm64')],
  ensure: undefined,
  preflight: undefined,
  probeNodes: [],
});

describe.each(SUITES)('mpb bake with the real buildx of Debian %s (%s)', (suite, version) => {
  const got = installed.get(suite)!;
  const skip = 'skip' in got ? got.skip : undefined;
  const newer = version.startsWith('0.29');
  const plugin = join('pluginDir' in got ? got.pluginDir : '', 'docker-buildx');
  // A DOCKER_CONFIG of its own holding only this plugin: mpb runs `docker buildx`, as a user's shell would.
  const env = () => {
    const config = mkdtempSync(join(tmpdir(), 'mpb-e2e-bake-config-'));
    mkdirSync(join(config, 'cli-plugins'));
    copyFileSync(plugin, join(config, 'cli-plugins', 'docker-buildx'));
    chmodSync(join(config, 'cli-plugins', 'docker-buildx'), 0o755);
    return cleanEnv({ DOCKER_CONFIG: config });
  };
  // The plugin by itself (buildx's standalone mode), in the bake file's folder: the words after `buildx`.
  const buildx = (argv: string[]) =>
    spawnSync(plugin, argv.slice(1), {
      cwd: dir,
      env: { ...process.env, DOCKER_CONFIG: mkdtempSync(join(tmpdir(), 'mpb-e2e-bake-cfg-')) },
      encoding: 'utf8',
    });
  const suffix = skip ? ` (skipped: ${skip})` : '';

  it.skipIf(skip)(`--print through mpb is buildx's own reading${suffix}`, () => {
    const e = env();
    const r = runMpb(['bake', '--print', '--set', 'web.platform=linux/arm64'], { env: e, cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    const def = parseBakePrint(r.stdout);
    expect(def.ok && def.value.targets['web']?.platforms).toEqual(['linux/arm64']);
    const list = runMpb(['bake', '--list', 'targets'], { env: e, cwd: dir });
    if (newer) {
      expect(list.code, list.stderr).toBe(0);
      expect(list.stdout).toMatch(/^api\b/m);
    } else {
      // 0.13.1 has no --list: buildx's own words, its exit code.
      expect(list.code).not.toBe(0);
      expect(list.stderr).toContain('unknown flag: --list');
    }
  });

  it.skipIf(skip)(
    `a bake file buildx cannot read: exit 2, buildx's own words, and what to do${suffix}`,
    () => {
      const e = env();
      const at = (files: Record<string, string>) => {
        const folder = mkdtempSync(join(dir, 'bad-')); // removed with dir
        for (const [name, text] of Object.entries(files)) writeFileSync(join(folder, name), text);
        return folder;
      };
      const none = runMpb(['bake', '--push'], { env: e, cwd: at({}) });
      expect(none.code, none.stderr).toBe(2);
      expect(none.stderr).toContain("buildx cannot read the bake file: couldn't find a bake definition");
      expect(none.stderr).toContain('mpb bake reads what docker buildx bake reads');
      // A syntax error: buildx's excerpt and its file:line,column stay; its progress lines go.
      const broken = 'target "app" {\n  context = "app"\n  platforms = ["linux/amd64"\n}\n';
      const bad = runMpb(['bake', '--push', '-f', 'broken.hcl'], {
        env: e,
        cwd: at({ 'broken.hcl': broken }),
      });
      expect(bad.code, bad.stderr).toBe(2);
      expect(bad.stderr).toContain('broken.hcl:4,1-2: Missing item separator');
      expect(bad.stderr).toContain('>>> }');
      expect(bad.stderr).not.toMatch(/^#1 /m);
      // No default group: name the targets, or add one.
      const bare = runMpb(['bake', '--push'], {
        env: e,
        cwd: at({ 'docker-bake.hcl': 'target "app" {\n  context = "."\n}\n' }),
      });
      expect(bare.code, bare.stderr).toBe(2);
      expect(bare.stderr).toContain('The file has no "default" group');
    },
  );

  it.skipIf(skip)(`every job's argv and the whole bake's, with every flag, parse${suffix}`, () => {
    const printed = buildx(['buildx', 'bake', '--print']);
    const def = parseBakePrint(printed.stdout);
    if (!def.ok) throw new Error(printed.stderr);
    const flags = {
      file: ['docker-bake.hcl'],
      set: ['*.args.MODE=prod'],
      pull: true,
      cache: false,
      provenance: 'mode=max',
      progress: 'plain',
      ...(newer ? { allow: ['fs.read=/tmp'] } : {}),
      cacheRef: 'localhost:5000/shop/cache',
    };
    const fleetPlan = planBake(
      def.value,
      fleet(version),
      readBakeRequest([], { ...flags, push: true }),
      new Map(),
    );
    expect(fleetPlan.jobs).toHaveLength(4);
    const wholes = [
      { load: true, metadataFile: 'meta.json' },
      ...(newer ? [{ check: true }, { call: 'outline' }] : []),
    ].map(
      (o) => planBake(def.value, fleet(version), readBakeRequest([], { ...flags, ...o }), new Map()).command!,
    );
    for (const argv of [...fleetPlan.jobs.map((j) => j.argv), ...wholes]) {
      const r = buildx(argv);
      // A job on a node buildx would not send its platform to names that node's helper builder.
      const builder = argv[argv.indexOf('--builder') + 1];
      expect(
        r.stderr.split('\n').find((l) => l.startsWith('ERROR')),
        argv.join(' '),
      ).toBe(`ERROR: no builder "${builder}" found`);
    }
  });

  it.skipIf(skip)(
    `each job, as buildx reads it (--print): one platform, untagged, pushed by digest, its cache${suffix}`,
    () => {
      const def = parseBakePrint(buildx(['buildx', 'bake', '--print']).stdout);
      if (!def.ok) throw new Error(def.error.message);
      const request = readBakeRequest([], {
        file: ['docker-bake.hcl'],
        push: true,
        cacheRef: 'localhost:5000/c',
      });
      for (const job of planBake(def.value, fleet(version), request, new Map()).jobs) {
        // The job's own argv with --print before its target: buildx applies every --set and says what it would build.
        const argv = [...job.argv.slice(0, -1), '--print', job.target];
        const r = buildx(argv);
        const read = parseBakePrint(r.stdout);
        if (!read.ok) throw new Error(`${argv.join(' ')}: ${r.stderr}`);
        const t = read.value.targets[job.target]!;
        expect(t.platforms).toEqual([job.platform]);
        expect(t.tags).toEqual([]);
        expect(t.outputs).toEqual([expect.stringMatching(/^type=image,.*push-by-digest=true/)]);
        expect(t.cacheFrom).toContain(
          `type=registry,ref=localhost:5000/c:${job.target}-${job.platform.replace('/', '-')}`,
        );
        // The target it is built from, for the same platform only.
        for (const linked of job.args.linked)
          expect(read.value.targets[linked]?.platforms).toEqual([job.platform]);
      }
    },
  );
});
