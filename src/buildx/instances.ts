// buildx's own record of a builder: `instances/NAME` (one line of JSON, store/nodegroup.go NodeGroup) and
// `activity/NAME` (RFC 3339 UTC) in its config dir. Read strictly: a key, a value or a shape this reader does not
// know makes the record "not understood", and the caller asks `buildx inspect` instead.
// Real bytes: test/fixtures/captures-local/{v0.29.1,v0.13.1}/record-* (byte-identical between the two).
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { BuildxVersion } from './model.js';
import { printedPlatform } from './platform.js';

export interface RecordNode {
  name: string;
  endpoint: string;
  /** Pinned with `create --platform`, as buildx prints them (containerd's normal form), without duplicates. */
  pins: string[];
  driverOpts: Record<string, string>;
}

export interface InstanceRecord {
  name: string;
  driver: string;
  nodes: RecordNode[];
  /** From `activity/NAME`, RFC 3339 UTC; undefined when buildx wrote none (inspect then prints no line). */
  lastActivity: string | undefined;
}

export type RecordRead = { ok: true; record: InstanceRecord } | { ok: false; why: string };

/**
 * The buildx versions whose record this reader knows: the format is the same from 0.13.1 to 0.29.1 (captures);
 * outside the range the record is not read, whatever it holds.
 */
export function recordKnownFor(version: BuildxVersion): boolean {
  return version.major === 0 && version.minor >= 13 && version.minor <= 29;
}

/** `MPB_BUILDX_RECORD=0`: never read the record; every builder is read with `buildx inspect`. */
export const recordReadingOff = (env: NodeJS.ProcessEnv): boolean => env['MPB_BUILDX_RECORD'] === '0';

/**
 * buildx's config dir as buildx finds it (util/confutil/config.go): `$BUILDX_CONFIG`, else `buildx` beside the
 * docker CLI's config file (`$DOCKER_CONFIG`, else `~/.docker`). Undefined when neither names a place.
 */
export function buildxConfigDir(env: NodeJS.ProcessEnv, cwd: string): string | undefined {
  if (env['BUILDX_CONFIG']) return resolve(cwd, env['BUILDX_CONFIG']);
  if (env['DOCKER_CONFIG']) return join(resolve(cwd, env['DOCKER_CONFIG']), 'buildx');
  return env['HOME'] ? join(env['HOME'], '.docker', 'buildx') : undefined;
}

const missing = (e: NodeJS.ErrnoException) => e.code === 'ENOENT';

/** Both files of a builder, as text; `instances` undefined when buildx has no record of that name. */
export async function readRecordFiles(
  dir: string,
  name: string,
): Promise<{ instance: string | undefined; activity: string | undefined }> {
  const read = (sub: string) =>
    readFile(join(dir, sub, name), 'utf8').catch((e: NodeJS.ErrnoException) => {
      if (missing(e)) return undefined;
      throw e;
    });
  const [instance, activity] = await Promise.all([read('instances'), read('activity')]);
  return { instance, activity };
}

