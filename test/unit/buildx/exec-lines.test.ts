import { describe, expect, it } from 'vitest';
import { lineSplitter } from '../../../src/buildx/exec.js';

describe('lineSplitter', () => {
  it('emits whole lines only, keeping a partial one until its end or end()', () => {
    const lines: string[] = [];
    const s = lineSplitter((l) => lines.push(l));
    s.push('#1 [internal] lo');
    expect(lines).toEqual([]);
    s.push('ad\r\n#2 DONE 0.0s\n#3 par');
    expect(lines).toEqual(['#1 [internal] load', '#2 DONE 0.0s']);
    s.end();
    expect(lines).toEqual(['#1 [internal] load', '#2 DONE 0.0s', '#3 par']);
  });
});
