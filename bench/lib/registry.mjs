// A real registry for the bench: docker-registry on 127.0.0.1 holding the busybox base image (amd64, arm64,
// riscv64). The e2e tier keeps that image as an OCI layout in .cache/busybox-image (test/helpers/base-image.ts);
// skopeo copies it in with its bytes, so no apt download is repeated. Without the layout,
// ../shared/tools/make-busybox-image makes it.
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { freePort } from './daemons.mjs';
import { Skip } from './report.mjs';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const LAYOUT = join(ROOT, '.cache', 'busybox-image', 'oci');
const MAKE_BUSYBOX = join(ROOT, '..', 'shared', 'tools', 'make-busybox-image');

const onPath = (tool) =>
  run('sh', ['-c', 'command -v "$1"', 'sh', tool]).then(
    () => true,
    () => false,
  );

/** Starts the registry and fills `base/busybox:1`; `stop()` ends it and deletes its storage. */
export async function startBaseRegistry() {
  for (const tool of ['docker-registry', 'skopeo'])
    if (!(await onPath(tool))) throw new Skip(`${tool} not installed (apt-get install ${tool})`);
  const hasLayout = existsSync(join(LAYOUT, 'index.json'));
  if (!hasLayout && !existsSync(MAKE_BUSYBOX))
    throw new Skip(
      'no .cache/busybox-image (run the e2e tier once) and no ../shared/tools/make-busybox-image',
    );
  const dir = mkdtempSync(join(tmpdir(), 'mpb-bench-registry-'));
  const host = `127.0.0.1:${await freePort()}`;
  writeFileSync(
    join(dir, 'config.yml'),
    `version: 0.1\nlog:\n  level: warn\nstorage:\n  filesystem:\n    rootdirectory: ${join(dir, 'data')}\nhttp:\n  addr: ${host}\n`,
  );
  const child = spawn('docker-registry', ['serve', join(dir, 'config.yml')], { stdio: 'ignore' });
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (let i = 0; ; i++) {
      const up = await fetch(`http://${host}/v2/`).then(
        () => true,
        () => false,
      );
      if (up) break;
      if (i > 100 || child.exitCode !== null) throw new Error(`docker-registry did not answer on ${host}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const image = `${host}/base/busybox:1`;
    if (hasLayout) {
      const args = ['copy', '--all', '--quiet', '--dest-tls-verify=false', `oci:${LAYOUT}:latest`];
      await run('skopeo', [...args, `docker://${image}`], { timeout: 120_000 });
    } else await run('bash', [MAKE_BUSYBOX, image], { timeout: 300_000 });
    return { host, image, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}
