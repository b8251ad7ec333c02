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
