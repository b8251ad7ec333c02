// restore: re-enable only a service this tool disabled, and only once no reboot is due.
import { describe, expect, it } from 'vitest';
import type { HostReport } from '../../../src/report/model.js';
import { findingOf } from '../../../src/steps/changes.js';
import { CommandFailedError } from '../../../src/steps/errors.js';
import { restore } from '../../../src/steps/restore.js';
import { AbortedError } from '../../../src/transport/types.js';
import { FakeNovaApi } from '../../helpers/fake-nova-api.js';
import type { Stage } from '../../helpers/host-facts.js';
import { converge, kinds, stepContext } from './context.js';
import { FakeHost } from './fake-host.js';

const NAME = 'compute-0.example.org';

type Svc = { status: 'enabled' | 'disabled'; disabledReason?: string; state?: 'up' | 'down'; forcedDown?: boolean };

async function setup(stage: Stage, svc: Svc, params: Record<string, unknown> = {}, ownRuns = ['run-7']) {
  const nova = new FakeNovaApi().addHost(NAME, svc).addHost('compute-1.example.org');
  const host = new FakeHost({ hostname: NAME, stage });
  // run-7 is an earlier run of this state directory unless a test says otherwise.
  const ctx = await stepContext(restore, host, nova, params, { ownRuns });
  return { nova, ctx, host };
}

const OURS = 'mds-orchestrate: MDS remediation (run run-7)';
// A short bounded wait: the tests count polls, never time.
const FAST = { alive_timeout: '50ms', alive_poll: '1ms' };

describe('restore', () => {
  it('enables a service this tool disabled once the host is fixed; twice', async () => {
    const { nova, ctx } = await setup('fixed', { status: 'disabled', disabledReason: OURS });
    const { first, verified, second } = await converge(restore, ctx);
    expect(kinds(first)).toEqual(['enable-service']);
    expect(verified.changes).toEqual([]);
    expect(second.changes).toEqual([]);
    expect(nova.service(NAME)).toMatchObject({ status: 'enabled', disabledReason: null });
    // Nova 2.53: an enable carries no reason (the fake rejects one).
    expect(nova.callsTo('setServiceStatus').map((c) => c.args)).toEqual([['svc-1', 'enabled', undefined]]);
  });

  it.each([
    ['an operator', 'RMA ticket 4711: bad DIMM'],
    ['someone quoting our prefix', 'see mds-orchestrate: keep disabled'],
    ['someone without a reason', undefined],
  ])('leaves a service disabled by %s as it is', async (_who, reason) => {
    const { nova, ctx } = await setup('fixed', { status: 'disabled', ...(reason === undefined ? {} : { disabledReason: reason }) });
    const { first } = await converge(restore, ctx);
    expect(first.changes).toEqual([]);
    expect(first.notes[0]).toMatch(/stays disabled: an operator disabled it/);
    expect(nova.mutatingCalls()).toEqual([]);
    expect(nova.service(NAME).status).toBe('disabled');
  });

  it("leaves another controller's disable alone: a run not recorded in this state directory, named with the way to adopt it", async () => {
    const { nova, ctx } = await setup('fixed', { status: 'disabled', disabledReason: OURS }, {}, []);
    const { first } = await converge(restore, ctx);
    expect(first.changes).toEqual([]);
    expect(first.notes[0]).toMatch(/stays disabled: run run-7 disabled it .*not recorded in this state directory.*--adopt-lease run-7/);
    expect(nova.mutatingCalls()).toEqual([]);
    expect(nova.service(NAME).status).toBe('disabled');
  });

  it('enables a disable by a run the operator adopted', async () => {
    const { nova, ctx } = await setup('fixed', { status: 'disabled', disabledReason: OURS }, {}, []);
    const adopted = { ...ctx, isOwnRun: (id: string) => id === ctx.runId || id === 'run-7' };
    const { first } = await converge(restore, adopted);
    expect(kinds(first)).toEqual(['enable-service']);
    expect(nova.service(NAME).status).toBe('enabled');
  });

  it.each(['updated', 'no-microcode'] as const)('keeps our own disable while a reboot is still due (%s)', async (stage) => {
    const { nova, ctx } = await setup(stage, { status: 'disabled', disabledReason: 'mds-orchestrate: MDS remediation (run run-7)' });
    const diff = await restore.check(ctx);
    expect(diff.changes).toEqual([]);
    expect(diff.notes[0]).toMatch(/stays disabled until the host is rebooted/);
    expect(nova.mutatingCalls()).toEqual([]);
  });

  it('does nothing to an enabled service', async () => {
    const { nova, ctx } = await setup('fixed', { status: 'enabled' });
    const diff = await restore.check(ctx);
    expect(diff.changes).toEqual([]);
    expect(diff.notes).toEqual([]);
    expect(findingOf(diff.findings, 'compute-service')).toMatchObject({ status: 'enabled', state: 'up', forcedDown: false, agent: 'active', dead: null });
    expect(nova.mutatingCalls()).toEqual([]);
  });
});

