// `mpb config schema`: the JSON Schema of builders.yaml, generated from the zod schema that validates it.
import { configJsonSchema } from '../config/schema.js';
import type { Deps } from '../deps.js';
import type { NoOptions } from '../options.js';
import type { CommandResult } from '../run-command.js';

/** Prints the schema as one JSON document (the same with or without --json). */
export async function runConfigSchema(deps: Deps, _options: NoOptions): Promise<CommandResult> {
  deps.stdout.write(`${JSON.stringify(configJsonSchema(), null, 2)}\n`);
  return { outcome: 'ok' };
}
