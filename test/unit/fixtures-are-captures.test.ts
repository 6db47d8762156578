// Fixtures are byte copies of the real buildx captures and reference outputs in the shared folder, never edited.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { sharedDir } from '../helpers/shared-dir.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));
const shared = sharedDir();
const skip = 'skip' in shared ? shared.skip : undefined;

const filesUnder = (dir: string) =>
  readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => statSync(join(dir, f)).isFile());
const sameBytes = (a: string, b: string) => existsSync(b) && readFileSync(a).equals(readFileSync(b));

describe.skipIf(skip)(`fixtures match the shared captures${skip ? ` (skipped: ${skip})` : ''}`, () => {
  const root = 'dir' in shared ? shared.dir : '';

  it('test/fixtures/captures/v*/ are copies of buildx-captures/', () => {
    const copies = filesUnder(join(FIXTURES, 'captures')).filter((f) => f.startsWith('v'));
    expect(copies.length).toBeGreaterThan(0);
    const differ = copies.filter(
      (f) => !sameBytes(join(FIXTURES, 'captures', f), join(root, 'buildx-captures', f)),
    );
    expect(differ).toEqual([]);
  });

  it('test/fixtures/reference/ are copies of buildx-reference/fixtures/ (or its docs-verbatim/)', () => {
    const reference = join(root, 'buildx-reference', 'fixtures');
    const differ = filesUnder(join(FIXTURES, 'reference')).filter(
      (f) =>
        !sameBytes(join(FIXTURES, 'reference', f), join(reference, f)) &&
        !sameBytes(join(FIXTURES, 'reference', f), join(reference, 'docs-verbatim', f)),
    );
    expect(differ).toEqual([]);
  });
});
