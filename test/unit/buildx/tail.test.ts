import { describe, expect, it } from 'vitest';
import { tailKeeper } from '../../../src/buildx/tail.js';

describe('tailKeeper', () => {
  it('keeps every line while they fit', () => {
    const t = tailKeeper(100);
    for (const l of ['#1 [internal] load\n', '#2 DONE 0.0s\n', 'last']) t.push(l);
    expect(t.text()).toBe('#1 [internal] load\n#2 DONE 0.0s\nlast');
  });

  it('drops the oldest whole lines past its limit, and always keeps the newest line', () => {
    const t = tailKeeper(20);
    for (let i = 0; i < 5000; i++) t.push(`line ${i}\n`);
    expect(t.text()).toBe('line 4998\nline 4999\n');
    const long = tailKeeper(4);
    long.push('a line longer than the limit\n');
    expect(long.text()).toBe('a line longer than the limit\n');
  });
});
