// BuildKit's answer to `moby.buildkit.v1.Control/ListWorkers`, read from the gRPC body the probe kept (probe/grpc.ts):
// each worker's platforms, labels and BuildKit version — what `buildx inspect` shows of a running node.
// Protobuf by hand (a few fields of three messages; api/types/worker.proto, solver/pb/ops.proto in BuildKit).
// Strict: a field this reader does not know, or a body that is not one plain gRPC frame, is "not understood".
import { bytesOf, type Field, fieldsOf, grpcMessagesOf, textOf as text, Unreadable } from './protobuf.js';

export interface WorkerPlatform {
  os: string;
  architecture: string;
  variant: string;
  osVersion: string;
  osFeatures: string[];
}

export interface WorkerRecord {
  id: string;
  labels: Record<string, string>;
  platforms: WorkerPlatform[];
  /** `BuildkitVersion.version` (`v0.32.2`); undefined when the daemon sent none. */
  buildkitVersion: string | undefined;
}

export type WorkersRead = { ok: true; workers: WorkerRecord[] } | { ok: false; why: string };

function unknown(message: string, f: Field): never {
  throw new Unreadable(`${message} has a field ${f.no} this reader does not know`);
}

function platformOf(buf: Uint8Array): WorkerPlatform {
  const p: WorkerPlatform = { os: '', architecture: '', variant: '', osVersion: '', osFeatures: [] };
  for (const f of fieldsOf(buf)) {
    if (f.no === 1) p.architecture = text(f, 'Platform.Architecture');
    else if (f.no === 2) p.os = text(f, 'Platform.OS');
    else if (f.no === 3) p.variant = text(f, 'Platform.Variant');
    else if (f.no === 4) p.osVersion = text(f, 'Platform.OSVersion');
    else if (f.no === 5) p.osFeatures.push(text(f, 'Platform.OSFeatures'));
    else unknown('Platform', f);
  }
  return p;
}

function labelOf(buf: Uint8Array): [string, string] {
  let key = '';
  let value = '';
  for (const f of fieldsOf(buf)) {
    if (f.no === 1) key = text(f, 'a label key');
    else if (f.no === 2) value = text(f, 'a label value');
    else unknown('a label', f);
  }
  return [key, value];
}

// Only `version` is read; the others (package, revision, and dockerfileVersion from BuildKit 0.2x) say nothing
// buildx shows of a node.
function versionOf(buf: Uint8Array): string | undefined {
  let version: string | undefined;
  for (const f of fieldsOf(buf)) if (f.no === 2) version = text(f, 'BuildkitVersion.version');
  return version || undefined;
}

function workerOf(buf: Uint8Array): WorkerRecord {
  const w: WorkerRecord = { id: '', labels: {}, platforms: [], buildkitVersion: undefined };
  for (const f of fieldsOf(buf)) {
    if (f.no === 1) w.id = text(f, 'WorkerRecord.ID');
    else if (f.no === 2) {
      const [k, v] = labelOf(bytesOf(f, 'WorkerRecord.Labels'));
      w.labels[k] = v;
    } else if (f.no === 3) w.platforms.push(platformOf(bytesOf(f, 'WorkerRecord.platforms')));
    else if (f.no === 5) w.buildkitVersion = versionOf(bytesOf(f, 'WorkerRecord.BuildkitVersion'));
    // GC policies (4) and CDI devices (6) are not part of mpb's model (buildx/parse/inspect.ts keeps them out).
    else if (f.no !== 4 && f.no !== 6) unknown('WorkerRecord', f);
  }
  return w;
}

/** The gRPC body (`flag, 4-byte length, message`): exactly one uncompressed ListWorkersResponse. */
export function parseListWorkers(body: Uint8Array): WorkersRead {
  try {
    const messages = grpcMessagesOf(body);
    if (messages.length !== 1) throw new Unreadable(`${messages.length} gRPC frames, not one`);
    const workers = fieldsOf(messages[0]!).map((f) =>
      f.no === 1 ? workerOf(bytesOf(f, 'ListWorkersResponse.record')) : unknown('ListWorkersResponse', f),
    );
    return { ok: true, workers };
  } catch (e) {
    if (e instanceof Unreadable || e instanceof TypeError) return { ok: false, why: e.message };
    throw e;
  }
}
