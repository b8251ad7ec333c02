// The lab description: defaults, the default mixed fleet, and durations parsed exactly once.
import { describe, expect, it } from 'vitest';
import { LAB_LAYOUTS, LAB_LAYOUT_PROFILES } from '../../../src/lab/host/deployment-layouts.js';
import { hostSpecsFromLabConfig } from '../../../src/lab/host/from-lab-config.js';
import { defaultLabConfig, labConfig } from '../../../src/lab/lab-config.js';

describe('lab description', () => {
  it('builds a mixed default fleet: el7 and el8, every cpu_mode, one AMD host, one already fixed', () => {
    const lab = labConfig.parse(defaultLabConfig(12, 40));
    expect(lab.hosts).toHaveLength(12);
    expect(new Set(lab.hosts.map((h) => h.dist))).toEqual(new Set(['el7', 'el8']));
    expect(new Set(lab.hosts.map((h) => h.cpu_mode))).toEqual(new Set(['host-model', 'host-passthrough', 'unset', 'custom']));
    expect(lab.hosts.filter((h) => h.cpu === 'amd')).toHaveLength(1);
    expect(lab.hosts.filter((h) => h.fixed)).toHaveLength(1);
    expect(lab.hosts.some((h) => h.cpu_mode === 'custom' && h.extra_flags === 'spec-ctrl,ssbd')).toBe(true);
    expect(lab.instances).toBe(40);
  });

  it('keeps every host bare metal by default (what the tool understands today); --layouts mixed has every layout on a release it runs on', () => {
    expect(new Set(labConfig.parse(defaultLabConfig(12, 40)).hosts.map((h) => h.layout))).toEqual(new Set(['baremetal']));
    const mixed = labConfig.parse(defaultLabConfig(14, 40, 'mixed'));
    expect(new Set(mixed.hosts.map((h) => h.layout))).toEqual(new Set(LAB_LAYOUTS));
    for (const h of mixed.hosts) expect(LAB_LAYOUT_PROFILES[h.layout].dists).toContain(h.dist);
    // Still the same spread of CPU settings, and the specs resolve (layout and release agree).
    expect(new Set(mixed.hosts.map((h) => h.cpu_mode))).toEqual(new Set(['host-model', 'host-passthrough', 'unset', 'custom']));
    expect(hostSpecsFromLabConfig(mixed).map((s) => s.layout)).toEqual(mixed.hosts.map((h) => h.layout));
  });

  it('rejects an unknown layout with the field named', () => {
    const bad = labConfig.safeParse({ hosts: [{ name: 'a', layout: 'openshift' }] });
    expect(bad.success).toBe(false);
    expect(JSON.stringify(bad.error?.issues[0]?.path)).toContain('layout');
  });

  it('reads a bare number as seconds and a unit string as given; defaults are milliseconds', () => {
    const lab = labConfig.parse({ hosts: [{ name: 'a', boot_delay: 2 }, { name: 'b', boot_delay: '250ms' }, { name: 'c' }], nova: { migration_time: '1.5s' } });
    expect(lab.hosts.map((h) => h.boot_delay)).toEqual([2000, 250, 1000]);
    expect(lab.nova.migration_time).toBe(1500);
  });

  it('rejects an unknown key and a bad address base with the field named', () => {
    const bad = labConfig.safeParse({ hosts: [{ name: 'a', cpu_mdoe: 'custom' }] });
    expect(bad.success).toBe(false);
    const base = labConfig.safeParse({ address_base: '10.0.0.0', hosts: [{ name: 'a' }] });
    expect(base.success).toBe(false);
    expect(JSON.stringify(base.error?.issues[0]?.path)).toContain('address_base');
  });
});

describe('lab capacity keys', () => {
  it('the default fleet is overcommitted like a real cloud: more vCPUs in use than a host has, within 4.0', async () => {
    const { createFakeCloud } = await import('../../../src/lab/cloud/index.js');
    const { cloudConfig } = await import('../../../src/lab/lab-mapping.js');
    const cloud = createFakeCloud(cloudConfig(labConfig.parse(defaultLabConfig(12, 40))));
    const hosts = cloud.state().hosts;
    expect(hosts.some((h) => h.vcpusUsed > h.vcpus)).toBe(true);
    for (const h of hosts) expect(h.vcpusUsed).toBeLessThanOrEqual(h.vcpus * 4);
    const world = cloud.world;
    expect([...world.hosts.values()].every((h) => h.cpuAllocationRatio === 4 && h.reservedHostMemoryMb === 4096)).toBe(true);
  });

  it('per-host ratios and reserved memory override the nova: values', async () => {
    const { cloudConfig } = await import('../../../src/lab/lab-mapping.js');
    const cfg = cloudConfig(labConfig.parse({ hosts: [{ name: 'a', cpu_allocation_ratio: 16, reserved_host_memory_mb: 0 }, { name: 'b' }],
      nova: { ram_allocation_ratio: 1.5 } }));
    expect(cfg.hosts[0]).toMatchObject({ cpuAllocationRatio: 16, reservedHostMemoryMb: 0 });
    expect(cfg.hosts[1]).not.toHaveProperty('cpuAllocationRatio');
    expect(cfg).toMatchObject({ cpuAllocationRatio: 4, ramAllocationRatio: 1.5, reservedHostMemoryMb: 4096, maxConcurrentLiveMigrations: 1 });
    expect(() => labConfig.parse({ hosts: [{ name: 'a', cpu_allocation_ratio: 0 }] })).toThrow();
  });
});
