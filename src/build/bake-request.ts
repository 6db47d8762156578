// What `mpb bake` is asked for: the targets, buildx's own bake flags (passed on as they are), and mpb's. Pure.
import type { BakeArgsInput } from '../buildx/bake-args.js';
import { readCacheRef } from './request.js';

export interface BakeRequest {
  /** The targets and groups named; none is bake's `default`. */
  targets: string[];
  args: BakeArgsInput;
  push: boolean;
  /** `--cache-ref`, checked: each target × platform reads and writes `REPO:TARGET-os-arch`. */
  cacheRef: string | undefined;
  allowEmulation: boolean;
}

export interface BakeRequestOptions {
  file?: string[];
  set?: string[];
  push?: boolean;
  pull?: boolean;
  cache?: boolean;
  provenance?: string;
  sbom?: string;
  cacheRef?: string;
  allowEmulation?: boolean;
}

/** The pass-through flags in bake's own spelling. */
function flagsOf(o: BakeRequestOptions): string[] {
  return [
    ...(o.pull ? ['--pull'] : []),
    ...(o.cache === false ? ['--no-cache'] : []),
    ...(o.provenance !== undefined ? [`--provenance=${o.provenance}`] : []),
    ...(o.sbom !== undefined ? [`--sbom=${o.sbom}`] : []),
  ];
}

export function readBakeRequest(
  targets: readonly string[],
  extra: readonly string[],
  o: BakeRequestOptions,
): BakeRequest {
  const cacheRef = readCacheRef(o.cacheRef);
  return {
    targets: [...targets],
    args: { files: o.file ?? [], sets: o.set ?? [], flags: flagsOf(o), extra: [...extra] },
    push: Boolean(o.push),
    cacheRef,
    allowEmulation: Boolean(o.allowEmulation),
  };
}
