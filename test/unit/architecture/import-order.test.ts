// The import order of src/, read from the imports themselves (issue 21): no cycle, no import that climbs to a
// higher layer, no decision on a driver's name outside src/drivers/.
//
// Layers, top to bottom. A file imports files of its own layer or of a layer below, never above:
//
//   entry      cli.ts           commander; loads each command lazily; help.ts fits help to the terminal;
//                               shutdown.ts, the owner of SIGINT/SIGTERM
//   commands   commands/        thin: flags in, one capability called, an outcome out
//   build      build/           build: request, plan, run, report, rendering; may take ensure
//   reconcile  reconcile/       ensure-builder as a workflow: lock, probe, plan, execute, verify
//   world      deps.ts, options.ts, run-command.ts: what a command is given (deps, its flags) and returns
//   ui         ui/              the output sink and the renderers
//   probe      probe/           reaching nodes: TCP, TLS, gRPC, ssh, Docker, kubectl
//   config     config/          builders.yaml: discover, load, check, resolve
//   core       core/            pure planning: plans, routing, health, drift
//   buildx     buildx/          argv builders, parsers, the process runner
//   drivers    drivers/         one module per buildx driver behind one interface, and the registry
//   certs      certs/           the certificates `mpb certs create` makes
//   state      state/           mpb's own files beside buildx's: caches, locks, PEM files
//   base       errors.ts, fs-errors.ts, context.ts, quote-value.ts, tool-noise.ts: what every layer may use
//   types      the floor (FLOOR): the types modules that several layers share, each left in the folder whose
//              shapes it declares (config/types.ts, buildx/model.ts, probe/types.ts, probe/codes.ts; moving
//              them into one folder would rewrite an import in most files of src/ and test/ for the same
//              order). They hold types and constant tables, with pure functions over those only, and import
//              nothing but the floor.
//
// Every import counts: `import`, `export … from`, `import type`, `import('…')` and `typeof import('…')`. A
// type-only import is erased at run time, but it is how a climb starts and a cycle forms, so it follows the
// same rule; a type that two layers share goes down to the floor (or to the lower of the two) instead.
// Imports within one layer are free; the cycle check covers them too.
//
// Driver names: outside src/drivers/ no code compares a driver (an expression whose text says `driver`) with
// the name of a driver the registry knows — `===`, `!==`, `==`, `!=`, a `case` of a `switch` on a driver, or
// `.includes`/`.has` on a list that names one. It asks the driver for a capability (drivers/types.ts).
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { DRIVERS } from '../../../src/drivers/registry.js';

const SRC = fileURLToPath(new URL('../../../src/', import.meta.url));

interface Layer {
  name: string;
  /** Paths under src/: a folder ends in `/`, else a file. */
  paths: readonly string[];
}

/** The shared types modules: below every layer, importing only each other. */
const FLOOR: readonly string[] = ['config/types.ts', 'buildx/model.ts', 'probe/types.ts', 'probe/codes.ts'];

/** Top first; see the comment at the top. */
const LAYERS: readonly Layer[] = [
  { name: 'entry', paths: ['cli.ts', 'help.ts', 'shutdown.ts'] },
  { name: 'commands', paths: ['commands/'] },
  { name: 'build', paths: ['build/'] },
  { name: 'reconcile', paths: ['reconcile/'] },
  { name: 'world', paths: ['deps.ts', 'options.ts', 'run-command.ts'] },
  { name: 'ui', paths: ['ui/'] },
  { name: 'probe', paths: ['probe/'] },
  { name: 'config', paths: ['config/'] },
  { name: 'core', paths: ['core/'] },
  { name: 'buildx', paths: ['buildx/'] },
  { name: 'drivers', paths: ['drivers/'] },
  { name: 'certs', paths: ['certs/'] },
  { name: 'state', paths: ['state/'] },
  { name: 'base', paths: ['errors.ts', 'fs-errors.ts', 'context.ts', 'quote-value.ts', 'tool-noise.ts'] },
  { name: 'types', paths: FLOOR },
];

/** One import of a src file: the file it names, resolved, and the line it is on. */
interface Edge {
  from: string;
  to: string;
  line: number;
}

/** The layer of a file (its index in `layers`, 0 = top); the floor's files win over their folder's layer. */
function layerOf(file: string, layers: readonly Layer[]): number | undefined {
  const floor = layers.findIndex((l) => l.paths.includes(file));
  if (floor >= 0) return floor;
  const index = layers.findIndex((l) => l.paths.some((p) => p.endsWith('/') && file.startsWith(p)));
  return index >= 0 ? index : undefined;
}

const parse = (file: string, text: string) =>
  ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);

