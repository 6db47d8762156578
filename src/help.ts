// How `--help` is laid out: to the terminal's width (80 when it reports none, and for pipes and files: help is
// prose for people, and `mpb --help | less` reads best at a screen's width), a description column commander can
// wrap, every command's help listing the global options, and the text after the options (examples, notes)
// wrapped when it is printed, not where it is written. Loaded by `mpb --help`: commander and ui/ text only.
import type { Command, Help, HelpContext, Option } from 'commander';
import { commandLines, shellWords } from './ui/command-line.js';
import { wrapLine } from './ui/table.js';

/** A term longer than this gets a line of its own, its description on the next: the column stays narrow. */
export const TERM_COLUMN = 26;

/** Help's width: a terminal's columns (80 when it reports none); 80 for pipes and files. */
export function helpWidthOf(stream: { isTTY?: boolean; columns?: number }): number {
  return stream.isTTY && stream.columns && stream.columns > 0 ? stream.columns : 80;
}

/** One example of a command's help: the command line (shell words), and what it does. */
export type Example = readonly [command: string, what?: string];

export interface HelpAfter {
  examples?: readonly Example[];
  /** Paragraphs, each wrapped to the width; a line starting with spaces keeps them on its wrapped lines. */
  notes?: readonly string[];
}

const EXAMPLE_INDENT = '  ';
// An example's description that does not fit beside its command goes under it, here.
const UNDER = '      ';

function exampleLines(examples: readonly Example[], width: number): string[] {
  // Descriptions line up after the longest command that leaves them room for a few words.
  const fitting = examples.filter(
    ([cmd, what]) => what !== undefined && EXAMPLE_INDENT.length + 2 + cmd.length + 2 + 20 <= width,
  );
  const column = Math.max(0, ...fitting.map(([cmd]) => cmd.length));
  return examples.flatMap(([cmd, what]) => {
    const inner = width - EXAMPLE_INDENT.length - 2;
    const lines = commandLines(shellWords(cmd), inner).map((l, i) =>
      i === 0 ? `${EXAMPLE_INDENT}$ ${l}` : `${EXAMPLE_INDENT}  ${l}`,
    );
    if (what === undefined) return lines;
    const beside = `${lines[0]!.padEnd(EXAMPLE_INDENT.length + 2 + column)}  ${what}`;
    if (lines.length === 1 && beside.length <= width) return [beside];
    return [...lines, ...wrapLine(`${UNDER}${what}`, width, UNDER)];
  });
}

/** The text after a command's options at `width`: its examples, then its notes. */
export function renderHelpAfter(after: HelpAfter, width: number): string {
  const blocks: string[][] = [];
  const examples = after.examples ?? [];
  if (examples.length > 0)
    blocks.push([examples.length === 1 ? 'Example:' : 'Examples:', ...exampleLines(examples, width)]);
  for (const note of after.notes ?? []) {
    // A note's own continuation lines (an aligned list) keep their indent; wrapped lines hang under it.
    blocks.push(
      note.split('\n').flatMap((line) => {
        const indent = /^ */.exec(line)?.[0] ?? '';
        return wrapLine(line, width, indent === '' ? '' : `${indent}  `);
      }),
    );
  }
  return `\n${blocks.map((b) => b.join('\n')).join('\n\n')}`;
}

/** addHelpText's text: rendered when the help is, at the width of the stream it goes to. */
export function helpAfter(after: HelpAfter): (context: HelpContext) => string {
  return ({ error }) => renderHelpAfter(after, helpWidthOf(error ? process.stderr : process.stdout));
}

/**
 * Lays out the help of `program` and of every command added to it afterwards (commander copies the settings
 * to each new command): widths, the term column, and the global options in each command's help.
 */
export function configureHelpLayout(program: Command): Command {
  return program
    .configureOutput({
      getOutHelpWidth: () => helpWidthOf(process.stdout),
      getErrHelpWidth: () => helpWidthOf(process.stderr),
    })
    .configureHelp({
      showGlobalOptions: true,
      // Narrow screens still wrap: commander's own floor (40) leaves a 60-column terminal unwrapped.
      minWidthToWrap: 20,
      // `build [context] [buildxArgs...]`: every command takes options, `[options]` says nothing.
      subcommandTerm: (cmd: Command) =>
        [
          cmd.name(),
          ...cmd.registeredArguments.map((a) => {
            const name = `${a.name()}${a.variadic ? '...' : ''}`;
            return a.required ? `<${name}>` : `[${name}]`;
          }),
        ].join(' '),
      // --version is the program's alone: `mpb ls --help` need not list it.
      visibleGlobalOptions(this: Help, cmd: Command): Option[] {
        const globals: Option[] = [];
        for (let parent = cmd.parent; parent; parent = parent.parent)
          globals.push(...parent.options.filter((o) => !o.hidden && o.long !== '--version'));
        return globals;
      },
      padWidth(this: Help, cmd: Command, helper: Help): number {
        const natural = Math.max(
          helper.longestOptionTermLength(cmd, helper),
          helper.longestGlobalOptionTermLength(cmd, helper),
          helper.longestSubcommandTermLength(cmd, helper),
          helper.longestArgumentTermLength(cmd, helper),
        );
        return Math.min(natural, TERM_COLUMN);
      },
      formatItem(this: Help, term: string, termWidth: number, description: string, helper: Help): string {
        // A term wider than the column: alone on its line, its description on the next, in the column.
        if (helper.displayWidth(term) <= termWidth || !description)
          return Object.getPrototypeOf(this).formatItem.call(this, term, termWidth, description, helper);
        const item = Object.getPrototypeOf(this).formatItem.call(this, '', termWidth, description, helper);
        return `  ${term}\n${item}`;
      },
    });
}
