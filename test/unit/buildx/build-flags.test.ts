// The one table of pass-through flags (src/buildx/build-flags.ts) against real `docker buildx build --help`
// captures: every flag a captured buildx lists is a row (or one of mpb's own), with the short letter buildx
// gives it and a `since` no newer than that buildx. A newer buildx's help capture, dropped into
// test/fixtures/captures-local/vX.Y.Z/build-help.stdout, fails here until the table has its flags.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  BUILD_FLAGS,
  type BuildFlags,
  buildFlagArgs,
  buildFlagRows,
  flagsMissingFrom,
  flagsNewerThan,
  hasFlag,
  jobFlagsOf,
  MPB_OWN_FLAGS,
  singleOnlyReasons,
} from '../../../src/buildx/build-flags.js';
import { MIN_VERSION, versionOf } from '../../../src/buildx/version.js';

const LOCAL = fileURLToPath(new URL('../../fixtures/captures-local/', import.meta.url));

/** Every `vX.Y.Z/build-help.stdout` capture, newest last. */
const HELP_CAPTURES = readdirSync(LOCAL)
  .filter((d) => /^v\d+\.\d+\.\d+$/.test(d))
  .filter((d) => readdirSync(`${LOCAL}${d}`).includes('build-help.stdout'))
  .map((d) => d.slice(1));

interface HelpFlag {
  long: string;
  short: string | undefined;
  /** pflag's type word (`string`, `stringArray`, `strings`, `bytes`, `ulimit`), undefined for a boolean. */
  type: string | undefined;
}

/** The flags of a `--help` text: lines `  -t, --tag stringArray   Name…` (continuation lines start with blanks). */
function helpFlags(text: string): HelpFlag[] {
  return [...text.matchAll(/^ {2,}(?:-([a-zA-Z]), )?(--[a-z][a-z0-9-]*)(?: ([a-zA-Z]+))? {2,}/gm)].map(
    (m) => ({ short: m[1] === undefined ? undefined : `-${m[1]}`, long: m[2]!, type: m[3] }),
  );
}

const help = (version: string) => readFileSync(`${LOCAL}v${version}/build-help.stdout`, 'utf8');
const rowOf = (long: string) => buildFlagRows().find(([, r]) => r.long === long)?.[1];
const own = new Set<string>(MPB_OWN_FLAGS);

describe('the flag table holds every flag of the captured `docker buildx build --help`', () => {
  it('has captures of 0.13.1 and 0.29.1 at least', () => {
    expect(HELP_CAPTURES).toEqual(expect.arrayContaining(['0.13.1', '0.29.1']));
  });

  describe.each(HELP_CAPTURES)('buildx %s', (version) => {
    const flags = helpFlags(help(version));

    it('lists flags (the reader of --help works on it)', () => {
      expect(flags.length).toBeGreaterThan(25);
      expect(flags.map((f) => f.long)).toContain('--tag');
    });

    it.each(flags.map((f) => [f.long, f] as const))('%s is a row or mpb’s own', (long, f) => {
      if (own.has(long)) return;
      const row = rowOf(long);
      expect(row, `${long} of buildx ${version} is missing from src/buildx/build-flags.ts`).toBeDefined();
      expect(row!.short).toBe(f.short);
      // pflag's bool has no type word; every other type takes a value.
      expect(row!.arity === 'boolean').toBe(f.type === undefined);
      if (f.type === 'stringArray' || f.type === 'strings' || f.type === 'ulimit')
        expect(row!.arity).toBe('list');
      expect(hasFlag(row!, versionOf(version)), `${long} is in ${version}, so since ≤ ${version}`).toBe(true);
    });
  });

  it('each row newer than a captured buildx is absent from its help (since is not too early)', () => {
    for (const version of HELP_CAPTURES) {
      const listed = new Set(helpFlags(help(version)).map((f) => f.long));
      const v = versionOf(version);
      for (const [, row] of buildFlagRows())
        expect(listed.has(row.long), `${row.long} in ${version}`).toBe(hasFlag(row, v));
    }
  });

  it('0.13.1 lacks --call, --check and --debug, which 0.29.1 has (the 13 of issue 23 are rows)', () => {
    const old = new Set(helpFlags(help('0.13.1')).map((f) => f.long));
    const now = new Set(helpFlags(help('0.29.1')).map((f) => f.long));
    expect([...now].filter((f) => !old.has(f)).sort()).toEqual(['--call', '--check', '--debug']);
    const issue =
      '--add-host --allow --annotation --build-context --call --cgroup-parent --check --iidfile --network --no-cache-filter --quiet --shm-size --ulimit';
    for (const long of issue.split(' ')) expect(rowOf(long), long).toBeDefined();
  });
});

