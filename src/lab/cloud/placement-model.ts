// Placement's view of the fake cloud: one resource provider per compute node, its inventories, usages and allocations.
import { UNFINISHED } from './model.js';
import type { FlavorRec, HostRec } from './model.js';
import type { CloudWorld } from './world.js';

export type LabResourceClass = 'VCPU' | 'MEMORY_MB' | 'DISK_GB';

export interface InventoryRec {
  total: number;
  reserved: number;
  min_unit: number;
  max_unit: number;
  step_size: number;
  allocation_ratio: number;
}

export type Resources = Record<LabResourceClass, number>;

/** What nova-compute's resource tracker reports for a libvirt node: max_unit is the physical size. */
export function inventoriesOf(h: HostRec): Record<LabResourceClass, InventoryRec> {
  return {
    VCPU: { total: h.vcpus, reserved: 0, min_unit: 1, max_unit: h.vcpus, step_size: 1, allocation_ratio: h.cpuAllocationRatio },
    MEMORY_MB: { total: h.ramMb, reserved: h.reservedHostMemoryMb, min_unit: 1, max_unit: h.ramMb, step_size: 1, allocation_ratio: h.ramAllocationRatio },
    DISK_GB: { total: h.diskGb, reserved: 0, min_unit: 1, max_unit: h.diskGb, step_size: 1, allocation_ratio: h.diskAllocationRatio },
  };
}

export function flavorResources(f: FlavorRec): Resources {
  return { VCPU: f.vcpus, MEMORY_MB: f.ramMb, DISK_GB: f.diskGb };
}

/** Placement's own rule for one allocation: used + amount <= (total - reserved) * allocation_ratio, and amount <= max_unit. */
export function placementFits(h: HostRec, used: Resources, want: Resources): boolean {
  const inv = inventoriesOf(h);
  return (Object.keys(inv) as LabResourceClass[]).every((rc) => {
    const i = inv[rc];
    const amount = want[rc];
    if (amount === 0) return true;
    return amount >= i.min_unit && amount <= i.max_unit && used[rc] + amount <= (i.total - i.reserved) * i.allocation_ratio;
  });
}

/**
 * Allocations per consumer on a host, as Nova keeps them through a live migration: the instance's own allocation sits on
 * its destination from scheduling on, while the migration record's uuid holds the source until the migration ends.
 */
export function allocationsOn(world: CloudWorld, host: string): Map<string, Resources> {
  const out = new Map<string, Resources>();
  for (const inst of world.instances.values()) {
    const res = flavorResources(world.flavor(inst.flavorId));
    const m = world.migrations.find((x) => x.instanceUuid === inst.uuid && x.destCompute !== null && UNFINISHED.has(x.status));
    if (m) {
      if (m.sourceCompute === host) out.set(m.uuid, res);
      if (m.destCompute === host) out.set(inst.uuid, res);
    } else if (inst.host === host) {
      out.set(inst.uuid, res);
    }
  }
  return out;
}

export function usagesOn(world: CloudWorld, host: string): Resources {
  const u: Resources = { VCPU: 0, MEMORY_MB: 0, DISK_GB: 0 };
  for (const r of allocationsOn(world, host).values()) {
    u.VCPU += r.VCPU;
    u.MEMORY_MB += r.MEMORY_MB;
    u.DISK_GB += r.DISK_GB;
  }
  return u;
}

/** The consumer's allocations across providers (GET /allocations/{consumer}). */
export function allocationsOf(world: CloudWorld, consumer: string): { host: string; resources: Resources }[] {
  const out: { host: string; resources: Resources }[] = [];
  for (const h of world.hosts.keys()) {
    const r = allocationsOn(world, h).get(consumer);
    if (r) out.push({ host: h, resources: r });
  }
  return out;
}