/** Every module specifier a file names, with its line: static, re-export, dynamic and type imports. */
function specifiersOf(source: ts.SourceFile): { spec: string | undefined; line: number }[] {
  const found: { spec: string | undefined; line: number }[] = [];
  const add = (node: ts.Node, spec: ts.Node | undefined) =>
    found.push({
      spec: spec && ts.isStringLiteralLike(spec) ? spec.text : undefined,
      line: source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1,
    });
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) || (ts.isExportDeclaration(node) && node.moduleSpecifier))
      add(node, node.moduleSpecifier);
    else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference))
      add(node, node.moduleReference.expression);
    else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword)
      add(node, node.arguments[0]);
    else if (ts.isImportTypeNode(node))
      add(node, ts.isLiteralTypeNode(node.argument) ? node.argument.literal : undefined);
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** The import graph of these files (paths relative to src/, `/` separated); bare specifiers are packages. */
function importGraph(files: ReadonlyMap<string, ts.SourceFile>): { edges: Edge[]; problems: string[] } {
  const edges: Edge[] = [];
  const problems: string[] = [];
  for (const [from, source] of files) {
    for (const { spec, line } of specifiersOf(source)) {
      if (spec === undefined) {
        problems.push(
          `src/${from}:${line}: an import whose module is not a string literal (name it literally)`,
        );
        continue;
      }
      if (!spec.startsWith('.')) continue;
      const to = path.posix.join(path.posix.dirname(from), spec).replace(/\.js$/, '.ts');
      if (!files.has(to)) problems.push(`src/${from}:${line}: imports ${spec}, which is no file of src/`);
      else edges.push({ from, to, line });
    }
  }
  return { edges, problems };
}

