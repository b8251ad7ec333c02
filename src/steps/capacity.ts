// Whether the rest of the fleet can take a host's instances: as Placement counts room (ratios, reserved, max_unit), each
// instance placed where the scheduler could put it (its pinned zone); os-hypervisors' summed free room without Placement.
import { compareText } from '../util/compare-text.js';
import type { Hypervisor, NovaApi, Server } from '../openstack/types.js';
import { readCapacityView, type CapacityView, type NodeRoom } from './capacity-view.js';

export interface CapacityVerdict {
  ok: boolean;
  needed: { vcpus: number; ramMb: number };
  free: { vcpus: number; ramMb: number; hosts: number };
  reason?: string;
}

/** The os-hypervisors rule, kept for clouds without Placement: summed free vCPU and RAM, and a home for the largest one. */
export function checkCapacity(source: string, toMove: Server[], hypervisors: Hypervisor[]): CapacityVerdict {
  const targets = hypervisors.filter((h) => h.serviceHost !== source && h.status === 'enabled' && h.state === 'up');
  const freeOf = (h: Hypervisor) => ({ vcpus: Math.max(0, h.vcpus - h.vcpusUsed), ramMb: Math.max(0, h.memoryMb - h.memoryMbUsed) });
  const free = targets.reduce((acc, h) => {
    const f = freeOf(h);
    return { vcpus: acc.vcpus + f.vcpus, ramMb: acc.ramMb + f.ramMb, hosts: acc.hosts + 1 };
  }, { vcpus: 0, ramMb: 0, hosts: 0 });
  const needed = toMove.reduce((acc, s) => ({ vcpus: acc.vcpus + (s.flavor?.vcpus ?? 0), ramMb: acc.ramMb + (s.flavor?.ramMb ?? 0) }), { vcpus: 0, ramMb: 0 });
  const verdict: CapacityVerdict = { ok: true, needed, free };
  if (toMove.length === 0) return verdict;
  if (free.hosts === 0) return { ...verdict, ok: false, reason: NO_HOST };
  if (needed.vcpus > free.vcpus || needed.ramMb > free.ramMb) {
    return { ...verdict, ok: false, reason: `the other enabled hosts have ${free.vcpus} vCPU / ${free.ramMb} MB free, the instances need ${needed.vcpus} vCPU / ${needed.ramMb} MB` };
  }
  const largest = [...toMove].sort((a, b) => (b.flavor?.ramMb ?? 0) - (a.flavor?.ramMb ?? 0))[0];
  if (largest?.flavor && !targets.some((h) => freeOf(h).vcpus >= largest.flavor!.vcpus && freeOf(h).ramMb >= largest.flavor!.ramMb)) {
    return { ...verdict, ok: false, reason: `no single host has room for instance ${largest.name} (${largest.flavor.vcpus} vCPU / ${largest.flavor.ramMb} MB)` };
  }
  return verdict;
}

const NO_HOST = 'no other enabled and up compute host can receive instances';

export interface PlacedVerdict {
  ok: boolean;
  reason?: string;
  /** For the plan: where the numbers came from, the room left once these instances moved, any zone assumption. */
  notes: string[];
  /** Where each instance would fit (the scheduler decides; this is the check that a place exists). */
  placement: Map<string, string>;
  /** Free room left on the usable hosts once these instances moved (set when ok). */
  left?: { vcpus: number; ramMb: number; hosts: number };
}

/** Zones an instance may go to: its pinned zone; anywhere when Nova says it is not pinned; its current zone when Nova cannot say. */
function allowedZone(s: Server, sourceZone: string): { zone: string | null; assumed: boolean } {
  if (s.pinnedAvailabilityZone === undefined) return { zone: s.availabilityZone ?? sourceZone, assumed: true };
  return { zone: s.pinnedAvailabilityZone, assumed: false };
}

/**
 * Places the instances one by one, largest first, each on the usable node of its zone with the most free RAM (Nova's
 * default weigher) where Placement would accept the allocation, and deducts it. Refuses only when one has nowhere to go.
 */
