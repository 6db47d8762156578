// What every command pays before it runs: the modules dist/cli.js loads statically (its `import … from` lines,
// followed through the chunks). The commands and their packages (chalk, ora, zod, yaml, execa) come in through
// `import()` once a command runs; one static import of a module that holds chalk would make `mpb --help` and every
// command load it first (BENCHMARKS.md: start-up). Read from the bundle as it ships, so what rolldown merged counts.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/built-cli.js';

const DIST = path.join(ROOT, 'dist');

/** The chunks a file imports statically: `import … from "./chunks/x.js"` (never `import("…")`). */
const staticImportsOf = (text: string): string[] =>
  [...text.matchAll(/^(?:import|export)\b[^;]*? from "(\.[^"]+)";$/gm)].map((m) => m[1]!);

/** rolldown names the package of every module it bundles in a `// node_modules/NAME/…` comment. */
const packagesIn = (text: string): string[] =>
  [...text.matchAll(/^\/\/ node_modules\/((?:@[^/]+\/)?[^/]+)\//gm)].map((m) => m[1]!);

function staticClosure(entry: string): { files: string[]; packages: Set<string> } {
  const files: string[] = [];
  const packages = new Set<string>();
  const visit = (file: string) => {
    if (files.includes(file)) return;
    files.push(file);
    const text = readFileSync(file, 'utf8');
    for (const p of packagesIn(text)) packages.add(p);
    for (const spec of staticImportsOf(text)) visit(path.resolve(path.dirname(file), spec));
  };
  visit(entry);
  return { files, packages };
}

describe("dist/cli.js's static imports", () => {
  it('reach commander and no other package: colours, spinners, zod, yaml and execa load with a command', () => {
    const { files, packages } = staticClosure(path.join(DIST, 'cli.js'));
    expect(files.length).toBeGreaterThan(1); // the reader follows the chunks at all
    expect([...packages].sort()).toEqual(['commander']);
  });

  it('the same reader finds the packages the chunks of the commands hold (so the check above can fail)', () => {
    const chunks = readdirSync(path.join(DIST, 'chunks')).filter((f) => f.endsWith('.js'));
    const all = new Set(chunks.flatMap((f) => [...staticClosure(path.join(DIST, 'chunks', f)).packages]));
    expect([...all]).toEqual(expect.arrayContaining(['chalk', 'ora', 'zod', 'yaml', 'execa']));
  });
});
