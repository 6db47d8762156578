import { describe, expect, it } from 'vitest';
import { detectVersion, readBuilder, readBuilders, readCurrentBuilder } from '../../../src/buildx/read.js';
import type { Runner, RunOptions } from '../../../src/buildx/run-types.js';
import { versionOf } from '../../../src/buildx/version.js';
import { BuildxFailedError, ToolMissingError } from '../../../src/errors.js';
import { capture, type FakeRow, fakeRun } from '../../helpers/fake-run.js';
import { CAPTURED_VERSIONS as VERSIONS, type CapturedVersion as Version } from '../../helpers/versions.js';
import { INSPECT_CASES } from './inspect-cases.js';
import { LS_JSON_CASES } from './ls-json-cases.js';
import { LS_TEXT_CASES } from './ls-text-cases.js';

const VERSION = ['docker', 'buildx', 'version'];
const LS_TEXT = ['docker', 'buildx', 'ls'];
const LS_JSON = ['docker', 'buildx', 'ls', '--format', 'json'];

function expected<T>(cases: [string, string, T][], version: string, name: string): T {
  const row = cases.find(([v, n]) => v === version && n === name);
  if (!row) throw new Error(`no case ${version} ${name}`);
  return row[2];
}

/** fakeRun, also recording the options of each call (the timeout the caller chose). */
function recording(rows: FakeRow[]) {
  const fake = fakeRun(rows);
  const options: (RunOptions | undefined)[] = [];
  const run: Runner = (file, args, opts) => {
    options.push(opts);
    return fake(file, args, opts);
  };
  return { run, calls: fake.calls, options };
}

const rejection = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (e: unknown) => e,
  );

describe('detectVersion', () => {
  it.each<[Version, string]>([
    ['0.10.5', 'v0.10.5'],
    ['0.13.1', '0.13.1+ds1'],
    ['0.29.1', '0.29.1+ds1'],
  ])('reads %s from one `docker buildx version`', async (v, raw) => {
    const run = fakeRun([[VERSION, capture(v, 'version')]]);
    const version = await detectVersion(run);
    expect(version).toEqual(versionOf(raw));
    expect(run.calls).toEqual([VERSION]);
  });

  it('refuses buildx below 0.10 with exit 4', async () => {
    const run = fakeRun([[VERSION, { stdout: 'github.com/docker/buildx v0.9.1 ed00243\n' }]]);
    const e = await rejection(detectVersion(run));
    expect(e).toBeInstanceOf(ToolMissingError);
    expect((e as ToolMissingError).message).toContain('v0.9.1 is too old');
    expect((e as ToolMissingError).code).toBe('buildx.unusable');
  });

  it('says the plugin is missing when docker does not know `buildx`', async () => {
    const stderr = "docker: 'buildx' is not a docker command.\nSee 'docker --help'\n";
    const e = await rejection(detectVersion(fakeRun([[VERSION, { exitCode: 1, stderr }]])));
    expect(e).toBeInstanceOf(ToolMissingError);
    expect((e as ToolMissingError).message).toBe('the docker buildx plugin is not installed');
    expect((e as ToolMissingError).code).toBe('buildx.unusable');
  });

  it('quotes a version line it cannot read', async () => {
    const e = await rejection(detectVersion(fakeRun([[VERSION, { stdout: 'buildx (devel)\n' }]])));
    expect(e).toBeInstanceOf(BuildxFailedError);
    expect((e as BuildxFailedError).message).toBe(
      'could not read the output of `docker buildx version`: line 1: not a buildx version line\n  "buildx (devel)"',
    );
    expect((e as BuildxFailedError).code).toBe('buildx.unusable');
  });
});

describe('readBuilders: one `docker buildx ls`, JSON where the version has it', () => {
  it('0.10.5 reads the table, with the reasons for error rows from stderr', async () => {
    const run = fakeRun([[LS_TEXT, capture('0.10.5', 'ls-mixed')]]);
    expect(await readBuilders(run, versionOf('v0.10.5'))).toStrictEqual(
      expected(LS_TEXT_CASES, '0.10.5', 'ls-mixed'),
    );
    expect(run.calls).toEqual([LS_TEXT]);
  });

  it.each<Version>(['0.13.1', '0.29.1'])('%s reads `ls --format json`', async (v) => {
    const { run, calls, options } = recording([[LS_JSON, capture(v, 'ls-mixed-json')]]);
    expect(await readBuilders(run, versionOf(v))).toStrictEqual(expected(LS_JSON_CASES, v, 'ls-mixed-json'));
    expect(calls).toEqual([LS_JSON]);
    expect(options).toEqual([{ timeoutMs: 30_000 }]);
  });

  it('quotes the line of output it cannot read', async () => {
    const run = fakeRun([[LS_JSON, { stdout: '{"Name":"b","Driver":"remote"}\nnot json\n' }]]);
    const e = await rejection(readBuilders(run, versionOf('0.29.1')));
    expect(e).toBeInstanceOf(BuildxFailedError);
    expect((e as BuildxFailedError).message).toMatch(
      /^could not read the output of `docker buildx ls --format json`: line 2: not JSON/,
    );
    expect((e as BuildxFailedError).message).toContain('\n  "not json"');
    expect((e as BuildxFailedError).code).toBe('buildx.unreadable');
  });

  it('fails with buildx’s own words when `ls` fails', async () => {
    const run = fakeRun([[LS_TEXT, capture('0.10.5', 'ls-json')]]);
    const e = await rejection(readBuilders(run, versionOf('v0.10.5')));
    expect(e).toBeInstanceOf(BuildxFailedError);
    expect((e as BuildxFailedError).message).toContain(
      "unknown flag: --format\nSee 'docker buildx ls --help'.",
    );
  });
});

