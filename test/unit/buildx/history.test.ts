import { describe, expect, it } from 'vitest';
import {
  type HistoryDetail,
  newestRecord,
  parseHistoryInspect,
  parseHistoryLs,
  recordOfDetail,
  recordsOfRef,
  spanMs,
  splitBuildRef,
} from '../../../src/buildx/parse/history.js';
import { fixtureText } from '../core/split-fixtures.js';

const LOCAL = 'captures-local/v0.29.1';

describe('parseHistoryLs', () => {
  it('reads one record per node and build from the real capture (two builds on cap: nodes a and b)', () => {
    const parsed = parseHistoryLs(fixtureText(`${LOCAL}/history-ls-json`));
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.unparsed).toEqual([]);
    expect(parsed.value).toEqual([
      {
        builder: 'cap',
        node: 'b',
        ref: 'iv3emo1x36aa3514fjlsiy3zl',
        name: 'ctx',
        status: 'completed',
        createdAt: '2026-12-01T21:15:41.944253921Z',
        completedAt: '2026-12-01T21:15:42.364835299Z',
        totalSteps: 6,
        completedSteps: 6,
        cachedSteps: 1,
      },
      {
        builder: 'cap',
        node: 'a',
        ref: 'iv3emo1x36aa3514fjlsiy3zl',
        name: 'ctx',
        status: 'completed',
        createdAt: '2026-12-01T21:15:41.941034338Z',
        completedAt: '2026-12-01T21:15:42.267019454Z',
        totalSteps: 6,
        completedSteps: 6,
        cachedSteps: 1,
      },
      {
        builder: 'cap',
        node: 'a',
        ref: 'rjsy6n6iohw7aifr8h97cw9u3',
        name: 'ctx',
        status: 'completed',
        createdAt: '2026-12-01T21:15:38.188409985Z',
        completedAt: '2026-12-01T21:15:40.327158031Z',
        totalSteps: 6,
        completedSteps: 6,
        cachedSteps: 0,
      },
      {
        builder: 'cap',
        node: 'b',
        ref: 'rjsy6n6iohw7aifr8h97cw9u3',
        name: 'ctx',
        status: 'completed',
        createdAt: '2026-12-01T21:15:38.187521647Z',
        completedAt: '2026-12-01T21:15:40.954392485Z',
        totalSteps: 6,
        completedSteps: 6,
        cachedSteps: 0,
      },
    ]);
  });

  it.each<[string, string, { ok: boolean; status?: string; unparsed?: string[]; message?: RegExp }]>([
    ['no history: empty output', '', { ok: true }],
    [
      'a running build has no completed_at and says Running',
      '{"cached_steps":0,"completed_steps":2,"created_at":"2026-12-01T21:15:41Z","name":"ctx","ref":"b/n/r","status":"Running","total_steps":6}',
      { ok: true, status: 'running' },
    ],
    [
      'a failed build says Error',
      '{"cached_steps":0,"completed_at":"2026-12-01T21:15:42Z","completed_steps":2,"created_at":"2026-12-01T21:15:41Z","name":"ctx","ref":"b/n/r","status":"Error","total_steps":6}',
      { ok: true, status: 'failed' },
    ],
    [
      'a key a newer buildx adds is reported, not dropped',
      '{"cached_steps":0,"completed_steps":2,"created_at":"x","name":"ctx","ref":"b/n/r","status":"Running","total_steps":6,"link":"y"}',
      { ok: true, unparsed: ['line 1: unknown key link'] },
    ],
    [
      'a ref that is not builder/node/ref',
      '{"cached_steps":0,"completed_steps":2,"created_at":"x","name":"ctx","ref":"r","status":"Running","total_steps":6}',
      { ok: false, message: /not builder\/node\/ref/ },
    ],
    ['text output instead of JSON', 'BUILD ID   NAME', { ok: false, message: /not JSON/ }],
  ])('%s', (_, text, expected) => {
    const parsed = parseHistoryLs(text);
    expect(parsed.ok).toBe(expected.ok);
    if (parsed.ok) {
      if (expected.status) expect(parsed.value[0]?.status).toBe(expected.status);
      expect(parsed.unparsed).toEqual(expected.unparsed ?? []);
    } else {
      expect(parsed.error.message).toMatch(expected.message!);
    }
  });
});

describe('parseHistoryLs on 0.13.1', () => {
  it('has no --format there: stdout is empty (the error is on stderr, exit 125), so no records', () => {
    expect(parseHistoryLs(fixtureText('captures-local/v0.13.1/history-ls-json'))).toEqual({
      ok: true,
      value: [],
      unparsed: [],
    });
  });
});

