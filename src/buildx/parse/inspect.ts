// `docker buildx inspect [NAME]` text (no JSON in any version): a builder header, then `Nodes:` and one
// block per node. A loop over lines; each line goes to the handler of the section it is in.
import type { BuildxBuilder, BuildxNode, Parsed } from '../model.js';
import { parseDriverOpts } from './driver-opts.js';
import { activityOf, failAt, linesOf, parsePlatformCell } from './text.js';

const FORMAT = 'buildx inspect';

// `Label:<tabwriter padding>value`; the label ends at the first `:` followed by a blank (values hold `:`).
const FIELD = /^(\S.*?):(?:[ \t]+(.*?))?[ \t]*$/;
// Sub-entries are written as "\t<k>:\t<v>": one space of indent (two for nested ones, CDI devices 0.21+).
const SUB_FIELD = /^ +(\S.*?):(?:[ \t]+(.*?))?[ \t]*$/;

/** An indented block opened by a label-only line. */
type Block = 'labels' | 'file' | 'kept-out';

interface State {
  builder: BuildxBuilder;
  node: BuildxNode | undefined;
  inNodes: boolean;
  block: Block | undefined;
  /** The `File#NAME:` block being read: its name and its lines so far. */
  file: { name: string; lines: string[] } | undefined;
  unparsed: string[];
}

/** A field's value as the fields it sets, or a message saying why it cannot be read. */
type Reader<T> = (value: string) => Partial<T> | string;

const BUILDER_FIELDS: Record<string, Reader<BuildxBuilder>> = {
  Driver: (v) => ({ driver: v }),
  'Last Activity': (v) => ({ lastActivity: activityOf(v) }),
  // buildx could not load the builder's nodes: nothing follows but this line.
  Error: (v) => ({ error: v }),
};

const readFlags: Reader<BuildxNode> = (v) => ({ buildkitdFlags: v || undefined });
const readVersion: Reader<BuildxNode> = (v) => ({ buildkitVersion: v || undefined });

// Labels changed at 0.13 (`Flags:` → `BuildKit daemon flags:`, `Buildkit:` → `BuildKit version:`);
// the docs print `BuildKit:`, which no release does (docs/buildx.md#inspect-text). All are read.
const NODE_FIELDS: Record<string, Reader<BuildxNode>> = {
  Endpoint: (v) => ({ endpoint: v }),
  'Driver Options': (v) => {
    const opts = parseDriverOpts(v);
    return typeof opts === 'string' ? opts : { driverOpts: opts };
  },
  Status: (v) => ({ status: v || undefined }),
  // A node error ends the node's block: no status, no platforms (pins included) follow.
  Error: (v) => ({ error: v, platformsComplete: false }),
  Flags: readFlags,
  'BuildKit daemon flags': readFlags,
  Buildkit: readVersion,
  BuildKit: readVersion,
  'BuildKit version': readVersion,
  // Printed even when empty ≤ 0.11 (`Platforms: ` with a trailing blank), omitted when empty from 0.12.
  Platforms: (v) => {
    const cell = parsePlatformCell(v);
    return typeof cell === 'string' ? cell : { platforms: cell.entries };
  },
};

/** Applies a field reader to its target; returns the message when the value cannot be read. */
function apply<T extends object>(target: T, read: Reader<T>, value: string): string | undefined {
  const fields = read(value);
  if (typeof fields === 'string') return fields;
  Object.assign(target, fields);
  return undefined;
}

/** Label-only lines that open an indented block. GC policy, CDI devices and features have no model field. */
function blockOf(label: string): Block | undefined {
  if (label === 'Labels') return 'labels';
  if (label.startsWith('File#')) return 'file';
  if (/^GC Policy rule#\d+$/.test(label) || label === 'Devices' || label === 'Features') return 'kept-out';
  return undefined;
}

function newNode(name: string): BuildxNode {
  return {
    name,
    endpoint: '',
    status: undefined,
    buildkitVersion: undefined,
    platforms: [],
    platformsComplete: true,
    driverOpts: {},
    buildkitdFlags: undefined,
    error: undefined,
    labels: {},
  };
}

/** Ends the current block; a file block's lines become the node's file (buildx printed `\t> LINE` per line). */
function endBlock(s: State): void {
  if (s.node && s.file) s.node.files = { ...s.node.files, [s.file.name]: s.file.lines.join('\n') };
  s.block = undefined;
  s.file = undefined;
}

function readBlockLine(s: State, line: string): undefined {
  const field = SUB_FIELD.exec(line);
  if (s.node && s.block === 'labels' && field) s.node.labels[field[1]!] = field[2] ?? '';
  else if (s.file && /^ >( |$)/.test(line)) s.file.lines.push(line.slice(3));
  else if (s.block !== 'kept-out' || !field) s.unparsed.push(line);
}

function readNodeField(s: State, label: string, value: string, line: string): string | undefined {
  if (label === 'Name') {
    s.node = newNode(value);
    s.builder.nodes.push(s.node);
    return undefined;
  }
  if (!s.node) return "a node field before the node's `Name:`";
  const block = value === '' ? blockOf(label) : undefined;
  if (block) {
    s.block = block;
    if (block === 'file') s.file = { name: label.slice('File#'.length), lines: [] };
  } else if (NODE_FIELDS[label]) return apply(s.node, NODE_FIELDS[label], value);
  else s.unparsed.push(line);
  return undefined;
}

function readLine(s: State, line: string): string | undefined {
  if (line.trim() === '') {
    endBlock(s);
    return undefined;
  }
  if (line.startsWith(' ')) return readBlockLine(s, line);
  const field = FIELD.exec(line);
  if (!field) return 'not a `Label: value` line';
  const [, label = '', value = ''] = field;
  endBlock(s);
  if (label === 'Nodes' && value === '' && !s.inNodes) s.inNodes = true;
  else if (s.inNodes) return readNodeField(s, label, value, line);
  else if (BUILDER_FIELDS[label]) return apply(s.builder, BUILDER_FIELDS[label], value);
  else s.unparsed.push(line);
  return undefined;
}

/**
 * Parses `docker buildx inspect` stdout of every version (0.10 … 0.29 captures). `inspect` marks pinned
 * platforms with `*`, so pins read here are exact; `current` is not printed and stays false.
 * Lines no handler knows go to `unparsed`; a line that breaks the layout is a parse error quoting it.
 */
export function parseInspect(text: string): Parsed<BuildxBuilder> {
  const lines = linesOf(text);
  const first = lines.findIndex((l) => l.trim() !== '');
  const head = FIELD.exec(lines[first] ?? '');
  if (head?.[1] !== 'Name' || !head[2]) {
    return failAt(
      FORMAT,
      first + 1 || 1,
      lines[first] ?? '',
      'not `buildx inspect` output: it starts with `Name:`',
    );
  }
  const builder: BuildxBuilder = {
    name: head[2],
    driver: '',
    current: false,
    error: undefined,
    lastActivity: undefined,
    nodes: [],
  };
  const state: State = {
    builder,
    node: undefined,
    inNodes: false,
    block: undefined,
    file: undefined,
    unparsed: [],
  };
  for (let i = first + 1; i < lines.length; i++) {
    const problem = readLine(state, lines[i]!);
    if (problem !== undefined) return failAt(FORMAT, i + 1, lines[i]!, problem);
  }
  endBlock(state);
  // `ls` and `ls --format json` give an errored node the status `error`; inspect prints no status for it.
  for (const node of builder.nodes) if (node.error !== undefined) node.status ??= 'error';
  return { ok: true, value: builder, unparsed: state.unparsed };
}
