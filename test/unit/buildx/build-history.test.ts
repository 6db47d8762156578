// The builds a daemon runs now, read from real ListenBuildHistory replies of BuildKit v0.32.2 (ActiveOnly,
// EarlyExit): idle, one and two builds running (test/fixtures/captures-local/INDEX.md, "BuildKit's active builds").
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseActiveBuilds } from '../../../src/buildx/parse/build-history.js';

const DIR = new URL('../../fixtures/captures-local/buildkit-v0.32.2/', import.meta.url);
const reply = (name: string) => readFileSync(new URL(`listenbuildhistory-${name}.bin`, DIR));
const IDLE = reply('idle');
const ONE = reply('one-active');
const TWO = reply('two-active');

/** The messages of a body, each with its 5-byte gRPC header. */
function framesOf(body: Buffer): Buffer[] {
  const frames: Buffer[] = [];
  for (let at = 0; at < body.length; at += 5 + body.readUInt32BE(at + 1))
    frames.push(body.subarray(at, at + 5 + body.readUInt32BE(at + 1)));
  return frames;
}

/** One real frame with `before` put ahead of its message and `after` behind it (the frame length fixed). */
function reframed(frame: Buffer, before: number[], after: number[] = []): Buffer {
  const message = Buffer.concat([Buffer.from(before), frame.subarray(5), Buffer.from(after)]);
  const head = Buffer.alloc(5);
  head.writeUInt32BE(message.length, 1);
  return Buffer.concat([head, message]);
}

describe('parseActiveBuilds: real BuildKit v0.32.2 replies', () => {
  it.each([
    ['idle: an empty stream', IDLE, []],
    ['one build running', ONE, ['0j0gywtd53udyloq74pf4dq3e']],
    ['two builds running, the older first', TWO, ['0j0gywtd53udyloq74pf4dq3e', 'xkbcznhvg9nb9hoidszislp41']],
  ])('%s', (_, body, refs) => {
    expect(parseActiveBuilds(body)).toEqual({ ok: true, refs });
  });

  it('counts STARTED events only: a COMPLETE or DELETED one (type 1, 2) is no running build', () => {
    const [first, second] = framesOf(TWO) as [Buffer, Buffer];
    const body = Buffer.concat([reframed(first, [0x08, 0x01]), reframed(second, [0x08, 0x02]), ONE]);
    expect(parseActiveBuilds(body)).toEqual({ ok: true, refs: ['0j0gywtd53udyloq74pf4dq3e'] });
  });

  it('an explicit type 0 is STARTED too', () => {
    expect(parseActiveBuilds(reframed(ONE, [0x08, 0x00]))).toEqual({
      ok: true,
      refs: ['0j0gywtd53udyloq74pf4dq3e'],
    });
  });

  it('tolerates fields it does not know, in the event and in the record', () => {
    // event field 9 (varint 7); record: field 14 `pinned` (varint 1) and field 40 (empty bytes), appended
    const record = [0x70, 0x01, 0xc2, 0x02, 0x00];
    const [frame] = framesOf(ONE) as [Buffer];
    const message = frame.subarray(5);
    // the event's record (field 2): its length byte is at 1; grow it by the appended bytes
    const grown = Buffer.concat([
      Buffer.from([0x12, message[1]! + record.length]),
      message.subarray(2),
      Buffer.from(record),
      Buffer.from([0x48, 0x07]),
    ]);
    const head = Buffer.alloc(5);
    head.writeUInt32BE(grown.length, 1);
    expect(parseActiveBuilds(Buffer.concat([head, grown]))).toEqual({
      ok: true,
      refs: ['0j0gywtd53udyloq74pf4dq3e'],
    });
  });

  it.each([
    ['a cut frame', ONE.subarray(0, 20)],
    ['a cut frame header', Buffer.concat([ONE, Buffer.from([0, 0])])],
    ['a compressed frame', Buffer.concat([Buffer.from([1]), ONE.subarray(1)])],
    ['a type that is not a varint', reframed(ONE, [0x0a, 0x00])],
  ])('%s is not understood, with why', (_, body) => {
    const read = parseActiveBuilds(body);
    expect(read.ok).toBe(false);
    expect(!read.ok && read.why).toMatch(/\w/);
  });
});
