// One rule for what a buildx node status means, whoever asks (drift, build routing).
import { describe, expect, it } from 'vitest';
import { DECLARABLE_DRIVERS, driverOf, nodeStateOf } from '../../../src/drivers/registry.js';

describe('nodeStateOf', () => {
  it.each([
    ['docker-container', 'inactive', 'starts-on-demand'],
    ['docker-container', 'stopped', 'starts-on-demand'],
    ['kubernetes', 'inactive', 'starts-on-demand'],
    ['docker', 'inactive', 'starts-on-demand'],
    // A remote node's inspect dials the daemon even without a bootstrap (capture inspect-dead).
    ['remote', 'inactive', 'down'],
    ['remote', 'stopped', 'down'],
    ['remote', 'running', 'running'],
    ['docker-container', 'error', 'down'],
    ['remote', undefined, 'unknown'],
    ['cloud', 'inactive', 'starts-on-demand'],
    ['cloud', 'error', 'down'],
  ] as const)('%s node %s is %s', (driver, status, state) => {
    expect(nodeStateOf(driver, status)).toBe(state);
  });
});

describe('the registry', () => {
  it('lets builders.yaml declare every driver but docker, in the order hints list them', () => {
    expect(DECLARABLE_DRIVERS).toEqual(['docker-container', 'remote', 'kubernetes']);
  });

  it('knows the drivers mpb meets, and no other', () => {
    expect(driverOf('docker')?.multiPlatform).toBe(false);
    expect(driverOf('cloud')).toBeUndefined();
    expect(driverOf('toString')).toBeUndefined();
  });
});
