// The JSON Schema `mpb config schema` prints is pinned: a change to the zod schema shows up in review.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { configJsonSchema } from '../../../src/config/schema.js';

const FIXTURE = new URL('../../fixtures/builders.schema.json', import.meta.url);

type Json = { [key: string]: unknown };
const schema = () => JSON.parse(readFileSync(FIXTURE, 'utf8')) as Json;

/** Every object schema (one with properties) in the document, at any depth. */
function objectsIn(node: unknown, found: Json[] = []): Json[] {
  if (Array.isArray(node)) for (const n of node) objectsIn(n, found);
  else if (node !== null && typeof node === 'object') {
    if ('properties' in node) found.push(node as Json);
    for (const value of Object.values(node)) objectsIn(value, found);
  }
  return found;
}

/** The builder schema of one driver, and its node schemas (a union's branches, or the one). */
function driverOf(driver: string): { builder: Json; nodes: Json[] } {
  const builders = (schema().properties as Json).builders as Json;
  const branches = (builders.additionalProperties as Json).oneOf as Json[];
  const builder = branches.find((b) => ((b.properties as Json).driver as Json).const === driver)!;
  const items = ((builder.properties as Json).nodes as Json).items as Json;
  return { builder, nodes: (items.anyOf as Json[] | undefined) ?? [items] };
}
const keysOf = (o: Json) => Object.keys(o.properties as Json);

describe('configJsonSchema', () => {
  it('matches test/fixtures/builders.schema.json (update with vitest -u)', async () => {
    await expect(`${JSON.stringify(configJsonSchema(), null, 2)}\n`).toMatchFileSnapshot(FIXTURE.pathname);
  });

  it('is strict at every level and carries a description on every field', () => {
    const objects = objectsIn(schema());
    expect(objects.length).toBeGreaterThan(8);
    for (const object of objects) {
      expect(object.additionalProperties).toBe(false);
      for (const [key, field] of Object.entries(object.properties as Json)) {
        expect([key, (field as { description?: string }).description]).toEqual([key, expect.any(String)]);
      }
    }
    const names = ((schema().properties as Json).builders as Json).propertyNames as Json;
    expect(names.allOf).toContainEqual({ pattern: '^[a-zA-Z][a-zA-Z0-9._-]*$' });
  });

  it('is a union on driver, each with the keys its driver allows', () => {
    const shapes = Object.fromEntries(
      ['docker-container', 'remote', 'kubernetes'].map((d) => [d, driverOf(d).nodes.map(keysOf)]),
    );
    expect(shapes).toEqual({
      'docker-container': [
        [
          'name',
          'platforms',
          'emulate',
          'driverOpts',
          'buildkitdFlags',
          'buildkitdConfig',
          'registries',
          'endpoint',
          'local',
        ],
      ],
      remote: [
        ['name', 'platforms', 'emulate', 'driverOpts', 'registries', 'endpoint', 'tls', 'local'],
        ['name', 'platforms', 'emulate', 'driverOpts', 'registries', 'endpoint', 'local'],
        [
          'name',
          'platforms',
          'emulate',
          'driverOpts',
          'buildkitdFlags',
          'buildkitdConfig',
          'registries',
          'local',
          'image',
          'network',
        ],
      ],
      kubernetes: [
        [
          'name',
          'platforms',
          'emulate',
          'driverOpts',
          'buildkitdFlags',
          'buildkitdConfig',
          'registries',
          'local',
        ],
      ],
    });
    const remote = driverOf('remote');
    expect(remote.nodes.map((n) => n.required)).toEqual([
      ['name', 'endpoint'],
      ['name', 'endpoint'],
      ['name', 'local'],
    ]);
    expect(((remote.nodes[2]!.properties as Json).image as Json).default).toBe(
      'moby/buildkit:buildx-stable-1',
    );
    expect(keysOf(remote.builder)).toEqual(['driver', 'use', 'strategy', 'cache', 'registries', 'nodes']);
  });
});