describe('restore never enables a dead nova-compute', () => {
  it.each([
    ['the agent failed to start', (h: FakeHost) => { h.agentState = 'failed'; }, /openstack-nova-compute is not active on the host \(systemctl is-active: failed\)/],
    ['Nova reports the service down', (_h: FakeHost, n: FakeNovaApi) => { n.service(NAME).state = 'down'; }, /Nova reports the service down/],
    ['the service is forced down', (_h: FakeHost, n: FakeNovaApi) => { n.service(NAME).forcedDown = true; n.service(NAME).state = 'down'; }, /Nova has the service forced down/],
    ['systemctl answers nothing readable', (h: FakeHost) => { h.agentState = ''; }, /of unknown state/],
  ])('fails the host and keeps the service disabled when %s', async (_what, kill, reason) => {
    const { nova, ctx, host } = await setup('fixed', { status: 'disabled', disabledReason: OURS }, FAST);
    kill(host, nova);
    const diff = await restore.check(ctx);
    expect(kinds(diff)).toEqual(['enable-service']);
    expect(diff.notes.join('\n')).toMatch(/not alive yet/);
    const err = await restore.apply(ctx, diff).then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(CommandFailedError);
    expect((err as Error).message).toMatch(reason);
    expect((err as Error).message).toMatch(/stays disabled/);
    expect(nova.mutatingCalls()).toEqual([]);
    expect(nova.service(NAME)).toMatchObject({ status: 'disabled', disabledReason: OURS });
    // It waited: more than one look before giving up.
    expect(nova.callsTo('listComputeServices').length).toBeGreaterThan(2);
  });

  it('waits for the agent and Nova to come up, then enables', async () => {
    const { nova, ctx, host } = await setup('fixed', { status: 'disabled', disabledReason: OURS, state: 'down' }, { alive_timeout: '1h', alive_poll: '1ms' });
    host.agentState = 'activating';
    const diff = await restore.check(ctx);
    // The agent starts on the third look; Nova sees its first report on the fifth.
    let looks = 0;
    const list = nova.listComputeServices.bind(nova);
    nova.listComputeServices = async (h?: string) => {
      looks += 1;
      if (looks === 3) host.agentState = 'active';
      if (looks === 5) nova.service(NAME).state = 'up';
      return list(h);
    };
    await restore.apply(ctx, diff);
    expect(looks).toBe(5);
    expect(nova.service(NAME)).toMatchObject({ status: 'enabled', disabledReason: null });
  });

  it('an abort stops the wait at once, service still disabled', async () => {
    const ac = new AbortController();
    const nova = new FakeNovaApi().addHost(NAME, { status: 'disabled', disabledReason: OURS, state: 'down' });
    const host = new FakeHost({ hostname: NAME, stage: 'fixed' });
    const ctx = await stepContext(restore, host, nova, { alive_timeout: '1h', alive_poll: '1h' }, { signal: ac.signal, ownRuns: ['run-7'] });
    const diff = await restore.check(ctx);
    const pending = restore.apply(ctx, diff);
    ac.abort();
    await expect(pending).rejects.toBeInstanceOf(AbortedError);
    expect(nova.service(NAME).status).toBe('disabled');
  });

  it('a sweep reports a down or forced-down service that is enabled', async () => {
    const { ctx } = await setup('fixed', { status: 'enabled', state: 'down', forcedDown: true });
    const diff = await restore.check(ctx);
    expect(diff.changes).toEqual([]);
    const report = { checks: [], warnings: [] } as unknown as HostReport;
    restore.report!(diff, report, 'sweep');
    expect(report.checks).toEqual([{ name: 'nova-compute', ok: false, detail: 'Nova has the service forced down; Nova reports the service down' }]);
    expect(report.warnings[0]).toMatch(/is not alive: Nova has the service forced down/);
  });

  it('a sweep passes a live service', async () => {
    const { ctx } = await setup('fixed', { status: 'enabled' });
    const report = { checks: [], warnings: [] } as unknown as HostReport;
    restore.report!(await restore.check(ctx), report, 'sweep');
    expect(report.checks).toEqual([{ name: 'nova-compute', ok: true, detail: 'up, enabled, agent active' }]);
    expect(report.warnings).toEqual([]);
  });
});
