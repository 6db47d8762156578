// The converged fast path's decision, on the real bytes of buildx's record and of two BuildKit daemons' ListWorkers
// answers (captures-local, builder duo): taken only when nothing is to change and every node is healthy.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { NodeAnswer } from '../../../src/buildx/inspect-from-record.js';
import { parseRecord } from '../../../src/buildx/instances.js';
import { parseInspect } from '../../../src/buildx/parse/inspect.js';
import { parseBuildxVersion } from '../../../src/buildx/version.js';
import type { BuilderSpec } from '../../../src/config/types.js';
import { answerOf, convergedFromRecord, recordPathRefusal } from '../../../src/reconcile/record-path.js';
import { builderSpec, nodeSpec } from '../core/fixtures.js';

const LOCAL = new URL('../../fixtures/captures-local/', import.meta.url);
const text = (path: string) => readFileSync(new URL(path, LOCAL), 'utf8');
const CERTS = '/tmp/mpb-bench-kit-K8OKoH/certs';
const TLS = {
  ca: `${CERTS}/ca.pem`,
  cert: `${CERTS}/client-cert.pem`,
  key: `${CERTS}/client-key.pem`,
  servername: undefined,
};

const node = (name: 'a' | 'b', port: number, platform: string, more: Partial<typeof TLS> = {}) =>
  nodeSpec({ name, endpoint: `tcp://127.0.0.1:${port}`, platforms: [platform], tls: { ...TLS, ...more } });
/** What the config declares for the captured builder duo. */
const DUO = builderSpec('duo', 'remote', [node('a', 45571, 'linux/amd64'), node('b', 39469, 'linux/arm64')]);

const record = () =>
  parseRecord(text('v0.29.1/record-buildx-instances-duo.json'), text('v0.29.1/record-buildx-activity-duo'));
const reply = (n: 'a' | 'b') => readFileSync(new URL(`buildkit-v0.32.2/listworkers-${n}.bin`, LOCAL));
/** The probe's answers: each declared node asked as declared, answering as the real daemon did. */
const answersFor = (spec: BuilderSpec) =>
  new Map<string, NodeAnswer>(
    spec.nodes.map((n) => [n.name, answerOf(n, reply(n.name === 'a' ? 'a' : 'b'))]),
  );
const version = (raw: string) => {
  const v = parseBuildxVersion(`github.com/docker/buildx ${raw} abc`);
  if (!v.ok) throw new Error(raw);
  return v.value;
};
const decide = (spec: BuilderSpec, over: Partial<Parameters<typeof convergedFromRecord>[1]> = {}) =>
  convergedFromRecord(spec, {
    record: record(),
    answers: answersFor(spec),
    version: version('0.29.1'),
    prune: false,
    recreate: false,
    ...over,
  });

describe('convergedFromRecord on the captured builder duo', () => {
  it('converged and healthy: the builder inspect printed', () => {
    const inspected = parseInspect(text('v0.29.1/record-duo-inspect.stdout'));
    expect(inspected.ok).toBe(true);
    if (inspected.ok) expect(decide(DUO)).toEqual({ ok: true, actual: inspected.value });
  });

  it.each<[string, () => ReturnType<typeof decide>, string]>([
    [
      'a pin changed in the config',
      () => decide(builderSpec('duo', 'remote', [node('a', 45571, 'linux/386'), DUO.nodes[1]!])),
      'the builder is to change',
    ],
    [
      'other TLS files in the config',
      () =>
        decide(
          builderSpec('duo', 'remote', [node('a', 45571, 'linux/amd64', { ca: '/x/ca.pem' }), DUO.nodes[1]!]),
        ),
      "node a: buildx's TLS options are not the ones asked with",
    ],
    [
      'a node the config adds',
      () =>
        decide(
          builderSpec('duo', 'remote', [
            ...DUO.nodes,
            nodeSpec({ ...node('a', 45572, 'linux/s390x'), name: 'c' }),
          ]),
        ),
      'the builder is to change',
    ],
    [
      'a declared platform no node serves',
      () =>
        decide(
          builderSpec('duo', 'remote', [
            { ...node('a', 45571, 'linux/amd64'), emulate: ['linux/s390x'] },
            DUO.nodes[1]!,
          ]),
        ),
      'the builder is to change',
    ],
    [
      'buildx 0.10.5',
      () => decide(DUO, { version: version('v0.10.5') }),
      'a record of buildx v0.10.5 is not known',
    ],
    [
      'a node that did not answer',
      () => decide(DUO, { answers: new Map([...answersFor(DUO)].slice(0, 1)) }),
      'node b was not asked',
    ],
    ['no record', () => decide(DUO, { record: { ok: false, why: 'no record' } }), 'no record'],
  ])('%s → inspect instead', (_, made, why) => {
    expect(made()).toEqual({ ok: false, why });
  });

  it('--recreate of a converged builder changes nothing (it replaces only a builder buildx cannot load)', () => {
    expect(decide(DUO, { recreate: true }).ok).toBe(true);
  });

  it('a platform emulated as declared is not a change: healthy only when served', () => {
    // duo's node b lists linux/riscv64 through QEMU: declaring it emulated pins it, which the record does not hold.
    const spec = builderSpec('duo', 'remote', [
      DUO.nodes[0]!,
      { ...node('b', 39469, 'linux/arm64'), emulate: ['linux/riscv64'] },
    ]);
    expect(decide(spec)).toEqual({ ok: false, why: 'the builder is to change' });
  });
});

describe('recordPathRefusal: builders never read from the record', () => {
  it.each<[string, BuilderSpec, string | undefined]>([
    ['remote TLS nodes', DUO, undefined],
    ['use: true', { ...DUO, use: true }, '`use: true`'],
    [
      'docker-container',
      builderSpec('duo', 'docker-container', [nodeSpec({ name: 'a' })]),
      'driver docker-container',
    ],
    [
      'a node without TLS',
      builderSpec('duo', 'remote', [{ ...DUO.nodes[0]!, tls: undefined }]),
      'node a is not a tcp:// node with TLS',
    ],
    [
      'a local node',
      builderSpec('duo', 'remote', [{ ...DUO.nodes[0]!, local: { image: 'moby/buildkit' } }]),
      'node a is not a tcp:// node with TLS',
    ],
    ['capitals in the name', { ...DUO, name: 'Duo' }, 'a builder name with capitals'],
  ])('%s', (_, spec, refusal) => {
    expect(recordPathRefusal(spec)).toBe(refusal);
  });
});
