// drain: disable with our reason, live-migrate what runs, refuse what cannot move, bounded parallelism, retries, resume.
import { describe, expect, it } from 'vitest';
import { drain } from '../../../src/steps/drain.js';
import { RefusedError } from '../../../src/steps/errors.js';
import type { FleetCoordinator } from '../../../src/steps/types.js';
import { FakeNovaApi } from '../../helpers/fake-nova-api.js';
import { converge, kinds, MemoryCheckpoint, openFleet, stepContext } from './context.js';
import { FakeHost } from './fake-host.js';

const SRC = 'compute-0.example.org';
const FAST = { poll_interval: '1ms', migration_timeout: '2s' };

function cloud(o: { targets?: number; vcpus?: number; memoryMb?: number } = {}): FakeNovaApi {
  const nova = new FakeNovaApi().addHost(SRC);
  for (let i = 1; i <= (o.targets ?? 2); i++) nova.addHost(`compute-${i}.example.org`, { vcpus: o.vcpus ?? 32, memoryMb: o.memoryMb ?? 131072 });
  return nova;
}

/** A host with a reboot due (new kernel installed, old one running). */
const dueHost = () => new FakeHost({ hostname: SRC, stage: 'updated' });

describe('drain', () => {
  it('does nothing, not even a Nova call, when no reboot is due', async () => {
    const nova = cloud();
    nova.addServer({ name: 'web-1', host: SRC });
    const ctx = await stepContext(drain, new FakeHost({ hostname: SRC, stage: 'fixed' }), nova, FAST);
    const diff = await drain.check(ctx);
    expect(diff.changes).toEqual([]);
    expect(diff.notes).toEqual(['no reboot is due, so the host stays in service']);
    expect(nova.calls).toEqual([]);
  });

  it('refuses before any Nova change when the nova.conf edit that follows could not be made (read-only mount)', async () => {
    const nova = cloud();
    nova.addServer({ name: 'web-1', host: SRC });
    const host = new FakeHost({ hostname: SRC, stage: 'updated', cpuMode: 'custom', extraFlags: ['ssbd'] });
    host.novaConfBlockers = ['/etc/nova is on a read-only mount'];
    const ctx = await stepContext(drain, host, nova, FAST);
    await expect(drain.check(ctx)).rejects.toThrow(/not draining .*the nova.conf edit that follows would fail: \/etc\/nova\/nova.conf cannot be replaced: \/etc\/nova is on a read-only mount/);
    expect(nova.calls).toEqual([]);
    // The same blocker with no edit due (md-clear already listed) does not stop the drain.
    const fine = new FakeHost({ hostname: SRC, stage: 'updated', cpuMode: 'custom', extraFlags: ['ssbd', 'md-clear'] });
    fine.novaConfBlockers = ['/etc/nova is on a read-only mount'];
    const diff = await drain.check(await stepContext(drain, fine, nova, FAST));
    expect(kinds(diff)).toContain('disable-service');
  });

  it('disables with a reason naming the run, migrates ACTIVE instances, leaves SHUTOFF ones; twice', async () => {
    const nova = cloud();
    const a = nova.addServer({ name: 'web-1', host: SRC, vcpus: 4, ramMb: 8192 });
    const b = nova.addServer({ name: 'db-1', host: SRC });
    const off = nova.addServer({ name: 'old-1', host: SRC, status: 'SHUTOFF' });
    const ctx = await stepContext(drain, dueHost(), nova, FAST, { runId: 'run-42' });
    const { first, verified, second } = await converge(drain, ctx);

    expect(kinds(first)).toEqual(['disable-service', 'migrate-instance', 'migrate-instance']);
    expect(first.notes.join('\n')).toContain(`instance old-1 (${off.id}) is SHUTOFF: left in place`);
    expect(first.notes.join('\n')).toMatch(/reboot due: running kernel 3\.10\.0-957\.10\.1\.el7\.x86_64 is older/);
    expect(verified.changes).toEqual([]);
    expect(second.changes).toEqual([]);

    const svc = nova.service(SRC);
    expect(svc.status).toBe('disabled');
    expect(svc.disabledReason).toContain('run-42');
    expect(svc.disabledReason).toMatch(/^mds-orchestrate:/);
    expect(nova.serversOn(SRC).map((s) => s.id)).toEqual([off.id]);
    expect(nova.servers.get(a.id)?.host).not.toBe(SRC);
    expect(nova.servers.get(b.id)?.host).not.toBe(SRC);
    expect(nova.callsTo('setServiceStatus')).toHaveLength(1);
    expect(nova.callsTo('liveMigrate').map((c) => c.args)).toEqual([[a.id, null], [b.id, null]]);
  });

  it("plans the disable without the plan's own run id: the run that applies it writes its own", async () => {
    const nova = cloud();
    nova.addServer({ name: 'web-1', host: SRC });
    const planned = await drain.check(await stepContext(drain, dueHost(), nova, FAST, { runId: 'plan-1' }));
    const again = await drain.check(await stepContext(drain, dueHost(), nova, FAST, { runId: 'plan-2' }));
    const summary = planned.changes[0]?.summary ?? '';
    expect(summary).toContain("(run <this run's id>)");
    expect(summary).not.toContain('plan-1');
    // A saved plan keeps these summaries: two plans of the same fleet say the same thing whatever their run ids.
    expect(again.changes.map((c) => c.summary)).toEqual(planned.changes.map((c) => c.summary));
    const run = await stepContext(drain, dueHost(), nova, FAST, { runId: 'run-7' });
    await converge(drain, run);
    expect(nova.service(SRC).disabledReason).toBe('mds-orchestrate: MDS remediation (run run-7)');
  });

  it('tells the live view its phase and the migrations done of total as each instance lands', async () => {
    const nova = cloud();
    nova.addServer({ name: 'web-1', host: SRC });
    nova.addServer({ name: 'db-1', host: SRC });
    const ctx = await stepContext(drain, dueHost(), nova, FAST);
    const seen: unknown[] = [];
    ctx.progress = (p) => seen.push(p);
    await drain.apply(ctx, await drain.check(ctx));
    const count = (done: number) => ({ unit: 'migrations', done, total: 2 });
    expect(seen).toEqual([
      { phase: 'disabling nova-compute' },
      { count: count(0) },
      { count: count(1) },
      { count: count(2) },
      { phase: 'checking it is empty', count: count(2) },
    ]);
  });

  it.each([
    ['ERROR', null, /web-1 \(.*\) is ERROR/],
    ['PAUSED', null, /is PAUSED/],
    ['ACTIVE', 'resize_migrating', /is ACTIVE with task state resize_migrating/],
  ])('refuses a %s instance (task %s) before changing anything', async (status, taskState, message) => {
    const nova = cloud();
    nova.addServer({ name: 'web-1', host: SRC, status, taskState });
    nova.addServer({ name: 'web-2', host: SRC });
    const ctx = await stepContext(drain, dueHost(), nova, FAST);
    await expect(drain.check(ctx)).rejects.toThrow(message);
    expect(nova.mutatingCalls()).toEqual([]);
  });

  it('leaves ERROR and PAUSED instances in place when the playbook allows them', async () => {
    const nova = cloud();
    nova.addServer({ name: 'broken', host: SRC, status: 'ERROR' });
    nova.addServer({ name: 'held', host: SRC, status: 'PAUSED' });
    nova.addServer({ name: 'web-1', host: SRC });
    const ctx = await stepContext(drain, dueHost(), nova, { ...FAST, allow_states: ['ERROR', 'PAUSED'] });
    const { first, second } = await converge(drain, ctx);
    expect(kinds(first)).toEqual(['disable-service', 'migrate-instance']);
    expect(first.notes.filter((n) => /allowed by the playbook/.test(n))).toHaveLength(2);
    expect(second.changes).toEqual([]);
    expect(nova.serversOn(SRC).map((s) => s.name).sort()).toEqual(['broken', 'held']);
  });

  it('fails on a capacity shortfall before any call that changes anything', async () => {
    const nova = cloud({ targets: 1, vcpus: 4, memoryMb: 8192 });
    nova.addServer({ name: 'big-1', host: SRC, vcpus: 4, ramMb: 8192 });
    nova.addServer({ name: 'big-2', host: SRC, vcpus: 4, ramMb: 8192 });
    const ctx = await stepContext(drain, dueHost(), nova, FAST);
    await expect(drain.check(ctx)).rejects.toThrow(/not drained: the other enabled hosts have 4 vCPU \/ 8192 MB free, the instances need 8 vCPU \/ 16384 MB/);
    expect(nova.mutatingCalls()).toEqual([]);
    expect(nova.service(SRC).status).toBe('enabled');
  });

  it('fails when no single host can take the largest instance, even if the sum fits', async () => {
    const nova = cloud({ targets: 2, vcpus: 8, memoryMb: 8192 });
    nova.addServer({ name: 'huge', host: SRC, vcpus: 2, ramMb: 12288 });
    const ctx = await stepContext(drain, dueHost(), nova, FAST);
    await expect(drain.check(ctx)).rejects.toThrow(/no single host has room for instance huge/);
    expect(nova.mutatingCalls()).toEqual([]);
  });

  it.each([1, 2, 3])('runs at most parallel_per_host=%i migrations at once', async (limit) => {
    const nova = cloud({ targets: 3 });
    for (let i = 0; i < 6; i++) {
      const s = nova.addServer({ name: `vm-${i}`, host: SRC, vcpus: 1, ramMb: 1024 });
      nova.planMigrations(s.id, { outcome: 'complete', polls: 3 });
    }
    const ctx = await stepContext(drain, dueHost(), nova, { ...FAST, parallel_per_host: limit });
    const { second } = await converge(drain, ctx);
    expect(second.changes).toEqual([]);
    expect(nova.serversOn(SRC)).toEqual([]);
    expect(nova.maxConcurrentMigrations(SRC)).toBe(limit);
  });

  it('holds a fleet migration slot around each migration', async () => {
    const nova = cloud();
    nova.addServer({ name: 'a', host: SRC });
    nova.addServer({ name: 'b', host: SRC });
    let slots = 0;
    const fleet: FleetCoordinator = { ...openFleet, withMigrationSlot: (fn) => { slots++; return fn(); } };
    const ctx = await stepContext(drain, dueHost(), nova, FAST, { fleet });
    await converge(drain, ctx);
    expect(slots).toBe(2);
  });

  it('retries a failed migration and succeeds when a later attempt works', async () => {
    const nova = cloud();
    const s = nova.addServer({ name: 'flaky', host: SRC });
    nova.planMigrations(s.id, { outcome: 'fail' }, { outcome: 'complete', polls: 2 });
    const ctx = await stepContext(drain, dueHost(), nova, { ...FAST, retries: 2 });
    const { second } = await converge(drain, ctx);
    expect(second.changes).toEqual([]);
    expect(nova.callsTo('liveMigrate')).toHaveLength(2);
  });

  it('fails the host after the retries are used up, and still moves the others', async () => {
    const nova = cloud();
    const bad = nova.addServer({ name: 'stuck', host: SRC });
    const good = nova.addServer({ name: 'fine', host: SRC });
    nova.planMigrations(bad.id, { outcome: 'fail' }, { outcome: 'fail' }, { outcome: 'fail' }, { outcome: 'fail' });
    const ctx = await stepContext(drain, dueHost(), nova, { ...FAST, retries: 2 });
    const diff = await drain.check(ctx);
    await expect(drain.apply(ctx, diff)).rejects.toThrow(/live migration of stuck \(.*\) failed 3 times; it stays on compute-0/);
    expect(nova.callsTo('liveMigrate').filter((c) => c.args[0] === bad.id)).toHaveLength(3);
    expect(nova.servers.get(good.id)?.host).not.toBe(SRC);
    expect(nova.servers.get(bad.id)?.host).toBe(SRC);
  });

  it('times out a migration that hangs', async () => {
    const nova = cloud();
    const s = nova.addServer({ name: 'slow', host: SRC });
    nova.planMigrations(s.id, { outcome: 'hang' });
    const ctx = await stepContext(drain, dueHost(), nova, { poll_interval: '2ms', migration_timeout: '40ms' });
    const diff = await drain.check(ctx);
    await expect(drain.apply(ctx, diff)).rejects.toThrow(/live migration of slow .* did not finish within .*; the migration was aborted; it stays on/);
    expect(nova.callsTo('liveMigrate')).toHaveLength(1);
    // Aborted, not left running: a MIGRATING instance would block every later drain and reboot of its host.
    expect(nova.callsTo('abortLiveMigration')).toHaveLength(1);
    expect((await nova.getServer(s.id)).taskState).toBeNull();
  });

  it('leaves a service an operator disabled as it is', async () => {
    const nova = new FakeNovaApi().addHost(SRC, { status: 'disabled', disabledReason: 'RMA ticket 4711: bad DIMM' }).addHost('compute-1.example.org');
    nova.addServer({ name: 'web-1', host: SRC });
    const ctx = await stepContext(drain, dueHost(), nova, FAST);
    const { first, second } = await converge(drain, ctx);
    expect(kinds(first)).toEqual(['migrate-instance']);
    expect(first.notes.join('\n')).toContain('was disabled by someone else ("RMA ticket 4711: bad DIMM")');
    expect(second.changes).toEqual([]);
    expect(nova.callsTo('setServiceStatus')).toEqual([]);
    expect(nova.service(SRC).disabledReason).toBe('RMA ticket 4711: bad DIMM');
  });

  it('after a crash, waits for a migration it started earlier instead of calling it stuck', async () => {
    const nova = cloud();
    const s = nova.addServer({ name: 'moving', host: SRC });
    const checkpoint = new MemoryCheckpoint();
    await checkpoint.set({ started: [s.id] });
    nova.startMigrationOutside(s.id, { outcome: 'complete', polls: 3 });
    await nova.setServiceStatus(nova.service(SRC).id, 'disabled', 'mds-orchestrate: MDS remediation (run run-1)');
    nova.calls.length = 0;

    const ctx = await stepContext(drain, dueHost(), nova, FAST, { checkpoint, runId: 'run-2', ownRuns: ['run-1'] });
    const { first, second } = await converge(drain, ctx);
    // The resumed run also takes the disable over from run-1, for the reboot's last look.
    expect(kinds(first)).toEqual(['disable-service', 'await-migration']);
    expect(second.changes).toEqual([]);
    expect(nova.callsTo('liveMigrate')).toEqual([]);
    expect(nova.servers.get(s.id)?.host).not.toBe(SRC);
  });

  it("takes over the disable of an earlier run, so the reboot's last look finds it disabled by the run that reboots", async () => {
    const nova = cloud();
    nova.addServer({ name: 'web-1', host: SRC });
    await nova.setServiceStatus(nova.service(SRC).id, 'disabled', 'mds-orchestrate: MDS remediation (run run-1)');
    const ctx = await stepContext(drain, dueHost(), nova, FAST, { runId: 'run-2', ownRuns: ['run-1'] });
    const { first, second } = await converge(drain, ctx);
    expect(kinds(first)).toEqual(['disable-service', 'migrate-instance']);
    expect(first.changes[0]?.summary).toMatch(/take over the disable of nova-compute on .* from an earlier run/);
    expect(nova.service(SRC)).toMatchObject({ status: 'disabled', disabledReason: 'mds-orchestrate: MDS remediation (run run-2)' });
    expect(second.changes).toEqual([]);
  });

  it("refuses a host another controller's run disabled (not recorded in this state directory), naming the run and --adopt-lease", async () => {
    const nova = cloud();
    nova.addServer({ name: 'web-1', host: SRC });
    await nova.setServiceStatus(nova.service(SRC).id, 'disabled', 'mds-orchestrate: MDS remediation (run other-9)');
    nova.calls.length = 0;
    const ctx = await stepContext(drain, dueHost(), nova, FAST, { runId: 'run-2', ownRuns: ['run-1'] });
    const err = await drain.check(ctx).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RefusedError);
    expect((err as Error).message).toMatch(/run other-9 disabled it .*not recorded in this state directory.*--adopt-lease other-9/);
    expect(nova.mutatingCalls()).toEqual([]);
    expect(nova.service(SRC).disabledReason).toBe('mds-orchestrate: MDS remediation (run other-9)');
  });

  it('treats a migration it did not start as a blocker', async () => {
    const nova = cloud();
    const s = nova.addServer({ name: 'foreign', host: SRC });
    nova.startMigrationOutside(s.id, { outcome: 'hang' });
    const ctx = await stepContext(drain, dueHost(), nova, FAST);
    await expect(drain.check(ctx)).rejects.toThrow(/foreign .* is MIGRATING with task state migrating/);
  });

  it('records each instance in the checkpoint before asking Nova to move it', async () => {
    const nova = cloud();
    const s = nova.addServer({ name: 'web-1', host: SRC });
    const checkpoint = new MemoryCheckpoint();
    const ctx = await stepContext(drain, dueHost(), nova, FAST, { checkpoint });
    const orig = nova.liveMigrate.bind(nova);
    let recorded: unknown = null;
    nova.liveMigrate = async (id, host) => {
      recorded = checkpoint.get();
      return orig(id, host);
    };
    await converge(drain, ctx);
    expect(recorded).toEqual({ started: [s.id] });
  });

  it('needs the Nova API when a reboot is due', async () => {
    const ctx = await stepContext(drain, dueHost(), null, FAST);
    await expect(drain.check(ctx)).rejects.toThrow(/needs the Nova API/);
  });
});
