// Reads the room on every compute node as Nova's scheduler sees it: Placement's inventories and usages, mapped to hosts.
import type { Inventory, PlacementClient, ResourceProvider } from '../openstack/placement.js';
import type { Hypervisor, NovaApi } from '../openstack/types.js';

export type ResourceClass = 'VCPU' | 'MEMORY_MB';

export interface NodeRoom {
  /** The compute service's host name (what live-migrate names and the inventory's nova_host means). */
  host: string;
  zone: string;
  /** Enabled and up: the scheduler may pick it. */
  usable: boolean;
  /** (total - reserved) * allocation_ratio - used, per resource class. */
  free: Record<ResourceClass, number>;
  /** The largest single allocation Placement accepts (max_unit). */
  maxUnit: Record<ResourceClass, number>;
}

export interface CapacityView {
  source: 'placement' | 'os-hypervisors';
  nodes: NodeRoom[];
  /** Said in the plan: where the numbers came from, and nodes whose room could not be read. */
  notes: string[];
  hypervisors: Hypervisor[];
}

const READ_CONCURRENCY = 8;

async function mapLimited<T, R>(items: T[], fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(READ_CONCURRENCY, items.length) }, worker));
  return out;
}

function zoneMap(services: { host: string; zone: string }[]): Map<string, string> {
  return new Map(services.map((s) => [s.host, s.zone]));
}

/** Without Placement only os-hypervisors' raw counts exist: no allocation ratio, no reserved memory, so 1:1. */
function fromHypervisors(hypervisors: Hypervisor[], zones: Map<string, string>): CapacityView {
  return {
    source: 'os-hypervisors',
    hypervisors,
    notes: ['capacity: the catalog has no Placement, so room comes from os-hypervisors, counted 1:1 (allocation ratios unknown)'],
    nodes: hypervisors.map((h) => ({
      host: h.serviceHost, zone: zones.get(h.serviceHost) ?? '', usable: h.status === 'enabled' && h.state === 'up',
      free: { VCPU: h.vcpus - h.vcpusUsed, MEMORY_MB: h.memoryMb - h.memoryMbUsed },
      maxUnit: { VCPU: h.vcpus, MEMORY_MB: h.memoryMb },
    })),
  };
}

interface ProviderRead {
  uuid: string;
  generation: number;
  /** (total - reserved) * allocation_ratio - used, and max_unit, for VCPU and MEMORY_MB: computed once per read. */
  room: { freeVcpu: number; freeRam: number; maxVcpu: number; maxRam: number };
}

function roomOf(inv: Record<string, Inventory>, used: Record<string, number>, rc: ResourceClass): { free: number; maxUnit: number } {
  const i = inv[rc];
  if (i === undefined) return { free: 0, maxUnit: 0 };
  return { free: Math.floor((i.total - i.reserved) * i.allocationRatio - (used[rc] ?? 0)), maxUnit: i.maxUnit };
}

/**
 * A provider's inventories and usages as last read, by the generation the listing gave for it, per Placement client
 * (so per run). Placement bumps a provider's generation on every change of its inventory or of the allocations against
 * it (that is how it keeps concurrent claims apart), so a listing that shows the same generation means the same figures:
 * only the providers that changed are read again. Without it every drain read two documents per compute node of the
 * cloud, two million requests over a 1,000-host rollout.
 */
const providerReads = new WeakMap<PlacementClient, Map<string, ProviderRead>>();

function readsOf(placement: PlacementClient): Map<string, ProviderRead> {
  let reads = providerReads.get(placement);
  if (reads === undefined) providerReads.set(placement, (reads = new Map()));
  return reads;
}

async function readProvider(placement: PlacementClient, rp: ResourceProvider): Promise<ProviderRead> {
  const [inv, used] = await Promise.all([placement.inventories(rp.uuid), placement.usages(rp.uuid)]);
  const cpu = roomOf(inv, used, 'VCPU');
  const ram = roomOf(inv, used, 'MEMORY_MB');
  const read = { uuid: rp.uuid, generation: rp.generation, room: { freeVcpu: cpu.free, freeRam: ram.free, maxVcpu: cpu.maxUnit, maxRam: ram.maxUnit } };
  // Keyed by the generation listed before the read: if the provider moved on meanwhile, the next listing differs and reads again.
  readsOf(placement).set(rp.uuid, read);
  return read;
}

/** `only` limits the Placement reads to these service hosts (the others are left out of the view). */
export async function readCapacityView(nova: NovaApi, only?: ReadonlySet<string>): Promise<CapacityView> {
  // os-hypervisors first: it maps compute nodes (Placement's providers) to service hosts, with their status and state.
  const hypervisors = (await nova.listHypervisors()).filter((h) => only === undefined || only.has(h.serviceHost));
  const zones = zoneMap(await nova.listComputeServices());
  const placement = nova.placement?.();
  if (placement === undefined || !(await placement.available())) return fromHypervisors(hypervisors, zones);
  const providers = await placement.listResourceProviders();
  // Indexed once (the first provider of a uuid or name wins, as a find would): a linear find per node made every read of a
  // 1,000-node cloud a million comparisons.
  const byUuid = new Map<string, (typeof providers)[number]>();
  const byName = new Map<string, (typeof providers)[number]>();
  for (const p of providers) {
    if (!byUuid.has(p.uuid)) byUuid.set(p.uuid, p);
    if (!byName.has(p.name)) byName.set(p.name, p);
  }
  const notes: string[] = [];
  // Nova's compute node uuid is its provider's uuid (2.53+ ids); older ids are integers, so the node name decides.
  const rpOf = (h: Hypervisor) => byUuid.get(h.id) ?? byName.get(h.hostname);
  // Only the providers whose generation moved are read (eight at a time); the rest is built without waiting on anything,
  // which matters as much as the requests saved: an awaited step per node per drain was most of a 1,000-host rehearsal.
  const wanted = new Map<string, ResourceProvider>();
  for (const h of hypervisors) {
    const rp = rpOf(h);
    if (rp !== undefined) wanted.set(rp.uuid, rp);
  }
  const reads = new Map<string, ProviderRead>();
  const cached = readsOf(placement);
  const stale: ResourceProvider[] = [];
  for (const rp of wanted.values()) {
    const known = cached.get(rp.uuid);
    if (known !== undefined && known.generation === rp.generation) reads.set(rp.uuid, known);
    else stale.push(rp);
  }
  for (const read of await mapLimited(stale, (rp) => readProvider(placement, rp))) reads.set(read.uuid, read);
  const nodes: NodeRoom[] = new Array<NodeRoom>(hypervisors.length);
  for (let i = 0; i < hypervisors.length; i++) {
    const h = hypervisors[i]!;
    const rp = rpOf(h);
    const host = h.serviceHost;
    const zone = zones.get(host) ?? '';
    if (rp === undefined) {
      notes.push(`capacity: compute node ${h.hostname} has no resource provider in Placement, so nothing is counted there`);
      nodes[i] = { host, zone, usable: false, free: { VCPU: 0, MEMORY_MB: 0 }, maxUnit: { VCPU: 0, MEMORY_MB: 0 } };
      continue;
    }
    const r = reads.get(rp.uuid)!.room;
    // Fresh objects per view: the drain's placement and the target picker take room off their copies.
    nodes[i] = { host, zone, usable: h.status === 'enabled' && h.state === 'up', free: { VCPU: r.freeVcpu, MEMORY_MB: r.freeRam }, maxUnit: { VCPU: r.maxVcpu, MEMORY_MB: r.maxRam } };
  }
  return { source: 'placement', nodes, notes, hypervisors };
}
