// JSON text through a zod schema into a Parsed-style result: the shared first step of the JSON parsers.
import type { z } from 'zod';
import type { ParseError } from '../model.js';

export type JsonRead<T> = { ok: true; value: T } | { ok: false; error: ParseError };

/** A parse error for a whole JSON document: it quotes the first line, the rest says where. */
export function documentError(
  format: string,
  text: string,
  message: string,
): { ok: false; error: ParseError } {
  return {
    ok: false,
    error: { kind: 'parse-error', format, line: 1, text: text.split('\n')[0] ?? '', message },
  };
}

/** Parses `text` as JSON and checks it against `schema`; never throws. */
export function readJson<T>(format: string, text: string, schema: z.ZodType<T>): JsonRead<T> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return documentError(format, text, `not JSON: ${(e as Error).message}`);
  }
  const result = schema.safeParse(json);
  if (result.success) return { ok: true, value: result.data };
  const issue = result.error.issues[0];
  return documentError(format, text, `${issue?.path.join('.') || '(document)'}: ${issue?.message}`);
}
