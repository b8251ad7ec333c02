// rehearse -i's seeding: a plan's verdicts and facts plus the cloud's answers become the simulation's model, read only.
import { describe, expect, it } from 'vitest';
import type { HostSpec } from '../../../src/inventory/types.js';
import { defaultLabConfig, labConfig } from '../../../src/lab/lab-config.js';
import { loadPlaybook } from '../../../src/playbook/index.js';
import type { HostReport } from '../../../src/report/model.js';
import { LAB_DURATIONS } from '../../../src/rehearse/durations.js';
import { InProcessNova } from '../../../src/rehearse/in-process-nova.js';
import { readRealFleet, type RealFleetRead } from '../../../src/rehearse/read-real-fleet.js';
import { rehearseFleet, SimFleet } from '../../../src/rehearse/rehearse.js';
import { applySeed, seedFromPlan } from '../../../src/rehearse/seed-from-plan.js';
import { stepSchemas } from '../../../src/steps/registry.js';

const EL7 = 'CentOS Linux 7 (Core)';

function host(name: string, status: string, extra: Partial<HostReport> = {}, steps: Record<string, string> = {}): HostReport {
  return {
    name, address: name, novaHost: name, availabilityZone: null, aggregate: null, status: status as HostReport['status'],
    facts: { os: EL7, kernelRunning: '3.10.0-957.el7.x86_64', bootId: 'b', cpuVendor: 'GenuineIntel', mds: null, tsxAsyncAbort: null, mmioStaleData: null, packages: { kernel: '3.10.0-957.el7' } },
    steps: Object.entries(steps).map(([id, s]) => ({ id, status: s as 'ok', changes: [], notes: [] })),
    checks: [], rebootReasons: [], packagesBelowMinimum: [{ name: 'kernel', installed: '3.10.0-957.el7', minimum: '3.10.0-957.12.2.el7' }], guestsNeedingColdBoot: [], warnings: [],
    ...extra,
  };
}

function target(name: string, novaHost = name): HostSpec {
  return { name, address: name, port: 22, user: 'root', become: true, novaHost, groups: ['all'], vars: {} } as HostSpec;
}

/** A cloud's answers written by hand: what Placement and Nova would return. */
function read(): RealFleetRead {
  const res = (total: number, reserved: number, ratio: number, used: number) => ({ total, reserved, ratio, used });
  return {
    source: 'placement', notes: [],
    nodes: [
      { host: 'cmp-a', zone: 'az1', usable: true, vcpu: res(32, 2, 4, 6), ram: res(131072, 4096, 1.5, 12288) },
      { host: 'cmp-b', zone: 'az2', usable: true, vcpu: res(16, 0, 16, 2), ram: res(65536, 2048, 1, 4096 + 1000) },
      { host: 'cmp-c', zone: 'az1', usable: true, vcpu: res(16, 0, 4, 0), ram: res(65536, 0, 1, 0) },
      { host: 'Other.Example.Com', zone: '', usable: false, vcpu: res(8, 0, 1, 4), ram: res(32768, 0, 1, 8192) },
    ],
    servers: [
      { id: '1', name: 'web1', status: 'ACTIVE', host: 'cmp-a', taskState: null, vmState: 'active', projectId: 'p1', flavor: { vcpus: 2, ramMb: 4096 }, pinnedAvailabilityZone: 'az1' },
      { id: '2', name: 'web2', status: 'ACTIVE', host: 'cmp-a', taskState: null, vmState: 'active', projectId: 'p2', flavor: { vcpus: 4, ramMb: 8192 }, pinnedAvailabilityZone: null },
      { id: '3', name: 'db', status: 'SHUTOFF', host: 'cmp-b', taskState: null, vmState: 'stopped', projectId: 'p1', flavor: { vcpus: 2, ramMb: 4096 } },
      { id: '4', name: 'x', status: 'ACTIVE', host: 'Other.Example.Com', taskState: null, vmState: 'active', projectId: 'p3', flavor: { vcpus: 4, ramMb: 8192 } },
      { id: '5', name: 'building', status: 'BUILD', host: null, taskState: 'scheduling', vmState: 'building', projectId: 'p3', flavor: { vcpus: 1, ramMb: 512 } },
    ],
  };
}

