// Is the box the tool reached the host it means? Its own name against the inventory's, Nova's and the hypervisor's. Pure.
import { isAddress, sameHostName } from '../openstack/nova-host-rule.js';
import { OrchestratorError, type ErrorContext } from '../util/errors.js';

/** The host reached is not the host meant (a stale DNS record, a recycled address, a cloned image): the host fails. */
export class IdentityMismatchError extends OrchestratorError {
  constructor(message: string, ctx: ErrorContext = {}) {
    super('E_IDENTITY', message, ctx);
  }
}

export interface IdentityEvidence {
  /** The host's own name (uname -n), as the gather read it. */
  own: string;
  inventoryName: string;
  /** Where the tool connected, for the message. */
  reachedAt: string;
  novaHost: string;
  novaBasis: string;
  /** hypervisor_hostname of Nova's hypervisor for novaHost, when Nova lists one. */
  hypervisorHostname?: string | null;
}

/**
 * Every name that should be the host's own and is not, as sentences naming both sides. The inventory name is compared
 * unless it is an IP address (it then names no host); the Nova host whatever decided it (nova.conf's [DEFAULT] host is
 * the box's own word, yet a box answering for another carries the other's file); the hypervisor's name where Nova has one.
 */
export function identityMismatches(e: IdentityEvidence): string[] {
  const out: string[] = [];
  if (!isAddress(e.inventoryName) && !sameHostName(e.own, e.inventoryName)) {
    out.push(`the inventory names it '${e.inventoryName}'`);
  }
  if (!sameHostName(e.own, e.novaHost)) out.push(`Nova knows it as '${e.novaHost}' (${e.novaBasis})`);
  if (e.hypervisorHostname && !sameHostName(e.own, e.hypervisorHostname)) {
    out.push(`Nova's hypervisor for ${e.novaHost} is named '${e.hypervisorHostname}'`);
  }
  return out;
}

export function identityMessage(e: IdentityEvidence, mismatches: readonly string[]): string {
  // When the box's own nova.conf agrees with its name, say which compute service it is: the one the run would have drained.
  const box = sameHostName(e.own, e.novaHost) && e.novaBasis !== '' ? ` (Nova knows the box reached as '${e.novaHost}', from ${e.novaBasis})` : '';
  return `the host reached at ${e.reachedAt} says its name is '${e.own}', but ${mismatches.join(', and ')}${box}: it is not the host ` +
    'this run means (a stale DNS record, a recycled address, a cloned image?). Nothing was changed on it; fix the address ' +
    '(ansible_host, ssh_config HostName) or the name (nova_host), then run again';
}
