// guests: exactly the running guests without md-clear; cold boot only with opt-in, an allow-list and a fixed host.
import { describe, expect, it } from 'vitest';
import { guests, guestsNeedingColdBoot, type GuestNeedingColdBoot } from '../../../src/steps/guests.js';
import { changesOf, findingOf } from '../../../src/steps/changes.js';
import type { Diff } from '../../../src/steps/types.js';
import type { Guest } from '../../../src/facts/types.js';
import { FakeNovaApi } from '../../helpers/fake-nova-api.js';
import { guest, hostFacts, type Stage, type Vendor } from '../../helpers/host-facts.js';
import { converge, kinds, stepContext } from './context.js';
import { FakeHost } from './fake-host.js';

const NAME = 'compute-0.example.org';

function fleet(): Guest[] {
  return [
    guest('instance-00000001', { state: 'running', mdClear: false }),
    guest('instance-00000002', { state: 'running', mdClear: true }),
    guest('instance-00000003', { state: 'shut off', mdClear: false }),
    guest('instance-00000004', { state: 'running', mdClear: false }),
    guest('instance-00000005', { state: 'paused', mdClear: false }),
    guest('instance-00000006', { state: 'running', mdClear: null }),
  ];
}

async function setup(params: Record<string, unknown>, o: { stage?: Stage; vendor?: Vendor } = {}) {
  const gs = fleet();
  const host = new FakeHost({ hostname: NAME, stage: o.stage ?? 'fixed', vendor: o.vendor ?? 'intel', guests: gs });
  const nova = new FakeNovaApi().addHost(NAME);
  gs.forEach((g, i) => nova.addServer({ id: g.uuid, name: `app-${i + 1}`, host: NAME, status: g.state === 'running' ? 'ACTIVE' : g.state === 'paused' ? 'PAUSED' : 'SHUTOFF' }));
  // A cold-booted guest comes back with the CPU the fixed host now gives it.
  nova.onStarted = (s) => {
    const g = host.state.guests.find((x) => x.uuid === s.id);
    if (g) Object.assign(g, { state: 'running', mdClear: true });
  };
  const ctx = await stepContext(guests, host, nova, { poll_interval: '1ms', timeout: '2s', ...params });
  return { host, nova, ctx, gs };
}

const needing = (d: Diff): GuestNeedingColdBoot[] => findingOf(d.findings, 'guests-needing-cold-boot')?.guests ?? [];

describe('guests', () => {
  it('lists exactly the running guests without md-clear, with their Nova names and projects', async () => {
    const { ctx, gs, nova } = await setup({});
    const diff = await guests.check(ctx);
    expect(needing(diff)).toEqual([
      { uuid: gs[0]!.uuid, name: 'app-1', host: NAME, projectId: 'e2b5a1c0d9f84b7a9c3d2e1f0a9b8c7d' },
      { uuid: gs[3]!.uuid, name: 'app-4', host: NAME, projectId: 'e2b5a1c0d9f84b7a9c3d2e1f0a9b8c7d' },
    ]);
    expect(diff.changes).toEqual([]);
    expect(diff.notes).toHaveLength(2);
    expect(diff.notes[0]).toMatch(/^needs a cold boot: app-1 /);
    expect(nova.mutatingCalls()).toEqual([]);
  });

  it('lists none on AMD hosts', () => {
    const facts = hostFacts({ vendor: 'amd', guests: fleet() });
    expect(guestsNeedingColdBoot(facts, NAME, [])).toEqual([]);
  });

  it('cold-boots only the allow-listed guests when opted in; twice', async () => {
    const { ctx, gs, nova, host } = await setup({ cold_boot: true, allow: ['app-4'] });
    const { first, verified, second } = await converge(guests, ctx);
    expect(kinds(first)).toEqual(['cold-boot']);
    expect(changesOf(first.changes, 'cold-boot')[0]?.data.uuid).toBe(gs[3]!.uuid);
    expect(nova.mutatingCalls().map((c) => [c.method, c.args[0]])).toEqual([['stopServer', gs[3]!.uuid], ['startServer', gs[3]!.uuid]]);
    expect(verified.changes).toEqual([]);
    expect(second.changes).toEqual([]);
    expect(needing(second).map((g) => g.name)).toEqual(['app-1']);
    expect(host.state.guests.find((g) => g.uuid === gs[3]!.uuid)?.mdClear).toBe(true);
  });

  it('takes ids and "*" on the allow-list', async () => {
    const byId = await setup({ cold_boot: true, allow: [fleet()[0]!.uuid] });
    expect(kinds(await guests.check(byId.ctx))).toEqual([]);
    const all = await setup({ cold_boot: true, allow: ['*'] });
    const { first, second } = await converge(guests, all.ctx);
    expect(kinds(first)).toEqual(['cold-boot', 'cold-boot']);
    expect(needing(second)).toEqual([]);
  });

  it('never cold-boots without the opt-in, even with an allow-list', async () => {
    const { ctx, nova } = await setup({ allow: ['*'] });
    const diff = await guests.check(ctx);
    expect(diff.changes).toEqual([]);
    expect(nova.mutatingCalls()).toEqual([]);
  });

  it('does not cold-boot on a host that cannot give md-clear yet', async () => {
    const { ctx, nova } = await setup({ cold_boot: true, allow: ['*'] }, { stage: 'no-microcode' });
    const diff = await guests.check(ctx);
    expect(diff.changes).toEqual([]);
    expect(diff.notes.every((n) => n.endsWith('(after this host is fixed)'))).toBe(true);
    expect(diff.notes).toHaveLength(2);
    expect(nova.mutatingCalls()).toEqual([]);
  });

  it('fails when a guest goes to ERROR while it is being stopped', async () => {
    const { ctx, nova, gs } = await setup({ cold_boot: true, allow: ['app-1'] });
    const diff = await guests.check(ctx);
    // The hypervisor fails the power-off: Nova puts the instance in ERROR.
    nova.stopServer = async (id) => {
      Object.assign(nova.servers.get(id)!, { status: 'ERROR', vmState: 'error', taskState: null });
    };
    await expect(guests.apply(ctx, diff)).rejects.toThrow(new RegExp(`instance app-1 \\(${gs[0]!.uuid}\\) went to ERROR`));
    expect(nova.callsTo('startServer')).toEqual([]);
  });
});
