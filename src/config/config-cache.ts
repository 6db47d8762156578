// A valid config remembered, so that a run whose builders.yaml has not changed loads neither yaml nor zod
// (~260 ms CPU before the first buildx call, BENCHMARKS.md). An entry is served only while everything the
// validation read is as it was: the file's bytes, every environment variable it expanded (set or not), the
// stat of every file it names, and mpb's own code. Anything else, or an unreadable entry, validates again.
// Variables are kept as hashes: one may hold a private key (a tls value given as PEM text). One entry per config
// file (and working folder), replaced when the file changes, and at most MAX_ENTRIES of them: the cache does not
// grow with every version of a file, nor with every file ever used.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readPrivate, writePrivate } from '../state/private-cache.js';
import { configCandidates, type LoadOptions, type LoadResult } from './discover.js';
import type { ResolvedConfig } from './types.js';

type Stamp = [size: number, mtimeMs: number, ctimeMs: number] | null;

interface Entry {
  /** mpb's code and the file's bytes (SHA-256) this entry was validated with. */
  code: string;
  text: string;
  /** What the validation read: variables' SHA-256 (null: unset) and named files' stats (null: absent). */
  env: Record<string, string | null>;
  files: Record<string, Stamp>;
  config: ResolvedConfig;
  warnings: Extract<LoadResult, { ok: true }>['warnings'];
}

// In dist/ this chunk's name carries a hash of its code and, through the chunk names it imports, of the loader's:
// another build of mpb never reads this one's entries.
const CODE = (() => {
  const self = fileURLToPath(import.meta.url);
  return `${self}:${statSync(self).mtimeMs}`;
})();

function stampOf(path: string): Stamp {
  try {
    const s = statSync(path);
    return [s.size, s.mtimeMs, s.ctimeMs];
  } catch {
    return null;
  }
}

function sameBytes(file: string | undefined, text: Buffer | undefined): boolean {
  try {
    return file !== undefined && text !== undefined && readFileSync(file).equals(text);
  } catch {
    return false;
  }
}

const digestOf = (value: string | undefined) =>
  value === undefined ? null : createHash('sha256').update(value).digest('hex');

const sameStamp = (a: Stamp, b: Stamp) => JSON.stringify(a) === JSON.stringify(b);

/** The environment as the validation sees it, recording every name it looks up; enumerating it is not cacheable. */
function recording(env: NodeJS.ProcessEnv) {
  const read = new Set<string>();
  let enumerated = false;
  const proxy = new Proxy(env, {
    get: (t, k) => {
      if (typeof k === 'string') read.add(k);
      return Reflect.get(t, k);
    },
    has: (t, k) => {
      if (typeof k === 'string') read.add(k);
      return Reflect.has(t, k);
    },
    ownKeys: (t) => {
      enumerated = true;
      return Reflect.ownKeys(t);
    },
  });
  return { proxy, read, enumerated: () => enumerated };
}

/** Entries kept: more than anyone switches between; the least recently written go first. */
export const MAX_ENTRIES = 16;

/** Removes the oldest entries beyond MAX_ENTRIES (and any left by an older naming). Best effort. */
function prune(cacheDir: string): void {
  try {
    const entries = readdirSync(cacheDir)
      .filter((f) => /^config-[0-9a-f]+\.json$/.test(f))
      .map((f) => ({ path: join(cacheDir, f), mtime: statSync(join(cacheDir, f)).mtimeMs }))
      .sort((a, b) => b.mtime - a.mtime);
    for (const old of entries.slice(MAX_ENTRIES)) rmSync(old.path, { force: true });
  } catch {
    // another run pruning at once, an unreadable folder: the next run tries again
  }
}

function fresh(entry: Entry, env: NodeJS.ProcessEnv): boolean {
  return (
    Object.entries(entry.env).every(([k, v]) => digestOf(env[k]) === v) &&
    Object.entries(entry.files).every(([path, stamp]) => sameStamp(stampOf(path), stamp))
  );
}

/** loadConfig, answered from the cache in `cacheDir` when nothing it depends on changed. */
export async function loadConfigCached(options: LoadOptions, cacheDir: string): Promise<LoadResult> {
  const { files, explicit } = configCandidates(options);
  const file = explicit ? files[0] : files.find((f) => existsSync(f));
  let text: Buffer | undefined;
  try {
    text = file === undefined ? undefined : readFileSync(file);
  } catch {
    text = undefined; // the loader says why, with the file's name
  }
  const entryFile =
    text === undefined
      ? undefined
      : join(
          cacheDir,
          `config-${createHash('sha256').update(`${file}\0${options.cwd}`).digest('hex').slice(0, 32)}.json`,
        );
  const textDigest = text === undefined ? '' : createHash('sha256').update(text).digest('hex');
  const cached = entryFile ? readPrivate<Entry>(entryFile) : undefined;
  if (cached && cached.code === CODE && cached.text === textDigest && fresh(cached, options.env)) {
    return { ok: true, config: cached.config, warnings: cached.warnings };
  }
  const { loadConfigNaming } = await import('./load.js');
  const env = recording(options.env);
  const { result, named } = await loadConfigNaming({ ...options, env: env.proxy });
  // Stored only for the bytes that were validated: a file rewritten meanwhile is validated again next time.
  if (result.ok && entryFile && !env.enumerated() && sameBytes(file, text)) {
    const entry: Entry = {
      code: CODE,
      text: textDigest,
      env: Object.fromEntries([...env.read].map((k) => [k, digestOf(options.env[k])])),
      files: Object.fromEntries(named.map((p) => [p, stampOf(p)])),
      config: result.config,
      warnings: result.warnings,
    };
    writePrivate(entryFile, JSON.stringify(entry));
    prune(cacheDir);
  }
  return result;
}
