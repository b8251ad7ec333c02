// rehearse -i: one read-only pass over a real cloud: every compute node's Placement inventory and usage, and every server.
import type { Inventory } from '../openstack/placement.js';
import type { NovaApi, Server } from '../openstack/types.js';

/** One resource class of a node as Placement counts it: room = (total - reserved) * ratio - used. */
export interface NodeResource {
  total: number;
  reserved: number;
  ratio: number;
  used: number;
}

export interface RealNode {
  /** The compute service's host (what the inventory's nova_host names). */
  host: string;
  zone: string;
  /** Enabled and up: the scheduler may pick it. */
  usable: boolean;
  /** null when Placement has no inventory of that class for the node (then it has no room for it). */
  vcpu: NodeResource | null;
  ram: NodeResource | null;
}

export interface RealFleetRead {
  source: 'placement' | 'os-hypervisors';
  nodes: RealNode[];
  /** Every tenant's servers (the client lists with all_tenants). */
  servers: Server[];
  notes: string[];
}

function resource(inv: Record<string, Inventory>, used: Record<string, number>, rc: string): NodeResource | null {
  const i = inv[rc];
  return i === undefined ? null : { total: i.total, reserved: i.reserved, ratio: i.allocationRatio, used: used[rc] ?? 0 };
}

/**
 * Reads only (GETs): os-hypervisors (nodes, their service host, status and state), os-services (zones), Placement's
 * providers with each one's inventories and usages, and the servers of all tenants. Without Placement the hypervisors'
 * raw counts stand in, at ratio 1 with nothing reserved, and a note says so.
 */
export async function readRealFleet(nova: NovaApi): Promise<RealFleetRead> {
  const [hypervisors, services, servers] = await Promise.all([nova.listHypervisors(), nova.listComputeServices(), nova.listServers()]);
  const zones = new Map(services.map((s) => [s.host, s.zone]));
  const notes: string[] = [];
  const placement = nova.placement?.();
  if (placement === undefined || !(await placement.available())) {
    notes.push('capacity: the cloud has no Placement, so each node is sized from os-hypervisors, counted 1:1 with nothing reserved (allocation ratios unknown)');
    return {
      source: 'os-hypervisors', servers, notes,
      nodes: hypervisors.map((h) => ({
        host: h.serviceHost, zone: zones.get(h.serviceHost) ?? '', usable: h.status === 'enabled' && h.state === 'up',
        vcpu: { total: h.vcpus, reserved: 0, ratio: 1, used: h.vcpusUsed },
        ram: { total: h.memoryMb, reserved: 0, ratio: 1, used: h.memoryMbUsed },
      })),
    };
  }
  const providers = await placement.listResourceProviders();
  const byUuid = new Map(providers.map((p) => [p.uuid, p]));
  const byName = new Map(providers.map((p) => [p.name, p]));
  const nodes: RealNode[] = [];
  // One node at a time is slow on a large cloud but never a burst against a production API; eight at a time, as the capacity view reads.
  const queue = [...hypervisors];
  const worker = async (): Promise<void> => {
    for (let h = queue.shift(); h !== undefined; h = queue.shift()) {
      const node: RealNode = { host: h.serviceHost, zone: zones.get(h.serviceHost) ?? '', usable: h.status === 'enabled' && h.state === 'up', vcpu: null, ram: null };
      const rp = byUuid.get(h.id) ?? byName.get(h.hostname);
      if (rp === undefined) notes.push(`capacity: compute node ${h.hostname} has no resource provider in Placement: simulated with no room`);
      else {
        const [inv, used] = await Promise.all([placement.inventories(rp.uuid), placement.usages(rp.uuid)]);
        node.vcpu = resource(inv, used, 'VCPU');
        node.ram = resource(inv, used, 'MEMORY_MB');
      }
      nodes.push(node);
    }
  };
  await Promise.all(Array.from({ length: Math.min(8, hypervisors.length) }, worker));
  // Listing order, whatever order the reads finished in (the simulation's names and placement follow it).
  const order = new Map(hypervisors.map((h, i) => [h.serviceHost, i]));
  nodes.sort((a, b) => order.get(a.host)! - order.get(b.host)!);
  return { source: 'placement', nodes, servers, notes };
}
