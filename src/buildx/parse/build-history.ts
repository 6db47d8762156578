// BuildKit's answer to `moby.buildkit.v1.Control/ListenBuildHistory`, read from the gRPC body (probe/grpc.ts):
// the builds a daemon runs now. A server stream: one gRPC frame per BuildHistoryEvent, none when it is idle.
// Protobuf by hand (api/services/control/control.proto in BuildKit): the event's `type` (1) and its record's
// `Ref` (2.1). Lenient, unlike list-workers.ts: a record carries many fields (attrs, exporters, timestamps, step
// counts) that newer daemons extend, and only the two above say whether a build runs.
import { bytesOf, fieldsOf, grpcMessagesOf, textOf, Unreadable, varintOf } from './protobuf.js';

// BuildHistoryEventType: STARTED = 0, COMPLETE = 1, DELETED = 2. Proto3 leaves a zero out of the wire, so an
// event with no `type` field is a STARTED one.
const STARTED = 0n;

export type ActiveBuildsRead = { ok: true; refs: string[] } | { ok: false; why: string };

/** The ref of one event's record when the event is STARTED (an active build); undefined otherwise. */
function startedRef(event: Uint8Array): string | undefined {
  let type = STARTED;
  let ref = '';
  for (const f of fieldsOf(event)) {
    if (f.no === 1) type = varintOf(f, 'BuildHistoryEvent.type');
    else if (f.no === 2) {
      for (const r of fieldsOf(bytesOf(f, 'BuildHistoryEvent.record')))
        if (r.no === 1) ref = textOf(r, 'BuildHistoryRecord.Ref');
    }
  }
  return type === STARTED ? ref : undefined;
}

/**
 * The refs of the active builds in the body of a `ListenBuildHistory` stream asked with ActiveOnly and
 * EarlyExit: BuildKit sends a STARTED event per active build, then ends the stream (solver/llbsolver/history/buildhistory.go).
 */
export function parseActiveBuilds(body: Uint8Array): ActiveBuildsRead {
  try {
    const refs = grpcMessagesOf(body).flatMap((m) => startedRef(m) ?? []);
    return { ok: true, refs };
  } catch (e) {
    if (e instanceof Unreadable || e instanceof TypeError) return { ok: false, why: e.message };
    throw e;
  }
}
