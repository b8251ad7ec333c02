// rehearse -i against the lab: the simulated fleet is the lab's (hosts, instances per host, room), a makespan is printed, nothing is written.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LabStateSnapshot as LabState } from '../../src/lab/cloud/index.js';
import type { SeededHost } from '../../src/rehearse/seed-from-plan.js';
import { cli, FAST_PLAYBOOK, sshHost, startLab, type LabHandle } from '../helpers/lab.js';

const PORT = 2263;
const BASE = '127.63.0';
const HOSTS = [
  { name: 'rs-1', dist: 'el7', cpu_mode: 'host-model', availability_zone: 'az1' },
  { name: 'rs-2', dist: 'el8', cpu_mode: 'custom', cpu_model: 'IvyBridge', availability_zone: 'az2', cpu_allocation_ratio: 2, reserved_host_memory_mb: 2048 },
  { name: 'rs-3', dist: 'el7', fixed: true, availability_zone: 'az2' },
  // The login user may not become root here: the plan cannot read its evidence, so the rehearsal must leave it out and say so.
  { name: 'rs-4', dist: 'el7', availability_zone: 'az1', faults: { no_sudo: true } },
];
const NAMES = HOSTS.map((h) => h.name);
const addr = (name: string) => `${BASE}.${NAMES.indexOf(name) + 1}`;

let lab: LabHandle;

beforeAll(async () => {
  lab = await startLab({ address_base: `${BASE}.0`, port: PORT, user: 'stack', hosts: HOSTS, instances: 10, shutoff_instances: 1 }, 'rehearse-seeded');
}, 120_000);

afterAll(async () => { await lab?.down(); });

/** What a read-only pass must leave as it was on a host: packages, nova.conf (bytes and mtime), the boot, the guests. */
const hostPicture = (name: string) => sshHost(lab, addr(name),
  'rpm -qa | sort; echo @@; cat /etc/nova/nova.conf; stat -c "%s %Y" /etc/nova/nova.conf; echo @@; cat /proc/sys/kernel/random/boot_id; echo @@; virsh list --all', PORT);
const fleetPicture = async () => ({ nova: await lab.labGet<LabState>('state'), hosts: await Promise.all(NAMES.map(hostPicture)) });

describe('rehearse -i seeded from the lab', () => {
  it('simulates the lab\'s own fleet, prints an ETA, leaves out the host it cannot read (saying so), and writes nothing', async () => {
    const before = await fleetPicture();
    await fetch(`${lab.novaUrl}/_lab/requests`, { method: 'DELETE' });
    const json = join(lab.dir, 'rehearsal.json');
    const r = await cli(['rehearse', FAST_PLAYBOOK, '-i', lab.inventory, '--state-dir', lab.stateDir, '--seed', '1', '--json', json,
      // The fast playbook's migration timeout is the lab's (60 s): the production-like default migration times would exceed it.
      '--migration', '2s', '--migration-per-gb', '0s', '--boot', '10s'], { timeoutMs: 240_000 });

    // Nothing changed: not the cloud (only reads, and the token), not a host.
    const requests = await lab.labGet<{ method: string; path: string }[]>('requests');
    expect(requests.filter((q) => q.method !== 'GET' && !(q.method === 'POST' && q.path === '/identity/v3/auth/tokens'))).toEqual([]);
    expect(requests.some((q) => q.path.includes('/resource_providers/') && q.path.endsWith('/inventories'))).toBe(true);
    expect(requests.some((q) => q.path.startsWith('/compute/v2.1/servers/detail'))).toBe(true);
    expect(await fleetPicture()).toEqual(before);

    // rs-4 is said, with the plan's verdict, and the exit says the ETA does not cover the whole selection.
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(1);
    expect(r.stdout).toMatch(/LEFT OUT of the rehearsed rollout \(1\)/);
    expect(r.stdout).toMatch(/^ {4}rs-4: (unknown|refused|failed): /m);
    expect(r.stdout).toMatch(/^ {2}makespan +\S+/m);

    const out = JSON.parse(readFileSync(json, 'utf8')) as { seed: { hosts: SeededHost[]; leftOut: { name: string }[] }; makespanMs: number; rebooted: number; fleet: { hosts: number; instances: number } };
    expect(out.makespanMs).toBeGreaterThan(0);
    expect(out.seed.leftOut.map((l) => l.name)).toEqual(['rs-4']);
    const state = before.nova;
    // The simulated fleet is the lab's: the same compute nodes, zones and room as Placement counts it, the same instances on each.
    expect(out.seed.hosts.map((h) => h.name)).toEqual(state.hosts.map((h) => h.name));
    for (const spec of HOSTS) {
      const sim = out.seed.hosts.find((h) => h.name === spec.name)!;
      const real = state.hosts.find((h) => h.name === spec.name)!;
      const onIt = state.instances.filter((i) => i.host === spec.name);
      expect(sim, spec.name).toMatchObject({
        zone: spec.availability_zone, vcpus: real.vcpus, ramMb: real.ramMb,
        cpuAllocationRatio: spec.cpu_allocation_ratio ?? 4, reservedRamMb: spec.reserved_host_memory_mb ?? 4096, ramAllocationRatio: 1,
        fixed: spec.fixed === true, rolled: spec.name !== 'rs-4',
      });
      expect(sim.instances.length, spec.name).toBe(onIt.length);
      expect(sim.instances.reduce((a, i) => a + Number(i.split('/')[0]), 0), spec.name).toBe(real.vcpusUsed);
      expect(sim.instances.reduce((a, i) => a + Number(i.split('/')[1]), 0), spec.name).toBe(real.ramMbUsed);
      expect(sim.instances.map((i) => i.split('/')[2]).sort(), spec.name).toEqual(onIt.map((i) => i.status).sort());
    }
    expect(out.fleet.instances).toBe(state.instances.length);
    // The rehearsed rollout rebooted the two hosts the plan would change, not the compliant one, not the one left out.
    expect(out.rebooted, r.stdout).toBe(2);
  }, 300_000);
});
