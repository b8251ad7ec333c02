// The compute service of a host in Nova, and how this tool marks a disable as its own (kured's rule: never undo an operator's).
import type { ComputeService, NovaApi } from '../openstack/types.js';
import { PreconditionError, RefusedError } from './errors.js';

/** Every disable this tool makes starts with this; restore enables only services whose reason does. */
export const DISABLE_REASON_PREFIX = 'mds-orchestrate:';

export function disableReason(runId: string): string {
  return `${DISABLE_REASON_PREFIX} MDS remediation (run ${runId})`;
}

export function disabledByUs(svc: ComputeService): boolean {
  return svc.status === 'disabled' && (svc.disabledReason ?? '').startsWith(DISABLE_REASON_PREFIX);
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
