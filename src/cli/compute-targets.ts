// Preflight: every host a plan or run selects must be a nova-compute node, or the workflow would update and reboot a controller.
import type { HostSpec } from '../inventory/types.js';
import type { Inventory } from '../inventory/index.js';
import type { NovaApi } from '../openstack/types.js';
import { ConfigError } from '../util/errors.js';

const SHOWN = 10;

/**
 * Asks Nova once for its compute services and refuses (exit 4) when a selected host whose Nova name the inventory gives
 * (`nova_host`, or TripleO's `canonical_hostname`) maps to none of them, before any lock, log or connection: update-packages
 * runs before the drain, so a controller selected by `hosts: all` would otherwise get a new kernel before anything noticed
 * it is not a compute node. A host the inventory names nothing for is checked on the host, by Nova's own rule ([DEFAULT]
 * host, else its own name), after its facts and before any step (src/identity/identity-hooks.ts).
 */
export async function checkComputeTargets(nova: NovaApi, inventory: Inventory, hosts: readonly HostSpec[]): Promise<void> {
  const known = new Set((await nova.listComputeServices()).filter((s) => s.binary === 'nova-compute').map((s) => s.host));
  const declared = (h: HostSpec) => h.novaHostFrom === 'nova_host' || h.novaHostFrom === 'canonical_hostname';
  // A cloud with no nova-compute service at all has no host this workflow may touch, declared or not.
  const strays = hosts.filter((h) => (declared(h) || known.size === 0) && !known.has(h.novaHost));
  if (strays.length === 0) return;
  const first = strays[0]!;
  const names = strays.slice(0, SHOWN).map((h) => (declared(h) ? `${h.name} (${h.novaHostFrom} ${h.novaHost})` : h.name));
  const more = strays.length > SHOWN ? ` and ${strays.length - SHOWN} more` : '';
  const at = inventory.varOrigin(first.name, first.novaHostFrom ?? 'nova_host') ?? { file: inventory.sources.join(', ') };
  throw new ConfigError(at, 'hosts',
    `${strays.length} selected host(s) map to no nova-compute service in Nova: ${names.join(', ')}${more}. ` +
    'Select only the compute nodes (the playbook\'s hosts: or -l/--limit, e.g. -l nova_compute; `mds-orchestrate hosts PATTERN` shows a selection), ' +
    'or set nova_host to the name Nova knows a node by (`openstack compute service list --service nova-compute`; on TripleO its canonical_hostname)');
}
