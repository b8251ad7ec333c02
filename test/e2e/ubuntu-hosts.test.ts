// Ubuntu compute nodes against the lab (issue 15): dpkg facts, apt updates to the shipped playbook's USN minimums, reboot onto
// the new kernel image, a rerun that changes nothing, and a compliant sweep.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { hostAddress, setHostEnv } from '../helpers/fault-tools.js';
import { baseline, checkInvariants, type Baseline } from '../helpers/invariants.js';
import { cli, FAST_PLAYBOOK, REPO, sshHost, startLab, type LabHandle } from '../helpers/lab.js';

interface JsonReport { hosts: { name: string; status: string; steps: { id: string; status: string; error?: string }[] }[] }
type Doc = { steps: Record<string, Record<string, unknown>>[] } & Record<string, unknown>;

let lab: LabHandle;
let base: Baseline;
let playbook: string;
let lockPlaybook: string;
const PORT = 2249;
/** The hosts the first scenario remediates; u4's held lock is the second scenario's. */
const FIXABLE = ['-l', 'u1,u2,u3'];

beforeAll(async () => {
  lab = await startLab({
    address_base: '127.49.0.0', port: PORT, instances: 4,
    nova: { migration_time: '300ms' },
    hosts: [
      { name: 'u1', dist: 'ubuntu1804', boot_delay: '300ms' },
      { name: 'u2', dist: 'ubuntu1804', boot_delay: '300ms', cpu_mode: 'custom', cpu_model: 'IvyBridge', extra_flags: 'spec-ctrl,ssbd' },
      { name: 'u3', dist: 'ubuntu1804', boot_delay: '300ms', fixed: true },
      // unattended-upgrades holds the dpkg lock on this one.
      { name: 'u4', dist: 'ubuntu1804', boot_delay: '300ms', faults: { dpkg_locked: true } },
    ],
  }, 'ubuntu-hosts');
  base = await baseline(lab);
  // The test timings with the SHIPPED playbook's minimums (the USN versions under ubuntu1804 are what is tested), and
  // Ubuntu's nova-compute unit for the restarts and the liveness check.
  const shipped = parse(readFileSync(join(REPO, 'playbooks/remediate.yaml'), 'utf8')) as Doc;
  const minimums = shipped.steps.find((s) => 'update-packages' in s)!['update-packages']!['minimums'];
  const doc = parse(readFileSync(FAST_PLAYBOOK, 'utf8')) as Doc;
  for (const step of doc.steps) {
    const id = Object.keys(step)[0]!;
    if (id === 'update-packages' || id === 'verify') step[id] = { ...step[id], minimums };
    if (id === 'cpu-flags' || id === 'restore') step[id] = { ...step[id], service: 'nova-compute' };
    if (id === 'update-packages') step[id] = { ...step[id], lock_poll: '200ms' };
  }
  playbook = join(lab.dir, 'ubuntu-playbook.yaml');
  writeFileSync(playbook, stringify(doc, { aliasDuplicateObjects: false }));
  const up = doc.steps.find((s) => 'update-packages' in s)!;
  up['update-packages'] = { ...up['update-packages'], lock_wait: '2s' };
  lockPlaybook = join(lab.dir, 'ubuntu-lock-playbook.yaml');
  writeFileSync(lockPlaybook, stringify(doc, { aliasDuplicateObjects: false }));
}, 120_000);

afterAll(async () => { await lab?.down(); });

const ssh = (host: string, cmd: string) => sshHost(lab, hostAddress(lab, host), cmd, PORT);

