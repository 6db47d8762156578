import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type BakeTarget, linkedTargetsOf, parseBakePrint } from '../../../src/buildx/parse/bake-print.js';

const BAKE = new URL('../../fixtures/bake/', import.meta.url);
const captured = (version: string, name: string) =>
  readFileSync(new URL(`v${version}/${name}`, BAKE), 'utf8');
const VERSIONS = ['0.13.1', '0.29.1'];

const PLATFORMS = ['linux/amd64', 'linux/arm64'];
const target = (name: string, fields: Partial<BakeTarget>): Omit<BakeTarget, 'raw'> => ({
  name,
  context: name,
  dockerfile: 'Dockerfile',
  tags: [],
  platforms: PLATFORMS,
  outputs: [],
  cacheFrom: [],
  cacheTo: [],
  contexts: {},
  args: {},
  push: undefined,
  ...fields,
});
const API = target('api', {
  dockerfile: 'api.Dockerfile',
  tags: ['localhost:5000/bake/api:1'],
  args: { PORT: '8080' },
  outputs: ['type=image,name=localhost:5000/bake/api:1,push=true'],
});
const APP = target('app', {
  tags: ['localhost:5000/bake/app:1', 'localhost:5000/bake/app:latest'],
  contexts: { base: 'target:base' },
  args: { GREETING: 'hello', VERSION: '1' },
  cacheFrom: ['type=registry,ref=localhost:5000/bake/cache:app'],
  cacheTo: ['type=inline'],
  outputs: ['type=registry'],
});
const BASE = target('base', { tags: ['localhost:5000/bake/base:1'], outputs: ['type=image,push=true'] });
const WORKER = target('worker', { tags: ['localhost:5000/bake/worker:1'] });

/** The definition without the raw objects, which are the printed JSON itself. */
function definitionOf(text: string) {
  const parsed = parseBakePrint(text);
  if (!parsed.ok) throw new Error(parsed.error.message);
  const targets = Object.fromEntries(
    Object.entries(parsed.value.targets).map(([name, { raw: _raw, ...t }]) => [name, t]),
  );
  return { groups: parsed.value.groups, targets, unparsed: parsed.unparsed };
}

