// Step restore: re-enable the compute service, but only when this tool disabled it (an operator's own disable stays)
// and only once nova-compute is alive again on both sides (restore never enables a dead service).
import { z } from 'zod';
import { logHint, UNIT_NAME } from '../layout/nova-compute-agent.js';
import { changesOf, findingOf } from './changes.js';
import { deadReason, liveness, requireAgent, waitForLiveness } from './compute-liveness.js';
import { CommandFailedError, RefusedError } from './errors.js';
import { disabledByOwnRun, disabledByUs, foreignDisableHint, requireNova } from './nova-service.js';
import { duration } from './params.js';
import { rebootReasons } from './reboot-reasons.js';
import type { Diff, Step, StepContext } from './types.js';

export const restoreParams = z.strictObject({
  /**
   * The nova-compute systemd unit, as an explicit override; unset, the host's layout says (a unit such as
   * tripleo_nova_compute or devstack@n-cpu, or the nova_compute container), openstack-nova-compute without one.
   */
  service: z.string().regex(UNIT_NAME, 'expected a systemd unit name').optional(),
  /** How long to wait after the reboot for the agent to be active and Nova to report the service up. */
  alive_timeout: duration.default(300_000),
  alive_poll: duration.default(5_000),
});
export type RestoreParams = z.infer<typeof restoreParams>;

async function check(ctx: StepContext<RestoreParams>): Promise<Diff> {
  const diff: Diff = { step: 'restore', changes: [], notes: [] };
  const nova = requireNova(ctx.nova, 'restore');
  // Both sides of liveness, for the sweep's report (a down or forced-down service is not a healthy compute node).
  const agent = requireAgent(await ctx.facts(), ctx.params.service);
  const live = await liveness(ctx, nova, agent);
  const svc = live.service;
  const dead = deadReason(live, agent);
  diff.findings = [{ kind: 'compute-service', host: svc.host, status: svc.status, state: live.service.state, forcedDown: live.service.forcedDown ?? null, agent: live.agent, dead }];
  if (svc.status === 'enabled') return diff;
  if (!disabledByUs(svc)) {
    diff.notes.push(`nova-compute on ${svc.host} stays disabled: an operator disabled it ("${svc.disabledReason ?? ''}")`);
    return diff;
  }
  if (!disabledByOwnRun(svc, ctx)) {
    // Enabling another controller's disable would put its host back in service under it (it may be waiting on a reboot).
    diff.notes.push(`nova-compute on ${svc.host} stays disabled: ${foreignDisableHint(svc)}`);
    return diff;
  }
  const reasons = rebootReasons(await ctx.facts(), false);
  if (reasons.length) {
    diff.notes.push(`nova-compute on ${svc.host} stays disabled until the host is rebooted (${reasons.map((r) => r.message).join('; ')})`);
    return diff;
  }
  if (dead) diff.notes.push(`nova-compute on ${svc.host} is not alive yet (${dead}): apply waits for it before enabling`);
  diff.changes.push({ kind: 'enable-service', summary: `enable nova-compute on ${svc.host} (disabled by this tool: "${svc.disabledReason}")`, data: { serviceId: svc.id } });
  return diff;
}

async function apply(ctx: StepContext<RestoreParams>, diff: Diff): Promise<void> {
  const nova = requireNova(ctx.nova, 'restore');
  const agent = requireAgent(await ctx.facts(), ctx.params.service);
  for (const change of changesOf(diff.changes, 'enable-service')) {
    // Re-checked right before the enable: a service that is down or forced down, or whose agent is not running, would
    // take scheduled instances it cannot build. It stays disabled (with this tool's reason) and the host fails.
    const live = await waitForLiveness(ctx, nova, agent, ctx.params.alive_timeout, ctx.params.alive_poll);
    const dead = deadReason(live, agent);
    if (dead) throw new CommandFailedError(`nova-compute on ${live.service.host} is not alive after ${Math.round(ctx.params.alive_timeout / 1000)}s (${dead}): the service stays disabled; start the agent (${logHint(agent)}) and run again`);
    if (live.service.id !== change.data.serviceId) throw new RefusedError(`nova-compute on ${live.service.host} changed id since the check: not enabling`);
    await nova.setServiceStatus(change.data.serviceId, 'enabled');
  }
}

export const restore: Step<RestoreParams> = {
  id: 'restore',
  title: 'Re-enable the compute service this tool disabled',
  disruptive: false,
  needsNova: true,
  params: restoreParams,
  sweep: ({ own }) => own ?? restoreParams.parse({}),
  report(diff, host, kind) {
    if (kind !== 'sweep') return;
    const found = findingOf(diff.findings, 'compute-service');
    if (!found) return;
    const detail = found.dead ?? `up, ${found.status}, agent active`;
    host.checks = host.checks.filter((c) => c.name !== 'nova-compute').concat({ name: 'nova-compute', ok: found.dead === null, detail });
    if (found.dead) host.warnings.push(`compute service ${found.host} (${found.status}) is not alive: ${found.dead}`);
  },
  check,
  apply,
};
