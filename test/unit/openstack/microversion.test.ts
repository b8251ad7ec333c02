// Microversion parsing, negotiation against the server's range, and the request shapes that depend on the version.
import { describe, expect, it } from 'vitest';
import {
  compareMicroversions, hypervisorMicroversion, liveMigrateBody, MAX_SUPPORTED, microversionHeaders, negotiate, versionRangeOf,
} from '../../../src/openstack/microversion.js';

describe('microversions', () => {
  it('compares numerically, not as strings', () => {
    expect(compareMicroversions('2.9', '2.10')).toBeLessThan(0);
    expect(compareMicroversions('2.53', '2.53')).toBe(0);
    expect(compareMicroversions('2.100', '2.96')).toBeGreaterThan(0);
    expect(() => compareMicroversions('2', '2.1')).toThrow(/not a microversion/);
  });

  it('reads both version document shapes', () => {
    expect(versionRangeOf({ version: { id: 'v2.1', version: '2.79', min_version: '2.1' } })).toEqual({ min: '2.1', max: '2.79' });
    expect(versionRangeOf({ versions: [
      { id: 'v2.0', status: 'DEPRECATED', version: '', min_version: '' },
      { id: 'v2.1', status: 'CURRENT', version: '2.60', min_version: '2.1' },
    ] })).toEqual({ min: '2.1', max: '2.60' });
    expect(versionRangeOf({ version: { id: 'v2.0', version: '', min_version: '' } })).toEqual({ min: '2.1', max: '2.1' });
    expect(() => versionRangeOf({})).toThrow(/no version document/);
  });

  it('negotiates the highest common version', () => {
    expect(negotiate({ min: '2.1', max: '2.104' })).toBe(MAX_SUPPORTED);
    expect(negotiate({ min: '2.1', max: '2.60' })).toBe('2.60');
    expect(negotiate({ min: '2.1', max: '2.12' })).toBe('2.12');
    expect(negotiate({ min: '2.1', max: '2.104' }, '2.52')).toBe('2.52');
    expect(() => negotiate({ min: '2.97', max: '2.110' })).toThrow(/supports up to/);
  });

  it('asks hypervisors for 2.87 when the server runs past 2.88 but still accepts 2.87', () => {
    expect(hypervisorMicroversion('2.96', { min: '2.1', max: '2.104' })).toBe('2.87');
    expect(hypervisorMicroversion('2.60', { min: '2.1', max: '2.60' })).toBe('2.60');
    expect(hypervisorMicroversion('2.96', { min: '2.90', max: '2.104' })).toBe('2.96');
  });

  it('sends the new and the legacy header', () => {
    expect(microversionHeaders('2.53')).toEqual({ 'OpenStack-API-Version': 'compute 2.53', 'X-OpenStack-Nova-API-Version': '2.53' });
  });
});

describe('os-migrateLive body per range', () => {
  const legacy = { host: null, block_migration: false, disk_over_commit: false };
  const auto = { host: null, block_migration: 'auto' };
  it.each([
    ['2.1', legacy], ['2.24', legacy],
    ['2.25', auto], ['2.29', auto],
    ['2.30', auto], ['2.67', auto],
    ['2.68', auto], ['2.96', auto],
  ])('at %s', (v, expected) => {
    expect(liveMigrateBody(v, null)).toEqual({ 'os-migrateLive': expected });
  });

  it('never sends force, and keeps a named host', () => {
    for (const v of ['2.30', '2.45', '2.67']) expect(liveMigrateBody(v, 'cmp2')['os-migrateLive']).not.toHaveProperty('force');
    expect(liveMigrateBody('2.20', 'cmp2')['os-migrateLive']['host']).toBe('cmp2');
    expect(liveMigrateBody('2.70', 'cmp2')).toEqual({ 'os-migrateLive': { host: 'cmp2', block_migration: 'auto' } });
  });
});
