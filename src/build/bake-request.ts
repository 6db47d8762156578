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
  /** Why buildx's own bake must run, whatever the outputs (`--load`, `--call`); undefined when none does. */
  whole: string | undefined;
  /** `--metadata-file`: a fleet bake writes each target's merged index there, as bake would. */
  metadataFile: string | undefined;
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
  allow?: string[];
  progress?: string;
  load?: boolean;
  call?: string;
  check?: boolean;
  metadataFile?: string;
}

/** The pass-through flags in bake's own spelling. */
function flagsOf(o: BakeRequestOptions): string[] {
  return [
    ...(o.pull ? ['--pull'] : []),
    ...(o.cache === false ? ['--no-cache'] : []),
    ...(o.provenance !== undefined ? [`--provenance=${o.provenance}`] : []),
    ...(o.sbom !== undefined ? [`--sbom=${o.sbom}`] : []),
    ...(o.progress !== undefined ? [`--progress=${o.progress}`] : []),
  ];
}

/** Flags that make it buildx's own bake, and why. */
function wholeOf(o: BakeRequestOptions): { flags: string[]; why: string | undefined } {
  const flags = [
    ...(o.load ? ['--load'] : []),
    ...(o.call !== undefined ? [`--call=${o.call}`] : []),
    ...(o.check ? ['--check'] : []),
  ];
  const why = o.load
    ? '--load: the images come back to this Docker, one bake on the builder'
    : o.call !== undefined || o.check
      ? `${o.check ? '--check' : `--call=${o.call}`} evaluates the build and exports nothing: one bake on the builder`
      : undefined;
  return { flags, why };
}

export function readBakeRequest(targets: readonly string[], o: BakeRequestOptions): BakeRequest {
  const cacheRef = readCacheRef(o.cacheRef);
  const whole = wholeOf(o);
  const metadata = o.metadataFile;
  return {
    targets: [...targets],
    args: {
      files: o.file ?? [],
      sets: o.set ?? [],
      allow: o.allow ?? [],
      flags: flagsOf(o),
      // A fleet bake writes the metadata file itself (the merged indexes); buildx's own bake writes its own.
      whole: [...whole.flags, ...(metadata !== undefined ? [`--metadata-file=${metadata}`] : [])],
    },
    push: Boolean(o.push),
    cacheRef,
    allowEmulation: Boolean(o.allowEmulation),
    whole: whole.why,
    metadataFile: metadata,
  };
}
