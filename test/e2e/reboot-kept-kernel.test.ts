// A reboot that comes back on the old kernel (the default boot entry was not moved), against the lab: failed once, named, never repeated.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostAddress, playbookWith } from '../helpers/fault-tools.js';
import { baseline, checkInvariants, rerunToEnd, type Baseline } from '../helpers/invariants.js';
import { cli, FAST_PLAYBOOK, sshHost, startLab, type LabHandle } from '../helpers/lab.js';
import type { LabStateSnapshot as State } from '../../src/lab/cloud/index.js';

interface JsonReport { hosts: { name: string; status: string; steps: { id: string; status: string; error?: string }[] }[] }

let lab: LabHandle;
let base: Baseline;

beforeAll(async () => {
  lab = await startLab({
    address_base: '127.45.0.0', port: 2245, instances: 3,
    nova: { migration_time: '300ms' },
    hosts: [{ name: 'k1', boot_delay: '300ms', faults: { boots_old_kernel: true } }, { name: 'k2', boot_delay: '300ms' }],
  }, 'reboot-kept-kernel');
  base = await baseline(lab);
}, 120_000);

afterAll(async () => { await lab?.down(); });

const ssh = (cmd: string) => sshHost(lab, hostAddress(lab, 'k1'), cmd, 2245);

async function runK1(json: string, playbook = FAST_PLAYBOOK) {
  const r = await cli(['run', playbook, '-i', lab.inventory, '--state-dir', lab.stateDir, '-y', '-l', 'k1', '--json', json], { timeoutMs: 150_000 });
  const host = (JSON.parse(readFileSync(json, 'utf8')) as JsonReport).hosts.find((h) => h.name === 'k1')!;
  return { r, host, reboot: host.steps.find((s) => s.id === 'reboot')! };
}

describe('a reboot that kept its kernel', () => {
  it('fails the host naming the boot entry, and a rerun does not reboot it again for the same reason', async () => {
    const kernelBefore = (await ssh('uname -r')).trim();
    const boot0 = (await ssh('cat /proc/sys/kernel/random/boot_id')).trim();

    const first = await runK1(join(lab.dir, 'first.json'));
    expect(first.r.code, first.r.stdout.slice(-2000)).toBe(1);
    expect(first.reboot.status).toBe('failed');
    expect(first.reboot.error).toMatch(new RegExp(`came back on kernel ${kernelBefore.replace(/\./g, '\\.')}, not the newest installed .*default boot entry \\(grubby --default-kernel`));
    // What the host's grubby said of the default entry: still the old kernel.
    expect(first.reboot.error).toContain(`(it says: /boot/vmlinuz-${kernelBefore})`);
    const boot1 = (await ssh('cat /proc/sys/kernel/random/boot_id')).trim();
    expect(boot1).not.toBe(boot0);
    expect((await ssh('uname -r')).trim()).toBe(kernelBefore);
    let s = await checkInvariants(lab, base);
    // Drained and kept disabled: nothing is put back on a host that still runs the vulnerable kernel.
    expect(s.services.find((v) => v.host === 'k1' && v.binary === 'nova-compute')!.status).toBe('disabled');
    expect(s.instances.filter((i) => i.host === 'k1' && i.status === 'ACTIVE')).toEqual([]);

    const second = await runK1(join(lab.dir, 'second.json'));
    expect(second.r.code, second.r.stdout.slice(-2000)).toBe(1);
    expect(second.reboot.status).toBe('refused');
    expect(second.reboot.error).toMatch(/an earlier reboot .* came back on kernel .*default boot entry.*set again: true on the reboot step/);
    expect((await ssh('cat /proc/sys/kernel/random/boot_id')).trim()).toBe(boot1);
    s = await checkInvariants(lab, base);
    expect(s.services.find((v) => v.host === 'k1' && v.binary === 'nova-compute')!.status).toBe('disabled');
    expect((s as State).instances.every((i) => i.status !== 'ERROR')).toBe(true);
  }, 300_000);

  it('once the boot entry is fixed, a rerun with again: true reboots once into the new kernel and finishes', async () => {
    const boot1 = (await ssh('cat /proc/sys/kernel/random/boot_id')).trim();
    const newest = (await ssh(`rpm -q --qf '%{VERSION}-%{RELEASE}\\n' kernel | tail -n 1`)).trim();
    expect((await ssh('uname -r')).trim()).not.toBe(`${newest}.x86_64`);
    // The operator's fix, as on a real RHEL host.
    await ssh(`grubby --set-default /boot/vmlinuz-${newest}.x86_64`);
    expect((await ssh('grubby --default-kernel')).trim()).toBe(`/boot/vmlinuz-${newest}.x86_64`);

    const again = playbookWith(lab.dir, 'reboot-again', {}, { reboot: { again: true } });
    const third = await runK1(join(lab.dir, 'third.json'), again);
    expect(third.r.code, third.r.stdout.slice(-2000)).toBe(0);
    expect(third.reboot.status).toBe('changed');
    expect((await ssh('uname -r')).trim()).toBe(`${newest}.x86_64`);
    const boot2 = (await ssh('cat /proc/sys/kernel/random/boot_id')).trim();
    expect(boot2).not.toBe(boot1);
    const s = await checkInvariants(lab, base);
    expect(s.services.find((v) => v.host === 'k1' && v.binary === 'nova-compute')!.status).toBe('enabled');

    // Once, not again: the plain playbook finds k1 done, and the fleet converges.
    await rerunToEnd(lab);
    expect((await ssh('cat /proc/sys/kernel/random/boot_id')).trim()).toBe(boot2);
    await checkInvariants(lab, base);
  }, 300_000);
});
