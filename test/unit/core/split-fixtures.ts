// Builders for the split-build tests, read from real `inspect` captures by mpb's own parser.
import { readFileSync } from 'node:fs';
import type { BuildxBuilder, BuildxNode } from '../../../src/buildx/model.js';
import { parseInspect } from '../../../src/buildx/parse/inspect.js';
import { parseProgressJson, type Vertex } from '../../../src/buildx/parse/progress.js';
import { routingNodesOf } from '../../../src/core/routing.js';
import { builderFromCapture, entries } from './fixtures.js';

const FIXTURES = new URL('../../fixtures/', import.meta.url);

/** A capture's stdout under test/fixtures/, e.g. `captures-local/v0.29.1/history-ls-json`. */
export function fixtureText(path: string): string {
  return readFileSync(new URL(`${path}.stdout`, FIXTURES), 'utf8');
}

/** The vertices of a captured `history logs --progress rawjson` in captures-local/v0.29.1 (real daemons). */
export function capturedVertices(name: string): Vertex[] {
  const text = readFileSync(new URL(`captures-local/v0.29.1/${name}.stderr`, FIXTURES), 'utf8');
  const parsed = parseProgressJson(text);
  if (!parsed.ok) throw new Error(parsed.error.message);
  return parsed.value;
}

export function inspectFixture(path: string): BuildxBuilder {
  const parsed = parseInspect(fixtureText(path));
  if (!parsed.ok) throw new Error(`${path}: ${parsed.error.message}`);
  return parsed.value;
}

/** captures-local inspect-bootstrap (0.29.1): `cap`, node a (amd64*, arm64 by QEMU) and b (arm64*, amd64 by QEMU). */
export const cap = () => inspectFixture('captures-local/v0.29.1/inspect-bootstrap');

/** qemu-inspect-bootstrap (0.29.1): native-amd64 (amd64*, lists arm64 by QEMU) first, qemu0 unpinned. */
export const mixed = () => builderFromCapture('0.29.1', 'qemu-inspect-bootstrap');

/**
 * The builder made by hand: mixed, with qemu0 an arm64 machine as BuildKit lists one (native first,
 * no pin). buildx 0.29.1 sends arm64 to native-amd64, the first node listing it.
 */
export function handMade(): BuildxBuilder {
  const b = mixed();
  const [a, q] = b.nodes as [BuildxNode, BuildxNode];
  return {
    ...b,
    nodes: [a, { ...q, platforms: entries('linux/arm64, linux/amd64, linux/riscv64, linux/arm/v7') }],
  };
}

export const nodesOf = (b: BuildxBuilder) => routingNodesOf(undefined, b);
