// End to end, as an operator at 3 a.m.: a plan that goes on past an unreachable host (listed, the rest planned, the
// schedule shown), no plan file when no host could be planned, and the preflight refusals before any change: a saved
// plan that does not cover the selection, a selected host that is not a compute node.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LabStateSnapshot as LabState } from '../../src/lab/cloud/index.js';
import type { SavedPlan } from '../../src/plan/saved-plan.js';
import type { Report } from '../../src/report/model.js';
import { hostAddress, inventoryWith, playbookWith } from '../helpers/fault-tools.js';
import { cli, FAST_PLAYBOOK, sshHost, startLab, type LabHandle } from '../helpers/lab.js';

const PORT = 2257;
// 'op-gone' comes first, alone in batch 1 of serial [1, 5, 20%]: with the run's failure limits the plan would stop there.
const NAMES = ['op-gone', 'op-c1', 'op-c2', 'op-c3'];

let lab: LabHandle;
let inventory: string;
const work = mkdtempSync(join(tmpdir(), 'mds-plan-operator-'));
const fresh = (name: string): string => join(work, name);

/** What a refused run must not have touched: the services and servers in Nova, packages and boot on each reachable host. */
async function picture(): Promise<unknown> {
  const state = await lab.labGet<LabState>('state');
  const hosts = await Promise.all(NAMES.slice(1).map((n) => sshHost(lab, hostAddress(lab, n), 'rpm -qa | sort; cat /proc/sys/kernel/random/boot_id', PORT)));
  return { services: state.services.map((s) => [s.host, s.status]), instances: state.instances.map((s) => [s.uuid, s.host, s.status, s.taskState]), migrations: state.migrations.length, hosts };
}

beforeAll(async () => {
  lab = await startLab({ address_base: '127.57.0.0', port: PORT, instances: 6, hosts: NAMES.map((name) => ({ name })) }, 'plan-operator');
  // Unreachable from the start: nothing listens at its inventory address.
  inventory = inventoryWith(lab, 'gone-first', { 'op-gone': { ansible_host: '127.57.0.250' } });
}, 120_000);

afterAll(async () => {
  await lab?.down();
  rmSync(work, { recursive: true, force: true });
});

