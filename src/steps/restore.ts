// Step restore: re-enable the compute service, but only when this tool disabled it (an operator's own disable stays).
import { z } from 'zod';
import { changesOf } from './changes.js';
import { computeServiceOf, disabledByUs, requireNova } from './nova-service.js';
import { rebootReasons } from './reboot-reasons.js';
import type { Diff, Step, StepContext } from './types.js';

export const restoreParams = z.strictObject({});
export type RestoreParams = z.infer<typeof restoreParams>;

async function check(ctx: StepContext<RestoreParams>): Promise<Diff> {
  const diff: Diff = { step: 'restore', changes: [], notes: [] };
  const nova = requireNova(ctx.nova, 'restore');
  const svc = await computeServiceOf(nova, ctx.host.novaHost);
  if (svc.status === 'enabled') return diff;
  if (!disabledByUs(svc)) {
    diff.notes.push(`nova-compute on ${svc.host} stays disabled: an operator disabled it ("${svc.disabledReason ?? ''}")`);
    return diff;
  }
  const reasons = rebootReasons(await ctx.facts(), false);
  if (reasons.length) {
    diff.notes.push(`nova-compute on ${svc.host} stays disabled until the host is rebooted (${reasons.map((r) => r.message).join('; ')})`);
    return diff;
  }
  diff.changes.push({ kind: 'enable-service', summary: `enable nova-compute on ${svc.host} (disabled by this tool: "${svc.disabledReason}")`, data: { serviceId: svc.id } });
  return diff;
}

async function apply(ctx: StepContext<RestoreParams>, diff: Diff): Promise<void> {
  const nova = requireNova(ctx.nova, 'restore');
  for (const change of changesOf(diff.changes, 'enable-service')) {
    await nova.setServiceStatus(change.data.serviceId, 'enabled');
  }
}

export const restore: Step<RestoreParams> = {
  id: 'restore',
  title: 'Re-enable the compute service this tool disabled',
  disruptive: false,
  needsNova: true,
  params: restoreParams,
  check,
  apply,
};
