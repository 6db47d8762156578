// `--load` of several platforms: buildx loads a multi-platform image into the local Docker only where its image
// store is containerd (and buildx is 0.11 or newer); elsewhere the build runs to its end and then fails.
import { readImageStore } from '../buildx/docker-info.js';
import type { BuildxVersion } from '../buildx/model.js';
import type { Runner } from '../buildx/run-types.js';

export type MultiPlatformLoad = { ok: true } | { ok: false; why: string };

/** Whether this buildx and the local Docker can load a multi-platform image; asks `docker info` once. */
export async function multiPlatformLoadOf(
  run: Runner,
  version: () => Promise<BuildxVersion>,
): Promise<MultiPlatformLoad> {
  const v = await version();
  if (!v.caps.multiPlatformLoad)
    return {
      ok: false,
      why: `buildx ${v.major}.${v.minor}.${v.patch} loads one platform only (several need buildx 0.11 or newer)`,
    };
  const store = await readImageStore(run);
  switch (store.kind) {
    case 'containerd':
      return { ok: true };
    case 'classic':
      return {
        ok: false,
        why: `the local Docker's image store is ${store.driver ? `the classic ${store.driver} driver` : 'the classic one'}, which holds one platform per image, not containerd`,
      };
    case 'unknown':
      return { ok: false, why: `could not tell the local Docker's image store (${store.why})` };
  }
}
