// Turns the lab description into the fake hosts' specs and the fake cloud's config (one source of truth for both sides).
import type { FakeCloudConfig } from './cloud/index.js';
import type { FakeHostSpec } from './host/spec.js';
import { resolveHostSpec } from './host/spec.js';
import type { LabConfig, LabHost } from './lab-config.js';

export function hostSpecs(lab: LabConfig): FakeHostSpec[] {
  return lab.hosts.map((h, i) => resolveHostSpec({
    name: h.name,
    dist: h.dist,
    cpu: h.cpu,
    nova: {
      cpuMode: h.cpu_mode,
      ...(h.cpu_model ? { cpuModel: h.cpu_model } : {}),
      ...(h.cpu_models ? { cpuModels: h.cpu_models } : {}),
      ...(h.extra_flags !== undefined ? { extraFlags: h.extra_flags } : {}),
    },
    fixed: h.fixed,
    bootDelayMs: h.boot_delay,
    faults: {
      neverReturns: h.faults.never_returns,
      slowBootMs: h.faults.slow_boot,
      yumFails: h.faults.yum_fails,
      partialUpdate: h.faults.partial_update,
      authRefusedAfterReboot: h.faults.auth_refused_after_reboot,
    },
  }, i, lab.address_base, lab.port));
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
      name: h.name,
      vcpus: h.vcpus,
      ramMb: h.ram_mb,
      az: h.availability_zone,
      aggregate: h.aggregate ?? null,
      ...(h.operator_disabled ? { disabled: { by: 'operator', reason: h.operator_disabled } } : {}),
    })),
    instances: { count: lab.instances, shutoff: lab.shutoff_instances, error: 0, paused: 0, namePrefix: 'vm' },
    migrationMs: lab.nova.migration_time,
    tokenTtlMs: lab.nova.token_ttl,
    seed: lab.nova.seed,
  };
}
