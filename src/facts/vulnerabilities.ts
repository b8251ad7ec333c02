// The sysfs vulnerability files (mds, tsx_async_abort, mmio_stale_data) and their dmesg lines, classified.
import type { MdsState } from './types.js';

export type VulnKind = MdsState['kind'];

/** Any of the three files, classified; `mitigation` keeps the kernel's wording of the base state. */
export interface VulnState {
  kind: VulnKind;
  smt: string | null;
  base: string | null;
}

/**
 * Base strings the kernel prints (arch/x86/kernel/cpu/bugs.c mds_strings/taa_strings/mmio_strings, plus the
 * "Not affected" of cpu_show_common). Matched exactly: the first mds.rst listed strings the kernel never printed
 * ("Vulnerable: Clear CPU buffers attempted", "Mitigation: CPU buffer clear"); those must stay 'unknown'.
 */
const BASES: Record<string, VulnKind> = {
  'Not affected': 'not-affected',
  Vulnerable: 'vulnerable',
  'Vulnerable: Clear CPU buffers attempted, no microcode': 'no-microcode',
  'Mitigation: Clear CPU buffers': 'mitigated',
  'Mitigation: TSX disabled': 'mitigated',
  // X86_BUG_MMIO_UNKNOWN (v6.0-era until 2025): CPU out of Intel's servicing period, nothing is done about it.
  'Unknown: No mitigations': 'vulnerable',
};

/** Classifies one sysfs value ("<base>" or "<base>; SMT <state>"); null = the file does not exist. */
export function parseVulnerability(raw: string | null): VulnState {
  if (raw === null) return { kind: 'absent', smt: null, base: null };
  const value = raw.trim();
  const semi = value.indexOf('; SMT ');
  const base = semi < 0 ? value : value.slice(0, semi);
  const smt = semi < 0 ? null : value.slice(semi + '; SMT '.length);
  const kind = BASES[base];
  return { kind: kind ?? 'unknown', smt, base };
}

/** /sys/devices/system/cpu/vulnerabilities/mds as the MdsState contract; `smt` is e.g. 'vulnerable', 'Host state unknown'. */
export function parseMdsState(raw: string | null): MdsState {
  const v = parseVulnerability(raw);
  switch (v.kind) {
    case 'absent':
    case 'not-affected':
      return { kind: v.kind };
    case 'unknown':
      return { kind: 'unknown', raw: (raw ?? '').trim() };
    default:
      return { kind: v.kind, smt: v.smt };
  }
}
