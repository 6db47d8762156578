import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { BuildxBuilder } from '../../../src/buildx/model.js';
import { parseLsJson } from '../../../src/buildx/parse/ls-json.js';
import { capture } from '../../helpers/fake-run.js';
import { LS_JSON_CASES } from './ls-json-cases.js';
import { builder, ENTITLEMENT, node, plats } from './world.js';

const reference = (name: string) =>
  readFileSync(new URL(`../../fixtures/reference/${name}`, import.meta.url), 'utf8');

describe('parseLsJson on every captured `docker buildx ls --format json`', () => {
  it.each(LS_JSON_CASES)('%s %s', (version, name, expected) => {
    const { stdout, exitCode } = capture(version, name);
    expect(exitCode).toBe(0);
    expect(parseLsJson(stdout)).toStrictEqual({ ok: true, value: expected, unparsed: [] });
  });

  it('keeps the first of the lines 0.13.1 repeats per node row', () => {
    const { stdout } = capture('0.13.1', 'ls-mixed-json');
    // builder ×3 (2 nodes), deadb ×3, notls ×2, default ×1 (failed to load).
    expect(stdout.trim().split('\n')).toHaveLength(9);
    const parsed = parseLsJson(stdout);
    expect(parsed.ok && parsed.value.map((b) => b.name)).toEqual(['builder', 'deadb', 'notls', 'default']);
  });
});

// The composed reference lines (docs/buildx.md#ls-json): one sample fleet across the JSON shapes of 0.13 … 0.24.
const unpinned = (...p: string[]) => ({ platforms: plats(...p), platformsComplete: false });
const LABELS = {
  'org.mobyproject.buildkit.worker.executor': 'oci',
  'org.mobyproject.buildkit.worker.hostname': '3c1d2f8e7a45',
  'org.mobyproject.buildkit.worker.network': 'host',
  'org.mobyproject.buildkit.worker.oci.process-mode': 'sandbox',
  'org.mobyproject.buildkit.worker.selinux.enabled': 'false',
  'org.mobyproject.buildkit.worker.snapshotter': 'overlayfs',
};
const running = { status: 'running', buildkitdFlags: ENTITLEMENT, platformsComplete: false } as const;
const mybuilder = (bk: string, current: boolean, labels = {}) =>
  builder({
    name: 'mybuilder',
    driver: 'docker-container',
    current,
    lastActivity: '2024-03-08T09:24:51Z',
    nodes: [
      node({
        name: 'mybuilder0',
        endpoint: 'unix:///var/run/docker.sock',
        ...running,
        buildkitVersion: bk,
        labels,
        ...unpinned('linux/amd64', 'linux/amd64/v2', 'linux/amd64/v3', 'linux/386'),
      }),
      node({
        name: 'mybuilder1',
        endpoint: 'ssh://ubuntu@192.0.2.10',
        ...running,
        buildkitVersion: bk,
        ...unpinned('linux/arm64', 'linux/arm/v7', 'linux/arm/v6'),
      }),
    ],
  });
const remoteBk = builder({
  name: 'remote-bk',
  driver: 'remote',
  lastActivity: '2024-03-07T17:02:13Z',
  nodes: [
    node({
      name: 'remote-bk0',
      endpoint: 'tcp://buildkitd.example.com:1234',
      status: 'inactive',
      platformsComplete: false,
    }),
  ],
});
const engine = (bk: string) =>
  builder({
    name: 'default',
    driver: 'docker',
    nodes: [
      node({
        name: 'default',
        endpoint: 'default',
        status: 'running',
        buildkitVersion: bk,
        ...unpinned('linux/amd64', 'linux/amd64/v2', 'linux/amd64/v3', 'linux/386'),
      }),
    ],
  });
const fleet = (bk: string, current: boolean) => [mybuilder(bk, current), remoteBk, engine(bk)];

describe('parseLsJson on the reference lines', () => {
  it.each<[string, BuildxBuilder[]]>([
    ['ls-v0.13-format-json.jsonl', fleet('v0.12.5', false)],
    ['ls-v0.21-format-json.jsonl', fleet('v0.19.0', false)],
    ['ls-v0.24-format-json.jsonl', fleet('v0.22.0', true)],
    // `--format '{{json .}}'` repeats builders in every version; dedupe still applies.
    ['ls-v0.24-format-json-template.jsonl', fleet('v0.22.0', true)],
    ['ls-v0.13-format-json-gc-labels.jsonl', [mybuilder('v0.12.5', false, LABELS)]],
    ['ls-v0.24-format-json-gc-labels.jsonl', [mybuilder('v0.22.0', true, LABELS)]],
    [
      'ls-v0.24-format-json-errors.jsonl',
      [
        builder({
          name: 'broken',
          driver: 'docker-container',
          current: true,
          nodes: [
            node({
              name: 'broken0',
              endpoint: 'unix:///run/user/1000/docker.sock',
              status: 'error',
              platformsComplete: false,
              error:
                'Cannot connect to the Docker daemon at unix:///run/user/1000/docker.sock. Is the docker daemon running?',
            }),
          ],
        }),
        builder({
          name: 'mybuilder',
          driver: 'docker-container',
          nodes: [
            node({
              name: 'mybuilder0',
              endpoint: 'unix:///var/run/docker.sock',
              status: 'stopped',
              platformsComplete: false,
            }),
          ],
        }),
        engine('v0.22.0'),
        // A builder that failed to load: its zero-value node is dropped.
        builder({ name: 'gone', driver: 'foo', error: 'failed to find driver "foo"' }),
      ],
    ],
  ])('%s', (file, expected) => {
    expect(parseLsJson(reference(file))).toStrictEqual({ ok: true, value: expected, unparsed: [] });
  });
});

describe('parseLsJson on what it cannot read', () => {
  it('lists keys it does not know instead of dropping them silently', () => {
    const line =
      '{"Name":"b","Driver":"remote","Shiny":1,"Nodes":[{"Name":"n","Endpoint":"tcp://h:1","Gpu":true}]}';
    const parsed = parseLsJson(`${line}\n`);
    expect(parsed).toMatchObject({
      ok: true,
      unparsed: ['line 1: unknown key Shiny', 'line 1: unknown key Nodes[0].Gpu'],
    });
  });

  it.each([
    ['unknown flag: --format\n', 1, 'not JSON'],
    ['{"Name":"b","Driver":"remote"}\n{"Name":"c"}\n', 2, 'Driver'],
    ['{"Name":"b","Driver":"remote","Nodes":[{"Name":"n"}]}\n', 1, 'Nodes.0.Endpoint'],
    [
      '{"Name":"b","Driver":"remote","Nodes":[{"Name":"n","Endpoint":"e","Platforms":"linux/amd64"}]}',
      1,
      'Platforms',
    ],
    ['[]\n', 1, 'object'],
  ])('%j → a parse error at line %i', (text, line, message) => {
    const parsed = parseLsJson(text);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.error).toMatchObject({ kind: 'parse-error', line, text: text.split('\n')[line - 1] });
    expect(parsed.error.message).toContain(message);
  });
});