export function placeInstances(source: string | ReadonlySet<string>, toMove: Server[], view: CapacityView): PlacedVerdict {
  const notes = [...view.notes];
  // Several sources: a whole batch drained at once (the plan's room per batch, serial: auto).
  const isSource = (h: string): boolean => (typeof source === 'string' ? h === source : source.has(h));
  const nodes: NodeRoom[] = view.nodes.filter((n) => !isSource(n.host) && n.usable).map((n) => ({ ...n, free: { ...n.free } }));
  const zoneOf = new Map(view.nodes.map((n) => [n.host, n.zone]));
  const placement = new Map<string, string>();
  if (toMove.length === 0) return { ok: true, notes, placement };
  if (nodes.length === 0) return { ok: false, reason: NO_HOST, notes, placement };
  const unknown = toMove.filter((s) => s.flavor === null);
  if (unknown.length > 0) {
    return { ok: false, reason: `the flavor of ${unknown.map((s) => s.name).join(', ')} is not known (Nova embeds it from 2.47), so the room it needs cannot be checked`, notes, placement };
  }
  let assumed = 0;
  const order = [...toMove].sort((a, b) => b.flavor!.ramMb - a.flavor!.ramMb || b.flavor!.vcpus - a.flavor!.vcpus || compareText(a.name, b.name));
  for (const s of order) {
    const f = s.flavor!;
    const z = allowedZone(s, zoneOf.get(s.host ?? '') ?? (typeof source === 'string' ? zoneOf.get(source) : undefined) ?? '');
    if (z.assumed) assumed += 1;
    const inZone = nodes.filter((n) => z.zone === null || n.zone === z.zone);
    // The node a sort by (most free RAM, then host name) would put first, found in one pass: a sort per instance cost
    // more than the rest of a 1,000-node drain.
    let best: NodeRoom | undefined;
    for (const n of inZone) {
      const fits = f.vcpus <= n.maxUnit.VCPU && f.ramMb <= n.maxUnit.MEMORY_MB && f.vcpus <= n.free.VCPU && f.ramMb <= n.free.MEMORY_MB;
      if (fits && (best === undefined || n.free.MEMORY_MB > best.free.MEMORY_MB || (n.free.MEMORY_MB === best.free.MEMORY_MB && compareText(n.host, best.host) < 0))) best = n;
    }
    if (best === undefined) {
      const where = z.zone === null ? `the ${inZone.length} other enabled hosts` : `the ${inZone.length} other enabled hosts of zone ${z.zone}`;
      const most = inZone.map((n) => `${n.host} ${n.free.VCPU} vCPU / ${n.free.MEMORY_MB} MB`).slice(0, 5).join(', ') || 'none';
      return { ok: false, reason: `${view.source === 'placement' ? 'Placement' : 'os-hypervisors'} has no room for instance ${s.name} (${f.vcpus} vCPU / ${f.ramMb} MB) on ${where} (free after the larger ones: ${most})`, notes, placement };
    }
    best.free.VCPU -= f.vcpus;
    best.free.MEMORY_MB -= f.ramMb;
    placement.set(s.id, best.host);
  }
  if (assumed > 0) notes.push(`capacity: Nova (before 2.96) does not say which instances were booted into a zone, so ${assumed} instance(s) are kept in their current zone`);
  const left = nodes.reduce((acc, n) => ({ vcpus: acc.vcpus + Math.max(0, n.free.VCPU), ramMb: acc.ramMb + Math.max(0, n.free.MEMORY_MB) }), { vcpus: 0, ramMb: 0 });
  const needed = toMove.reduce((acc, s) => ({ vcpus: acc.vcpus + s.flavor!.vcpus, ramMb: acc.ramMb + s.flavor!.ramMb }), { vcpus: 0, ramMb: 0 });
  notes.push(`capacity (${view.source}): ${needed.vcpus} vCPU / ${needed.ramMb} MB to move; room left after the move: ${left.vcpus} vCPU / ${left.ramMb} MB on ${nodes.length} other enabled hosts`);
  return { ok: true, notes, placement, left: { ...left, hosts: nodes.length } };
}

/** The drain's check: Placement when the catalog has it, else the os-hypervisors rule; the plan notes say which. */
export async function assessCapacity(nova: NovaApi, source: string, toMove: Server[]): Promise<{ ok: boolean; reason?: string; notes: string[] }> {
  const view = await readCapacityView(nova);
  if (view.source === 'os-hypervisors') {
    const v = checkCapacity(source, toMove, view.hypervisors);
    if (!v.ok) return { ok: false, notes: view.notes, ...(v.reason ? { reason: v.reason } : {}) };
    return { ok: true, notes: [...view.notes, `capacity: ${v.needed.vcpus} vCPU / ${v.needed.ramMb} MB to move, ${v.free.vcpus} vCPU / ${v.free.ramMb} MB free on ${v.free.hosts} other hosts`] };
  }
  return placeInstances(source, toMove, view);
}
