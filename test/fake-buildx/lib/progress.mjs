// BuildKit's plain progress output (`#N name`, status lines, `#N DONE 0.0s`, `#N ...` when another vertex
// interrupts, an error summary block per failed vertex), printed sequentially.

export function createProgress() {
  const lines = [];
  const vertices = [];
  let current;

  const switchTo = (v) => {
    if (current === v) return;
    if (current && !current.done) lines.push(`#${current.n} ...`);
    if (lines.length) lines.push('');
    lines.push(`#${v.n} ${v.name}`);
    current = v;
  };
  const emit = (v, text) => {
    switchTo(v);
    lines.push(`#${v.n} ${text}`);
  };

  return {
    start(name) {
      const v = { n: vertices.length + 1, name, done: false };
      vertices.push(v);
      switchTo(v);
      return v;
    },
    status: emit,
    done(v, seconds = 0) {
      emit(v, `DONE ${seconds.toFixed(1)}s`);
      v.done = true;
    },
    cached(v) {
      emit(v, 'CACHED');
      v.done = true;
    },
    error(v, message) {
      emit(v, `ERROR: ${message}`);
      v.done = true;
      v.failed = true;
    },
    /** Everything printed so far plus the error summary blocks, as one string. */
    text() {
      const summary = vertices.filter((v) => v.failed).flatMap((v) => ['------', ` > ${v.name}:`, '------']);
      const all = [...lines, ...summary];
      return all.length ? `${all.join('\n')}\n` : '';
    },
  };
}
