// The compute service of a host in Nova, and how this tool marks a disable as its own (kured's rule: never undo an operator's).
import type { ComputeService, NovaApi } from '../openstack/types.js';
import { PreconditionError, RefusedError } from './errors.js';

/** Every disable this tool makes starts with this; restore enables only services whose reason does. */
export const DISABLE_REASON_PREFIX = 'mds-orchestrate:';

export function disableReason(runId: string): string {
  return `${DISABLE_REASON_PREFIX} MDS remediation (run ${runId})`;
}

/**
 * The reason as a change's summary shows it: a plan's run id is not the id the later `run` writes, so the summary names
 * the id's place, not a value that will never be written (and a saved plan stays the same text whatever run made it).
 */
export const PLANNED_DISABLE_REASON = disableReason("<this run's id>");

/** Disabled by this tool, by any run of any controller (the prefix); whose run it was is disablingRun's answer. */
export function disabledByUs(svc: ComputeService): boolean {
  return svc.status === 'disabled' && (svc.disabledReason ?? '').startsWith(DISABLE_REASON_PREFIX);
}

/** The run id a disable by this tool names; null when the service is not disabled by this tool or the reason names no run. */
export function disablingRun(svc: ComputeService): string | null {
  if (!disabledByUs(svc)) return null;
  return /\(run ([^()\s]+)\)/.exec(svc.disabledReason ?? '')?.[1] ?? null;
}

/**
 * Whether a disable by this tool is this controller's: made by this run, by a run recorded in this state directory, or by
 * a run the operator adopted (--adopt-lease). Another controller's disable is never taken over or enabled without adoption.
 */
export function disabledByOwnRun(svc: ComputeService, ctx: { runId: string; isOwnRun?: (runId: string) => boolean }): boolean {
  const run = disablingRun(svc);
  if (run === null) return false;
  return run === ctx.runId || (ctx.isOwnRun?.(run) ?? false);
}

/** For messages: who disabled it, and how to take it over. */
export function foreignDisableHint(svc: ComputeService): string {
  const run = disablingRun(svc);
  return run === null
    ? `its reason ("${svc.disabledReason ?? ''}") names no run of this tool`
    : `run ${run} disabled it ("${svc.disabledReason ?? ''}"), and that run is not recorded in this state directory (another controller's?); if that controller is gone, take the host over with --adopt-lease ${run}`;
}

export async function computeServiceOf(nova: NovaApi, novaHost: string): Promise<ComputeService> {
  const services = (await nova.listComputeServices(novaHost)).filter((s) => s.binary === 'nova-compute' && s.host === novaHost);
  const svc = services[0];
  // No drain (and so no reboot) of a host Nova does not know as a compute node: whatever runs there is not Nova's to move.
  if (!svc) throw new RefusedError(`Nova has no nova-compute service for host '${novaHost}': not draining a host that does not map to a real compute service (set nova_host in the inventory if the names differ)`);
  return svc;
}

export function requireNova(nova: NovaApi | null, step: string): NovaApi {
  if (!nova) throw new PreconditionError(`step ${step} needs the Nova API: name a cloud (playbook 'cloud:', --cloud or OS_CLOUD) with a clouds.yaml`);
  return nova;
}
