// Image references as docker takes them: what mpb inspect refuses as a usage error before asking the registry.
import { describe, expect, it } from 'vitest';
import { imageRefProblem } from '../../../src/buildx/image-ref.js';

describe('imageRefProblem', () => {
  it.each([
    'alpine',
    'app:1',
    'library/alpine:3.20',
    'registry.example.com/app:1',
    'localhost:5000/team/app:dev-1.2',
    '127.0.0.1:5000/app',
    `reg.example.com/app@sha256:${'a'.repeat(64)}`,
    `reg.example.com/app:1@sha256:${'b'.repeat(64)}`,
  ])('%s is a reference', (ref) => {
    expect(imageRefProblem(ref)).toBeUndefined();
  });

  it.each([
    ['not a ref', 'Write [REGISTRY/]REPOSITORY[:TAG][@DIGEST], e.g. registry.example.com/app:1 (no spaces).'],
    ['Registry.example.com/App:1', 'Repository names are lowercase: registry.example.com/app:1'],
    ['app:', 'Write [REGISTRY/]REPOSITORY[:TAG][@DIGEST], e.g. registry.example.com/app:1 (no spaces).'],
    ['', 'Write [REGISTRY/]REPOSITORY[:TAG][@DIGEST], e.g. registry.example.com/app:1 (no spaces).'],
  ])('%j is not, and the hint says what to write', (ref, hint) => {
    expect(imageRefProblem(ref)).toEqual({ message: `"${ref}" is not an image reference`, hint });
  });
});
