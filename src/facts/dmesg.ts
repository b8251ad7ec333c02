// Kernel log lines about MDS: picking them out of dmesg output and classifying each one.
import { parseVulnerability, type VulnKind } from './vulnerabilities.js';

// dmesg prefixes: "[    1.234567] ", "[Mon Jun 10 10:00:00 2019] " (-T), or a syslog/journal "... kernel: ".
const TIMESTAMP = /^\s*\[[^\]]*\]\s*/;

/** Which bug a line reports on, by its printk prefix (pr_fmt "MDS: ", "TAA: ", "MMIO Stale Data: "). */
export type KernelBug = 'mds' | 'taa' | 'mmio';
const PREFIX: Record<KernelBug, string> = { mds: 'MDS', taa: 'TAA', mmio: 'MMIO Stale Data' };

/** The lines about `bug` ("MDS: ..." and the "MDS CPU bug present and SMT on" warning), without timestamps. */
export function parseDmesgLines(text: string, bug: KernelBug = 'mds'): string[] {
  const p = PREFIX[bug];
  const re = new RegExp(`(?:^|[\\s:])(${p}(?:: | CPU bug present).*)$`);
  const out: string[] = [];
  for (const line of text.split('\n')) {
    const m = re.exec(line.replace(TIMESTAMP, '').trimEnd());
    if (m?.[1]) out.push(m[1]);
  }
  return out;
}

export type DmesgClass = { kind: VulnKind | 'smt-warning'; base: string | null };

/** Classifies one line from parseDmesgLines: the state it announces, or the SMT data-leak warning. */
export function classifyDmesgLine(line: string, bug: KernelBug = 'mds'): DmesgClass {
  const p = PREFIX[bug];
  const text = line.replace(TIMESTAMP, '').trim();
  if (text.startsWith(`${p} CPU bug present and SMT on`)) return { kind: 'smt-warning', base: null };
  if (!text.startsWith(`${p}: `)) return { kind: 'unknown', base: null };
  const v = parseVulnerability(text.slice(p.length + 2));
  // The dmesg line never carries an SMT suffix; one there means this is not a line the kernel printed.
  return v.smt === null ? { kind: v.kind, base: v.base } : { kind: 'unknown', base: v.base };
}