describe('since: the release that added each flag (docker/buildx commands/build.go, tag by tag)', () => {
  it.each([
    ['--metadata-file', '0.6.0'],
    ['--quiet', '0.7.0'],
    ['--build-context', '0.8.0'],
    ['--attest', '0.10.0'],
    ['--annotation', '0.12.0'],
    ['--call', '0.15.0'],
    ['--check', '0.15.0'],
    ['--debug', '0.17.0'],
    ['--policy', '0.31.0'],
    ['--resource', '0.35.0'],
  ])('%s came in %s', (long, since) => {
    expect(rowOf(long)?.since).toBe(since);
  });

  it('the flags 0.13.1 lacks, and none that every supported buildx has', () => {
    const flags: BuildFlags = {
      check: true,
      call: 'outline',
      network: 'host',
      annotation: ['a=b'],
      quiet: true,
    };
    expect(flagsMissingFrom(flags, versionOf('0.13.1')).map((r) => r.long)).toEqual(['--call', '--check']);
    expect(flagsMissingFrom(flags, versionOf('0.29.1'))).toEqual([]);
    expect(flagsNewerThan({ network: 'host', quiet: true, tag: ['a'] }, MIN_VERSION)).toEqual([]);
    expect(flagsNewerThan({ annotation: ['a=b'] }, MIN_VERSION).map((r) => r.long)).toEqual(['--annotation']);
  });
});

describe('argv', () => {
  it('every arity: a boolean once, a value once (the last), a list once per value', () => {
    expect(
      buildFlagArgs({
        network: 'host',
        addHost: ['a:1.2.3.4', 'b:5.6.7.8'],
        shmSize: '2g',
        ulimit: ['nofile=1024:2048'],
        quiet: true,
        check: true,
        cache: false,
        debug: true,
      }),
    ).toEqual([
      '--network',
      'host',
      '--add-host',
      'a:1.2.3.4',
      '--add-host',
      'b:5.6.7.8',
      '--shm-size',
      '2g',
      '--ulimit',
      'nofile=1024:2048',
      '--check',
      '--quiet',
      '--no-cache',
      '--debug',
    ]);
  });
});

describe('split rules', () => {
  it('a split job gets every-job flags and none of those the split makes its own or merges', () => {
    const flags: BuildFlags = {
      tag: ['r/a:1'],
      push: true,
      network: 'host',
      iidfile: 'id.txt',
      metadataFile: 'm.json',
      quiet: true,
      allow: ['network.host'],
    };
    expect(jobFlagsOf(flags)).toEqual({ network: 'host', allow: ['network.host'] });
  });

  it.each<[string, BuildFlags, string[]]>([
    ['--check', { check: true }, ['--check']],
    ['--call outline', { call: 'outline' }, ['--call outline']],
    ['--call build (a build like any other)', { call: 'build' }, []],
    ['--load', { load: true }, ['--load']],
    ['a manifest annotation', { annotation: ['org.opencontainers.image.title=x', 'manifest:a=b'] }, []],
    ['an index annotation', { annotation: ['a=b', 'index:org.x=1'] }, ['--annotation index:org.x=1']],
    [
      'an index-descriptor annotation for a platform',
      { annotation: ['index-descriptor[linux/amd64]:k=v'] },
      ['--annotation index-descriptor[linux/amd64]:k=v'],
    ],
    [
      'forwarded flags',
      {
        network: 'host',
        addHost: ['h:1.2.3.4'],
        shmSize: '1g',
        ulimit: ['nofile=1'],
        buildContext: ['x=y'],
        allow: ['network.host'],
      },
      [],
    ],
  ])('%s', (_, flags, expected) => {
    expect(singleOnlyReasons(flags).map((r) => r.flag)).toEqual(expected);
  });

  it('every row says what a split does with it', () => {
    for (const [key, row] of buildFlagRows()) {
      expect(['every-job', 'own', 'merged', 'single'], key).toContain(row.split.kind);
      expect(BUILD_FLAGS[key].long).toBe(row.long);
    }
  });
});