describe('seedFromPlan', () => {
  const hosts = [
    // Packages below the minimums, nova.conf lacking md-clear: the whole update, edit, drain and reboot.
    host('cmp-a', 'would-change', {}, { 'update-packages': 'would-change', 'cpu-flags': 'would-change', reboot: 'would-change' }),
    host('cmp-b', 'ok', { facts: { os: 'Red Hat Enterprise Linux 8.0 (Ootpa)', kernelRunning: '', bootId: '', cpuVendor: 'AuthenticAMD', mds: null, tsxAsyncAbort: null, mmioStaleData: null }, packagesBelowMinimum: [] }),
    host('cmp-c', 'unreachable', { facts: undefined, error: 'connect ECONNREFUSED' }),
  ];
  const targets = [target('a', 'cmp-a'), target('cmp-b'), target('cmp-c'), target('ghost')];

  it('sizes every node from Placement (total, reserved, ratios), places every server with its flavor and state, and lists what it left out', () => {
    const seed = seedFromPlan({ hosts, targets, fleet: read() });
    const byName = new Map(seed.lab.hosts.map((h) => [h.name, h]));
    expect([...byName.keys()]).toEqual(['cmp-a', 'cmp-b', 'cmp-c', 'node-4']);
    expect(seed.simName.get('Other.Example.Com')).toBe('node-4');
    const a = byName.get('cmp-a')!;
    expect(a).toMatchObject({ vcpus: 30, cpu_allocation_ratio: 4, ram_mb: 131072, reserved_host_memory_mb: 4096, ram_allocation_ratio: 1.5, availability_zone: 'az1', fixed: false, dist: 'el7', cpu_mode: 'custom' });
    // Placement counts 1000 MB more on cmp-b than its one instance: held back as reserved memory, and said.
    expect(byName.get('cmp-b')).toMatchObject({ vcpus: 16, cpu_allocation_ratio: 16, reserved_host_memory_mb: 3048, fixed: true, dist: 'el8', cpu: 'amd', cpu_mode: 'host-model' });
    expect(seed.notes.some((n) => n.includes('cmp-b') && n.includes('1000 MB'))).toBe(true);
    expect(byName.get('node-4')).toMatchObject({ operator_disabled: expect.any(String), fixed: true, availability_zone: 'nova' });
    expect(seed.explicit.instances.map((i) => [i.host, i.flavor, i.state, i.az])).toEqual([
      ['cmp-a', '2vcpu-4096mb', 'ACTIVE', 'az1'], ['cmp-a', '4vcpu-8192mb', 'ACTIVE', null], ['cmp-b', '2vcpu-4096mb', 'SHUTOFF', null], ['node-4', '4vcpu-8192mb', 'ACTIVE', null],
    ]);
    expect(seed.explicit.flavors.map((f) => f.name).sort()).toEqual(['2vcpu-4096mb', '4vcpu-8192mb']);
    expect(seed.notes.some((n) => n.includes('1 server(s) on no compute node'))).toBe(true);
    expect(seed.only).toEqual(['cmp-a', 'cmp-b']);
    expect(seed.leftOut).toEqual([
      { name: 'cmp-c', novaHost: 'cmp-c', status: 'unreachable', why: 'connect ECONNREFUSED' },
      { name: 'ghost', novaHost: 'ghost', status: 'not planned', why: 'not a compute node of this cloud (no hypervisor record)' },
    ]);
    expect(seed.counts).toEqual({ nodes: 4, instances: 4, flavors: 2, compliant: 1, toChange: 1, outside: 1 });
  });

  it('a host whose packages are already at the minimums gets them installed, its old boot kept: the reboot is due, the update finds nothing', () => {
    const done = host('cmp-a', 'would-change', { packagesBelowMinimum: [] }, { 'update-packages': 'ok', 'cpu-flags': 'ok', reboot: 'would-change' });
    const seed = seedFromPlan({ hosts: [done], targets: [target('cmp-a')], fleet: read() });
    expect(seed.packagesDone).toEqual(['cmp-a']);
    expect(seed.lab.hosts[0]).toMatchObject({ fixed: false, cpu_mode: 'host-model' });
    const fleet = new SimFleet(seed.lab, LAB_DURATIONS, seed.explicit);
    const before = fleet.hosts.get('cmp-a')!.boot;
    applySeed(fleet, seed);
    const h = fleet.hosts.get('cmp-a')!;
    expect(h.boot).toBe(before);
    expect(h.installed.filter((r) => r.name === 'kernel').length).toBeGreaterThan(1);
    // Nothing due at all but nova.conf: booted on the fixes already, so the host starts fixed.
    const booted = seedFromPlan({ hosts: [{ ...done, steps: [{ id: 'update-packages', status: 'ok', changes: [], notes: [] }, { id: 'reboot', status: 'ok', changes: [], notes: [] }] }], targets: [target('cmp-a')], fleet: read() });
    expect(booted.packagesDone).toEqual([]);
    expect(booted.lab.hosts[0]!.fixed).toBe(true);
  });

  it('refuses servers whose flavor Nova does not give (room and migration time unknown), rather than guessing', () => {
    const r = read();
    r.servers[0] = { ...r.servers[0]!, flavor: null };
    expect(() => seedFromPlan({ hosts, targets, fleet: r })).toThrow(/flavor of 1 server/);
  });

  it('round trip: a cloud read through the Nova and Placement APIs seeds a simulation with the same nodes, room, instances per host and flavors', async () => {
    const lab = labConfig.parse(defaultLabConfig(6, 20));
    const real = new SimFleet(lab, { ...LAB_DURATIONS, apiMs: 0 });
    const nova = new InProcessNova(real.sim, real.durations);
    const fleet = await readRealFleet(nova);
    const reports = lab.hosts.map((h) => host(h.name, h.fixed ? 'ok' : 'would-change', {}, { 'update-packages': 'would-change', reboot: 'would-change' }));
    const seed = seedFromPlan({ hosts: reports, targets: lab.hosts.map((h) => target(h.name)), fleet });
    const sim = new SimFleet(seed.lab, LAB_DURATIONS, seed.explicit);
    const room = (f: SimFleet) => [...f.sim.world.hosts.values()].map((h) => [h.name, (h.vcpus) * h.cpuAllocationRatio, (h.ramMb - h.reservedHostMemoryMb) * h.ramAllocationRatio]);
    expect(room(sim)).toEqual(room(real));
    const perHost = (f: SimFleet) => [...f.sim.world.hosts.keys()].map((n) => [n, [...f.sim.index.on(n)].map((i) => `${f.sim.world.flavor(i.flavorId).vcpus}/${f.sim.world.flavor(i.flavorId).ramMb}/${i.vmState}`).sort()]);
    expect(perHost(sim)).toEqual(perHost(real));
    expect(seed.only).toEqual(lab.hosts.map((h) => h.name));
    expect(seed.leftOut).toEqual([]);

    // The rehearsal runs over it: every host to change is rebooted once, the compliant one is not.
    const playbook = await loadPlaybook('playbooks/remediate.yaml', stepSchemas());
    const result = await rehearseFleet(playbook, sim, { only: seed.only, startMs: Date.UTC(2026, 5, 1) });
    expect(result.makespanMs).toBeGreaterThan(0);
    for (const h of lab.hosts) expect([h.name, sim.hosts.get(h.name)!.reboots]).toEqual([h.name, h.fixed ? 0 : 1]);
  });
});
