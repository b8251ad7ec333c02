// Provenance of each fact: read, absent (truly not there), or unreadable (with the reason), from a gather section's exit status.

/** How one piece of evidence was obtained. Unreadable is never "empty": steps must treat it as unknown. */
export type Provenance =
  | { state: 'read' }
  | { state: 'absent'; reason: string }
  | { state: 'unreadable'; reason: string };

/** The evidence the gather collects; each key is one section (or, for the kernel log, one group of sources). */
export type EvidenceKey =
  | 'os-release'
  | 'rpm'
  | 'sysfs-mds'
  | 'sysfs-tsx_async_abort'
  | 'sysfs-mmio_stale_data'
  | 'cpuinfo'
  | 'kernel-log'
  | 'nova-conf'
  | 'domcaps'
  | 'guests'
  | 'layout'
  | 'image-rpm';

export type EvidenceMap = Record<EvidenceKey, Provenance>;

/** Exit statuses the gather script gives its file sections (see gather-command.ts). */
export const ABSENT_RC = 3;
export const DENIED_RC = 4;
export const NOT_A_FILE_RC = 5;
/** A section that needs the deployment layout (nova.conf, virsh, image packages) when the layout could not be decided. */
export const LAYOUT_UNKNOWN_RC = 6;

/** Who ran the gather: root, or a login user whose privilege escalation was not set or not used. */
export interface Privilege {
  /** Effective uid the gather ran as; null when the gather did not say (output cut short). */
  uid: number | null;
  user: string | null;
}

export const READ: Provenance = Object.freeze({ state: 'read' });

/** Everything read: what test facts and fixtures built by hand have. */
export function allRead(): EvidenceMap {
  const keys: EvidenceKey[] = ['os-release', 'rpm', 'sysfs-mds', 'sysfs-tsx_async_abort', 'sysfs-mmio_stale_data', 'cpuinfo', 'kernel-log', 'nova-conf', 'domcaps', 'guests', 'layout', 'image-rpm'];
  return Object.fromEntries(keys.map((k) => [k, READ])) as EvidenceMap;
}

/**
 * A section's exit status as provenance. `absentIsNormal` says whether "not there" is a legitimate answer for this
 * section (a sysfs file an older kernel lacks) or still means the evidence is missing; absent is reported either way
 * and the rules decide what it means. Tools that are not installed are unreadable: their answer was never heard.
 */
export function provenanceOf(rc: number | null | undefined, what: string): Provenance {
  if (rc === undefined) return { state: 'unreadable', reason: `${what}: the gather printed no such section` };
  if (rc === null) return { state: 'unreadable', reason: `${what}: output cut short` };
  switch (rc) {
    case 0:
      return READ;
    case ABSENT_RC:
      return { state: 'absent', reason: `${what}: not found` };
    case DENIED_RC:
      return { state: 'unreadable', reason: `${what}: permission denied` };
    case NOT_A_FILE_RC:
      return { state: 'unreadable', reason: `${what}: not a regular file` };
    case LAYOUT_UNKNOWN_RC:
      return { state: 'unreadable', reason: `${what}: the deployment layout is unknown` };
    case 124:
      return { state: 'unreadable', reason: `${what}: timed out` };
    case 126:
      return { state: 'unreadable', reason: `${what}: not executable` };
    case 127:
      return { state: 'unreadable', reason: `${what}: command not found` };
    default:
      return { state: 'unreadable', reason: `${what}: exit status ${rc}` };
  }
}

export function isRead(p: Provenance): boolean {
  return p.state === 'read';
}

/** The reason a piece of evidence cannot be relied on, or null when it was read (or is legitimately absent). */
export function unreadableReason(evidence: EvidenceMap, key: EvidenceKey): string | null {
  const p = evidence[key];
  return p.state === 'unreadable' ? p.reason : null;
}
