// An indentation mistake reported once, at the key that is off, with the line as it should read.
import { describe, expect, it } from 'vitest';
import { findMisindent } from '../../../src/config/indentation.js';
import { parseYaml } from '../../../src/config/yaml-source.js';

const DEEPER = `version: 1
builders:
  local:
    driver: docker-container
    nodes:
      - name: local0
         platforms: [linux/amd64]
`;

describe('indentation mistakes', () => {
  it('one error at the key, its column, and the line as it should read', () => {
    const parsed = parseYaml('builders.yaml', DEEPER);
    expect(parsed.ok ? [] : parsed.issues).toEqual([
      {
        path: 'builders.yaml',
        line: 7,
        column: 10,
        message: 'YAML: "platforms:" is indented 9 spaces, but its block is at 8 (name: on line 6)',
        hint: 'Indent it 8 spaces, like name:, so that the line reads: "        platforms: [linux/amd64]"',
      },
    ]);
  });

  it('a key between two levels goes where keys of its kind are', () => {
    const text =
      'version: 1\nbuilders:\n  b:\n    driver: remote\n    nodes:\n      - name: n0\n        tls:\n          ca: a.pem\n         cert: c.pem\n';
    expect(findMisindent('f', text)).toMatchObject({
      line: 9,
      column: 10,
      hint: expect.stringContaining('"          cert: c.pem"'),
    });
    const shallow = 'version: 1\nbuilders:\n  b:\n    nodes:\n      - name: n0\n   driver: remote\n';
    expect(findMisindent('f', shallow)).toMatchObject({
      line: 6,
      hint: expect.stringContaining('"    driver: remote"'),
    });
  });

  it('finds nothing in well-indented files: compact lists, flow collections, block scalars, comments', () => {
    const fine = `version: 1
# a comment
builders:
  b:
    driver: docker-container
    nodes:
    - name: n0
      platforms: [linux/amd64,
        linux/arm64]
      buildkitdFlags: >-
          --debug
      driverOpts: { image: moby/buildkit }
  c:
    driver: remote
    nodes:
      - name: n1
        endpoint: tcp://h:1234
`;
    expect(findMisindent('f', fine)).toBeUndefined();
  });
});
