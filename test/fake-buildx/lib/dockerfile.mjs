// Just enough of a Dockerfile frontend for the fake build: the final stage's steps (vertices), its history and
// image config, and a fingerprint of the build context for the fake build cache.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const LAYER_STEPS = ['COPY', 'ADD', 'RUN'];
const VERTEX_STEPS = [...LAYER_STEPS, 'WORKDIR'];
const DEFAULT_PATH = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** Instructions of the last stage: [{op, args, text}], plus the base image (`scratch` or a name). */
export function parseDockerfile(text) {
  const joined = text.replace(/\\\r?\n/g, ' ');
  const all = joined
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => {
      const [op, ...rest] = l.split(/\s+/);
      return { op: op.toUpperCase(), args: rest.join(' '), text: `${op.toUpperCase()} ${rest.join(' ')}` };
    });
  const lastFrom = all.map((i) => i.op).lastIndexOf('FROM');
  const base = lastFrom === -1 ? 'scratch' : all[lastFrom].args.split(/\s+/)[0];
  return { base, instructions: all.slice(lastFrom + 1) };
}

/** Vertex names of the stage's steps: `[linux/amd64 1/1] COPY hello.txt /hello.txt` (prefix only when asked). */
export function stepNames(df, platformPrefix) {
  const steps = df.instructions.filter((i) => VERTEX_STEPS.includes(i.op));
  const from =
    df.base === 'scratch' ? [] : [`FROM docker.io/${df.base.includes('/') ? df.base : `library/${df.base}`}`];
  const all = [...from, ...steps.map((s) => s.text)];
  const pfx = platformPrefix ? `${platformPrefix} ` : '';
  return all.map((s, i) => `[${pfx}${i + 1}/${all.length}] ${s}`);
}

function parseLabels(args) {
  const labels = {};
  for (const m of args.matchAll(/([^\s=]+)=("([^"]*)"|\S+)/g)) labels[m[1]] = m[3] ?? m[2];
  return labels;
}

/** The OCI image config BuildKit would write for this platform (field order of ocispec Image). */
export function imageConfig(df, platform, created, layerDigests) {
  const [os, architecture, variant] = platform.split('/');
  const env = [DEFAULT_PATH];
  let workdir = '/';
  const labels = {};
  const history = [];
  for (const i of df.instructions) {
    const layer = LAYER_STEPS.includes(i.op);
    if (i.op === 'ENV') env.push(i.args.replace(/\s+/, '='));
    if (i.op === 'WORKDIR') workdir = i.args;
    if (i.op === 'LABEL') Object.assign(labels, parseLabels(i.args));
    const createdBy =
      i.op === 'RUN' ? `RUN /bin/sh -c ${i.args} # buildkit` : layer ? `${i.text} # buildkit` : i.text;
    history.push({
      created,
      created_by: createdBy,
      comment: 'buildkit.dockerfile.v0',
      ...(layer ? {} : { empty_layer: true }),
    });
  }
  return {
    created,
    architecture,
    os,
    ...(variant ? { variant } : {}),
    config: { Env: env, WorkingDir: workdir, ...(Object.keys(labels).length ? { Labels: labels } : {}) },
    rootfs: { type: 'layers', diff_ids: layerDigests },
    history,
  };
}

export const layerSteps = (df) => df.instructions.filter((i) => LAYER_STEPS.includes(i.op));

/** Total bytes and a fingerprint of the context (names, sizes, contents), skipping .git and node_modules. */
export function scanContext(dir) {
  const hash = createHash('sha256');
  let bytes = 0;
  let files = 0;
  const walk = (rel) => {
    for (const entry of readdirSync(join(dir, rel), { withFileTypes: true }).sort((a, b) =>
      a.name < b.name ? -1 : 1,
    )) {
      if (files > 2000 || entry.name === '.git' || entry.name === 'node_modules') continue;
      const path = join(rel, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile()) {
        const size = statSync(join(dir, path)).size;
        bytes += size;
        files++;
        hash.update(`${path}\0${size}\0`);
        if (size < 1_000_000) hash.update(readFileSync(join(dir, path)));
      }
    }
  };
  walk('');
  return { bytes, fingerprint: hash.digest('hex') };
}

export function readDockerfile(contextDir, file) {
  const path = file ?? join(contextDir, 'Dockerfile');
  return existsSync(path) ? readFileSync(path, 'utf8') : undefined;
}
