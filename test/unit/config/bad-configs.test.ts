// Bad configs, one row each: the first error's exact line, column and message; exit 2 and no stack trace.
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/errors.js';
import { reportError } from '../../../src/ui/report-error.js';
import { captureContext } from '../ui/capture.js';
import { ROWS } from './bad-config-rows.js';
import { CERTS, loadText } from './load-helper.js';

describe('bad configs: every error has its line, column and message; exit 2; no stack', () => {
  it.each(ROWS)('%s', async (_what, text, [line, column, message]) => {
    const { dir, result } = await loadText(text);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const [first] = result.errors;
    expect({
      line: first?.line,
      column: first?.column,
      message: first?.message.replaceAll(dir, '$DIR').replaceAll(CERTS, '$CERTS'),
    }).toEqual({
      line,
      column,
      message,
    });
    expect(first?.path).toBe('builders.yaml');
    expect(first?.hint).toMatch(/\S/);
    const captured = captureContext({ env: {} });
    expect(reportError(new ConfigError(result.errors), captured.ctx)).toBe(2);
    expect(captured.stderr()).toContain(`error: builders.yaml:${line}:${column}: `);
    expect(captured.stderr()).not.toMatch(/\n\s+at .+:\d+:\d+/);
  });

  it('covers at least 30 bad configs', () => expect(ROWS.length).toBeGreaterThanOrEqual(30));
});
