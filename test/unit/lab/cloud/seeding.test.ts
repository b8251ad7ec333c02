import { describe, expect, it } from 'vitest';
import { createFakeCloud } from '../../../../src/lab/cloud/index.js';
import { ConfigError } from '../../../../src/util/errors.js';
import { baseConfig } from './cloud-harness.js';

describe('fake cloud seeding', () => {
  it('spreads counted instances over the hosts within capacity, with the requested special states', () => {
    const hosts = ['h1', 'h2', 'h3'].map((name) => ({ name, vcpus: 24, ramMb: 49152 }));
    const cloud = createFakeCloud(baseConfig({ hosts, instances: { count: 12, shutoff: 2, error: 1, paused: 1 } }));
    const s = cloud.state();
    expect(s.instances).toHaveLength(12);
    const byStatus = (st: string) => s.instances.filter((i) => i.status === st).length;
    expect([byStatus('ACTIVE'), byStatus('SHUTOFF'), byStatus('ERROR'), byStatus('PAUSED')]).toEqual([8, 2, 1, 1]);
    for (const h of s.hosts) {
      expect(h.vcpusUsed).toBeLessThanOrEqual(h.vcpus);
      expect(h.ramMbUsed).toBeLessThanOrEqual(h.ramMb);
      expect(s.instances.some((i) => i.host === h.name)).toBe(true);
    }
  });

  it('is deterministic for a seed and differs across seeds', () => {
    const pick = (seed: number) => createFakeCloud(baseConfig({ seed, instances: { count: 6 } })).state().instances.map((i) => [i.uuid, i.host, i.flavor]);
    expect(pick(3)).toEqual(pick(3));
    expect(pick(3)).not.toEqual(pick(4));
  });

  it('asks the probe for every instance at creation', () => {
    const asked: string[] = [];
    const cloud = createFakeCloud(baseConfig({ instances: { count: 3 } }), { guestCpuProbe: (h) => { asked.push(h); return h === 'cmp-a'; } });
    expect(asked).toHaveLength(3);
    for (const i of cloud.state().instances) expect(i.mdClear).toBe(i.host === 'cmp-a');
  });

  it('raises ConfigError naming the field for bad configs', () => {
    expect(() => createFakeCloud({ hosts: [] })).toThrow(ConfigError);
    expect(() => createFakeCloud(baseConfig({ instances: { count: 20 } }))).toThrow(/no host has room/);
    expect(() => createFakeCloud(baseConfig({ instances: [{ name: 'x', host: 'nope' }] }))).toThrow(/host: unknown host nope/);
    expect(() => createFakeCloud(baseConfig({ instances: { count: 1, shutoff: 2 } }))).toThrow(/exceeds count/);
    expect(() => createFakeCloud(baseConfig({ minMicroversion: '2.60', maxMicroversion: '2.53' }))).toThrow(/maxMicroversion/);
  });

  it('refuses to listen beyond loopback', async () => {
    const cloud = createFakeCloud(baseConfig());
    await expect(cloud.listen(0, '0.0.0.0')).rejects.toThrow(/loopback/);
  });
});
