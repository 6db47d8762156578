// `mpb config schema`: the JSON Schema of builders.yaml, generated from the zod schema that validates it.
import { configJsonSchema } from '../config/schema.js';
import type { Context } from '../context.js';

/** Prints the schema as one JSON document (the same with or without --json). */
export async function runConfigSchema(ctx: Context): Promise<number> {
  ctx.stdout.write(`${JSON.stringify(configJsonSchema(), null, 2)}\n`);
  return 0;
}
