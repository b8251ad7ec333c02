// Where a drained instance should go: a host this run already remediated, with room by Placement, so it never moves twice.
import { atLeast } from '../openstack/microversion.js';
import type { NovaApi, Server } from '../openstack/types.js';
import { readCapacityView } from './capacity-view.js';

export type TargetPicker = (server: Server) => Promise<string | null>;

/**
 * Returns the remediated host (not the source, enabled and up, in a zone the instance may use) with the most free RAM
 * that Placement would give the instance's flavor; null lets Nova's scheduler choose (no such host, or no Placement).
 * Nova re-checks a named host with its own filters (2.30+, never forced), so a stale choice fails safe and is retried
 * without a host.
 */
export function createTargetPicker(nova: NovaApi, remediated: () => ReadonlySet<string>, source: string): TargetPicker {
  return async (server) => {
    const candidates = new Set([...remediated()].filter((h) => h !== source));
    if (candidates.size === 0 || server.flavor === null) return null;
    // Below 2.30 a named host is forced past the scheduler's filters: then only the scheduler chooses.
    const version = 'microversion' in nova && typeof nova.microversion === 'function' ? await (nova.microversion as () => Promise<string>)() : '2.1';
    if (!atLeast(version, '2.30')) return null;
    const view = await readCapacityView(nova, candidates);
    if (view.source !== 'placement') return null;
    const zone = server.pinnedAvailabilityZone === undefined ? (server.availabilityZone ?? null) : server.pinnedAvailabilityZone;
    const f = server.flavor;
    const fits = view.nodes.filter((n) => n.usable && candidates.has(n.host) && (zone === null || n.zone === zone)
      && f.vcpus <= n.maxUnit.VCPU && f.ramMb <= n.maxUnit.MEMORY_MB && f.vcpus <= n.free.VCPU && f.ramMb <= n.free.MEMORY_MB);
    fits.sort((a, b) => b.free.MEMORY_MB - a.free.MEMORY_MB || a.host.localeCompare(b.host));
    return fits[0]?.host ?? null;
  };
}
