// Fault: a host that never comes back from its reboot. The timeout fires, the host fails, the budget stops the rollout,
// and its instances stay away (its compute service stays disabled, so nothing is scheduled onto a dead host).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { playbookWith } from '../helpers/fault-tools.js';
import { baseline, checkInvariants, type Baseline } from '../helpers/invariants.js';
import { cli, startLab, type LabHandle } from '../helpers/lab.js';
import type { LabStateSnapshot as State } from '../../src/lab/cloud/index.js';

let lab: LabHandle;
let base: Baseline;


beforeAll(async () => {
  lab = await startLab({
    address_base: '127.41.0.0', port: 2241, instances: 6,
    nova: { migration_time: '300ms' },
    // dead first in the inventory: with serial [1, ...] it is the whole first batch.
    hosts: [{ name: 'dead', boot_delay: '300ms', faults: { never_returns: true } }, { name: 'n2', boot_delay: '300ms' }, { name: 'n3', boot_delay: '300ms' }],
  }, 'never-returns');
  base = await baseline(lab);
}, 180_000);

afterAll(async () => {
  await lab?.down();
});

describe('a host that never comes back from its reboot', () => {
  it('fails on the reboot timeout, stops the rollout, and keeps its instances away', async () => {
    const before = await lab.labGet<State>('state');
    const onDead = before.instances.filter((i) => i.host === 'dead' && i.status === 'ACTIVE').map((i) => i.uuid);
    expect(onDead.length).toBeGreaterThan(0);

    const playbook = playbookWith(lab.dir, 'never-returns', { serial: [1, '100%'], max_fail_percentage: 0 }, { reboot: { timeout: '5s' } });
    const report = join(lab.dir, 'report.json');
    const r = await cli(['run', playbook, '-i', lab.inventory, '--state-dir', lab.stateDir, '-y', '--json', report], { timeoutMs: 150_000 });
    expect(r.code).toBe(1);

    const rep = JSON.parse(readFileSync(report, 'utf8')) as { summary: { stoppedBecause?: string }; hosts: { name: string; status: string; error?: string }[] };
    const dead = rep.hosts.find((h) => h.name === 'dead')!;
    expect(dead.status).toBe('failed');
    expect(dead.error).toMatch(/did not come back within 5s/);
    // The budget applies: the next batch never starts.
    expect(rep.summary.stoppedBecause).toMatch(/max_fail_percentage/);
    expect(rep.hosts.filter((h) => h.name !== 'dead').map((h) => h.status)).toEqual(['skipped', 'skipped']);

    // Its instances were moved away before the reboot and stay away: the service stays disabled by us.
    const s = await checkInvariants(lab, base, { deadHosts: ['dead'] });
    for (const id of onDead) expect(s.instances.find((i) => i.uuid === id)).toMatchObject({ status: 'ACTIVE' });
    expect(s.instances.filter((i) => i.host === 'dead')).toEqual([]);
    const svc = (s as unknown as State).services.find((v) => v.host === 'dead' && v.binary === 'nova-compute')!;
    expect(svc.status).toBe('disabled');
    expect(svc.disabledReason).toMatch(/^mds-orchestrate:/);
  }, 200_000);
});
