// Whether the rest of the fleet can take a host's instances: summed free vCPU and RAM, and a home for the largest one.
import type { Hypervisor, Server } from '../openstack/types.js';

export interface CapacityVerdict {
  ok: boolean;
  needed: { vcpus: number; ramMb: number };
  free: { vcpus: number; ramMb: number; hosts: number };
  reason?: string;
}

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
  if (free.hosts === 0) return { ...verdict, ok: false, reason: 'no other enabled and up compute host can receive instances' };
  if (needed.vcpus > free.vcpus || needed.ramMb > free.ramMb) {
    return { ...verdict, ok: false, reason: `the other enabled hosts have ${free.vcpus} vCPU / ${free.ramMb} MB free, the instances need ${needed.vcpus} vCPU / ${needed.ramMb} MB` };
  }
  const largest = [...toMove].sort((a, b) => (b.flavor?.ramMb ?? 0) - (a.flavor?.ramMb ?? 0))[0];
  if (largest?.flavor && !targets.some((h) => freeOf(h).vcpus >= largest.flavor!.vcpus && freeOf(h).ramMb >= largest.flavor!.ramMb)) {
    return { ...verdict, ok: false, reason: `no single host has room for instance ${largest.name} (${largest.flavor.vcpus} vCPU / ${largest.flavor.ramMb} MB)` };
  }
  return verdict;
}
