// builders.yaml read with the yaml package's document API, so that every later finding can name the
// line and column of the key or value it is about.
import {
  type Alias,
  type Document,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  parseDocument,
  visit,
  type YAMLError,
} from 'yaml';
import type { ConfigIssue } from '../errors.js';
import { quote } from '../quote-value.js';
import { findMisindent } from './indentation.js';

export type YamlPath = readonly (string | number)[];

/** A problem found in the data, placed later by `locate`: at the key or at the value of `at`. */
export interface Finding {
  at: YamlPath;
  on?: 'key' | 'value';
  message: string;
  hint: string;
}

export interface YamlSource {
  file: string;
  data: unknown;
  /** Line and column (1-based) of `at`; of its nearest existing parent when `at` is missing. */
  locate(at: YamlPath, on?: 'key' | 'value'): { line: number; column: number };
}

// Far above any real config; yaml's own default (100) already stops a billion-laughs document.
const MAX_ALIASES = 50;
const MAX_SYNTAX_ISSUES = 10;

const SYNTAX_HINTS: Record<string, string> = {
  BAD_INDENT: 'Indent with spaces: children deeper than their parent, siblings at the same column.',
  TAB_AS_INDENT: 'Indent with spaces, not tabs.',
  DUPLICATE_KEY: 'Keep only one of the two keys.',
  MULTIPLE_DOCS: 'Keep one document: remove the "---" line and what follows, or merge them.',
  BLOCK_AS_IMPLICIT_KEY: 'Put a nested mapping on its own lines, indented under its key.',
  TAG_RESOLVE_FAILED: 'Remove the "!tag": builders.yaml uses plain strings, numbers, lists and mappings.',
};
// The parser's words for an indentation mistake (a key deeper or shallower than its siblings).
const INDENT_ERRORS =
  /indent|compact mappings|Implicit keys need to be on a single line|same column|Implicit map keys need to be followed/;
const QUOTE_HINT = 'Inside { } or [ ], quote a value that holds ${VAR}: ca: "${CERTS}/ca.pem".';
const SYNTAX_HINT = 'Check the YAML syntax here: "key: value" pairs, "- item" lists, spaces for indentation.';

/** `builders.fleet.nodes[0].tls`: where a finding is, in the words of the file. */
export function describePath(path: YamlPath): string {
  return path.map((s, i) => (typeof s === 'number' ? `[${s}]` : i === 0 ? s : `.${s}`)).join('');
}

/** A finding with its file, line and column; the message starts with the key it is about. */
export function placeFinding(source: YamlSource, finding: Finding): ConfigIssue {
  const where = describePath(finding.on === 'key' ? finding.at.slice(0, -1) : finding.at);
  return {
    path: source.file,
    ...source.locate(finding.at, finding.on),
    message: where ? `${where}: ${finding.message}` : finding.message,
    hint: finding.hint,
  };
}

function createLocator(doc: Document, counter: LineCounter) {
  const place = (offset: number) => {
    const { line, col } = counter.linePos(offset);
    return { line, column: col };
  };
  return (at: YamlPath, on: 'key' | 'value' = 'value') => {
    let node: unknown = doc.contents;
    let found: Node | undefined = doc.contents ?? undefined;
    let keyNode: Node | undefined;
    // Through an alias, the place to show is the alias where the value is used, not the anchor.
    let via: Alias | undefined;
    for (const segment of at) {
      if (isAlias(node)) {
        via ??= node;
        node = node.resolve(doc);
      }
      keyNode = undefined;
      if (isMap(node)) {
        const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(segment));
        if (!pair) break;
        keyNode = pair.key as Node;
        node = pair.value;
      } else if (isSeq(node) && typeof segment === 'number' && node.items[segment]) {
        node = node.items[segment];
      } else break;
      found = (isScalar(node) && node.value === null) || !node ? keyNode : (node as Node);
    }
    const target = via ?? (on === 'key' && keyNode ? keyNode : found);
    return place(target?.range?.[0] ?? 0);
  };
}

