import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseProgressJson, type Vertex, vertexLabel } from '../../../src/buildx/parse/progress.js';

const FIXTURES = new URL('../../fixtures/', import.meta.url);
const stderrOf = (path: string) => readFileSync(new URL(`${path}.stderr`, FIXTURES), 'utf8');
const LOCAL = 'captures-local/v0.29.1';

function vertices(path: string): Vertex[] {
  const parsed = parseProgressJson(stderrOf(path));
  if (!parsed.ok) throw new Error(parsed.error.message);
  expect(parsed.unparsed).toEqual([]);
  return parsed.value;
}

/** The plain replay of the same record, read another way: `#N [label] name` headers, `#N CACHED`. */
function plainTruth(path: string) {
  const text = stderrOf(path);
  const names = new Map<string, string>();
  for (const m of text.matchAll(/^#(\d+) (.+)$/gm)) {
    if (!names.has(m[1]!) && !/^(DONE|CACHED|ERROR|\.\.\.)/.test(m[2]!)) names.set(m[1]!, m[2]!);
  }
  const cached = new Set([...text.matchAll(/^#(\d+) CACHED$/gm)].map((m) => names.get(m[1]!)));
  return { names: [...names.values()].sort(), cached: [...cached].sort() };
}

describe('vertexLabel', () => {
  it.each<[string, string | undefined, string | undefined]>([
    ['[linux/arm64 common 2/2] RUN x', 'linux/arm64', 'common 2/2'],
    ['[linux/amd64 internal] load metadata for busybox', 'linux/amd64', 'internal'],
    ['[linux/arm/v7 2/3] RUN x', 'linux/arm/v7', '2/3'],
    ['[linux/arm64/v8 1/2] FROM x', 'linux/arm64', '1/2'],
    ['[linux/riscv64] RUN x', 'linux/riscv64', undefined],
    ['[internal] load build definition from Dockerfile', undefined, 'internal'],
    ['[common 1/2] FROM x', undefined, 'common 1/2'],
    ['[2/3] RUN x', undefined, '2/3'],
    ['exporting to image', undefined, undefined],
  ])('%s → %s, %s', (name, platform, step) => {
    expect(vertexLabel(name)).toEqual({ platform, step });
  });
});

describe('parseProgressJson (buildx 0.29.1 history logs --progress rawjson, real daemons)', () => {
  it('a two-platform record on one node: every vertex once, its updates merged, the same as the plain replay', () => {
    const got = vertices(`${LOCAL}/logs-solo-history-logs-two-rawjson`);
    const truth = plainTruth(`${LOCAL}/logs-solo-history-logs-two`);
    expect(got.map((v) => v.name).sort()).toEqual(truth.names);
    expect(got.filter((v) => v.cached).map((v) => v.name)).toEqual(truth.cached);
    // The record's own count (history ls: total_steps 10, cached_steps 1).
    expect(got).toHaveLength(10);
    expect(got.map((v) => v.platform ?? '-').sort()).toEqual([
      '-',
      '-',
      '-',
      'linux/amd64',
      'linux/amd64',
      'linux/amd64',
      'linux/arm64',
      'linux/arm64',
      'linux/arm64',
      'linux/arm64',
    ]);
    const run = got.find((v) => v.name.startsWith('[linux/arm64 common 2/2] RUN'))!;
    expect(run).toMatchObject({ step: 'common 2/2', cached: false });
    // 18:56:37.016639915Z → 18:56:42.636497124Z, the plain replay's `#8 DONE 5.6s`.
    expect(run.completedMs! - run.startedMs!).toBe(5620);
    expect(got.every((v) => v.startedMs !== undefined && v.completedMs !== undefined)).toBe(true);
  });

  it('a one-platform record names no platform: `[common 2/2] RUN …`', () => {
    const got = vertices(`${LOCAL}/logs-solo-history-logs-amd64-rawjson`);
    expect(got.map((v) => v.name).sort()).toEqual(plainTruth(`${LOCAL}/logs-solo-history-logs-amd64`).names);
    expect(got.every((v) => v.platform === undefined)).toBe(true);
    expect(got.map((v) => v.step)).toContain('common 2/2');
  });

  it('a live two-node build (`buildx build --progress rawjson`, buildx-captures): both nodes’ vertices, one per digest', () => {
    const parsed = parseProgressJson(stderrOf('captures/v0.29.1/build-rawjson'));
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    const digests = parsed.value.map((v) => v.digest);
    expect(new Set(digests).size).toBe(digests.length);
    expect(parsed.value.every((v) => v.name !== '')).toBe(true);
  });

  it('a line that is not JSON is kept aside; a broken JSON line is an error with its line', () => {
    const ok = parseProgressJson('WARNING: something\n{"vertexes":null}\n');
    expect(ok).toEqual({ ok: true, value: [], unparsed: ['line 1: WARNING: something'] });
    const bad = parseProgressJson('{"vertexes":[{"digest":1}]}\n');
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error.line).toBe(1);
  });
});
