// The shape of builders.yaml, version 1: one zod schema for validation and for `mpb config schema`.
// Cross-field rules live in rules.ts; this file only says what each key may hold.
import { z } from 'zod';
import { PLATFORM_PATTERN } from '../buildx/platform.js';
import { type EndpointScheme, endpointPatternOf, readEndpoint } from '../drivers/endpoint.js';
import { DECLARABLE_DRIVERS, type DeclarableDriver, DRIVERS, rulesOf } from '../drivers/registry.js';
import type { DeclaredNodeRules } from '../drivers/types.js';

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

// The pattern is for editors only: validation reports a platform it cannot read with a hint (normalize.ts).
const platform = z.string().max(64, { error: 'not a platform' }).meta({
  id: 'platform',
  pattern: PLATFORM_PATTERN,
  description: 'os/arch[/variant], e.g. linux/arm64 or linux/arm/v7; an arch alone means linux/ARCH',
});
const platformList = () => z.array(platform);

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

// `registries:` becomes [registry."HOST"] tables of the buildkitd.toml mpb writes (buildkitd-toml.ts): the
// values go into TOML strings, so they hold no quote, backslash or control character.
export const REGISTRY_HOST_PATTERN = /^[a-zA-Z0-9](?:[a-zA-Z0-9.-]*[a-zA-Z0-9])?(?::[0-9]{1,5})?$/;
const MIRROR_PATTERN = /^[a-zA-Z0-9](?:[a-zA-Z0-9.-]*[a-zA-Z0-9])?(?::[0-9]{1,5})?(?:\/[a-zA-Z0-9._~/-]*)?$/;
const registrySchema = z
  .object({
    mirrors: z
      .array(
        z
          .string()
          .max(MAX_TEXT, { error: `has more than ${MAX_TEXT} characters` })
          .regex(MIRROR_PATTERN, {
            error:
              'not a mirror: write HOST[:PORT][/PATH], without https:// (http: true on its own entry for plain HTTP)',
          }),
      )
      .optional()
      .describe('Mirrors BuildKit pulls from first, in order: HOST[:PORT][/PATH], e.g. mirror.gcr.io'),
    http: z.boolean().optional().describe('Talk plain HTTP to this registry (no TLS)'),
    insecure: z
      .boolean()
      .optional()
      .describe('Accept a certificate this registry presents that does not verify'),
    ca: z
      .array(text())
      .optional()
      .describe(
        'CA certificate files (PEM) this registry is trusted with: paths (~ and ${VAR} expand; relative to this file)',
      ),
  })
  .strict()
  .describe('Settings of one registry (or mirror) for BuildKit: a [registry."HOST"] table of buildkitd.toml');
const registries = () =>
  z
    .record(
      z
        .string()
        .max(253 + 6, { error: 'not a registry host' })
        .regex(REGISTRY_HOST_PATTERN, {
          error: 'not a registry host: write HOST or HOST:PORT, e.g. docker.io or registry.example.com:5000',
        }),
      registrySchema,
    )
    .optional()
    .describe(
      'Registry settings by host (docker.io, registry.example.com:5000) for the buildkitd that buildx (or mpb, for a ' +
        "local node) starts: mpb writes them into its buildkitd.toml. A node's entry for a host overrides the builder's, field by field",
    );

// The node's keys, one definition each: the validation schema takes them all (rules.ts then says what fits
// the driver, with better words than a schema can), the editor schema only those each driver allows.
const nodeFields = {
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
    .describe('Flags for the buildkitd that buildx (or mpb, for a local node) starts; not for remote nodes'),
  buildkitdConfig: text()
    .optional()
    .describe('buildkitd.toml for the buildkitd that buildx (or mpb, for a local node) starts; a path'),
  registries: registries(),
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
  network: z
    .string()
    .max(128, { error: 'has more than 128 characters' })
    .regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/, { error: 'not a Docker network name' })
    .optional()
    .describe(
      "Docker network of a local: true node's BuildKit container (docker run --network), e.g. host: builds then " +
        "reach this machine's 127.0.0.1, such as a registry on localhost:5000 (default: Docker's bridge network)",
    ),
};
const NODE = 'One BuildKit node of the builder';
const nodeSchema = z.object(nodeFields).strict().describe(NODE);