/** Each cycle of the graph (one per strongly connected part), as a path that ends where it starts. */
function cyclesOf(edges: readonly Edge[]): string[][] {
  const next = new Map<string, string[]>();
  for (const e of edges) next.set(e.from, [...(next.get(e.from) ?? []), e.to]);
  // Tarjan's strongly connected components.
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const parts: string[][] = [];
  const connect = (v: string): void => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    onStack.add(v);
    for (const w of next.get(v) ?? []) {
      if (!index.has(w)) {
        connect(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const part: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      part.push(w);
    } while (w !== v);
    if (part.length > 1 || next.get(v)?.includes(v)) parts.push(part);
  };
  for (const v of [...next.keys()].sort()) if (!index.has(v)) connect(v);
  // In each part, the shortest way from its first file (by name) back to itself.
  return parts.map((part) => {
    const inPart = new Set(part);
    const start = [...part].sort()[0]!;
    const from = new Map<string, string>();
    const queue = [start];
    while (queue.length > 0) {
      const v = queue.shift()!;
      const back = (next.get(v) ?? []).includes(start);
      if (back) {
        const way = [start];
        for (let at = v; at !== start; at = from.get(at)!) way.splice(1, 0, at);
        return [...way, start];
      }
      for (const w of next.get(v) ?? [])
        if (inPart.has(w) && !from.has(w) && w !== start) {
          from.set(w, v);
          queue.push(w);
        }
    }
    return [...part, part[0]!];
  });
}

/** Every import that climbs to a higher layer, and every file no layer claims. */
function climbsOf(files: Iterable<string>, edges: readonly Edge[], layers: readonly Layer[]): string[] {
  const problems: string[] = [];
  for (const f of files)
    if (layerOf(f, layers) === undefined) problems.push(`src/${f} is in no layer: add it to LAYERS`);
  for (const e of edges) {
    const from = layerOf(e.from, layers);
    const to = layerOf(e.to, layers);
    if (from === undefined || to === undefined || to >= from) continue;
    problems.push(
      `src/${e.from}:${e.line} (${layers[from]!.name}) imports src/${e.to} (${layers[to]!.name}): ` +
        `${layers[from]!.name} is below ${layers[to]!.name}`,
    );
  }
  return problems;
}

/** Every decision on a driver's name in this file: see the comment at the top. */
function driverNameDecisionsOf(source: ts.SourceFile, names: readonly string[]): string[] {
  const found: string[] = [];
  const isName = (n: ts.Node) => ts.isStringLiteralLike(n) && names.includes(n.text);
  const namesDriver = (n: ts.Node) => /driver/i.test(n.getText(source));
  const namesAName = (n: ts.Node): boolean => isName(n) || (ts.forEachChild(n, namesAName) ?? false);
  const report = (n: ts.Node) => {
    const { line } = source.getLineAndCharacterOfPosition(n.getStart(source));
    found.push(`src/${source.fileName}:${line + 1}: ${n.getText(source).replace(/\s+/g, ' ')}`);
  };
  const EQUALITY = [
    ts.SyntaxKind.EqualsEqualsEqualsToken,
    ts.SyntaxKind.ExclamationEqualsEqualsToken,
    ts.SyntaxKind.EqualsEqualsToken,
    ts.SyntaxKind.ExclamationEqualsToken,
  ];
  const visit = (n: ts.Node): void => {
    if (ts.isBinaryExpression(n) && EQUALITY.includes(n.operatorToken.kind)) {
      if ((isName(n.left) && namesDriver(n.right)) || (isName(n.right) && namesDriver(n.left))) report(n);
    } else if (ts.isSwitchStatement(n) && namesDriver(n.expression)) {
      for (const clause of n.caseBlock.clauses)
        if (ts.isCaseClause(clause) && isName(clause.expression)) report(clause);
    } else if (
      ts.isCallExpression(n) &&
      ts.isPropertyAccessExpression(n.expression) &&
      ['includes', 'has'].includes(n.expression.name.text) &&
      n.arguments.some(namesDriver) &&
      namesAName(n.expression.expression)
    )
      report(n);
    ts.forEachChild(n, visit);
  };
  visit(source);
  return found;
}

/** Every .ts file under src/, parsed, by its path there. */
function srcFiles(): Map<string, ts.SourceFile> {
  const names = readdirSync(SRC, { recursive: true, encoding: 'utf8' })
    .map((f) => f.split(path.sep).join('/'))
    .filter((f) => f.endsWith('.ts'))
    .sort();
  return new Map(names.map((f) => [f, parse(f, readFileSync(path.join(SRC, f), 'utf8'))]));
}

describe('import order of src/', () => {
  const files = srcFiles();
  const { edges, problems } = importGraph(files);

  it('reads every import of every file', () => {
    expect(files.size).toBeGreaterThan(100);
    expect(edges.length).toBeGreaterThan(500);
    expect(problems).toEqual([]);
  });

  it('names only files that exist in its layers (a folder may be empty: build/ before build moves)', () => {
    const missing = LAYERS.flatMap((l) => l.paths).filter((p) => !p.endsWith('/') && !files.has(p));
    expect(missing).toEqual([]);
  });

  it('has no import cycle', () => {
    expect(cyclesOf(edges).map((c) => c.map((f) => `src/${f}`).join(' → '))).toEqual([]);
  });

  it('has no import that climbs to a higher layer, and no file outside the layers', () => {
    expect(climbsOf(files.keys(), edges, LAYERS)).toEqual([]);
  });

  it('decides on no driver name outside src/drivers/', () => {
    const names = Object.keys(DRIVERS);
    expect(names).toContain('remote');
    const decisions = [...files]
      .filter(([f]) => !f.startsWith('drivers/'))
      .flatMap(([, source]) => driverNameDecisionsOf(source, names));
    expect(decisions).toEqual([]);
  });
});

// The checks above pass on src/ as it is; these show that each one fails on what it is meant to catch.
describe('the import-order checks', () => {
  const parsed = (files: [string, string][]) => new Map(files.map(([f, text]) => [f, parse(f, text)]));
  const layers: Layer[] = [
    { name: 'top', paths: ['top/'] },
    { name: 'low', paths: ['low/'] },
    { name: 'types', paths: ['low/types.ts'] },
  ];

  it('finds a cycle, through type-only and dynamic imports too, and names its path', () => {
    const files = parsed([
      ['top/a.ts', "import { b } from './b.js';"],
      ['top/b.ts', "export const b = () => import('../low/c.js');"],
      ['low/c.ts', "import type { A } from '../top/a.js';"],
      ['low/d.ts', "export { c } from './c.js';"],
    ]);
    const { edges, problems } = importGraph(files);
    expect(problems).toEqual([]);
    expect(cyclesOf(edges)).toEqual([['low/c.ts', 'top/a.ts', 'top/b.ts', 'low/c.ts']]);
  });

  it('finds a climb, the floor importing above it, a file outside the layers and an unknown module', () => {
    const files = parsed([
      ['top/a.ts', "import { x } from '../low/x.js';"],
      ['low/x.ts', "import type { A } from '../top/a.js';\nexport const x = 1;"],
      ['low/types.ts', "import type { X } from './x.js';"],
      ['loose.ts', "import { y } from './low/y.js';\nconst m = await import(name);"],
    ]);
    const { edges, problems } = importGraph(files);
    expect(problems).toEqual([
      'src/loose.ts:1: imports ./low/y.js, which is no file of src/',
      'src/loose.ts:2: an import whose module is not a string literal (name it literally)',
    ]);
    expect(climbsOf(files.keys(), edges, layers)).toEqual([
      'src/loose.ts is in no layer: add it to LAYERS',
      'src/low/x.ts:1 (low) imports src/top/a.ts (top): low is below top',
      'src/low/types.ts:1 (types) imports src/low/x.ts (low): types is below low',
    ]);
  });

  it('finds decisions on a driver name, and not the same words elsewhere', () => {
    const text = [
      "if (spec.driver === 'remote') go();",
      "const tls = 'kubernetes' !== b.driver;",
      "switch (node.driver) { case 'docker': break; }",
      "if (['remote', 'docker'].includes(record.driver)) go();",
      "if (endpoint.kind === 'docker-container' || file === 'docker') go();",
      "run('docker', ['buildx', 'create', '--driver', 'remote']);",
      "const driver = 'docker';",
    ].join('\n');
    expect(driverNameDecisionsOf(parse('x.ts', text), Object.keys(DRIVERS))).toEqual([
      "src/x.ts:1: spec.driver === 'remote'",
      "src/x.ts:2: 'kubernetes' !== b.driver",
      "src/x.ts:3: case 'docker': break;",
      "src/x.ts:4: ['remote', 'docker'].includes(record.driver)",
    ]);
  });
});
