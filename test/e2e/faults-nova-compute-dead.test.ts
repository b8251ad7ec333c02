// Fault: nova-compute does not start after the reboot (md-clear asked of a CPU without it). Restore must not enable the
// dead service: the host fails with the reason and stays disabled, the others finish, and a sweep reports the down service.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostAddress, playbookWith } from '../helpers/fault-tools.js';
import { baseline, checkInvariants, type Baseline } from '../helpers/invariants.js';
import { cli, sshHost, startLab, type LabHandle } from '../helpers/lab.js';
import type { LabStateSnapshot as State } from '../../src/lab/cloud/index.js';

interface JsonReport {
  hosts: { name: string; status: string; error?: string; checks: { name: string; ok: boolean; detail: string }[]; warnings: string[] }[];
}

let lab: LabHandle;
let base: Baseline;

beforeAll(async () => {
  lab = await startLab({
    address_base: '127.44.0.0', port: 2244, instances: 6,
    nova: { migration_time: '300ms' },
    // dead last: the first batch (one host) finishes before it starts.
    hosts: [{ name: 'a1', boot_delay: '300ms' }, { name: 'a2', boot_delay: '300ms' },
      { name: 'dead', boot_delay: '300ms', faults: { nova_compute_dead: true } }],
  }, 'nova-compute-dead');
  base = await baseline(lab);
}, 180_000);

afterAll(async () => {
  await lab?.down();
});

const service = async (h: string) => (await lab.labGet<State>('state')).services.find((s) => s.host === h && s.binary === 'nova-compute')!;
const bootId = (h: string) => sshHost(lab, hostAddress(lab, h), 'cat /proc/sys/kernel/random/boot_id', 2244);

describe('a nova-compute that does not start after the reboot', () => {
  it('fails the host with the reason, keeps its service disabled, lets the others finish; a sweep reports it down', async () => {
    const playbook = playbookWith(lab.dir, 'nova-compute-dead', {}, { restore: { alive_timeout: '3s', alive_poll: '250ms' } });
    const report = join(lab.dir, 'run.json');
    const r = await cli(['run', playbook, '-i', lab.inventory, '--state-dir', lab.stateDir, '-y', '--json', report], { timeoutMs: 150_000 });
    expect(r.code, r.stdout.slice(-1500)).toBe(1);

    const rep = JSON.parse(readFileSync(report, 'utf8')) as JsonReport;
    const dead = rep.hosts.find((h) => h.name === 'dead')!;
    expect(dead.status).toBe('failed');
    expect(dead.error).toMatch(/not alive after 3s/);
    expect(dead.error).toMatch(/openstack-nova-compute is not active on the host \(systemctl is-active: failed\)/);
    expect(dead.error).toMatch(/Nova reports the service down/);
    expect(dead.error).toMatch(/the service stays disabled/);
    expect(rep.hosts.filter((h) => h.name !== 'dead').map((h) => h.status)).toEqual(['changed', 'changed']);

    const s = await checkInvariants(lab, base, { deadHosts: ['dead'] });
    const svc = (s as unknown as State).services.find((v) => v.host === 'dead' && v.binary === 'nova-compute')!;
    expect(svc).toMatchObject({ status: 'disabled', state: 'down' });
    expect(svc.disabledReason).toMatch(/^mds-orchestrate:/);
    for (const h of ['a1', 'a2']) expect(await service(h)).toMatchObject({ status: 'enabled', state: 'up' });

    // A rerun does not reboot again (nothing is due) and still refuses to enable the dead service.
    const booted = await bootId('dead');
    const again = await cli(['run', playbook, '-i', lab.inventory, '--state-dir', lab.stateDir, '-y', '-l', 'dead'], { timeoutMs: 100_000 });
    expect(again.code).toBe(1);
    expect(await bootId('dead')).toBe(booted);
    expect(await service('dead')).toMatchObject({ status: 'disabled', state: 'down' });

    const sweepJson = join(lab.dir, 'sweep.json');
    const sweep = await cli(['sweep', '--playbook', playbook, '-i', lab.inventory, '--state-dir', lab.stateDir, '--json', sweepJson], { timeoutMs: 100_000 });
    expect(sweep.code).not.toBe(0);
    const sw = JSON.parse(readFileSync(sweepJson, 'utf8')) as JsonReport;
    const deadSweep = sw.hosts.find((h) => h.name === 'dead')!;
    expect(deadSweep.status).toBe('drift');
    expect(deadSweep.checks.find((c) => c.name === 'nova-compute')).toMatchObject({ ok: false, detail: expect.stringMatching(/Nova reports the service down/) });
    // The agent's own word, now read inside the sweep's one gather (issue 18): the dead unit is still seen as failed.
    expect(deadSweep.checks.find((c) => c.name === 'nova-compute')?.detail).toMatch(/openstack-nova-compute is not active on the host \(systemctl is-active: failed\)/);
    expect(deadSweep.warnings.join('\n')).toMatch(/compute service dead \(disabled\) is not alive/);
    for (const h of sw.hosts.filter((x) => x.name !== 'dead')) {
      expect(h.status).toBe('ok');
      expect(h.checks.find((c) => c.name === 'nova-compute')).toMatchObject({ ok: true });
    }
    await checkInvariants(lab, base, { deadHosts: ['dead'] });
  }, 300_000);
});
