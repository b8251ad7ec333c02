// The makespan's lower bound: per batch the longest host chain or the slot-limited migration work, summed over batches.
import { describe, expect, it } from 'vitest';
import { lowerBound } from '../../../src/rehearse/lower-bound.js';

describe('lowerBound', () => {
  it('takes a lone host\'s chain: update, its migrations two at a time, then delay + boot + stable_for', () => {
    const b = lowerBound([{ name: 'a', batch: 0, updateMs: 100, bootChainMs: 1000, migrationMs: [30, 30, 30, 30] }], 2, 10);
    expect(b.totalMs).toBe(100 + 60 + 1000);
  });

  it('never counts less than the longest single migration on a host', () => {
    const b = lowerBound([{ name: 'a', batch: 0, updateMs: 0, bootChainMs: 0, migrationMs: [500, 10] }], 2, 10);
    expect(b.totalMs).toBe(500);
  });

  it('is bound by the fleet-wide slots when a batch has more migration work than they can carry', () => {
    const hosts = Array.from({ length: 10 }, (_, i) => ({ name: `h${i}`, batch: 0, updateMs: 50, bootChainMs: 200, migrationMs: Array(10).fill(100) }));
    const b = lowerBound(hosts, 2, 4);
    // chain per host: 50 + 1000/2 + 200 = 750; slots: 50 + 10000/4 + 200 = 2750.
    expect(b.batches[0]).toMatchObject({ chainMs: 750, slotWorkMs: 2750, boundMs: 2750, rebooting: 10, migrations: 100 });
  });

  it('sums batches, and a host that needs no reboot adds only its update', () => {
    const b = lowerBound([
      { name: 'a', batch: 0, updateMs: 10, bootChainMs: 100, migrationMs: [] },
      { name: 'b', batch: 1, updateMs: 40, bootChainMs: null, migrationMs: [999] },
    ], 2, 10);
    expect(b.batches.map((x) => x.boundMs)).toEqual([110, 40]);
    expect(b.totalMs).toBe(150);
  });
});

describe('lowerBound with failure domains', () => {
  it('chains the drain and reboot of hosts that share a failure domain', () => {
    const host = (name: string, domain: string) => ({ name, batch: 0, updateMs: 10, bootChainMs: 100, migrationMs: [20, 20], domain });
    const b = lowerBound([host('a', 'az1'), host('b', 'az1'), host('c', 'az2')], 2, 10);
    // az1: 10 + (20 + 100) + (20 + 100); a lone host: 10 + 20 + 100.
    expect(b.batches[0]).toMatchObject({ domainChainMs: 250, chainMs: 130, boundMs: 250 });
  });
});
