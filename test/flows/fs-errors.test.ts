// Filesystem faults on mpb's own paths, through the built CLI: each is one error naming the path and what to
// do, exit 2 (the path is wrong) — never "a bug in mpb" (70) with a stack.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cleanEnv, runMpb } from '../helpers/built-cli.js';
import { flowWorld } from '../helpers/flow-world.js';

const CONFIG = `version: 1
builders:
  b:
    driver: docker-container
    nodes:
      - name: n0
        platforms: [linux/amd64]
`;

/** A temp dir holding `F`, a regular file where a folder is expected. */
function fileInTheWay(): { dir: string; file: string } {
  const dir = mkdtempSync(join(tmpdir(), 'mpb-fs-'));
  const file = join(dir, 'F');
  writeFileSync(file, 'not a folder\n');
  return { dir, file };
}

const noBug = (stderr: string) => {
  expect(stderr).not.toContain('This is a bug in mpb');
  expect(stderr).not.toMatch(/^\s+at /m); // no stack
};

describe('a file where mpb needs a folder (ENOTDIR)', () => {
  it('certs create --out F/certs: exit 2, naming F', () => {
    const { file } = fileInTheWay();
    const r = runMpb(['certs', 'create', '--host', 'x', '--out', join(file, 'certs')]);
    expect(r.code).toBe(2);
    noBug(r.stderr);
    expect(r.stderr).toBe(
      `error: cannot create the certificate folder ${file}/certs: ${file} is a file, not a folder\n` +
        `  → Remove or rename ${file}, or choose another path. --out names the folder.\n`,
    );
  });

  it('BUILDX_CONFIG=F/bx ensure-builder: exit 2 on the lock folder, before buildx changes anything', async () => {
    const w = await flowWorld({ version: '0.29.1', config: CONFIG });
    const { file } = fileInTheWay();
    const r = await w.mpb(['ensure-builder'], { env: { BUILDX_CONFIG: join(file, 'bx') } });
    expect(r.exitCode).toBe(2);
    noBug(r.stderr);
    expect(r.stderr).toContain(
      `error: cannot create the lock folder ${file}/bx/mpb-locks: ${file} is a file, not a folder\n`,
    );
    expect(w.fake.calls().filter((argv) => argv[2] === 'create')).toEqual([]);
  });

  it('certs show F/cert.pem and init --output F/builders.yaml: exit 2, naming F', () => {
    const { file } = fileInTheWay();
    const show = runMpb(['certs', 'show', join(file, 'cert.pem')]);
    expect(show.code).toBe(2);
    noBug(show.stderr);
    expect(show.stderr).toContain(`cannot read ${file}/cert.pem: ${file} is a file, not a folder`);
    const init = runMpb(['init', '--output', join(file, 'builders.yaml')], { env: cleanEnv() });
    expect(init.code).toBe(2);
    noBug(init.stderr);
    expect(init.stderr).toContain(`cannot create the folder ${file}: it is a file, not a folder`);
  });
});
