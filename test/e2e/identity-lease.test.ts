// Which box is this, and who works on it (issues 13 and 15), against the lab: two hosts that answer for each other fail
// before any change; Nova's name from [DEFAULT] host; another controller's lease refused, then adopted.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostAddress, inventoryWith, waitFor } from '../helpers/fault-tools.js';
import { baseline, checkInvariants, rerunToEnd, type Baseline } from '../helpers/invariants.js';
import { cli, FAST_PLAYBOOK, spawnCli, sshHost, startLab, type LabHandle } from '../helpers/lab.js';
import type { LabStateSnapshot as State } from '../../src/lab/cloud/index.js';

interface JsonReport { hosts: { name: string; novaHost: string; status: string; error?: string; steps: { id: string; status: string }[] }[] }

const PORT = 2261;
const LEASE = '/var/lib/mds-orchestrate/lease.json';
let lab: LabHandle;
let base: Baseline;

beforeAll(async () => {
  lab = await startLab({
    address_base: '127.61.0.0', port: PORT, instances: 6,
    nova: { migration_time: '300ms' },
    hosts: [
      // Nova knows it as fq.localdomain, written as [DEFAULT] host in its nova.conf (what TripleO does).
      { name: 'fq', boot_delay: '300ms', nova_host_fqdn: true },
      { name: 'l1', boot_delay: '300ms' },
      { name: 'spare', boot_delay: '300ms' },
      // sw1's address reaches sw2's sshd and sw2's reaches sw1's; the inventory keeps each at its own.
      { name: 'sw1', boot_delay: '300ms', faults: { swapped_with: 'sw2' } },
      { name: 'sw2', boot_delay: '300ms' },
    ],
  }, 'identity-lease');
  base = await baseline(lab);
}, 180_000);

afterAll(async () => { await lab?.down(); });

const state = () => lab.labGet<State>('state');
const service = async (h: string) => (await state()).services.find((s) => s.host === h && s.binary === 'nova-compute')!;
/** Runs a command on whatever box answers at the host's inventory address. */
const onBox = (h: string, command: string) => sshHost(lab, hostAddress(lab, h), command, PORT);
const leaseOn = async (h: string) => (await onBox(h, `cat ${LEASE} 2>/dev/null || true`)).trim();
const report = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as JsonReport;
const hostIn = (file: string, name: string) => report(file).hosts.find((h) => h.name === name)!;

