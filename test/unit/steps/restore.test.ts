// restore: re-enable only a service this tool disabled, and only once no reboot is due.
import { describe, expect, it } from 'vitest';
import { restore } from '../../../src/steps/restore.js';
import { FakeNovaApi } from '../../helpers/fake-nova-api.js';
import type { Stage } from '../../helpers/host-facts.js';
import { converge, kinds, stepContext } from './context.js';
import { FakeHost } from './fake-host.js';

const NAME = 'compute-0.example.org';

async function setup(stage: Stage, svc: { status: 'enabled' | 'disabled'; disabledReason?: string }) {
  const nova = new FakeNovaApi().addHost(NAME, svc).addHost('compute-1.example.org');
  const ctx = await stepContext(restore, new FakeHost({ hostname: NAME, stage }), nova, {});
  return { nova, ctx };
}

describe('restore', () => {
  it('enables a service this tool disabled once the host is fixed; twice', async () => {
    const { nova, ctx } = await setup('fixed', { status: 'disabled', disabledReason: 'mds-orchestrate: MDS remediation (run run-7)' });
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
    expect(diff).toEqual({ step: 'restore', changes: [], notes: [] });
    expect(nova.mutatingCalls()).toEqual([]);
  });
});