const builderFields = {
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
  registries: registries().describe(
    'Registry settings by host (docker.io, registry.example.com:5000) for every node whose buildkitd buildx (or mpb, ' +
      'for a local node) starts: mpb writes them into that buildkitd.toml; a node may add hosts or override fields',
  ),
  nodes: z
    .array(nodeSchema)
    .min(1, { error: 'a builder needs at least one node' })
    .describe('The nodes, in order: buildx sends a platform to the first node that pins it'),
};
const BUILDER = 'One buildx builder';
const builderSchema = z.object(builderFields).strict().describe(BUILDER);

const configOf = <B extends z.ZodType>(builders: B) =>
  z
    .object({
      version: z.literal(1).describe('Version of this file format: 1'),
      defaultBuilder: name('builder')
        .optional()
        .describe('Builder used when neither --builder, MPB_BUILDER nor BUILDX_BUILDER is given'),
      builders,
    })
    .strict()
    .meta({ title: 'mpb builders file', description: 'Named docker buildx builders and their nodes (mpb)' });

export const configSchema = configOf(
  z.record(name('builder'), builderSchema).describe(`Builders by name: ${NAME_RULE}`),
);

export type RawConfig = z.infer<typeof configSchema>;
export type RawBuilder = z.infer<typeof builderSchema>;
export type RawNode = z.infer<typeof nodeSchema>;
export type RawTls = z.infer<typeof tlsSchema>;
export type RawRegistry = z.infer<typeof registrySchema>;

// The editor schema: the same keys, narrowed per driver (a union on `driver`) with what the driver rules allow,
// each fact asked of the driver (src/drivers/) rather than written again here. Cross-item rules (unique names
// and endpoints, defaultBuilder declared) and what needs the disk or the environment stay with `config validate`.

/** One endpoint of each form, asked of a driver's checkEndpoint: the second of a pair has no port. */
const ENDPOINT_SAMPLES: [EndpointScheme, string, string?][] = [
  ['tcp', 'tcp://host:1234', 'tcp://host'],
  ['ssh', 'ssh://user@host:22', 'ssh://user@host'],
  ['unix', 'unix:///run/buildkit/buildkitd.sock'],
  ['docker-container', 'docker-container://buildkitd'],
  ['kube-pod', 'kube-pod://buildkitd-0'],
  ['context', 'desktop-linux'],
];

/** The endpoint forms a non-local node of the driver may use, each as a pattern. */
function endpointPatterns(rules: DeclaredNodeRules): Map<EndpointScheme, string> {
  const fits = (raw: string) => {
    const read = readEndpoint(raw);
    return read.ok && rules.checkEndpoint(read.endpoint, false) === undefined;
  };
  const forms = ENDPOINT_SAMPLES.filter(([, withPort]) => fits(withPort));
  return new Map(
    forms.map(([scheme, , portless]) => [
      scheme,
      endpointPatternOf(scheme, portless !== undefined && !fits(portless)),
    ]),
  );
}

// An endpoint with ${VAR} in it is read after expansion (normalize.ts): the editor checks only its ${...}.
const WITH_VARIABLES = String.raw`^(?=.*\$\{)(?:[^$]|\$(?!\{)|\$\{[A-Za-z_][A-Za-z0-9_]*(?::-[^}]*)?\})*$`;

const endpointOf = (patterns: readonly string[], what: string) =>
  text()
    .regex(new RegExp([...patterns, WITH_VARIABLES].map((p) => `(?:${p})`).join('|')), {
      error: 'not an endpoint of this driver',
    })
    .describe(what);

