// serial: auto — batch sizes from the room Placement reports and the failure domains, instead of a fixed count.
import type { Server } from '../openstack/types.js';
import type { CapacityView } from '../steps/capacity-view.js';
import { placeInstances } from '../steps/capacity.js';

export interface AutoBatchHost {
  novaHost: string;
  /** The host's failure domain (availability zone, aggregate) when the playbook names failure_domains, else null. */
  domain: string | null;
}

const movable = (s: Server): boolean => s.status === 'ACTIVE' && !s.taskState;

/**
 * The rule, in rollout order:
 * - the first batch is one host (a canary, as `serial: [1, ...]` is by habit);
 * - each next batch takes the following hosts while (a) the running instances of all its hosts fit, as Placement counts
 *   room now, on the enabled and up hosts outside the batch (the drain's own check, largest instance first onto the host
 *   of its zone with the most free RAM), (b) no two of its hosts share a failure domain when the playbook names
 *   failure_domains (they would drain one at a time anyway, and a domain keeps its other hosts in service), and (c) it
 *   has at most `maxBatch` hosts (the playbook's forks);
 * - a host whose instances fit nowhere even alone is a batch of one: its drain refuses, as it would in any batch.
 * Room is read once, before the run: each batch is sized against today's placement (the total room does not change as
 * instances move; where it is does).
 */
export function autoBatchSizes(hosts: readonly AutoBatchHost[], view: CapacityView, servers: readonly Server[], maxBatch: number): number[] {
  if (hosts.length === 0) return [];
  const onHost = new Map<string, Server[]>();
  for (const s of servers) if (s.host !== null && movable(s)) onHost.set(s.host, [...(onHost.get(s.host) ?? []), s]);
  const freeOf = new Map(view.nodes.filter((n) => n.usable).map((n) => [n.host, n.free]));
  const total = { VCPU: 0, MEMORY_MB: 0 };
  for (const f of freeOf.values()) {
    total.VCPU += Math.max(0, f.VCPU);
    total.MEMORY_MB += Math.max(0, f.MEMORY_MB);
  }
  const fits = (batch: readonly AutoBatchHost[]): boolean => {
    const names = new Set(batch.map((h) => h.novaHost));
    return placeInstances(names, batch.flatMap((h) => onHost.get(h.novaHost) ?? []), view).ok;
  };
  const sizes = [1];
  let i = 1;
  while (i < hosts.length) {
    // Grow on the sums first (cheap), then confirm by placing every instance, shrinking until it places.
    const demand = { VCPU: 0, MEMORY_MB: 0 };
    const outside = { ...total };
    const domains = new Set<string>();
    let k = 0;
    while (i + k < hosts.length && k < maxBatch) {
      const h = hosts[i + k]!;
      if (h.domain !== null && domains.has(h.domain)) break;
      const load = (onHost.get(h.novaHost) ?? []).reduce((a, s) => ({ VCPU: a.VCPU + (s.flavor?.vcpus ?? 0), MEMORY_MB: a.MEMORY_MB + (s.flavor?.ramMb ?? 0) }), { VCPU: 0, MEMORY_MB: 0 });
      const own = freeOf.get(h.novaHost) ?? { VCPU: 0, MEMORY_MB: 0 };
      const next = { VCPU: demand.VCPU + load.VCPU, MEMORY_MB: demand.MEMORY_MB + load.MEMORY_MB };
      const room = { VCPU: outside.VCPU - Math.max(0, own.VCPU), MEMORY_MB: outside.MEMORY_MB - Math.max(0, own.MEMORY_MB) };
      if (k > 0 && (next.VCPU > room.VCPU || next.MEMORY_MB > room.MEMORY_MB)) break;
      Object.assign(demand, next);
      Object.assign(outside, room);
      if (h.domain !== null) domains.add(h.domain);
      k += 1;
    }
    // The sums ignore zones, max_unit and how instances pack: the placement decides, by bisection on the size.
    if (k > 1 && !fits(hosts.slice(i, i + k))) {
      let lo = 1;
      let hi = k - 1;
      while (lo < hi) {
        const mid = Math.ceil((lo + hi) / 2);
        if (fits(hosts.slice(i, i + mid))) lo = mid;
        else hi = mid - 1;
      }
      k = lo;
    }
    sizes.push(k);
    i += k;
  }
  return sizes;
}