describe('identity and leases', () => {
  it('two hosts that answer for each other: each fails before any change, naming both names', async () => {
    const boots = await Promise.all(['sw1', 'sw2'].map((h) => onBox(h, 'cat /proc/sys/kernel/random/boot_id')));
    const kernels = await Promise.all(['sw1', 'sw2'].map((h) => onBox(h, 'rpm -q kernel')));
    for (const [meant, reached] of [['sw1', 'sw2'], ['sw2', 'sw1']] as const) {
      const json = join(lab.dir, `swapped-${meant}.json`);
      const r = await cli(['run', FAST_PLAYBOOK, '-i', lab.inventory, '--state-dir', lab.stateDir, '-y', '-l', meant, '--json', json], { timeoutMs: 120_000 });
      expect(r.code, r.stdout.slice(-2000)).toBe(1);
      const h = hostIn(json, meant);
      expect(h.status).toBe('failed');
      // The box's own nova.conf names it too: Nova's name follows the box, so the inventory name is what disagrees.
      expect(h.error).toMatch(new RegExp(`says its name is '${reached}', but the inventory names it '${meant}' \\(Nova knows the box reached as '${reached}', from \\[DEFAULT\\] host in /etc/nova/nova.conf\\)`));
      expect(h.error).toMatch(/Nothing was changed on it/);
      expect(h.steps.every((s) => s.status === 'skipped')).toBe(true);
      expect((await service(meant)).status).toBe('enabled');
    }
    // Nothing changed on either box: no lease, no package update, no reboot.
    expect(await Promise.all(['sw1', 'sw2'].map((h) => onBox(h, 'cat /proc/sys/kernel/random/boot_id')))).toEqual(boots);
    expect(await Promise.all(['sw1', 'sw2'].map((h) => onBox(h, 'rpm -q kernel')))).toEqual(kernels);
    expect(await leaseOn('sw1')).toBe('');
    expect(await leaseOn('sw2')).toBe('');
    await checkInvariants(lab, base);

    // The operator fixes the addresses (as DNS would be fixed): the same run now finishes both, and a sweep agrees.
    const fixed = inventoryWith(lab, 'fixed-addresses', { sw1: { ansible_host: hostAddress(lab, 'sw2') }, sw2: { ansible_host: hostAddress(lab, 'sw1') } });
    const run = await cli(['run', FAST_PLAYBOOK, '-i', fixed, '--state-dir', lab.stateDir, '-y', '-l', 'sw1:sw2'], { timeoutMs: 200_000 });
    expect(run.code, run.stdout.slice(-2000)).toBe(0);
    const sweep = await cli(['sweep', '--playbook', FAST_PLAYBOOK, '-i', fixed, '--state-dir', lab.stateDir, '-l', 'sw1:sw2'], { timeoutMs: 100_000 });
    expect(sweep.code, sweep.stdout.slice(-1500)).toBe(0);
    await checkInvariants(lab, base);
  }, 300_000);

  it("maps a host to Nova by its nova.conf [DEFAULT] host (fq.localdomain), remediates it and releases its lease", async () => {
    const json = join(lab.dir, 'fq.json');
    const r = await cli(['run', FAST_PLAYBOOK, '-i', lab.inventory, '--state-dir', lab.stateDir, '-y', '-l', 'fq', '--json', json], { timeoutMs: 150_000 });
    expect(r.code, r.stdout.slice(-2000)).toBe(0);
    const fq = hostIn(json, 'fq');
    expect(fq).toMatchObject({ status: 'changed', novaHost: 'fq.localdomain' });
    expect(await service('fq.localdomain')).toMatchObject({ status: 'enabled', disabledReason: null });
    expect((await state()).instances.filter((i) => i.host === 'fq.localdomain' && i.status === 'ACTIVE')).toEqual([]);
    expect(await leaseOn('fq')).toBe('');
    await checkInvariants(lab, base);
    // Converges: a second run changes nothing.
    const again = await cli(['run', FAST_PLAYBOOK, '-i', lab.inventory, '--state-dir', lab.stateDir, '-y', '-l', 'fq'], { timeoutMs: 100_000 });
    expect(again.code, again.stdout.slice(-1500)).toBe(0);
  }, 300_000);

  it("another controller's lease refuses the host, naming it; --adopt-lease takes it over and finishes; a rerun converges", async () => {
    // Controller B (its own state directory) drains l1 and is lost (kill -9) while it holds the reboot's last look.
    const stateB = join(lab.dir, 'state-b');
    await lab.labPost('faults', { endpoints: [{ method: 'GET', path: '**/os-migrations', query: { host: 'l1', migration_type: null, instance_uuid: null }, kind: 'hold' }] });
    const b = spawnCli(['run', FAST_PLAYBOOK, '-i', lab.inventory, '--state-dir', stateB, '-y', '-l', 'l1']);
    try {
      await waitFor("controller B's reboot step to look", async () => (await lab.labGet<{ held: number }>('faults')).held === 1);
      b.child.kill('SIGKILL');
      await b.exited;
    } finally {
      await lab.labPost('faults', { clear: true });
    }
    const held = JSON.parse(await leaseOn('l1')) as { runId: string; stateDir: string };
    expect(held.stateDir).toBe(stateB);
    expect((await service('l1')).disabledReason).toBe(`mds-orchestrate: MDS remediation (run ${held.runId})`);

    // Controller A (the lab's state directory): refused by plan and by run, naming B's run; nothing changes.
    const bootBefore = await onBox('l1', 'cat /proc/sys/kernel/random/boot_id');
    const planJson = join(lab.dir, 'lease-plan.json');
    const plan = await cli(['plan', FAST_PLAYBOOK, '-i', lab.inventory, '--state-dir', lab.stateDir, '-l', 'l1', '--json', planJson], { timeoutMs: 100_000 });
    expect(plan.code).toBe(1);
    expect(hostIn(planJson, 'l1').status).toBe('refused');
    const runJson = join(lab.dir, 'lease-run.json');
    const refused = await cli(['run', FAST_PLAYBOOK, '-i', lab.inventory, '--state-dir', lab.stateDir, '-y', '-l', 'l1', '--json', runJson], { timeoutMs: 100_000 });
    expect(refused.code).toBe(1);
    const l1 = hostIn(runJson, 'l1');
    expect(l1.status).toBe('refused');
    expect(l1.error).toMatch(new RegExp(`l1 is leased by run ${held.runId} of .* \\(state directory ${stateB.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}\\).*--adopt-lease ${held.runId}`));
    expect(JSON.parse(await leaseOn('l1'))).toMatchObject({ runId: held.runId });
    expect((await service('l1')).disabledReason).toBe(`mds-orchestrate: MDS remediation (run ${held.runId})`);
    expect(await onBox('l1', 'cat /proc/sys/kernel/random/boot_id')).toBe(bootBefore);

    // Adopted: A takes over B's lease and disable, reboots, restores and releases the lease.
    const adopted = await cli(['run', FAST_PLAYBOOK, '-i', lab.inventory, '--state-dir', lab.stateDir, '-y', '-l', 'l1', '--adopt-lease', held.runId], { timeoutMs: 150_000 });
    expect(adopted.code, adopted.stdout.slice(-2000)).toBe(0);
    expect(adopted.stdout + adopted.stderr).toMatch(new RegExp(`adopting the lease of run ${held.runId}`));
    expect(await service('l1')).toMatchObject({ status: 'enabled', disabledReason: null });
    expect(await onBox('l1', 'cat /proc/sys/kernel/random/boot_id')).not.toBe(bootBefore);
    expect(await leaseOn('l1')).toBe('');
    await checkInvariants(lab, base);
    await rerunToEnd(lab, ['-l', 'l1:fq:spare']);
    await checkInvariants(lab, base);
  }, 400_000);
});
