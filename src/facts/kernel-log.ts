// The gather's kernel-log section: which logs were tried (dmesg, journalctl -k -b 0, /var/log/dmesg), what each said, whether the ring wrapped.
import { parseDmesgLines } from './dmesg.js';
import { provenanceOf, type Provenance } from './evidence.js';
import { taggedLines } from './tagged-lines.js';

export type KernelLogSource = 'dmesg' | 'journal' | 'var-log-dmesg';

export const SOURCE_LABEL: Record<KernelLogSource, string> = {
  dmesg: 'dmesg',
  journal: 'journalctl -k -b 0',
  'var-log-dmesg': '/var/log/dmesg',
};

export interface KernelLogTried {
  source: KernelLogSource;
  provenance: Provenance;
  /** The bug lines (MDS, TAA, MMIO) this source printed, without timestamps. */
  lines: string[];
}

export interface KernelLogFacts {
  /** Sources in the order they were tried; the gather stops at the first one with an `MDS:` line. */
  tried: KernelLogTried[];
  /** The first source that had an `MDS:` line, null when none did. */
  mdsSource: KernelLogSource | null;
  /**
   * Whether dmesg's ring buffer no longer holds the start of this boot (its first line is not the kernel's first
   * message), so the boot-time `MDS:` line may have aged out; null when dmesg could not be read or printed nothing.
   */
  ringWrapped: boolean | null;
}

// The kernel's first message is "Linux version ..." at [    0.000000]; a ring whose oldest line is later has wrapped.
const BOOT_START = /^\s*\[\s*0\.0+\]|Linux version /;

/**
 * Reads lines `source\t<name>\t<rc>` (a source tried), `start\t<first line of that source>` and `line\t<text>`
 * (a bug line the source printed; the gather's grep keeps only those).
 */
export function parseKernelLog(text: string): KernelLogFacts {
  const tried: KernelLogTried[] = [];
  let ringWrapped: boolean | null = null;
  let cur: KernelLogTried | null = null;
  for (const { tag, rest } of taggedLines(text)) {
    if (tag === 'source') {
      const [name = '', rc = ''] = rest.split('\t');
      if (name !== 'dmesg' && name !== 'journal' && name !== 'var-log-dmesg') { cur = null; continue; }
      const source = name as KernelLogSource;
      cur = { source, provenance: provenanceOf(/^\d+$/.test(rc) ? Number(rc) : null, SOURCE_LABEL[source]), lines: [] };
      tried.push(cur);
    } else if (tag === 'start' && cur?.source === 'dmesg') {
      ringWrapped = rest.trim() === '' ? null : !BOOT_START.test(rest);
    } else if (tag === 'line' && cur) {
      cur.lines.push(rest);
    }
  }
  const mdsSource = tried.find((t) => t.provenance.state === 'read' && parseDmesgLines(t.lines.join('\n'), 'mds').some((l) => l.startsWith('MDS: ')))?.source ?? null;
  return { tried, mdsSource, ringWrapped };
}

/** The kernel's lines about one bug from the source that had them (or from every source read, if none had an MDS line). */
export function kernelLogLines(log: KernelLogFacts, bug: 'mds' | 'taa' | 'mmio' = 'mds'): string[] {
  const from = log.mdsSource === null ? log.tried : log.tried.filter((t) => t.source === log.mdsSource);
  return parseDmesgLines(from.filter((t) => t.provenance.state === 'read').flatMap((t) => t.lines).join('\n'), bug);
}

/** Provenance of the kernel log as a whole: read when any source was read, else the reasons of all of them. */
export function kernelLogProvenance(log: KernelLogFacts): Provenance {
  if (log.tried.some((t) => t.provenance.state === 'read')) return { state: 'read' };
  if (log.tried.length === 0) return { state: 'unreadable', reason: 'kernel log: no source was tried' };
  return { state: 'unreadable', reason: log.tried.map((t) => (t.provenance.state === 'read' ? '' : t.provenance.reason)).join('; ') };
}
