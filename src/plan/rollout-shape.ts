// The rollout's batches as the run will make them: the serial setting, with `auto` resolved from Placement's room.
import { autoBatchSizes } from '../engine/auto-batches.js';
import { batchSizes, type SerialSpec } from '../engine/batches.js';
import { failureDomainKey } from '../engine/fleet.js';
import { orderRollout, type HostLoad, type RolloutOrder } from '../engine/rollout-order.js';
import type { HostSpec } from '../inventory/types.js';
import type { NovaApi, Server } from '../openstack/types.js';
import type { FailureDomain } from '../playbook/schema.js';
import { readCapacityView, type CapacityView } from '../steps/capacity-view.js';
import { ConfigError } from '../util/errors.js';

export interface FleetRead {
  view: CapacityView;
  servers: Server[];
}

/** One read of the cloud for the rollout's shape, the plan's room per batch and its rehearsal: Placement's room and every server. */
export async function readFleet(nova: NovaApi): Promise<FleetRead> {
  const [view, servers] = await Promise.all([readCapacityView(nova), nova.listServers()]);
  return { view, servers };
}

export interface RolloutShape<H extends HostSpec = HostSpec> {
  /** The hosts in the order they roll. */
  hosts: H[];
  /** The serial the engine runs with: the setting, or the sizes `auto` chose. */
  serial: SerialSpec;
  sizes: number[];
  auto: boolean;
  /** The order used: `room` falls back to the inventory's when no host is known not to drain. */
  orderApplied: RolloutOrder;
}

export interface ShapeInput<H extends HostSpec = HostSpec> {
  hosts: readonly H[];
  order: RolloutOrder;
  /** Nova hosts known not to drain in this run (a saved plan found no reboot due there): nothing to move. */
  undrained?: ReadonlySet<string>;
  serial: (number | string)[] | 'auto' | undefined;
  failureDomains: readonly FailureDomain[];
  forks: number;
  /** Read only for `auto`. */
  fleet: () => Promise<FleetRead>;
}

/** What each host's drain would move: its running instances (none on a host known not to drain). */
function loads(servers: readonly Server[], undrained: ReadonlySet<string>): Map<string, HostLoad> {
  const out = new Map<string, HostLoad>();
  for (const s of servers) {
    if (s.host === null || s.status !== 'ACTIVE' || s.taskState || undrained.has(s.host)) continue;
    const l = out.get(s.host) ?? { instances: 0, vcpus: 0, ramMb: 0 };
    l.instances += 1;
    l.vcpus += s.flavor?.vcpus ?? 0;
    l.ramMb += s.flavor?.ramMb ?? 0;
    out.set(s.host, l);
  }
  return out;
}

export async function shapeRollout<H extends HostSpec>(o: ShapeInput<H>): Promise<RolloutShape<H>> {
  const undrained = o.undrained ?? new Set<string>();
  // Least to move first pays only when some hosts are known not to drain (a saved plan): they are the first batch's
  // targets. Without them the first batch's instances go where the scheduler puts them, the hosts with the most free
  // RAM, which are the next light ones: measured worse than the inventory's order (README, Capacity).
  const order: RolloutOrder = o.order === 'room' && undrained.size > 0 ? 'room' : 'inventory';
  if (o.serial !== 'auto' && order === 'inventory') return { hosts: [...o.hosts], serial: o.serial ?? null, sizes: batchSizes(o.hosts.length, o.serial), auto: false, orderApplied: order };
  const { view, servers } = await o.fleet();
  const load = loads(servers, undrained);
  const ordered = orderRollout(o.hosts, order, (h) => (undrained.has(h) ? undefined : load.get(h) ?? { instances: 0, vcpus: 0, ramMb: 0 }));
  if (o.serial !== 'auto') return { hosts: ordered, serial: o.serial ?? null, sizes: batchSizes(ordered.length, o.serial), auto: false, orderApplied: order };
  const hosts = ordered.map((h) => ({ novaHost: h.novaHost, domain: o.failureDomains.length ? failureDomainKey(h, [...o.failureDomains]) : null }));
  const sizes = autoBatchSizes(hosts, view, servers.filter((s) => s.host === null || !undrained.has(s.host)), o.forks);
  return { hosts: ordered, serial: sizes, sizes, auto: true, orderApplied: order };
}

/** serial: auto reads Placement: without a cloud it is a configuration error, said before anything starts. */
export function requireCloudForAuto(serial: unknown, hasCloud: boolean, file: string): void {
  if (serial === 'auto' && !hasCloud) throw new ConfigError({ file }, 'serial', 'serial: auto sizes batches from the room Placement reports, so it needs a cloud (--cloud, the playbook\'s cloud:, OS_CLOUD or the OS_* variables)');
}
