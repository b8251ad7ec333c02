// The plan's room per batch: what Placement would have left once each batch of the rollout is drained, and batches that cannot drain.
import type { HostSpec } from '../inventory/types.js';
import type { Server } from '../openstack/types.js';
import type { Report } from '../report/model.js';
import type { CapacityView } from '../steps/capacity-view.js';
import { placeInstances } from '../steps/capacity.js';

export interface BatchRoom {
  /** 1-based, as the run prints batches. */
  batch: number;
  /** Nova host names of the batch's hosts that drain (a reboot is due). */
  draining: string[];
  hosts: number;
  toMove: { instances: number; vcpus: number; ramMb: number };
  /** Free room on the usable hosts outside the batch once its instances are placed there; null when they do not fit. */
  roomLeft: { vcpus: number; ramMb: number; hosts: number } | null;
  /** Why the batch cannot drain (Placement's numbers), or null. */
  cannotDrain: string | null;
}

/** What a drain moves: running instances with no task under way (the drain's own rule). */
export const movable = (s: Server): boolean => s.status === 'ACTIVE' && !s.taskState;

/**
 * Each batch on its own against the room Placement reports now: the batch's draining hosts are out of the scheduler's
 * choice and their movable instances are placed, largest first, on the host of their zone with the most free RAM
 * (the drain's own capacity check, for several hosts at once). Earlier batches are assumed back in service with their
 * instances moved out and the room they left taken by them: the total is unchanged, only where the room is changes, so
 * this is an estimate of the spread, exact on the totals.
 */
export function batchRooms(batches: { hosts: string[]; draining: string[] }[], view: CapacityView, servers: Server[]): BatchRoom[] {
  const byHost = new Map<string, Server[]>();
  for (const s of servers) if (s.host !== null && movable(s)) byHost.set(s.host, [...(byHost.get(s.host) ?? []), s]);
  return batches.map((b, i) => {
    const toMove = b.draining.flatMap((h) => byHost.get(h) ?? []);
    const sum = toMove.reduce((a, s) => ({ vcpus: a.vcpus + (s.flavor?.vcpus ?? 0), ramMb: a.ramMb + (s.flavor?.ramMb ?? 0) }), { vcpus: 0, ramMb: 0 });
    const v = placeInstances(new Set(b.draining), toMove, view);
    const usable = view.nodes.filter((n) => n.usable && !b.draining.includes(n.host));
    const left = v.ok ? (v.left ?? { vcpus: sumOf(usable, 'VCPU'), ramMb: sumOf(usable, 'MEMORY_MB'), hosts: usable.length }) : null;
    return { batch: i + 1, draining: b.draining, hosts: b.hosts.length, toMove: { instances: toMove.length, ...sum }, roomLeft: left, cannotDrain: v.ok ? null : (v.reason ?? 'no room') };
  });
}

function sumOf(nodes: CapacityView['nodes'], rc: 'VCPU' | 'MEMORY_MB'): number {
  return nodes.reduce((a, n) => a + Math.max(0, n.free[rc]), 0);
}

/** The plan's lines: one per batch, then a warning per batch that cannot drain. */
export function batchRoomLines(rooms: BatchRoom[], source: CapacityView['source']): string[] {
  if (rooms.length === 0) return [];
  const gib = (mb: number): string => `${(mb / 1024).toFixed(mb >= 10 * 1024 ? 0 : 1)} GiB`;
  const out = [`room per batch (${source === 'placement' ? 'Placement' : 'os-hypervisors, 1:1'}, once the batch is drained, on today's placement):`];
  for (const r of rooms) {
    const what = `batch ${r.batch} (${r.hosts} host${r.hosts === 1 ? '' : 's'}, ${r.draining.length} to drain): moves ${r.toMove.instances} instances (${r.toMove.vcpus} vCPU, ${gib(r.toMove.ramMb)})`;
    out.push(r.roomLeft ? `  ${what}; room left ${r.roomLeft.vcpus} vCPU, ${gib(r.roomLeft.ramMb)} on ${r.roomLeft.hosts} hosts` : `  ${what}; CANNOT DRAIN`);
  }
  for (const r of rooms.filter((x) => x.cannotDrain)) out.push(`warning: batch ${r.batch} cannot drain: ${r.cannotDrain}; the capacity check will refuse its hosts (smaller batches, serial: auto, or more room)`);
  return out;
}

/** The plan's batches over its targets (in rollout order), each with the hosts whose drain the plan would run (a reboot is due). */
export function planBatches(targets: readonly HostSpec[], report: Report, sizes: readonly number[]): { hosts: string[]; draining: string[] }[] {
  const drains = new Set(report.hosts.filter((h) => h.steps.some((s) => s.id === 'drain' && s.status === 'would-change')).map((h) => h.novaHost));
  const out: { hosts: string[]; draining: string[] }[] = [];
  let at = 0;
  for (const n of sizes) {
    const hosts = targets.slice(at, at + n).map((h) => h.novaHost);
    out.push({ hosts, draining: hosts.filter((h) => drains.has(h)) });
    at += n;
  }
  return out;
}
