// The shape of builders.yaml, version 1: one zod schema for validation and for `mpb config schema`.
// Cross-field rules live in rules.ts; this file only says what each key may hold.
import { z } from 'zod';
import { DECLARABLE_DRIVERS } from '../drivers/registry.js';

/** buildx's name rule (util/buildflags ValidateName): a letter, then letters, digits, `.`, `_` or `-`. */
export const NAME_PATTERN = /^[a-zA-Z][a-zA-Z0-9._-]*$/;
export const NAME_RULE = 'a letter first, then letters, digits, ".", "_" or "-"';
/** `strategy:` of a builder, as `mpb build --strategy`. */
export const STRATEGIES = ['auto', 'split', 'single'] as const;
export const DEFAULT_LOCAL_IMAGE = 'moby/buildkit:buildx-stable-1';

// Limits: no real config comes near them; they keep hostile input from reaching buildx or the terminal.
const MAX_NAME = 63;
const MAX_TEXT = 1024;
// Values reach buildx as argv entries, never through a shell; control characters (newlines included)
// would still split buildx's CSV driver options and garble every message that quotes them.
const NO_CONTROL = /^[^\u0000-\u001f\u007f]*$/;

const name = (what: string) =>
  z
    .string()
    .max(MAX_NAME, { error: `a ${what} name has at most ${MAX_NAME} characters` })
    .regex(NAME_PATTERN, { error: `not a valid ${what} name: buildx wants ${NAME_RULE}` });

const text = (max = MAX_TEXT) =>
  z
    .string()
    .min(1, { error: 'must not be empty' })
    .max(max, { error: `has more than ${max} characters` })
    .regex(NO_CONTROL, { error: 'contains a control character (a newline or tab?)' });

// A tls value is a path (one line) or PEM text, whose lines are a block's: line breaks only with -----BEGIN.
const MAX_PEM = 64 * 1024;
const PATH_OR_PEM =
  /^(?:[^\u0000-\u001f\u007f]*|(?=[\s\S]*-----BEGIN )[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]*)$/;
const pathOrPem = (what: string, variable: string) =>
  z
    .string()
    .min(1, { error: 'must not be empty' })
    .max(MAX_PEM, { error: `has more than ${MAX_PEM} characters` })
    .regex(PATH_OR_PEM, { error: 'contains a control character, and is not PEM text (-----BEGIN ...)' })
    .describe(
      `${what}: the path of a PEM file (~ and \${VAR} expand; relative to this file), or the PEM text itself, ` +
        `e.g. \${${variable}} holding it, or a | block; mpb writes text to a 0600 file for buildx`,
    );

const platformList = () => z.array(z.string().max(64, { error: 'not a platform' }));

const tlsSchema = z
  .object({
    ca: pathOrPem('CA certificate that signed the buildkitd server certificate', 'BUILDKIT_CA'),
    cert: pathOrPem('Client certificate buildx presents to buildkitd', 'BUILDKIT_CERT'),
    key: pathOrPem('Private key of the client certificate', 'BUILDKIT_KEY'),
    servername: text(253)
      .optional()
      .describe('Server name to verify in the buildkitd certificate, when it differs from the endpoint host'),
  })
  .strict()
  .describe('Mutual TLS for a remote node with a tcp:// endpoint: ca, cert and key are all required');

const nodeSchema = z
  .object({
    name: name('node').describe(`Node name, unique in its builder: ${NAME_RULE}`),
    endpoint: text()
      .optional()
      .describe(
        'remote: tcp://, unix://, ssh://, docker-container://, kube-pod://; docker-container: none (local Docker), ' +
          'a docker context name or ssh://, tcp://, unix://; kubernetes: none',
      ),
    platforms: platformList()
      .optional()
      .describe('Platforms this node builds natively; pinned on the node (amd64 = linux/amd64)'),
    emulate: platformList()
      .optional()
      .describe('Platforms this node builds through QEMU: pinned too, but slow'),
    tls: tlsSchema.optional().describe('Mutual TLS files for a remote tcp:// node'),
    driverOpts: z
      .record(
        z.string().regex(/^[a-zA-Z][a-zA-Z0-9._-]*$/, { error: 'not a driver option name' }),
        z.union([text(), z.number(), z.boolean()]),
      )
      .optional()
      .describe('buildx --driver-opt key=value pairs; numbers and booleans are written as text'),
    buildkitdFlags: text()
      .optional()
      .describe(
        'Flags for the buildkitd that buildx (or mpb, for a local node) starts; not for remote nodes',
      ),
    buildkitdConfig: text()
      .optional()
      .describe('buildkitd.toml for the buildkitd that buildx (or mpb, for a local node) starts; a path'),
    local: z
      .boolean()
      .optional()
      .describe(
        "remote builders only: mpb runs a BuildKit container on this machine's Docker and attaches it as " +
          'docker-container://NAME (instead of an endpoint)',
      ),
    image: z
      .string()
      .max(512, { error: 'has more than 512 characters' })
      .regex(/^[a-zA-Z0-9][a-zA-Z0-9._/:@+-]*$/, { error: 'not an image reference' })
      .optional()
      .meta({
        default: DEFAULT_LOCAL_IMAGE,
        description: `BuildKit image of a local: true node (default ${DEFAULT_LOCAL_IMAGE})`,
      }),
  })
  .strict()
  .describe('One BuildKit node of the builder');

const builderSchema = z
  .object({
    driver: z
      .enum(DECLARABLE_DRIVERS)
      .describe('buildx driver of every node: docker-container, remote or kubernetes'),
    use: z.boolean().optional().describe('Make it the current buildx builder (`buildx use`) after ensure'),
    strategy: z
      .enum(STRATEGIES)
      .optional()
      .describe(
        'How mpb build runs: split (one job per node, merged by digest; needs --push), single (one buildx build), auto (default: split when single would emulate needlessly or lose per-platform cache)',
      ),
    cache: text(512)
      .optional()
      .describe(
        'Registry repository for per-platform build cache (REPO:<os>-<arch>[-<variant>], mode=max), as --cache-ref',
      ),
    nodes: z
      .array(nodeSchema)
      .min(1, { error: 'a builder needs at least one node' })
      .describe('The nodes, in order: buildx sends a platform to the first node that pins it'),
  })
  .strict()
  .describe('One buildx builder');

export const configSchema = z
  .object({
    version: z.literal(1).describe('Version of this file format: 1'),
    defaultBuilder: name('builder')
      .optional()
      .describe('Builder used when neither --builder nor MPB_BUILDER is given'),
    builders: z.record(name('builder'), builderSchema).describe(`Builders by name: ${NAME_RULE}`),
  })
  .strict()
  .meta({ title: 'mpb builders file', description: 'Named docker buildx builders and their nodes (mpb)' });

export type RawConfig = z.infer<typeof configSchema>;
export type RawBuilder = z.infer<typeof builderSchema>;
export type RawNode = z.infer<typeof nodeSchema>;
export type RawTls = z.infer<typeof tlsSchema>;

/** The JSON Schema of builders.yaml, for editors (`# yaml-language-server: $schema=...`). */
export function configJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(configSchema) as Record<string, unknown>;
}
