import { describe, expect, it } from 'vitest';
import { parseHistoryLs } from '../../../src/buildx/parse/history.js';
import { cacheFiguresOf, figuresByPlatform, sameSteps } from '../../../src/core/platform-figures.js';
import { capturedVertices, fixtureText } from './split-fixtures.js';

const LOCAL = 'captures-local/v0.29.1';
const AMD64 = 'linux/amd64';
const ARM64 = 'linux/arm64';

function record(ls: string, ref: string) {
  const parsed = parseHistoryLs(fixtureText(`${LOCAL}/${ls}`));
  if (!parsed.ok) throw new Error(parsed.error.message);
  return parsed.value.find((r) => r.ref === ref)!;
}

describe('figuresByPlatform', () => {
  it('two platforms on one node (solo-two): each its own vertices, the shared ones in neither', () => {
    const figures = figuresByPlatform(capturedVertices('logs-solo-history-logs-two-rawjson'), [AMD64, ARM64]);
    const amd64 = figures.get(AMD64)!;
    const arm64 = figures.get(ARM64)!;
    // amd64: load metadata, FROM, RUN (cached from the build before); arm64: load metadata, FROM, RUN, its own RUN.
    expect([amd64.totalSteps, amd64.cachedSteps]).toEqual([3, 1]);
    expect([arm64.totalSteps, arm64.cachedSteps]).toEqual([4, 0]);
    // With the 3 shared vertices (load build definition, load .dockerignore, exporting), the record's own count.
    const truth = record('logs-solo-history-ls-json', 'nqrrtudw35praf5zjvwg2xsqy');
    expect(amd64.totalSteps + arm64.totalSteps + 3).toBe(truth.totalSteps);
    expect(amd64.cachedSteps + arm64.cachedSteps).toBe(truth.cachedSteps);
    // Spans: amd64 18:56:36.721746898 → .834040509; arm64 36.719237391 → 42.968512399.
    expect(amd64.durationMs).toBe(113);
    expect(arm64.durationMs).toBe(6249);
    expect(arm64.steps.map((s) => [s.step, s.cached])).toEqual([
      ['extra-arm64 1/1', false],
      ['common 2/2', false],
    ]);
  });

  it('one platform per record (solo-amd64): every vertex is that platform’s, as the record counts them', () => {
    const figures = figuresByPlatform(capturedVertices('logs-solo-history-logs-amd64-rawjson'), [AMD64]);
    const truth = record('logs-solo-history-ls-json', 'yha0i9usjuhwsg934x3yz33zu');
    expect([...figures.keys()]).toEqual([AMD64]);
    expect(figures.get(AMD64)).toMatchObject({
      totalSteps: truth.totalSteps,
      cachedSteps: truth.cachedSteps,
    });
    expect(figures.get(AMD64)!.steps.map((s) => [s.step, s.durationMs])).toEqual([['common 2/2', 514]]);
  });

  it('unnamed vertices of a record whose platforms are not known belong to no platform', () => {
    expect(figuresByPlatform(capturedVertices('logs-solo-history-logs-amd64-rawjson'), []).size).toBe(0);
  });
});

describe('sameSteps', () => {
  const native = figuresByPlatform(capturedVertices('logs-solo-history-logs-amd64-rawjson'), [AMD64]).get(
    AMD64,
  )!;
  const emulated = figuresByPlatform(capturedVertices('logs-duo-history-logs-two-rawjson'), [ARM64]).get(
    ARM64,
  )!;

  it('matches the RUN steps both ran by their place in the Dockerfile: arm64 under QEMU against amd64', () => {
    // `common 2/2` only: `extra-arm64 1/1` has no amd64 counterpart. 5543 ms on bravo, 514 ms on alpha (whole milliseconds).
    expect(sameSteps(emulated, native)).toEqual({ steps: 1, emulatedMs: 5543, nativeMs: 514 });
  });

  it('a cached step on either side is not a measurement', () => {
    const cachedNative = figuresByPlatform(capturedVertices('logs-solo-history-logs-two-rawjson'), [
      AMD64,
      ARM64,
    ]).get(AMD64)!;
    expect(sameSteps(emulated, cachedNative)).toBeUndefined();
  });
});

describe('cacheFiguresOf', () => {
  it('counts the steps that build layers (solo-two): the RUN served from the build before, the two new ones not', () => {
    const vertices = capturedVertices('logs-solo-history-logs-two-rawjson');
    // Left out: load build definition, load .dockerignore, each platform's load metadata and FROM, the export.
    expect(cacheFiguresOf(vertices)).toEqual({ cachedSteps: 1, totalSteps: 3 });
    // amd64's own share, as a one-platform job's record holds it: its one RUN came from the cache, all of it.
    const amd64 = vertices.filter((v) => v.platform === AMD64);
    expect(cacheFiguresOf(amd64)).toEqual({ cachedSteps: 1, totalSteps: 1 });
    expect(cacheFiguresOf(vertices.filter((v) => v.platform === ARM64))).toEqual({
      cachedSteps: 0,
      totalSteps: 2,
    });
  });
});