// TLS files go in the tls block (node-rules.ts): the driver options of a tls driver refuse their names.
const driverOptsWithout = (names: readonly string[]) =>
  z
    .record(
      z.string().regex(new RegExp(`^(?!(?:${names.join('|')})$)[a-zA-Z][a-zA-Z0-9._-]*$`), {
        error: 'not a driver option name',
      }),
      z.union([text(), z.number(), z.boolean()]),
    )
    .optional()
    .describe(`${nodeFields.driverOpts.description}; TLS files (${names.join(', ')}) go in tls`);

function nodesOf(driver: DeclarableDriver): z.ZodType {
  const rules = rulesOf(driver);
  const { name, platforms, emulate, buildkitdFlags, buildkitdConfig, registries, image, network } =
    nodeFields;
  // Registries on a buildkitd someone else starts are a warning (node-rules.ts): doctor checks them.
  const daemon = DRIVERS[driver].startsBuildkitd
    ? { buildkitdFlags, buildkitdConfig, registries }
    : { registries };
  const driverOpts = rules.tls ? driverOptsWithout(DRIVERS[driver].tlsDriverOpts) : nodeFields.driverOpts;
  // `local: false` is what no `local` means, on every node that is not local.
  const notLocal = z
    .literal(false)
    .optional()
    .describe(nodeFields.local.description ?? '');
  const common = { name, platforms, emulate, driverOpts };
  const patterns = endpointPatterns(rules);
  const required = rules.checkEndpoint(undefined, false) !== undefined;
  const endpoint = (forms: EndpointScheme[], what: string) => {
    const field = endpointOf(
      forms.flatMap((f) => patterns.get(f) ?? []),
      what,
    );
    return required ? field : field.optional();
  };
  const others = [...patterns.keys()].filter((s) => !rules.tls || s !== 'tcp');
  const nodes: z.ZodObject[] = [];
  if (rules.tls && patterns.has('tcp')) {
    nodes.push(
      z
        .object({
          ...common,
          ...daemon,
          endpoint: endpoint(['tcp'], 'tcp://HOST:PORT of the buildkitd'),
          tls: nodeFields.tls,
          local: notLocal,
        })
        .strict()
        .describe(`${NODE}, reached over tcp:// (with tls)`),
    );
  }
  if (others.length > 0 || !required) {
    const forms = others.map((s) => (s === 'context' ? 'a docker context name' : `${s}://`)).join(', ');
    nodes.push(
      z
        .object({
          ...common,
          ...daemon,
          ...(others.length > 0
            ? { endpoint: endpoint(others, `${forms}${required ? '' : ', or none'}`) }
            : {}),
          local: notLocal,
        })
        .strict()
        .describe(NODE),
    );
  }
  if (rules.localRefusal === undefined) {
    nodes.push(
      z
        .object({
          ...common,
          buildkitdFlags,
          buildkitdConfig,
          registries,
          local: z.literal(true).describe(nodeFields.local.description ?? ''),
          image,
          network,
        })
        .strict()
        .describe(`${NODE}: BuildKit in a container on this machine's Docker`),
    );
  }
  const [only, ...more] = nodes;
  return more.length === 0 ? only! : z.union([only!, ...more]);
}

const builderOf = (driver: DeclarableDriver) =>
  z
    .object({
      ...builderFields,
      driver: z.literal(driver).describe(builderFields.driver.description ?? ''),
      nodes: z
        .array(nodesOf(driver))
        .min(1)
        .describe(builderFields.nodes.description ?? ''),
    })
    .strict()
    .describe(`${BUILDER}, driver ${driver}`);

const [firstDriver, ...otherDrivers] = DECLARABLE_DRIVERS;
// buildx keeps the name "default" for the Docker engine's own builder (rules.ts says so at validate).
const editorSchema = configOf(
  z
    .record(
      name('builder').regex(/^(?!default$)/, { error: 'reserved by buildx' }),
      z.discriminatedUnion('driver', [builderOf(firstDriver!), ...otherDrivers.map(builderOf)]),
    )
    .meta({ minProperties: 1, description: `Builders by name: ${NAME_RULE}` }),
);

/** The JSON Schema of builders.yaml, for editors (`# yaml-language-server: $schema=...`). */
export function configJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(editorSchema) as Record<string, unknown>;
}
