// `docker buildx ls` as a table, in both layouts: old (≤ 0.12, node rows indented by two spaces) and
// tree (0.13+, node rows ` \_ `). Only used where `ls --format json` does not exist (< 0.13).
import type { BuildxBuilder, BuildxNode, Parsed } from '../model.js';
import { type Failed, failAt, isName, linesOf, parsePlatformCell } from './text.js';

const FORMAT = 'buildx ls';
const COLUMNS = ['NAME/NODE', 'DRIVER/ENDPOINT', 'STATUS', 'BUILDKIT', 'PLATFORMS'] as const;
const TREE_INDENT = ' \\_ ';
const OLD_INDENT = '  ';
/** What an `error` row says when stderr (the only place buildx puts the reason) was not given. */
export const NO_REASON = 'buildx reported an error and gave no reason';

interface Diagnostics {
  builders: Map<string, string>;
  nodes: Map<string, string>;
}

// The reasons behind `error` rows, printed after the table on stderr (exit code stays 0). ≤ 0.12 prints the
// current builder's name with its ` *` (`Cannot load builder default *: …`, v0.10.5 ls-empty).
function readDiagnostics(stderr: string): Diagnostics {
  const found: Diagnostics = { builders: new Map(), nodes: new Map() };
  for (const line of linesOf(stderr)) {
    const builder = /^Cannot load builder (\S+?)(?: \*)?: (.*)$/.exec(line);
    if (builder) found.builders.set(builder[1]!, builder[2]!);
    const node = /^Failed to get status for (\S+?)(?: \*)? \((\S+)\): (.*)$/.exec(line);
    if (node) found.nodes.set(`${node[1]}/${node[2]}`, node[3]!);
  }
  return found;
}

/** Column start offsets, taken from the header (cells are padded to the widest one, gaps may be 1 space). */
function readHeader(line: string): number[] | undefined {
  const offsets = COLUMNS.map((c) => line.indexOf(c));
  const ordered = offsets.every((o, i) => o >= 0 && (i === 0 ? o === 0 : o > offsets[i - 1]!));
  return ordered && line.trimEnd().endsWith('PLATFORMS') ? offsets : undefined;
}

function cellsOf(line: string, offsets: number[]): string[] {
  return offsets.map((start, i) => line.slice(start, offsets[i + 1]).trim());
}

function readNodeRow(cells: string[], builder: BuildxBuilder, why: Diagnostics): BuildxNode | string {
  const name = cells[0]!.replace(/^\\_ /, '');
  const endpoint = cells[1]!.replace(/^\\_ /, '');
  const [, , status, buildkit, platforms] = cells as [string, string, string, string, string];
  if (!isName(name)) return `not a node name: "${name}"`;
  if (/\s/.test(endpoint) || /\s/.test(buildkit) || !/^[a-z]*$/.test(status)) return 'cells do not line up';
  const cell = parsePlatformCell(platforms);
  if (typeof cell === 'string') return cell;
  // An `error` row prints no platforms, not even the pinned ones.
  const error = status === 'error' ? (why.nodes.get(`${builder.name}/${name}`) ?? NO_REASON) : undefined;
  return {
    name,
    endpoint,
    status: status || undefined,
    buildkitVersion: buildkit || undefined,
    platforms: cell.entries,
    platformsComplete: cell.complete && error === undefined,
    driverOpts: {},
    buildkitdFlags: undefined,
    error,
    labels: {},
  };
}

function readBuilderRow(cells: string[], why: Diagnostics): BuildxBuilder | string {
  // The current builder: `name *` (≤ 0.12), `name*` (0.13+).
  const current = cells[0]!.endsWith('*');
  const name = cells[0]!.replace(/ ?\*$/, '');
  const [, driver, status, buildkit, platforms] = cells as [string, string, string, string, string];
  if (!isName(name)) return `not a builder name: "${name}"`;
  if (/\s/.test(driver) || !/^(error)?$/.test(status) || buildkit !== '' || platforms !== '') {
    return 'cells do not line up';
  }
  // A builder that failed to load: STATUS `error`, no node rows, the reason on stderr.
  const error = status === 'error' ? (why.builders.get(name) ?? NO_REASON) : undefined;
  return { name, driver, current, error, lastActivity: undefined, nodes: [] };
}

/**
 * Parses `docker buildx ls` (table) stdout; pass its stderr too for the reasons behind `error` rows.
 * Text has no driver options, labels or last activity; 0.18+ abbreviates platform lists (`platformsComplete`).
 */
export function parseLsText(stdout: string, stderr = ''): Parsed<BuildxBuilder[]> {
  const lines = linesOf(stdout);
  const offsets = readHeader(lines[0] ?? '');
  if (!offsets)
    return failAt(FORMAT, 1, lines[0] ?? '', 'not the `buildx ls` header (NAME/NODE … PLATFORMS)');
  const why = readDiagnostics(stderr);
  const builders: BuildxBuilder[] = [];
  for (const [i, line] of lines.entries()) {
    if (i === 0 || line.trim() === '') continue;
    const fail = (message: string): Failed => failAt(FORMAT, i + 1, line, message);
    const cells = cellsOf(line, offsets);
    if (line.startsWith(TREE_INDENT) || line.startsWith(OLD_INDENT)) {
      const builder = builders.at(-1);
      if (!builder) return fail('a node row before any builder row');
      const node = readNodeRow(cells, builder, why);
      if (typeof node === 'string') return fail(node);
      builder.nodes.push(node);
    } else {
      const builder = readBuilderRow(cells, why);
      if (typeof builder === 'string') return fail(builder);
      builders.push(builder);
    }
  }
  return { ok: true, value: builders, unparsed: [] };
}
