// Cross-field rules over a normalised config: what buildx would refuse, or do other than the file says.
// Each rule has its own message and a hint of what to write instead.
import { DRIVERS } from '../drivers/registry.js';
import { checkNode, type Report } from './node-rules.js';
import type { RawBuilder, RawConfig } from './schema.js';
import type { Finding } from './yaml-source.js';

export interface RuleFindings {
  errors: Finding[];
  warnings: Finding[];
}

function checkBuilder(name: string, builder: RawBuilder, error: Report, warn: Report): void {
  const at = ['builders', name];
  if (name === 'default') {
    error(
      at,
      'buildx reserves the builder name "default" for the Docker engine\'s own builder',
      'Rename it, e.g. local or fleet.',
      'key',
    );
  }
  const names = new Set<string>();
  const endpoints = new Map<string, string>();
  builder.nodes.forEach((node, i) => {
    const nodeAt = [...at, 'nodes', i];
    checkNode(builder.driver, node, nodeAt, error, warn);
    if (names.has(node.name)) {
      error(
        [...nodeAt, 'name'],
        `node name "${node.name}" is used twice in builder "${name}"`,
        `Rename one, e.g. ${node.name}-2: buildx would update the first node instead of adding this one.`,
      );
    }
    names.add(node.name);
    // Nodes without endpoint in one docker-container builder all land on the same local Docker.
    const where =
      node.endpoint ?? (DRIVERS[builder.driver].localDockerWithoutEndpoint ? 'the local Docker' : undefined);
    const twin = where === undefined ? undefined : endpoints.get(where);
    if (twin !== undefined) {
      const field = node.endpoint === undefined ? 'name' : 'endpoint';
      error(
        [...nodeAt, field],
        `nodes "${twin}" and "${node.name}" both use ${where}`,
        'Give each node its own endpoint: two nodes on one daemon build nothing faster.',
        field === 'name' ? 'key' : 'value',
      );
    } else if (where !== undefined) endpoints.set(where, node.name);
  });
  const locals = builder.nodes.flatMap((n, i) => (n.local === true ? [i] : []));
  if (builder.registries !== undefined && !DRIVERS[builder.driver].startsBuildkitd && locals.length === 0) {
    warn(
      [...at, 'registries'],
      `registries reach no node: every node of this ${builder.driver} builder runs a buildkitd you start`,
      "Put these settings in each buildkitd's own buildkitd.toml (mpb doctor shows what it can reach), or use local: true on a node.",
      'key',
    );
  }
  for (const i of locals.slice(1)) {
    error(
      [...at, 'nodes', i, 'local'],
      'a builder has at most one local: true node',
      'Keep local: true on one node; this machine runs one BuildKit container per builder.',
      'key',
    );
  }
}

/** buildx names a docker-container node's container buildx_buildkit_NODE: same Docker + same name = one container. */
function checkSharedContainers(config: RawConfig, error: Report): void {
  const seen = new Map<string, string>();
  for (const [name, builder] of Object.entries(config.builders)) {
    if (!DRIVERS[builder.driver].nodeContainer) continue;
    builder.nodes.forEach((node, i) => {
      const key = `${node.endpoint ?? ''}\n${node.name}`;
      const other = seen.get(key);
      if (other !== undefined && other !== name) {
        error(
          ['builders', name, 'nodes', i, 'name'],
          `node name "${node.name}" is also a node of builder "${other}" on the same Docker; buildx would run both in one container, buildx_buildkit_${node.name}`,
          `Rename it, e.g. ${name}-${node.name}.`,
        );
      }
      if (other === undefined) seen.set(key, name);
    });
  }
}

/** Every rule over the whole config; all findings, not only the first. */
export function checkRules(config: RawConfig): RuleFindings {
  const errors: Finding[] = [];
  const warnings: Finding[] = [];
  const report =
    (into: Finding[]): Report =>
    (at, message, hint, on) =>
      into.push({ at, on, message, hint });
  const [error, warn] = [report(errors), report(warnings)];
  const names = Object.keys(config.builders);
  if (names.length === 0) {
    error(
      ['builders'],
      'no builders declared',
      'Declare one, e.g. builders: { local: { driver: docker-container, nodes: [{ name: local0 }] } }',
      'key',
    );
  }
  if (config.defaultBuilder !== undefined && !names.includes(config.defaultBuilder)) {
    error(
      ['defaultBuilder'],
      `"${config.defaultBuilder}" is not a declared builder`,
      `Write one of: ${names.join(', ') || '(none declared)'}.`,
    );
  }
  for (const [name, builder] of Object.entries(config.builders)) checkBuilder(name, builder, error, warn);
  checkSharedContainers(config, error);
  return { errors, warnings };
}