describe('parseHistoryInspect', () => {
  it.each<[string, Partial<HistoryDetail>]>([
    [
      'history-inspect-first-json',
      {
        ref: 'rjsy6n6iohw7aifr8h97cw9u3',
        platforms: ['linux/amd64'],
        status: 'completed',
        durationMs: 2139,
        totalSteps: 6,
        cachedSteps: 0,
        error: undefined,
      },
    ],
    [
      'history-inspect-cached-json',
      { ref: 'iv3emo1x36aa3514fjlsiy3zl', platforms: ['linux/arm64'], durationMs: 421, cachedSteps: 1 },
    ],
  ])('%s', (name, expected) => {
    const parsed = parseHistoryInspect(fixtureText(`${LOCAL}/${name}`));
    expect(parsed.ok).toBe(true);
    if (parsed.ok) expect(parsed.value).toMatchObject(expected);
  });

  it('joins the error name and message of a failed build', () => {
    const text = JSON.stringify({
      Ref: 'r',
      Status: 'failed',
      Error: {
        Code: 2,
        Message: 'process "/bin/sh -c false" did not complete successfully',
        Name: 'RUN false',
      },
      NumCompletedSteps: 1,
      NumTotalSteps: 3,
      NumCachedSteps: 0,
    });
    const parsed = parseHistoryInspect(text);
    expect(parsed.ok && parsed.value.error).toBe(
      'RUN false: process "/bin/sh -c false" did not complete successfully',
    );
  });
});

describe('newestRecord', () => {
  it('the record `history logs ID` replays on a multi-node builder: the latest created (captures-local duo: b, 2 ms after a)', () => {
    const parsed = parseHistoryLs(fixtureText(`${LOCAL}/logs-duo-history-ls-json`));
    if (!parsed.ok) throw new Error(parsed.error.message);
    const mine = recordsOfRef(parsed.value, '7ecu5i906t6fl728cxy2fvnrm');
    expect(newestRecord(mine)?.node).toBe('b');
    expect(newestRecord([...mine].reverse())?.node).toBe('b');
    expect(newestRecord([])).toBeUndefined();
  });

  it('compares whole nanoseconds, not text: .7 s is later than .65 s', () => {
    const at = (node: string, createdAt: string) => ({ ...records0(), node, createdAt });
    expect(newestRecord([at('x', '2026-12-06T18:56:44.65Z'), at('y', '2026-12-06T18:56:44.7Z')])?.node).toBe(
      'y',
    );
  });
});

function records0() {
  const parsed = parseHistoryLs(fixtureText(`${LOCAL}/history-ls-json`));
  if (!parsed.ok) throw new Error(parsed.error.message);
  return parsed.value[0]!;
}

describe('recordOfDetail', () => {
  const parsed = parseHistoryLs(fixtureText(`${LOCAL}/history-ls-json`));
  const records = parsed.ok ? parsed.value : [];
  const detailOf = (name: string) => {
    const d = parseHistoryInspect(fixtureText(`${LOCAL}/${name}`));
    if (!d.ok) throw new Error(d.error.message);
    return d.value;
  };
  it.each([
    ['history-inspect-first-json', 'a'],
    ['history-inspect-cached-json', 'b'],
  ])('%s is node %s’s record (the text form names it: cap/NODE/ID)', (name, node) => {
    expect(recordOfDetail(records, detailOf(name))?.node).toBe(node);
  });
  it('matches the same instant written with a local offset, to the nanosecond', () => {
    const first = detailOf('history-inspect-first-json');
    const local = { ...first, startedAt: '2026-12-01T22:15:38.188409985+01:00' };
    expect(recordOfDetail(records, local)?.node).toBe('a');
    const close = { ...first, startedAt: '2026-12-01T21:15:38.1884Z' };
    expect(recordOfDetail(records, close)).toBeUndefined();
  });
});

describe('helpers', () => {
  it('splitBuildRef reads the metadata file’s buildx.build.ref', () => {
    expect(splitBuildRef('cap/a/zig65vn2bae65u3ekkx9tysl0')).toEqual({
      builder: 'cap',
      node: 'a',
      ref: 'zig65vn2bae65u3ekkx9tysl0',
    });
    expect(splitBuildRef('nonsense')).toBeUndefined();
  });
  it('recordsOfRef keeps every node of one build', () => {
    const parsed = parseHistoryLs(fixtureText(`${LOCAL}/history-ls-json`));
    const nodes = parsed.ok ? recordsOfRef(parsed.value, 'rjsy6n6iohw7aifr8h97cw9u3').map((r) => r.node) : [];
    expect(nodes).toEqual(['a', 'b']);
  });
  it('spanMs', () => {
    expect(spanMs('2026-12-01T21:15:38.188Z', '2026-12-01T21:15:40.327Z')).toBe(2139);
    expect(spanMs('2026-12-01T21:15:38Z', undefined)).toBeUndefined();
    expect(spanMs('x', 'y')).toBeUndefined();
  });
});
