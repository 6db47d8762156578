// The errors a failed `inspect --bootstrap` printed, per node: progress vertices are labelled
// `[NODE internal] booting buildkit` when several nodes boot and `[internal] booting buildkit` when one does
// (captures kubernetes/v0.29.1/inspect-bootstrap-two-nodes, inspect-bootstrap-no-namespace).
import { linesOf } from './text.js';

export interface BootstrapError {
  /** Undefined when buildx booted a single node and did not name it. */
  node: string | undefined;
  message: string;
}

const VERTEX = /^#(\d+) \[(?:(\S+) )?internal\] booting buildkit$/;
const VERTEX_ERROR = /^#(\d+) ERROR: (.+)$/;
const FINAL_ERROR = /^ERROR: (.+)$/;

/** Each booting vertex's error; the final `ERROR:` line alone when no vertex carries one. */
export function parseBootstrapErrors(stderr: string): BootstrapError[] {
  const nodeOf = new Map<string, string | undefined>();
  const errors: BootstrapError[] = [];
  let final: string | undefined;
  for (const line of linesOf(stderr)) {
    const vertex = VERTEX.exec(line);
    if (vertex) nodeOf.set(vertex[1]!, vertex[2]);
    const failed = VERTEX_ERROR.exec(line);
    if (failed && nodeOf.has(failed[1]!)) errors.push({ node: nodeOf.get(failed[1]!), message: failed[2]! });
    const last = FINAL_ERROR.exec(line);
    if (last) final = last[1];
  }
  if (errors.length === 0 && final !== undefined) errors.push({ node: undefined, message: final });
  return errors;
}
