// Liveness of nova-compute: the read-only check takes the gather's answer for exactly its agent; the wait before an enable always asks live.
import { describe, expect, it } from 'vitest';
import type { GatheredAgentState, HostFacts } from '../../../src/facts/types.js';
import { gatheredAgentState, liveness, waitForLiveness } from '../../../src/steps/compute-liveness.js';
import { CommandFailedError } from '../../../src/steps/errors.js';
import { restore } from '../../../src/steps/restore.js';
import { FakeNovaApi } from '../../helpers/fake-nova-api.js';
import { LAYOUT_FACTS } from '../../helpers/layout-facts.js';
import { stepContext, type TestContext } from './context.js';
import { FakeHost } from './fake-host.js';

const NAME = 'compute-0.example.org';
const OURS = 'mds-orchestrate: MDS remediation (run run-7)';
const UNIT = { kind: 'unit', unit: 'openstack-nova-compute' } as const;
const DOCKER = { kind: 'container', engine: 'docker', container: 'nova_compute' } as const;

/** A host whose live answer is `live`, with facts whose gather said `gathered` (none: facts built by hand). */
async function setup(live: string, gathered?: GatheredAgentState, svc: { status?: 'enabled' | 'disabled'; disabledReason?: string } = {}, params: Record<string, unknown> = {}) {
  const nova = new FakeNovaApi().addHost(NAME, svc);
  const host = new FakeHost({ hostname: NAME, stage: 'fixed' });
  host.agentState = live;
  const ctx = await stepContext(restore, host, nova, params, { ownRuns: ['run-7'] });
  const facts: HostFacts = { ...host.facts(), ...(gathered ? { novaComputeAgent: gathered } : {}) };
  ctx.facts = async () => facts;
  const isActive = () => host.transport.commands.filter((c) => c.includes('is-active') || c.includes(' inspect ')).length;
  return { nova, host, ctx, isActive };
}

describe('gatheredAgentState', () => {
  const active: GatheredAgentState = { agent: UNIT, state: 'active', detail: 'active' };
  it('answers for the same unit (x and x.service alike) and the same engine and container only', () => {
    expect(gatheredAgentState({ novaComputeAgent: active }, UNIT)).toEqual({ state: 'active', detail: 'active' });
    expect(gatheredAgentState({ novaComputeAgent: active }, { kind: 'unit', unit: 'openstack-nova-compute.service' })).toEqual({ state: 'active', detail: 'active' });
    expect(gatheredAgentState({ novaComputeAgent: active }, { kind: 'unit', unit: 'nova-compute' })).toBeNull();
    expect(gatheredAgentState({ novaComputeAgent: active }, DOCKER)).toBeNull();
    const docker: GatheredAgentState = { agent: DOCKER, state: 'inactive', detail: 'nova_compute: exited' };
    expect(gatheredAgentState({ novaComputeAgent: docker }, DOCKER)).toEqual({ state: 'inactive', detail: 'nova_compute: exited' });
    expect(gatheredAgentState({ novaComputeAgent: docker }, { ...DOCKER, engine: 'podman' })).toBeNull();
    expect(gatheredAgentState({ novaComputeAgent: docker }, { ...DOCKER, container: 'nova_compute_2' })).toBeNull();
    expect(gatheredAgentState({ novaComputeAgent: docker }, { kind: 'unit', unit: 'nova_compute' })).toBeNull();
  });

  it('gives nothing for an unknown state, an agent not asked, or facts without the look', () => {
    expect(gatheredAgentState({ novaComputeAgent: { agent: UNIT, state: 'unknown', detail: 'timed out' } }, UNIT)).toBeNull();
    expect(gatheredAgentState({ novaComputeAgent: { agent: null, state: 'unknown', detail: 'the deployment layout is unknown' } }, UNIT)).toBeNull();
    expect(gatheredAgentState({}, UNIT)).toBeNull();
  });
});

