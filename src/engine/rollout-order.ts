// The order hosts enter the rollout: the inventory's, or "room first" so remediated capacity grows early (fewer second moves).
import type { HostSpec } from '../inventory/types.js';

/** What a host carries that its drain must move: running instances and their flavors (Nova's view). */
export interface HostLoad {
  instances: number;
  vcpus: number;
  ramMb: number;
}

export type RolloutOrder = 'inventory' | 'room';

/**
 * "room": the hosts with the least to move first (fewest running instances, then least RAM, then inventory order).
 * Their drains are short and, once remediated, they are empty targets for the drains of later batches, which then name
 * them instead of letting the scheduler put instances on hosts still to be drained (and moved again). Hosts whose load
 * is unknown keep their inventory order after the others.
 */
export function orderRollout<T extends Pick<HostSpec, 'novaHost'>>(hosts: readonly T[], order: RolloutOrder, load: (novaHost: string) => HostLoad | undefined): T[] {
  if (order === 'inventory') return [...hosts];
  const keyed = hosts.map((h, i) => ({ h, i, l: load(h.novaHost) }));
  keyed.sort((a, b) => {
    if (a.l === undefined || b.l === undefined) return a.l === undefined && b.l === undefined ? a.i - b.i : a.l === undefined ? 1 : -1;
    return a.l.instances - b.l.instances || a.l.ramMb - b.l.ramMb || a.i - b.i;
  });
  return keyed.map((k) => k.h);
}
