// Maps the lab description's host entries (src/lab/lab-config.ts, snake_case YAML) onto fake host specs.
import type { LabConfig, LabHost } from '../lab-config.js';
import { LabHostError } from './errors.js';
import { resolveHostSpec, type FakeHostInput, type FakeHostSpec } from './spec.js';

export function hostInputFromLabHost(h: LabHost): FakeHostInput {
  return {
    name: h.name,
    ...(h.dist === undefined ? {} : { dist: h.dist }),
    layout: h.layout,
    ...(h.image_fixed === undefined ? {} : { imageFixed: h.image_fixed }),
    cpu: h.cpu,
    fixed: h.fixed,
    ...(h.nova_host_fqdn ? { novaHostFqdn: true } : {}),
    bootDelayMs: h.boot_delay,
    nova: {
      cpuMode: h.cpu_mode,
      ...(h.cpu_model === undefined ? {} : { cpuModel: h.cpu_model }),
      ...(h.cpu_models === undefined ? {} : { cpuModels: h.cpu_models }),
      ...(h.extra_flags === undefined ? {} : { extraFlags: h.extra_flags }),
    },
    faults: {
      neverReturns: h.faults.never_returns,
      slowBootMs: h.faults.slow_boot,
      yumFails: h.faults.yum_fails,
      partialUpdate: h.faults.partial_update,
      authRefusedAfterReboot: h.faults.auth_refused_after_reboot,
      noSudo: h.faults.no_sudo,
      noVirsh: h.faults.no_virsh,
      novaConf: h.faults.nova_conf,
      dmesgWrapped: h.faults.dmesg_wrapped,
      novaComputeDead: h.faults.nova_compute_dead,
      bootsOldKernel: h.faults.boots_old_kernel,
      dpkgLocked: h.faults.dpkg_locked,
    },
  };
}

/** Every host of a lab description, addresses assigned in order from its address_base; swapped pairs listen at each other's. */
export function hostSpecsFromLabConfig(cfg: LabConfig): FakeHostSpec[] {
  const specs = cfg.hosts.map((h, i) => resolveHostSpec(hostInputFromLabHost(h), i, cfg.address_base, cfg.port));
  const byName = new Map(specs.map((s) => [s.name, s]));
  for (const h of cfg.hosts) {
    const other = h.faults.swapped_with;
    if (other === undefined) continue;
    const a = byName.get(h.name)!;
    const b = byName.get(other);
    if (!b || b === a) throw new LabHostError('E_LAB_SPEC', `host ${h.name}: faults.swapped_with: expected another host of the lab, got ${JSON.stringify(other)}`, { host: h.name });
    const theirs = cfg.hosts.find((x) => x.name === other)?.faults.swapped_with;
    if (theirs !== undefined && theirs !== h.name) throw new LabHostError('E_LAB_SPEC', `host ${other}: faults.swapped_with names ${theirs}, but ${h.name} swaps with it`, { host: other });
    a.listenAddress = b.address;
    b.listenAddress = a.address;
  }
  return specs;
}
