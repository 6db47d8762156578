// The JSON Schema `mpb config schema` prints is pinned: a change to the zod schema shows up in review.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { configJsonSchema } from '../../../src/config/schema.js';

const FIXTURE = new URL('../../fixtures/builders.schema.json', import.meta.url);

describe('configJsonSchema', () => {
  it('matches test/fixtures/builders.schema.json (update with vitest -u)', async () => {
    await expect(`${JSON.stringify(configJsonSchema(), null, 2)}\n`).toMatchFileSnapshot(FIXTURE.pathname);
  });

  it('is strict at every level and carries a description on every field', () => {
    const schema = JSON.parse(readFileSync(FIXTURE, 'utf8'));
    const builder = schema.properties.builders.additionalProperties;
    const node = builder.properties.nodes.items;
    for (const object of [schema, builder, node, node.properties.tls]) {
      expect(object.additionalProperties).toBe(false);
      for (const [key, field] of Object.entries(object.properties)) {
        expect([key, (field as { description?: string }).description]).toEqual([key, expect.any(String)]);
      }
    }
    expect(node.properties.image.default).toBe('moby/buildkit:buildx-stable-1');
    expect(schema.properties.builders.propertyNames.pattern).toBe('^[a-zA-Z][a-zA-Z0-9._-]*$');
  });
});