describe('plan and run --plan for an operator', () => {
  it('a dry run goes on past an unreachable host: it is listed, the others planned, the schedule shown (exit 3)', async () => {
    const out = fresh('plan.json');
    const json = fresh('plan-report.json');
    const r = await cli(['plan', FAST_PLAYBOOK, '-i', inventory, '--state-dir', fresh('state-plan'), '--compact', '--out', out, '--json', json]);
    expect(r.code, r.stdout + r.stderr).toBe(3);
    const report = JSON.parse(readFileSync(json, 'utf8')) as Report;
    expect(report.hosts.map((h) => [h.name, h.status])).toEqual([
      ['op-gone', 'unreachable'], ['op-c1', 'would-change'], ['op-c2', 'would-change'], ['op-c3', 'would-change'],
    ]);
    // The compact view: the unreachable host on its own line, the rest grouped; every line within 80 columns.
    expect(r.stdout).toMatch(/Needs attention \(1 host\):\n {2}op-gone\s+unreachable\s+\S/);
    expect(r.stdout).toMatch(/Would change:\n(\s+\d+ hosts? .*\n(\s{6,}.*\n)*)+/);
    expect(r.stdout).toMatch(/ {3}3 hosts {2}update [^]*; reboot;[^]*\n {12}op-c\[1:3\]\n/);
    // The schedule a run of this selection follows: batch 1 is op-gone alone, then the three others.
    expect(r.stdout).toContain('Schedule of a run: 2 batches, up to 50 hosts at once in a batch');
    expect(r.stdout).toMatch(/batch 1\/2\s+1 host, 0 to change: op-gone\n/);
    expect(r.stdout).toMatch(/batch 2\/2\s+3 hosts, 3 to change: op-c\[1:3\]\n/);
    // Everything the plan prints before the list of files it wrote (whose paths are the operator's) fits 80 columns.
    for (const line of r.stdout.slice(0, r.stdout.indexOf('\nwrote ')).split('\n')) expect(line.length, line).toBeLessThanOrEqual(80);
    expect(r.stdout).toMatch(/\nplan \S+: 4 hosts, 3 would change, [^]*?1\s+unreachable/);
    // The plan file lists the unreachable host as not planned, and plans the others.
    const saved = JSON.parse(readFileSync(out, 'utf8')) as SavedPlan;
    expect(saved.playbookSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(Object.entries(saved.hosts).map(([h, e]) => [h, e.fingerprint === null])).toEqual([
      ['op-gone', true], ['op-c1', false], ['op-c2', false], ['op-c3', false],
    ]);
  }, 120_000);

  it('writes no plan file when no host could be planned, and says why', async () => {
    const out = fresh('empty.json');
    const r = await cli(['plan', FAST_PLAYBOOK, '-i', inventory, '-l', 'op-gone', '--state-dir', fresh('state-empty'), '--out', out]);
    expect(r.code, r.stdout + r.stderr).toBe(3);
    expect(existsSync(out)).toBe(false);
    expect(r.stderr).toContain(`no host could be planned (1 unreachable): ${out} not written`);
    expect(r.stdout).not.toContain(`wrote ${out}`);
  }, 60_000);

  it('run --plan with a plan that does not cover the selection is refused before anything is touched (exit 4)', async () => {
    const part = fresh('part.json');
    const planned = await cli(['plan', FAST_PLAYBOOK, '-i', inventory, '-l', 'op-c1', '--state-dir', fresh('state-part'), '--out', part]);
    expect(planned.code, planned.stdout + planned.stderr).toBe(2);
    const before = await picture();

    const state = fresh('state-run');
    const r = await cli(['run', FAST_PLAYBOOK, '-i', inventory, '-l', 'op-c1,op-c2', '--plan', part, '--state-dir', state, '-y']);
    expect(r.code, r.stdout + r.stderr).toBe(4);
    expect(r.stderr).toContain(`${part}: hosts: the plan does not cover 1 of the 2 selected host(s): op-c2 (not in the plan)`);
    expect(r.stderr).toMatch(/Make a new plan for this selection .* or narrow the selection to the planned hosts \(-l\/--limit\)/);
    // A host the plan lists but could not plan (unreachable then) is not covered either.
    const all = await cli(['run', FAST_PLAYBOOK, '-i', inventory, '--plan', fresh('plan.json'), '--state-dir', state, '-y']);
    expect(all.code, all.stdout + all.stderr).toBe(4);
    expect(all.stderr).toContain('op-gone (not planned (unreachable or cut short when the plan was made))');
    // A plan of this selection, but made from the playbook before an edit, does not vouch for what the run would do.
    const edited = playbookWith(work, 'edited', { max_fail_percentage: 50 });
    const other = await cli(['run', edited, '-i', inventory, '-l', 'op-c1', '--plan', part, '--state-dir', state, '-y']);
    expect(other.code, other.stdout + other.stderr).toBe(4);
    expect(other.stderr).toContain(`${part}: playbookSha256: the plan was made from another playbook (${FAST_PLAYBOOK}), or from ${edited} before it was edited`);
    // Before any lock, log or state file, and before any host or Nova change.
    expect(existsSync(state)).toBe(false);
    expect(await picture()).toEqual(before);
    expect(r.stdout + all.stdout + other.stdout).not.toMatch(/RUN |batch 1\//);
  }, 120_000);

  it('a selected host Nova runs no nova-compute on is refused before any change (exit 4), with the fix', async () => {
    // What an inventory whose `all` holds a controller looks like to Nova: a name it has no compute service for.
    const inv = inventoryWith(lab, 'controller', { 'op-c1': { nova_host: 'controller-0' } });
    const before = await picture();
    const state = fresh('state-ctl');
    const r = await cli(['run', FAST_PLAYBOOK, '-i', inv, '-l', 'op-c1:op-c2', '--state-dir', state, '-y']);
    expect(r.code, r.stdout + r.stderr).toBe(4);
    expect(r.stderr).toContain('1 selected host(s) map to no nova-compute service in Nova: op-c1 (nova_host controller-0)');
    expect(r.stderr).toContain('Select only the compute nodes');
    expect(existsSync(state)).toBe(false);
    expect(await picture()).toEqual(before);
  }, 60_000);
});
