// Config files as they are, against the lab: a nova.conf that is a symlink is edited through the link, an immutable one is refused before the drain.
import { lstatSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostAddress } from '../helpers/fault-tools.js';
import { baseline, checkInvariants, novaConfPath, readNovaConf, rerunToEnd, type Baseline } from '../helpers/invariants.js';
import { cli, FAST_PLAYBOOK, sshHost, startLab, type LabHandle } from '../helpers/lab.js';
import type { LabStateSnapshot as State } from '../../src/lab/cloud/index.js';

interface JsonReport { hosts: { name: string; status: string; error?: string; steps: { id: string; status: string; error?: string }[] }[] }

const PORT = 2252;
let lab: LabHandle;
let base: Baseline;

beforeAll(async () => {
  const custom = { cpu_mode: 'custom', cpu_model: 'IvyBridge', extra_flags: 'ssbd', boot_delay: '300ms' };
  lab = await startLab({
    address_base: '127.52.0.0', port: PORT, instances: 6,
    nova: { migration_time: '300ms' },
    hosts: [
      { name: 'link1', ...custom, faults: { nova_conf: 'symlinked' } },
      { name: 'immu1', ...custom, faults: { nova_conf: 'immutable' } },
      { name: 'spare1', boot_delay: '300ms' }, { name: 'spare2', boot_delay: '300ms' },
    ],
  }, 'nova-conf-as-it-is');
  base = await baseline(lab);
}, 120_000);

afterAll(async () => { await lab?.down(); });

const ssh = (host: string, cmd: string) => sshHost(lab, hostAddress(lab, host), cmd, PORT);
const state = () => lab.labGet<State>('state');

async function run(host: string, json: string) {
  const r = await cli(['run', FAST_PLAYBOOK, '-i', lab.inventory, '--state-dir', lab.stateDir, '-y', '-l', host, '--json', json], { timeoutMs: 150_000 });
  const report = (JSON.parse(readFileSync(json, 'utf8')) as JsonReport).hosts.find((h) => h.name === host)!;
  return { r, report };
}

describe('nova.conf as it is on the host', () => {
  it('a symlinked nova.conf: the file it points to gets md-clear, the link stays a link', async () => {
    expect(readlinkSync(novaConfPath(lab, 'link1'))).toBe('managed/nova.conf');
    const { r } = await run('link1', join(lab.dir, 'link1.json'));
    expect(r.code, r.stdout.slice(-2000) + r.stderr).toBe(0);
    // Seen from outside (the host's /etc upper dir) and from inside the host.
    expect(lstatSync(novaConfPath(lab, 'link1')).isSymbolicLink()).toBe(true);
    expect(readlinkSync(novaConfPath(lab, 'link1'))).toBe('managed/nova.conf');
    expect((await ssh('link1', 'readlink /etc/nova/nova.conf')).trim()).toBe('managed/nova.conf');
    expect(await ssh('link1', 'grep ^cpu_model_extra_flags /etc/nova/managed/nova.conf')).toMatch(/md-clear/);
    expect(readNovaConf(lab, 'link1')).toMatch(/^cpu_model_extra_flags\s*=.*md-clear/m);
    await checkInvariants(lab, base);
  }, 200_000);

  it('an immutable nova.conf is refused before the drain: no migration spent; after chattr -i a rerun converges', async () => {
    // The lab host answers as a real immutable file: lsattr shows i, and a write really fails even for root.
    expect(await ssh('immu1', 'lsattr /etc/nova/nova.conf')).toMatch(/^----i-+ \/etc\/nova\/nova\.conf/);
    await expect(ssh('immu1', 'echo "# x" >> /etc/nova/nova.conf')).rejects.toThrow();
    await expect(ssh('immu1', 'cp /etc/nova/nova.conf /etc/nova/.x && mv -f /etc/nova/.x /etc/nova/nova.conf')).rejects.toThrow();
    await ssh('immu1', 'rm -f /etc/nova/.x');
    const original = readNovaConf(lab, 'immu1');
    const boot0 = (await ssh('immu1', 'cat /proc/sys/kernel/random/boot_id')).trim();
    const aboard = (await state()).instances.filter((i) => i.host === 'immu1' && i.status === 'ACTIVE').map((i) => i.uuid);
    const earlier = new Set((await state()).migrations.map((m) => m.id));
    expect(aboard.length).toBeGreaterThan(0);

    const { r, report } = await run('immu1', join(lab.dir, 'immu1.json'));
    expect(r.code, r.stdout.slice(-2000)).toBe(1);
    const said = [report.error ?? '', ...report.steps.map((s) => s.error ?? '')].join('\n');
    expect(said).toMatch(/\/etc\/nova\/nova\.conf has the immutable attribute \(chattr -i to allow the edit\)/);
    // The drain's own precondition: the host fails (exit 1) before anything is disabled or moved.
    expect(report.steps.find((s) => s.id === 'drain')?.status).toBe('failed');
    const s = await state();
    // Not one migration of its instances, nothing moved, the service untouched, no reboot, the file as it was.
    expect(s.migrations.filter((m) => !earlier.has(m.id))).toEqual([]);
    expect(s.instances.filter((i) => aboard.includes(i.uuid)).every((i) => i.host === 'immu1' && i.status === 'ACTIVE')).toBe(true);
    expect(s.services.find((v) => v.host === 'immu1' && v.binary === 'nova-compute')!.status).toBe('enabled');
    expect((await ssh('immu1', 'cat /proc/sys/kernel/random/boot_id')).trim()).toBe(boot0);
    expect(readNovaConf(lab, 'immu1')).toBe(original);
    await checkInvariants(lab, base);

    // The operator clears the attribute; the rerun drains, edits, reboots and restores.
    await ssh('immu1', 'chattr -i /etc/nova/nova.conf');
    expect(await ssh('immu1', 'lsattr /etc/nova/nova.conf 2>&1 || true')).not.toMatch(/^\S*i\S* /);
    const again = await run('immu1', join(lab.dir, 'immu1-again.json'));
    expect(again.r.code, again.r.stdout.slice(-2000)).toBe(0);
    expect(readNovaConf(lab, 'immu1')).toMatch(/^cpu_model_extra_flags\s*=.*md-clear/m);
    await checkInvariants(lab, base);
    await rerunToEnd(lab);
    await checkInvariants(lab, base);
  }, 300_000);
});