class NotUnderstood extends Error {}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Exactly these keys (Go's json.Marshal writes every field, in this order; Unmarshal would also take others). */
function fields(v: unknown, keys: readonly string[], what: string): Record<string, unknown> {
  if (!isObject(v)) throw new NotUnderstood(`${what} is not an object`);
  const got = Object.keys(v);
  if (got.length !== keys.length || got.some((k, i) => k !== keys[i]))
    throw new NotUnderstood(`${what} has the keys ${got.join(',')}, not ${keys.join(',')}`);
  return v;
}

function string(v: unknown, what: string): string {
  if (typeof v !== 'string' || v === '') throw new NotUnderstood(`${what} is not a non-empty string`);
  return v;
}

function pinOf(v: unknown, what: string): string {
  if (!isObject(v)) throw new NotUnderstood(`${what} is not an object`);
  const keys = Object.keys(v);
  if (!['architecture', 'os'].every((k) => keys.includes(k)) || keys.some((k) => !PIN_KEYS.includes(k)))
    throw new NotUnderstood(`${what} has the keys ${keys.join(',')}`);
  const variant = v['variant'] === undefined ? undefined : string(v['variant'], `${what}.variant`);
  const text = printedPlatform({
    os: string(v['os'], `${what}.os`),
    architecture: string(v['architecture'], `${what}.architecture`),
    variant,
  });
  if (text === undefined) throw new NotUnderstood(`${what} is not a platform mpb prints as buildx does`);
  return text;
}
const PIN_KEYS = ['architecture', 'os', 'variant'];

function stringMap(v: unknown, what: string): Record<string, string> {
  if (v === null) return {};
  if (!isObject(v)) throw new NotUnderstood(`${what} is not an object`);
  for (const [k, value] of Object.entries(v))
    if (typeof value !== 'string') throw new NotUnderstood(`${what}.${k} is not a string`);
  return v as Record<string, string>;
}

function nodeOf(v: unknown, i: number): RecordNode {
  const what = `Nodes[${i}]`;
  const n = fields(v, ['Name', 'Endpoint', 'Platforms', 'DriverOpts', 'Flags', 'Files'], what);
  // Flags (`--buildkitd-flags`) and Files (`--buildkitd-config`) belong to drivers that start BuildKit.
  if (n['Flags'] !== null || n['Files'] !== null)
    throw new NotUnderstood(`${what} has buildkitd flags or files`);
  const platforms = n['Platforms'];
  if (platforms !== null && !Array.isArray(platforms))
    throw new NotUnderstood(`${what}.Platforms is not a list`);
  return {
    name: string(n['Name'], `${what}.Name`),
    endpoint: string(n['Endpoint'], `${what}.Endpoint`),
    // buildx prints the pins normalised and once each (util/platformutil FormatInGroups).
    pins: [...new Set((platforms ?? []).map((p, k) => pinOf(p, `${what}.Platforms[${k}]`)))],
    driverOpts: stringMap(n['DriverOpts'], `${what}.DriverOpts`),
  };
}

// What buildx's activity file holds: time.Now().UTC().Format(time.RFC3339), whole seconds.
const ACTIVITY = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;

/** The two files as one record, or why it is not understood. */
export function parseRecord(instance: string, activity: string | undefined): RecordRead {
  try {
    let json: unknown;
    try {
      json = JSON.parse(instance);
    } catch {
      throw new NotUnderstood('the record is not JSON');
    }
    const g = fields(json, ['Name', 'Driver', 'Nodes', 'Dynamic'], 'the record');
    // Dynamic: the nodes are kubernetes pods found at run time, not the ones recorded.
    if (g['Dynamic'] !== false) throw new NotUnderstood('the record is dynamic (kubernetes pods)');
    const nodes = g['Nodes'];
    if (!Array.isArray(nodes) || nodes.length === 0) throw new NotUnderstood('the record has no nodes');
    if (activity !== undefined && !ACTIVITY.test(activity))
      throw new NotUnderstood(`the activity file holds ${JSON.stringify(activity.slice(0, 40))}`);
    return {
      ok: true,
      record: {
        name: string(g['Name'], 'Name'),
        driver: string(g['Driver'], 'Driver'),
        nodes: nodes.map(nodeOf),
        lastActivity: activity,
      },
    };
  } catch (e) {
    if (e instanceof NotUnderstood) return { ok: false, why: e.message };
    throw e;
  }
}

/** The record of builder `name` where buildx keeps it, parsed; never throws (a file it cannot read is a reason). */
export async function readRecord(env: NodeJS.ProcessEnv, cwd: string, name: string): Promise<RecordRead> {
  const dir = buildxConfigDir(env, cwd);
  if (dir === undefined) return { ok: false, why: 'no $BUILDX_CONFIG, $DOCKER_CONFIG or $HOME' };
  try {
    const { instance, activity } = await readRecordFiles(dir, name);
    if (instance === undefined) return { ok: false, why: `no record ${join(dir, 'instances', name)}` };
    return parseRecord(instance, activity);
  } catch (e) {
    return { ok: false, why: `cannot read the record: ${(e as Error).message}` };
  }
}