describe('Ubuntu hosts', () => {
  it('plan shows the apt changes, run mitigates, a rerun changes nothing, a sweep is compliant', async () => {
    expect((await ssh('u1', 'uname -r')).trim()).toBe('4.15.0-48-generic');

    const plan = await cli(['plan', playbook, '-i', lab.inventory, '--state-dir', lab.stateDir, ...FIXABLE, '--json', join(lab.dir, 'plan.json')]);
    expect(plan.code, plan.stdout.slice(-3000) + plan.stderr).toBe(2);
    for (const line of [
      'intel-microcode 3.20180807a.0ubuntu0.18.04.1 -> 3.20190514.0ubuntu0.18.04.3 (minimum 3.20190514.0ubuntu0.18.04.3)',
      'kernel 4.15.0-48 -> 4.15.0-50 (minimum 4.15.0-50)',
      'linux-image-generic 4.15.0.48.50 -> 4.15.0.50.52 (minimum 4.15.0.50.52)',
      'qemu-system-x86 1:2.11+dfsg-1ubuntu7.12 -> 1:2.11+dfsg-1ubuntu7.13 (minimum 1:2.11+dfsg-1ubuntu7.13)',
      'libvirt0 4.0.0-1ubuntu8.9 -> 4.0.0-1ubuntu8.10 (minimum 4.0.0-1ubuntu8.10)',
    ]) expect(plan.stdout).toContain(line);
    // A plan changes nothing on the hosts.
    expect((await ssh('u1', "dpkg-query -W -f '${Version}' qemu-system-x86")).trim()).toBe('1:2.11+dfsg-1ubuntu7.12');

    const run = await cli(['run', playbook, '-i', lab.inventory, '--state-dir', lab.stateDir, ...FIXABLE, '-y', '--json', join(lab.dir, 'run.json')], { timeoutMs: 240_000 });
    expect(run.code, run.stdout.slice(-3000) + run.stderr).toBe(0);
    for (const h of ['u1', 'u2']) {
      // The new image runs (grub's newest), not the removed 4.15.0-55 whose configuration dpkg keeps.
      expect((await ssh(h, 'uname -r')).trim()).toBe('4.15.0-50-generic');
      expect((await ssh(h, 'cat /sys/devices/system/cpu/vulnerabilities/mds')).trim()).toBe('Mitigation: Clear CPU buffers; SMT vulnerable');
      expect((await ssh(h, "dpkg-query -W -f '${Version} ${Status}\\n' qemu-system-x86 intel-microcode")).trim().split('\n')).toEqual([
        '1:2.11+dfsg-1ubuntu7.13 install ok installed', '3.20190514.0ubuntu0.18.04.3 install ok installed',
      ]);
    }
    const report = JSON.parse(readFileSync(join(lab.dir, 'run.json'), 'utf8')) as JsonReport;
    const step = (h: string, id: string) => report.hosts.find((x) => x.name === h)!.steps.find((s) => s.id === id)!.status;
    expect(step('u1', 'update-packages')).toBe('changed');
    expect(step('u1', 'reboot')).toBe('changed');
    expect(step('u3', 'update-packages')).toBe('ok');
    expect(step('u3', 'reboot')).toBe('ok');
    await checkInvariants(lab, base);

    const boots = await Promise.all(['u1', 'u2', 'u3'].map((h) => ssh(h, 'cat /proc/sys/kernel/random/boot_id')));
    const rerun = await cli(['run', playbook, '-i', lab.inventory, '--state-dir', lab.stateDir, ...FIXABLE, '-y', '--json', join(lab.dir, 'rerun.json')], { timeoutMs: 240_000 });
    expect(rerun.code, rerun.stdout.slice(-3000) + rerun.stderr).toBe(0);
    const again = JSON.parse(readFileSync(join(lab.dir, 'rerun.json'), 'utf8')) as JsonReport;
    const changed = again.hosts.flatMap((h) => h.steps.filter((s) => s.status === 'changed').map((s) => `${h.name}:${s.id}`));
    expect(changed).toEqual([]);
    expect(await Promise.all(['u1', 'u2', 'u3'].map((h) => ssh(h, 'cat /proc/sys/kernel/random/boot_id')))).toEqual(boots);

    const sweep = await cli(['sweep', '--playbook', playbook, '-i', lab.inventory, '--state-dir', lab.stateDir, ...FIXABLE]);
    expect(sweep.code, sweep.stdout.slice(-2000) + sweep.stderr).toBe(0);
    await checkInvariants(lab, base);
  }, 300_000);

  it('a dpkg lock held by another process fails the host before any drain, saying so; once released, a rerun finishes it', async () => {
    const boot = await ssh('u4', 'cat /proc/sys/kernel/random/boot_id');
    const run = await cli(['run', lockPlaybook, '-i', lab.inventory, '--state-dir', lab.stateDir, '-l', 'u4', '-y', '--json', join(lab.dir, 'lock.json')], { timeoutMs: 120_000 });
    expect(run.code, run.stdout.slice(-2000) + run.stderr).toBe(1);
    const u4 = (JSON.parse(readFileSync(join(lab.dir, 'lock.json'), 'utf8')) as JsonReport).hosts.find((h) => h.name === 'u4')!;
    const update = u4.steps.find((s) => s.id === 'update-packages')!;
    expect(update.status).toBe('failed');
    expect(update.error).toMatch(/the dpkg\/apt lock is held by another process .* not released within 2 s; nothing was installed/);
    // Nothing moved: the service was never disabled, the host never rebooted, the packages are the old ones.
    expect(u4.steps.filter((s) => s.id === 'drain' && s.status === 'changed')).toEqual([]);
    const s = await checkInvariants(lab, base);
    expect(s.services.find((v) => v.host === 'u4' && v.binary === 'nova-compute')!.status).toBe('enabled');
    expect(await ssh('u4', 'cat /proc/sys/kernel/random/boot_id')).toBe(boot);
    expect((await ssh('u4', "dpkg-query -W -f '${Version}' libvirt0")).trim()).toBe('4.0.0-1ubuntu8.9');

    setHostEnv(lab, 'u4', 'DPKG_LOCKED', '0');
    const rerun = await cli(['run', lockPlaybook, '-i', lab.inventory, '--state-dir', lab.stateDir, '-l', 'u4', '-y'], { timeoutMs: 120_000 });
    expect(rerun.code, rerun.stdout.slice(-2000) + rerun.stderr).toBe(0);
    expect((await ssh('u4', 'uname -r')).trim()).toBe('4.15.0-50-generic');
    const sweep = await cli(['sweep', '--playbook', lockPlaybook, '-i', lab.inventory, '--state-dir', lab.stateDir, '-l', 'u4']);
    expect(sweep.code, sweep.stdout.slice(-2000) + sweep.stderr).toBe(0);
    await checkInvariants(lab, base);
  }, 300_000);
});
