import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { lostUploadRace } from '../../../src/buildx/upload-race.js';

const captured = readFileSync(
  new URL('../../fixtures/captures-local/upload-race/split-job.stderr', import.meta.url),
  'utf8',
);

describe('lostUploadRace', () => {
  it("knows docker-registry's answers to two uploads of one blob at once (a real job's stderr)", () => {
    expect(lostUploadRace(captured)).toBe(true);
    for (const line of captured.split('\n').filter((l) => l.startsWith('unknown:')))
      expect(lostUploadRace(line)).toBe(true);
  });

  it('leaves every other failure alone', () => {
    expect(
      lostUploadRace('ERROR: failed to solve: process "/bin/sh -c make" did not complete successfully'),
    ).toBe(false);
    expect(lostUploadRace('ERROR: failed to push: unauthorized: authentication required')).toBe(false);
    expect(lostUploadRace('')).toBe(false);
  });
});