describe('readBuilder: one `docker buildx inspect`, in every version', () => {
  it.each(VERSIONS)('%s: reads the builder, pins and driver options included', async (v) => {
    const { run, calls, options } = recording([[['docker', 'buildx', 'inspect'], capture(v, 'inspect')]]);
    expect(await readBuilder(run, versionOf(v), 'builder')).toStrictEqual(
      expected(INSPECT_CASES, v, 'inspect'),
    );
    expect(calls).toEqual([['docker', 'buildx', 'inspect', 'builder']]);
    expect(options).toEqual([{ timeoutMs: 30_000 }]);
  });

  it.each(VERSIONS)('%s: bootstraps with the caller’s timeout', async (v) => {
    const { run, calls, options } = recording([
      [['docker', 'buildx', 'inspect'], capture(v, 'inspect-bootstrap')],
    ]);
    const builder = await readBuilder(run, versionOf(v), 'builder', { bootstrap: true, timeoutMs: 45_000 });
    expect(builder).toStrictEqual(expected(INSPECT_CASES, v, 'inspect-bootstrap'));
    expect(calls).toEqual([['docker', 'buildx', 'inspect', '--bootstrap', 'builder']]);
    expect(options).toEqual([{ timeoutMs: 45_000 }]);
  });

  it.each(VERSIONS)('%s: a builder buildx does not have is undefined', async (v) => {
    const run = fakeRun([[['docker', 'buildx', 'inspect'], capture(v, 'inspect-missing')]]);
    expect(await readBuilder(run, versionOf(v), 'nosuchbuilder')).toBeUndefined();
    expect(run.calls).toHaveLength(1);
  });

  it.each<Version>(['0.13.1', '0.29.1'])(
    '%s: a dead node fails the bootstrap with the last stderr lines',
    async (v) => {
      const run = fakeRun([[['docker', 'buildx', 'inspect'], capture(v, 'inspect-dead-bootstrap')]]);
      const e = await rejection(readBuilder(run, versionOf(v), 'deadb', { bootstrap: true }));
      expect(e).toBeInstanceOf(BuildxFailedError);
      expect((e as BuildxFailedError).message).toBe(
        'docker buildx inspect deadb failed (exit 1):\n------\n------\n > [dead0 internal] waiting for connection:\n------\nERROR: context deadline exceeded',
      );
    },
  );

  it('0.10.5: a bootstrap that hangs on a dead node says why when the timeout ends it', async () => {
    const { stdout } = capture('0.10.5', 'inspect-dead-bootstrap');
    const run = fakeRun([[['docker', 'buildx', 'inspect'], { stdout, timedOut: true, exitCode: 124 }]]);
    const e = await rejection(
      readBuilder(run, versionOf('v0.10.5'), 'deadb', { bootstrap: true, timeoutMs: 5_000 }),
    );
    expect(e).toBeInstanceOf(BuildxFailedError);
    expect((e as BuildxFailedError).message).toBe(
      '`docker buildx inspect --bootstrap deadb` did not finish in 5 s: buildx v0.10.5 waits forever for a node that does not answer',
    );
    expect((e as BuildxFailedError).hint).toContain('mpb doctor');
  });

  it('a failure that is not "no builder" is an error, not undefined', async () => {
    const stderr = 'ERROR: no builder "other" found\n';
    const run = fakeRun([[['docker', 'buildx', 'inspect'], { exitCode: 1, stderr }]]);
    await expect(readBuilder(run, versionOf('0.29.1'), 'mine')).rejects.toBeInstanceOf(BuildxFailedError);
  });
});

describe('readCurrentBuilder: one nameless `docker buildx inspect`', () => {
  it('is the builder buildx shows as current, marked current', async () => {
    const run = fakeRun([[['docker', 'buildx', 'inspect'], capture('0.29.1', 'inspect')]]);
    const current = await readCurrentBuilder(run);
    expect(run.calls).toEqual([['docker', 'buildx', 'inspect']]);
    expect(current?.name).toBe('builder');
    expect(current?.current).toBe(true);
    expect(current?.nodes.map((n) => n.name)).toEqual(['linux-amd64', 'linux-arm64']);
  });

  it('is undefined when buildx cannot show it: the caller then reads the builder by name', async () => {
    const run = fakeRun([[['docker', 'buildx', 'inspect'], capture('0.29.1', 'inspect-missing')]]);
    expect(await readCurrentBuilder(run)).toBeUndefined();
  });
});
