// The protobuf wire format and gRPC's message framing, read by hand: enough for the few BuildKit replies mpb
// reads (list-workers.ts, build-history.ts) without a protobuf library or BuildKit's .proto files.

/** Thrown by the readers here on bytes they cannot read; each parser turns it into its `{ok: false, why}`. */
export class Unreadable extends Error {}

/** One protobuf field: its number and either a varint or the bytes of a length-delimited value. */
export type Field = { no: number; varint: bigint } | { no: number; bytes: Uint8Array };

function varint(buf: Uint8Array, at: { i: number }): bigint {
  let value = 0n;
  for (let shift = 0n; shift < 70n; shift += 7n) {
    const byte = buf[at.i++];
    if (byte === undefined) throw new Unreadable('a varint runs past the end');
    value |= BigInt(byte & 0x7f) << shift;
    if ((byte & 0x80) === 0) return value;
  }
  throw new Unreadable('a varint longer than 10 bytes');
}

/** The fields of one message, in wire order (a fixed-size field is kept as number and a zero varint). */
export function fieldsOf(buf: Uint8Array): Field[] {
  const fields: Field[] = [];
  const at = { i: 0 };
  while (at.i < buf.length) {
    const key = varint(buf, at);
    const no = Number(key >> 3n);
    switch (Number(key & 7n)) {
      case 0:
        fields.push({ no, varint: varint(buf, at) });
        break;
      case 1:
      case 5: {
        at.i += Number(key & 7n) === 1 ? 8 : 4;
        if (at.i > buf.length) throw new Unreadable('a fixed-size field runs past the end');
        fields.push({ no, varint: 0n });
        break;
      }
      case 2: {
        const length = Number(varint(buf, at));
        if (at.i + length > buf.length) throw new Unreadable('a length-delimited field runs past the end');
        fields.push({ no, bytes: buf.subarray(at.i, at.i + length) });
        at.i += length;
        break;
      }
      default:
        throw new Unreadable(`wire type ${key & 7n} (groups are not used by BuildKit)`);
    }
  }
  return fields;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

export function bytesOf(f: Field, what: string): Uint8Array {
  if (!('bytes' in f)) throw new Unreadable(`${what} is not length-delimited`);
  return f.bytes;
}
export const textOf = (f: Field, what: string): string => utf8.decode(bytesOf(f, what));

export function varintOf(f: Field, what: string): bigint {
  if (!('varint' in f)) throw new Unreadable(`${what} is not a varint`);
  return f.varint;
}

/**
 * The messages of a gRPC body: each frame is 1 byte "compressed" flag, a 4-byte big-endian length, then the
 * message. A unary reply is one frame; a server stream is one frame per message sent.
 */
export function grpcMessagesOf(body: Uint8Array): Uint8Array[] {
  const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  const messages: Uint8Array[] = [];
  let at = 0;
  while (at < body.length) {
    if (at + 5 > body.length) throw new Unreadable(`a gRPC frame header cut short at byte ${at}`);
    if (body[at] !== 0) throw new Unreadable('a compressed gRPC frame');
    const length = view.getUint32(at + 1);
    if (at + 5 + length > body.length) throw new Unreadable(`a gRPC frame at byte ${at} runs past the end`);
    messages.push(body.subarray(at + 5, at + 5 + length));
    at += 5 + length;
  }
  return messages;
}