describe('liveness (the read-only check)', () => {
  it('takes the gathered state for the same agent: no exec of its own', async () => {
    // The host would now say failed: the check must report what the gather saw, proving it asked nothing.
    const { ctx, nova, isActive } = await setup('failed', { agent: UNIT, state: 'active', detail: 'active' });
    const l = await liveness(ctx, nova, UNIT);
    expect(l).toMatchObject({ agent: 'active', agentDetail: 'active', service: { state: 'up' } });
    expect(isActive()).toBe(0);
  });

  it('takes a gathered inactive too (a dead agent seen by a sweep)', async () => {
    const { ctx, nova, isActive } = await setup('active', { agent: UNIT, state: 'inactive', detail: 'failed' });
    expect(await liveness(ctx, nova, UNIT)).toMatchObject({ agent: 'inactive', agentDetail: 'failed' });
    expect(isActive()).toBe(0);
  });

  it.each([
    ['the gather could not read it', { agent: UNIT, state: 'unknown', detail: 'systemctl is-active: timed out' } as GatheredAgentState],
    ['the gather asked another agent (the step\'s service names another unit)', { agent: { kind: 'unit', unit: 'tripleo_nova_compute' }, state: 'inactive', detail: 'failed' } as GatheredAgentState],
    ['the layout was unknown to the gather', { agent: null, state: 'unknown', detail: 'the deployment layout is unknown' } as GatheredAgentState],
    ['facts built by hand carry no look', undefined],
  ])('asks live when %s', async (_why, gathered) => {
    const { ctx, nova, isActive, host } = await setup('failed', gathered);
    expect(await liveness(ctx, nova, UNIT)).toMatchObject({ agent: 'inactive', agentDetail: 'failed' });
    expect(isActive()).toBe(1);
    expect(host.transport.commands).toContain('systemctl is-active openstack-nova-compute');
  });

  it('restore\'s check with the step\'s service naming another unit asks that unit live', async () => {
    const { ctx, isActive, host } = await setup('active', { agent: UNIT, state: 'inactive', detail: 'failed' }, {}, { service: 'my-nova' });
    const diff = await restore.check(ctx);
    expect(host.transport.commands).toEqual(['systemctl is-active my-nova']);
    expect(isActive()).toBe(1);
    expect(diff.findings?.[0]).toMatchObject({ agent: 'active', dead: null });
  });

  it('restore\'s sweep check of a healthy host makes no exec at all', async () => {
    const { ctx, host } = await setup('active', { agent: UNIT, state: 'active', detail: 'active' }, { status: 'enabled' });
    const report = { checks: [], warnings: [] } as unknown as import('../../../src/report/model.js').HostReport;
    restore.report!(await restore.check(ctx), report, 'sweep');
    expect(report.checks).toEqual([{ name: 'nova-compute', ok: true, detail: 'up, enabled, agent active' }]);
    expect(host.transport.commands).toEqual([]);
  });
});

describe('waitForLiveness (right before an enable) never reads the gather', () => {
  /** facts() that fails the test when read: the wait must ask the host, never a gather from before the reboot. */
  function forbidFacts(ctx: TestContext<unknown>): { reads: number } {
    const seen = { reads: 0 };
    ctx.facts = async () => {
      seen.reads += 1;
      throw new Error('waitForLiveness read the gathered facts');
    };
    return seen;
  }

  it('asks the host on every look, whatever the facts say', async () => {
    const { ctx, nova, isActive } = await setup('failed', { agent: UNIT, state: 'active', detail: 'active' });
    const seen = forbidFacts(ctx as TestContext<unknown>);
    const l = await waitForLiveness(ctx, nova, UNIT, 0, 1);
    expect(seen.reads).toBe(0);
    expect(l).toMatchObject({ agent: 'inactive', agentDetail: 'failed' });
    expect(isActive()).toBe(1);
  });

  it('restore never enables on a gathered "active" while the host says its agent failed', async () => {
    const { ctx, nova, isActive } = await setup('failed', { agent: UNIT, state: 'active', detail: 'active' }, { status: 'disabled', disabledReason: OURS }, { alive_timeout: '20ms', alive_poll: '1ms' });
    const diff = await restore.check(ctx);
    expect(diff.changes.map((c) => c.kind)).toEqual(['enable-service']);
    // The check took the gather's word (no exec); the apply asks the host, finds it dead and keeps the service disabled.
    expect(isActive()).toBe(0);
    const err = await restore.apply(ctx, diff).then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(CommandFailedError);
    expect((err as Error).message).toMatch(/openstack-nova-compute is not active on the host \(systemctl is-active: failed\)/);
    expect(isActive()).toBeGreaterThan(0);
    expect(nova.service(NAME).status).toBe('disabled');
  });

  it('a container agent is asked live too, with the engine\'s inspect', async () => {
    const { ctx, nova, host } = await setup('active', { agent: DOCKER, state: 'active', detail: 'nova_compute: running' });
    host.useLayout(LAYOUT_FACTS['tripleo-docker']);
    host.containerState = 'exited';
    forbidFacts(ctx as TestContext<unknown>);
    expect(await waitForLiveness(ctx, nova, DOCKER, 0, 1)).toMatchObject({ agent: 'inactive', agentDetail: 'nova_compute: exited' });
    expect(host.transport.commands).toEqual(["docker inspect --format '{{.State.Status}}' nova_compute"]);
  });
});
