// The files real buildx keeps of each builder in its config dir, written from the fake's store after every change:
// `instances/NAME` (Go's json.Marshal of store.NodeGroup: fields in struct order, map keys sorted, one line, no
// newline) and `activity/NAME` (RFC 3339 UTC). Byte for byte as the captures in
// test/fixtures/captures-local/*/record-buildx-instances-*.json; mpb reads them for its converged fast path.
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dockerConfigDir } from './state.mjs';

/** $BUILDX_CONFIG, else `buildx` in docker's config dir (util/confutil/config.go). */
export const buildxDir = (env = process.env) => env.BUILDX_CONFIG || join(dockerConfigDir(env), 'buildx');

const sorted = (map) =>
  map
    ? Object.fromEntries(
        Object.keys(map)
          .sort()
          .map((k) => [k, map[k]]),
      )
    : null;
const nonEmpty = (v) => (v && Object.keys(v).length > 0 ? v : null);

// An OCI platform as ocispecs.Platform marshals it: architecture, os, then variant when there is one.
function ociPlatform(text) {
  const [os, architecture, variant] = text.split('/');
  return variant ? { architecture, os, variant } : { architecture, os };
}

/** instances/NAME of one builder of the fake's store. */
export function instanceJson(builder) {
  return JSON.stringify({
    Name: builder.name,
    Driver: builder.driver,
    Nodes: builder.nodes.map((n) => ({
      Name: n.name,
      Endpoint: n.endpoint ?? '',
      Platforms: n.platforms?.length ? n.platforms.map(ociPlatform) : null,
      DriverOpts: sorted(nonEmpty(n.driverOpts)),
      Flags: n.flags?.length ? n.flags : null,
      Files: sorted(nonEmpty(n.files)),
    })),
    Dynamic: false,
  });
}

function writeAtomic(path, text) {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, text, { mode: 0o600 });
  renameSync(tmp, path);
}

/**
 * Makes the record files match the store: one pair per builder, none for a builder that is gone. Only where the
 * env names buildx's dir ($BUILDX_CONFIG or $DOCKER_CONFIG): a test never writes into a home directory.
 */
export function syncRecords(state, env = process.env) {
  if (!env.BUILDX_CONFIG && !env.DOCKER_CONFIG) return;
  const dir = buildxDir(env);
  for (const sub of ['instances', 'activity']) {
    mkdirSync(join(dir, sub), { recursive: true, mode: 0o700 });
    for (const name of readdirSync(join(dir, sub)))
      if (!state.builders[name]) rmSync(join(dir, sub, name), { force: true });
  }
  for (const builder of Object.values(state.builders)) {
    writeAtomic(join(dir, 'instances', builder.name), instanceJson(builder));
    const activity = join(dir, 'activity', builder.name);
    if (builder.lastActivity) writeAtomic(activity, builder.lastActivity);
    else if (existsSync(activity)) rmSync(activity);
  }
}
