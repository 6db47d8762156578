import { describe, expect, it } from 'vitest';
import {
  classifyImagetoolsFailure,
  inspectImage,
  rawManifest,
  registryOf,
} from '../../../src/buildx/images.js';
import { BuildxFailedError, InternalError, isMpbError } from '../../../src/errors.js';
import { capture, fakeRun } from '../../helpers/fake-run.js';
import { CAPTURED_VERSIONS as VERSIONS } from '../../helpers/versions.js';

// docker-registry 2.8.2 with htpasswd auth, read by buildx 0.13.1 and 0.29.1 alike
// (test/e2e/inspect-registry.e2e.test.ts checks these are still the words).
const NO_LOGIN =
  'ERROR: pull access denied, repository does not exist or may require authorization: authorization failed: no basic auth credentials\n';
const BAD_PASSWORD =
  'ERROR: unexpected status from HEAD request to http://127.0.0.1:5056/v2/test/app/manifests/amd64: 401 Unauthorized\n';

describe('classifyImagetoolsFailure', () => {
  it.each(VERSIONS)('v%s captures: missing tag and closed port', (version) => {
    expect(classifyImagetoolsFailure(capture(version, 'imagetools-missing').stderr)).toEqual({
      kind: 'not-found',
    });
    expect(classifyImagetoolsFailure(capture(version, 'imagetools-noregistry').stderr)).toEqual({
      kind: 'unreachable',
    });
  });

  it.each([
    [NO_LOGIN, 'unauthorized'],
    [BAD_PASSWORD, 'unauthorized'],
    [
      'ERROR: failed to do request: Head "https://nosuch.invalid/v2/a/manifests/1": dial tcp: lookup nosuch.invalid: no such host\n',
      'unreachable',
    ],
    [
      'ERROR: failed to do request: Head "https://r:5000/v2/a/manifests/1": http: server gave HTTP response to HTTPS client\n',
      'unreachable',
    ],
    ['ERROR: something new\n', 'other'],
  ])('%s → %s', (stderr, kind) => {
    expect(classifyImagetoolsFailure(stderr).kind).toBe(kind);
  });
});

describe('registryOf', () => {
  it.each([
    ['127.0.0.1:5000/test/app:1', '127.0.0.1:5000'],
    ['localhost/app', 'localhost'],
    ['ghcr.io/org/app@sha256:abc', 'ghcr.io'],
    ['myorg/app:1', 'docker.io'],
    ['alpine', 'docker.io'],
  ])('%s → %s', (ref, registry) => expect(registryOf(ref)).toBe(registry));
});

describe('inspectImage', () => {
  it.each(VERSIONS)('v%s: one docker call with --format {{json .}}', async (version) => {
    const ref = `localhost:5000/capture/hello:${version}`;
    const run = fakeRun([
      [['docker', 'buildx', 'imagetools', 'inspect'], capture(version, 'imagetools-json')],
    ]);
    const report = await inspectImage(run, ref);
    expect(run.calls).toEqual([['docker', 'buildx', 'imagetools', 'inspect', '--format', '{{json .}}', ref]]);
    expect(report.platforms.map((p) => p.platform)).toEqual(['linux/amd64', 'linux/arm64']);
  });

  async function failureOf(stderr: string, ref = 'localhost:5000/capture/nosuch:1') {
    const run = fakeRun([[['docker'], { exitCode: 1, stderr }]]);
    try {
      await inspectImage(run, ref);
    } catch (e) {
      if (!isMpbError(e)) throw e;
      return { name: e.name, exitCode: e.exitCode, message: e.message, hint: e.hint };
    }
    throw new Error('expected a failure');
  }

  it('a missing tag says so, exit 1 (capture imagetools-missing)', async () => {
    expect(await failureOf(capture('0.29.1', 'imagetools-missing').stderr)).toEqual({
      name: 'BuildxFailedError',
      exitCode: 1,
      message: 'localhost:5000/capture/nosuch:1 was not found: localhost:5000 has no such image or tag',
      hint: 'Check the repository and tag (a typo, or the push did not happen); `mpb build ... --push` pushes it.',
    });
  });

  it('a closed port names the registry and the cause (capture imagetools-noregistry)', async () => {
    expect(
      await failureOf(capture('0.13.1', 'imagetools-noregistry').stderr, '127.0.0.1:5999/x/y:1'),
    ).toEqual({
      name: 'BuildxFailedError',
      exitCode: 1,
      message:
        'cannot reach the registry 127.0.0.1:5999: failed to do request: Head "http://127.0.0.1:5999/v2/x/y/manifests/1": dial tcp 127.0.0.1:5999: connect: connection refused',
      hint: 'Check the host and port, that the registry is running, and that this machine can reach it.',
    });
  });

  it('an authentication failure points at docker login', async () => {
    const failure = await failureOf(BAD_PASSWORD, '127.0.0.1:5056/test/app:amd64');
    expect(failure.message).toBe(
      '127.0.0.1:5056 refused access to 127.0.0.1:5056/test/app:amd64: unexpected status from HEAD request to http://127.0.0.1:5056/v2/test/app/manifests/amd64: 401 Unauthorized',
    );
    expect(failure.hint).toMatch(/^Log in with `docker login 127\.0\.0\.1:5056`/);
  });

  it('anything else keeps buildx words and the exit code', async () => {
    const failure = await failureOf('ERROR: something new\n');
    expect(failure).toMatchObject({ name: 'BuildxFailedError', exitCode: 1 });
    expect(failure.message).toBe(
      'reading localhost:5000/capture/nosuch:1 failed (exit 1):\nERROR: something new',
    );
  });

  it('output it cannot read is a bug report, not a crash', async () => {
    const run = fakeRun([[['docker'], capture('0.29.1', 'imagetools')]]);
    await expect(inspectImage(run, 'r')).rejects.toBeInstanceOf(InternalError);
  });
});

describe('rawManifest', () => {
  it('returns the bytes untouched: no newline added (v0.29.1 imagetools-raw)', async () => {
    const raw = capture('0.29.1', 'imagetools-raw').stdout;
    const run = fakeRun([[['docker', 'buildx', 'imagetools', 'inspect', '--raw', 'r:1'], { stdout: raw }]]);
    expect(await rawManifest(run, 'r:1')).toBe(raw);
    expect(raw.endsWith('}')).toBe(true);
  });

  it('fails like inspectImage', async () => {
    const run = fakeRun([[['docker'], capture('0.10.5', 'imagetools-missing')]]);
    await expect(rawManifest(run, 'r:1')).rejects.toBeInstanceOf(BuildxFailedError);
  });
});
