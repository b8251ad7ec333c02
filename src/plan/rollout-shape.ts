// The rollout's batches as the run will make them: the serial setting, with `auto` resolved from Placement's room.
import { autoBatchSizes } from '../engine/auto-batches.js';
import { batchSizes, type SerialSpec } from '../engine/batches.js';
import { failureDomainKey } from '../engine/fleet.js';
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

export interface RolloutShape {
  /** The serial the engine runs with: the setting, or the sizes `auto` chose. */
  serial: SerialSpec;
  sizes: number[];
  auto: boolean;
}

export interface ShapeInput {
  hosts: readonly HostSpec[];
  serial: (number | string)[] | 'auto' | undefined;
  failureDomains: readonly FailureDomain[];
  forks: number;
  /** Read only for `auto`. */
  fleet: () => Promise<FleetRead>;
}

export async function shapeRollout(o: ShapeInput): Promise<RolloutShape> {
  if (o.serial !== 'auto') return { serial: o.serial ?? null, sizes: batchSizes(o.hosts.length, o.serial), auto: false };
  const { view, servers } = await o.fleet();
  const hosts = o.hosts.map((h) => ({ novaHost: h.novaHost, domain: o.failureDomains.length ? failureDomainKey(h, [...o.failureDomains]) : null }));
  const sizes = autoBatchSizes(hosts, view, servers, o.forks);
  return { serial: sizes, sizes, auto: true };
}

/** serial: auto reads Placement: without a cloud it is a configuration error, said before anything starts. */
export function requireCloudForAuto(serial: unknown, hasCloud: boolean, file: string): void {
  if (serial === 'auto' && !hasCloud) throw new ConfigError({ file }, 'serial', 'serial: auto sizes batches from the room Placement reports, so it needs a cloud (--cloud, the playbook\'s cloud:, OS_CLOUD or the OS_* variables)');
}