describe('parseBakePrint', () => {
  // 0.13 keeps the file's group order, 0.29 sorts; 0.29's output objects come back as the same CSV.
  it.each([
    ['0.13.1', 'print-hcl', ['base', 'app', 'api', 'worker']],
    ['0.13.1', 'print-json', ['base', 'app', 'api', 'worker']],
    ['0.29.1', 'print-hcl', ['api', 'app', 'base', 'worker']],
    ['0.29.1', 'print-json', ['api', 'app', 'base', 'worker']],
  ])('v%s %s: four targets, two platforms each, one linked to base', (version, name, order) => {
    expect(definitionOf(captured(version, `${name}.stdout`))).toEqual({
      groups: { default: order },
      targets: { api: API, app: APP, base: BASE, worker: WORKER },
      unparsed: [],
    });
  });

  // A linked target pulled in by `target:` only: 0.13 drops its output, 0.29 makes it cacheonly.
  it.each([
    ['0.13.1', 'print-target-app', PLATFORMS, []],
    ['0.29.1', 'print-target-app', PLATFORMS, ['type=cacheonly']],
    ['0.13.1', 'print-set-platform', ['linux/arm64'], []],
    ['0.29.1', 'print-set-platform', ['linux/arm64'], ['type=cacheonly']],
  ])('v%s %s: app and its linked base', (version, name, appPlatforms, baseOutputs) => {
    expect(definitionOf(captured(version, `${name}.stdout`))).toEqual({
      groups: { default: ['app'] },
      targets: { app: { ...APP, platforms: appPlatforms }, base: { ...BASE, outputs: baseOutputs } },
      unparsed: [],
    });
  });

  // The per-job --set of mpb bake, read back: the CSV mpb gave, in the attribute order buildx printed.
  it.each([
    ['0.13.1', 'type=registry,ref=localhost:5000/cache:app-linux-arm64,mode=max'],
    ['0.29.1', 'type=registry,mode=max,ref=localhost:5000/cache:app-linux-arm64'],
  ])('v%s print-job-set: one platform, a push-by-digest output, per-job cache', (version, cacheTo) => {
    const { targets } = definitionOf(captured(version, 'print-job-set.stdout'));
    expect(targets.app).toEqual({
      ...APP,
      platforms: ['linux/arm64'],
      outputs: [
        version === '0.13.1'
          ? 'type=image,name=localhost:5000/bake/app,push-by-digest=true,name-canonical=true,push=true'
          : 'type=image,name=localhost:5000/bake/app,name-canonical=true,push=true,push-by-digest=true',
      ],
      cacheFrom: ['type=registry,ref=localhost:5000/cache:app-linux-arm64'],
      cacheTo: [cacheTo],
    });
  });

  it.each([
    ['0.13.1', ['worker', 'api']],
    ['0.29.1', ['api', 'worker']],
  ])('v%s print-set-wildcard: *.platform reaches every selected target', (version, order) => {
    expect(definitionOf(captured(version, 'print-set-wildcard.stdout'))).toEqual({
      groups: { default: order },
      targets: {
        api: { ...API, platforms: ['linux/amd64'] },
        worker: { ...WORKER, platforms: ['linux/amd64'] },
      },
      unparsed: [],
    });
  });

  // 0.13's compose loader drops build.platforms; 0.29 keeps it.
  it.each([
    ['0.13.1', ['web', 'db'], []],
    ['0.29.1', ['db', 'web'], PLATFORMS],
  ])('v%s print-compose: two services', (version, order, webPlatforms) => {
    expect(definitionOf(captured(version, 'print-compose.stdout'))).toEqual({
      groups: { default: order },
      targets: {
        db: target('db', { dockerfile: 'db.Dockerfile', platforms: [], tags: ['localhost:5000/bake/db:1'] }),
        web: target('web', {
          platforms: webPlatforms,
          tags: ['localhost:5000/bake/web:1'],
          args: { MODE: 'prod' },
        }),
      },
      unparsed: [],
    });
  });

  it('every successful capture is read, and keeps the printed target as raw', () => {
    for (const version of VERSIONS) {
      const names = readdirSync(new URL(`v${version}/`, BAKE)).filter((f) => /^print-.*\.stdout$/.test(f));
      for (const name of names) {
        const text = captured(version, name);
        const parsed = parseBakePrint(text);
        if (text === '') expect(parsed.ok).toBe(false);
        else if (!parsed.ok) throw new Error(`${version} ${name}: ${parsed.error.message}`);
        else
          expect(Object.values(parsed.value.targets).map((t) => t.raw)).toEqual(
            Object.values(JSON.parse(text).target),
          );
      }
    }
  });

  it('quotes an object attribute holding a comma, as encoding/csv reads it back', () => {
    const text = JSON.stringify({
      target: { t: { output: [{ type: 'image', name: 'r/a:1,r/a:2', 'annotation.x': 'say "hi"' }] } },
    });
    const parsed = parseBakePrint(text);
    expect(parsed.ok && parsed.value.targets.t?.outputs).toEqual([
      'type=image,"name=r/a:1,r/a:2","annotation.x=say ""hi"""',
    ]);
  });

  it('keeps unknown top-level keys in unparsed and reads a push flag', () => {
    const parsed = parseBakePrint(JSON.stringify({ target: { t: { push: true } }, variable: {} }));
    expect(parsed.ok && [parsed.value.targets.t?.push, parsed.unparsed]).toEqual([true, ['variable']]);
  });

  it('says what is wrong with a target of the wrong shape', () => {
    const parsed = parseBakePrint('{"target": {"app": {"platforms": "linux/amd64"}}}');
    expect(parsed.ok || parsed.error).toMatchObject({ kind: 'parse-error', format: 'bake --print' });
    expect(parsed.ok || parsed.error.message).toMatch(/^target\.app\.platforms: /);
  });
});

describe('linkedTargetsOf', () => {
  it.each<[Record<string, string>, string[]]>([
    [{ base: 'target:base' }, ['base']],
    [
      { base: 'target:base', src: '../src', img: 'docker-image://alpine', tools: 'target:tools' },
      ['base', 'tools'],
    ],
    [{}, []],
  ])('%j → %j', (contexts, linked) => {
    expect(linkedTargetsOf({ ...target('t', { contexts }), raw: {} })).toEqual(linked);
  });
});