function syntaxHint(code: string, message: string, lineText: string): string {
  // `{ ca: ${CERTS}/ca.pem }`: the `{` of an unquoted ${VAR} opens a mapping inside a flow collection.
  if (lineText.includes('${') && /[[{]/.test(lineText.replace('${', ''))) return QUOTE_HINT;
  if (/quote/.test(message)) return 'Close the quote that starts before this place.';
  if (/indent|indicator/.test(message)) return SYNTAX_HINTS['BAD_INDENT']!;
  return SYNTAX_HINTS[code] ?? SYNTAX_HINT;
}

function syntaxIssue(file: string, text: string, counter: LineCounter, e: YAMLError): ConfigIssue {
  const { line, col } = counter.linePos(e.pos[0]);
  const first = e.message.split('\n')[0]!.replace(/ at line \d+, column \d+.*$/, '');
  const key = /^[^:\n]*/.exec(text.slice(e.pos[0]))?.[0].trim() ?? '';
  const what = e.code === 'DUPLICATE_KEY' ? `duplicate key ${quote(key)}` : first;
  const hint = syntaxHint(e.code, first, text.split('\n')[line - 1] ?? '');
  return { path: file, line, column: col, message: `YAML: ${what}`, hint };
}

function aliasIssues(file: string, doc: Document, counter: LineCounter): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  let first: Alias | undefined;
  visit(doc, {
    Alias(_, alias) {
      first ??= alias;
      if (alias.resolve(doc) === undefined) {
        const { line, col } = counter.linePos(alias.range?.[0] ?? 0);
        issues.push({
          path: file,
          line,
          column: col,
          message: `YAML: alias ${quote(`*${alias.source}`)} has no anchor before it`,
          hint: `Define "&${alias.source}" on a value above this line, or write the value out.`,
        });
      }
    },
  });
  if (issues.length > 0 || !first) return issues;
  try {
    doc.toJS({ maxAliasCount: MAX_ALIASES });
    return [];
  } catch {
    const { line, col } = counter.linePos(first.range?.[0] ?? 0);
    return [
      {
        path: file,
        line,
        column: col,
        message: 'YAML: the aliases expand into too much data (an "alias bomb"?)',
        hint: 'Write the values out; a few anchors for shared tls blocks are fine.',
      },
    ];
  }
}

/** Parses the text of `file`; every syntax error is returned, each with its place. */
export function parseYaml(
  file: string,
  text: string,
): { ok: true; source: YamlSource } | { ok: false; issues: ConfigIssue[] } {
  const counter = new LineCounter();
  let doc: Document;
  try {
    doc = parseDocument(text, { lineCounter: counter, prettyErrors: false, uniqueKeys: true });
  } catch (e) {
    // Deep nesting can exhaust the parser's stack: hostile input, not a bug to report.
    const why = e instanceof Error ? e.message : String(e);
    return {
      ok: false,
      issues: [{ path: file, line: 1, column: 1, message: `YAML: cannot parse (${why})`, hint: SYNTAX_HINT }],
    };
  }
  // After a few syntax errors the rest are mostly their echoes; hostile input can make thousands.
  const errors = [...doc.errors, ...doc.warnings];
  // An indentation mistake: the parser reports it late, elsewhere, often twice; the lines say where it is.
  const misindent = errors.some((e) => INDENT_ERRORS.test(e.message)) ? findMisindent(file, text) : undefined;
  const syntax = misindent
    ? [misindent]
    : errors.slice(0, MAX_SYNTAX_ISSUES).map((e) => syntaxIssue(file, text, counter, e));
  const issues = syntax.length > 0 ? syntax : aliasIssues(file, doc, counter);
  if (issues.length > 0) return { ok: false, issues };
  const data: unknown = doc.toJS({ maxAliasCount: MAX_ALIASES });
  return { ok: true, source: { file, data, locate: createLocator(doc, counter) } };
}
