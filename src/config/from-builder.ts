// `mpb init --from BUILDER`: a builders.yaml that declares a builder buildx already has, as `inspect` shows it —
// its driver, nodes in order, endpoints, pinned platforms (`*`), driver options, TLS files and buildkitd flags.
// Pure: the caller reads the builder (buildx/read.ts readBuilder) and writes the file.
import type { BuildxBuilder, BuildxNode } from '../buildx/model.js';
import { driverOf } from '../drivers/registry.js';
import { UsageError } from '../errors.js';

// A plain YAML scalar where it reads back as the same string, else a JSON string (valid YAML, double-quoted).
const PLAIN = /^[A-Za-z0-9_./~+@%-][A-Za-z0-9_./~+@%:=,-]*$/;
const RESERVED = /^(true|false|yes|no|on|off|null|~|[-+]?[0-9][0-9._:eE+-]*|\.inf|\.nan)$/i;

/** A string as a YAML scalar that reads back as that string. */
export function yamlScalar(value: string): string {
  return PLAIN.test(value) && !RESERVED.test(value) && !value.includes(': ') ? value : JSON.stringify(value);
}

const list = (items: readonly string[]) => `[${items.map(yamlScalar).join(', ')}]`;

// The remote driver's TLS options (tlsDriverOpts) and the config's `tls` keys for them.
const TLS_KEYS: Record<string, string> = { cacert: 'ca', cert: 'cert', key: 'key', servername: 'servername' };

/** A node's endpoint as the config writes it: none for this machine's Docker and for the driver's own URLs. */
function endpointOf(driver: string, node: BuildxNode): string | undefined {
  const endpoint = node.endpoint;
  if (endpoint === '') return undefined;
  // buildx shows a docker-container node on the local engine as its socket; a kubernetes node as its own URL.
  if (driverOf(driver)?.localDockerWithoutEndpoint && endpoint.startsWith('unix://')) return undefined;
  if (endpoint.startsWith('kubernetes://')) return undefined;
  return endpoint;
}

function nodeLines(driver: string, node: BuildxNode): string[] {
  const known = driverOf(driver);
  const lines = [`      - name: ${yamlScalar(node.name)}`];
  const endpoint = endpointOf(driver, node);
  if (endpoint !== undefined) lines.push(`        endpoint: ${yamlScalar(endpoint)}`);
  const pinned = node.platforms.filter((p) => p.pinned).map((p) => p.platform);
  if (pinned.length > 0) {
    lines.push(
      '        # Pinned on the node in buildx (`*`): a platform this node only emulates goes in emulate: instead.',
      `        platforms: ${list(pinned)}`,
    );
  } else {
    const listed = node.platforms.map((p) => p.platform);
    lines.push(
      `        # Nothing pinned: buildx routes by what the node lists${listed.length > 0 ? ` (${listed.slice(0, 4).join(', ')}${listed.length > 4 ? ', ...' : ''})` : ''}.`,
      '        # Pin its native platforms for routing mpb can predict: platforms: [linux/amd64]',
    );
  }
  const tlsOpts = known?.tlsDriverOpts ?? [];
  const tls = Object.entries(node.driverOpts).filter(([k]) => tlsOpts.includes(k) && TLS_KEYS[k]);
  const others = Object.entries(node.driverOpts).filter(([k]) => !tls.some(([t]) => t === k));
  if (tls.length > 0) {
    lines.push('        tls:');
    for (const [k, v] of tls) lines.push(`          ${TLS_KEYS[k]}: ${yamlScalar(v)}`);
  }
  if (others.length > 0) {
    lines.push('        driverOpts:');
    for (const [k, v] of others) lines.push(`          ${k}: ${yamlScalar(v)}`);
  }
  // buildx shows the flags it starts buildkitd with; the driver's own defaults need not be written.
  const flags = node.buildkitdFlags?.trim();
  const defaults = (known?.defaultBuildkitdFlags ?? []).join(' ');
  if (known?.startsBuildkitd && flags && flags !== defaults)
    lines.push(`        buildkitdFlags: ${yamlScalar(flags)}`);
  return lines;
}

/** The builders.yaml text that declares `builder` as buildx has it; a driver mpb cannot declare is a usage error. */
export function configFromBuilder(builder: BuildxBuilder): string {
  const driver = driverOf(builder.driver);
  if (!driver?.declarable) {
    throw new UsageError(
      `builder "${builder.name}" uses the ${builder.driver} driver, which builders.yaml cannot declare`,
      {
        hint: 'mpb declares docker-container, remote and kubernetes builders; build on this one as it is with --builder, or make another with docker buildx create.',
      },
    );
  }
  const nodes = builder.nodes.flatMap((n) => nodeLines(builder.driver, n));
  return `# mpb builders file, written by mpb init --from ${builder.name} from what docker buildx inspect shows.
# Check it with: mpb config validate      Apply it with: mpb ensure-builder
# Editor completion: run \`mpb config schema > builders.schema.json\` next to this file.
# yaml-language-server: $schema=./builders.schema.json
version: 1

# The builder mpb uses when neither --builder, MPB_BUILDER nor BUILDX_BUILDER is given.
defaultBuilder: ${yamlScalar(builder.name)}

builders:
  ${yamlScalar(builder.name)}:
    driver: ${builder.driver}   # docker-container | remote | kubernetes
    # The nodes in buildx's order: a platform goes to the first node that pins it.
    nodes:
${nodes.join('\n')}
`;
}
