// Turns the lab description into the fake cloud's config (the hosts' side: host/from-lab-config.ts).
import type { FakeCloudConfig } from './cloud/index.js';
import { labNovaHostName } from './host/deployment-layouts.js';
import type { LabConfig, LabHost } from './lab-config.js';

/** Nova's name for a lab host: its own name, or its FQDN where the layout's deployment registers that (TripleO). */
export function novaHostName(h: LabHost): string {
  return labNovaHostName(h.name, h.layout, h.nova_host_fqdn);
}


/** Whether guests booted on this host at the start already carry md-clear: only on a host fixed before the lab began. */
export function startsWithMdClear(h: LabHost): boolean {
  if (!h.fixed || h.cpu === 'amd') return false;
  if (h.cpu_mode !== 'custom') return true;
  return (h.extra_flags ?? '').split(',').map((f) => f.trim().toLowerCase()).some((f) => f === 'md-clear' || f === '+md-clear');
}

export function cloudConfig(lab: LabConfig): FakeCloudConfig {
  return {
    hosts: lab.hosts.map((h) => ({
      name: novaHostName(h),
      vcpus: h.vcpus,
      ramMb: h.ram_mb,
      az: h.availability_zone,
      aggregate: h.aggregate ?? null,
      ...(h.cpu_allocation_ratio === undefined ? {} : { cpuAllocationRatio: h.cpu_allocation_ratio }),
      ...(h.ram_allocation_ratio === undefined ? {} : { ramAllocationRatio: h.ram_allocation_ratio }),
      ...(h.reserved_host_memory_mb === undefined ? {} : { reservedHostMemoryMb: h.reserved_host_memory_mb }),
      ...(h.operator_disabled ? { disabled: { by: 'operator', reason: h.operator_disabled } } : {}),
    })),
    instances: { count: lab.instances, shutoff: lab.shutoff_instances, error: 0, paused: 0, namePrefix: 'vm' },
    migrationMs: lab.nova.migration_time,
    tokenTtlMs: lab.nova.token_ttl,
    seed: lab.nova.seed,
    cpuAllocationRatio: lab.nova.cpu_allocation_ratio,
    ramAllocationRatio: lab.nova.ram_allocation_ratio,
    reservedHostMemoryMb: lab.nova.reserved_host_memory_mb,
    maxConcurrentLiveMigrations: lab.nova.max_concurrent_live_migrations,
  };
}
