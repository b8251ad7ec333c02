// Where a drained instance should go: a host this run already remediated, with room by Placement, so it never moves twice.
import { compareText } from '../util/compare-text.js';
import { atLeast } from '../openstack/microversion.js';
import type { NovaApi, Server } from '../openstack/types.js';
import { readCapacityView, type NodeRoom } from './capacity-view.js';

/** `refused`: the host Nova just refused for this server: it is taken out of the picks until Placement is read again. */
export type TargetPicker = (server: Server, refused?: string) => Promise<string | null>;

/** How long the Placement figures read for picking targets are trusted before they are read again. */
export const CAPACITY_VIEW_MAX_AGE_MS = 60_000;

interface PickerCache {
  version: string | null;
  nodes: NodeRoom[];
  /** How many hosts were remediated when the figures were read: more is a reason to read again. */
  remediated: number;
  at: number;
}

/**
 * One cache per Nova client, so per run: every drain of the run picks from the same figures and takes its picks off them,
 * so drains running side by side do not all send their instances to the one host with the most room.
 */
const caches = new WeakMap<NovaApi, PickerCache>();

/**
 * Returns the remediated host (not the source, enabled and up, in a zone the instance may use) with the most free RAM
 * that Placement would give the instance's flavor; null lets Nova's scheduler choose (no such host, or no Placement).
 * Nova re-checks a named host with its own filters (2.30+, never forced), so a stale choice fails safe and is retried
 * without a host.
 *
 * Placement is read once for the run (again when more hosts are remediated or the figures are a minute old), and each
 * pick's flavor is taken off the chosen host, instead of reading every remediated host's inventory and usage for every
 * instance: two calls per host per instance, hours of API calls late in a 1,000-host rollout.
 */
export function createTargetPicker(nova: NovaApi, remediated: () => ReadonlySet<string>, source: string, now: () => number = Date.now): TargetPicker {
  return async (server, refused) => {
    if (refused !== undefined) {
      // Nova's filters saw what Placement's figures here do not (local disk, a race with another drain): no more picks there.
      const node = caches.get(nova)?.nodes.find((n) => n.host === refused);
      if (node) node.usable = false;
    }
    const fixed = remediated();
    if (server.flavor === null || fixed.size === 0 || (fixed.size === 1 && fixed.has(source))) return null;
    let cache = caches.get(nova);
    // Below 2.30 a named host is forced past the scheduler's filters: then only the scheduler chooses.
    const version = cache?.version ?? ('microversion' in nova && typeof nova.microversion === 'function' ? await (nova.microversion as () => Promise<string>)() : '2.1');
    if (!atLeast(version, '2.30')) return null;
    if (cache === undefined || cache.remediated !== fixed.size || now() - cache.at > CAPACITY_VIEW_MAX_AGE_MS) {
      const view = await readCapacityView(nova, new Set(fixed));
      if (view.source !== 'placement') return null;
      // Copies: the picks below take room off these.
      cache = { version, nodes: view.nodes.map((n) => ({ ...n, free: { ...n.free } })), remediated: fixed.size, at: now() };
      caches.set(nova, cache);
    }
    const zone = server.pinnedAvailabilityZone === undefined ? (server.availabilityZone ?? null) : server.pinnedAvailabilityZone;
    const f = server.flavor;
    let best: NodeRoom | null = null;
    for (const n of cache.nodes) {
      const fits = n.usable && n.host !== source && fixed.has(n.host) && (zone === null || n.zone === zone)
        && f.vcpus <= n.maxUnit.VCPU && f.ramMb <= n.maxUnit.MEMORY_MB && f.vcpus <= n.free.VCPU && f.ramMb <= n.free.MEMORY_MB;
      if (fits && (best === null || n.free.MEMORY_MB > best.free.MEMORY_MB || (n.free.MEMORY_MB === best.free.MEMORY_MB && compareText(n.host, best.host) < 0))) best = n;
    }
    if (best === null) return null;
    best.free.VCPU -= f.vcpus;
    best.free.MEMORY_MB -= f.ramMb;
    return best.host;
  };
}
