// The gather's dpkg section to packages and provenance: exit 0 or 1 (some name not installed) is an answer, anything else is not.
import { ABSENT_RC, provenanceOf, type Provenance } from './evidence.js';
import { sharedDpkgQuery } from './shared-parses.js';
import type { Section } from './sections.js';
import type { InstalledPackage } from './types.js';

export interface DpkgReading {
  packages: Record<string, InstalledPackage[]>;
  provenance: Provenance;
  /** Set when dpkg did not answer; the gather report lists it for Debian-family hosts. */
  problem: string | null;
}

/**
 * dpkg-query's documented statuses: 0 all found, 1 some name or pattern matched nothing (that is "not installed"), 2 a
 * fatal error. An unreadable answer leaves the package lists empty AND the provenance unreadable, so no step takes the
 * empty lists for "nothing installed".
 */
export function dpkgPackages(section: Section | undefined, names: readonly string[], unameR: string, debianFamily: boolean): DpkgReading {
  const answered = section !== undefined && (section.rc === 0 || section.rc === 1);
  if (!answered) {
    const empty: Record<string, InstalledPackage[]> = {};
    for (const n of names) empty[n] = [];
    // No dpkg-query is an answer on RHEL; on a host whose os-release says Debian or Ubuntu it is a broken tool, never "nothing installed".
    const provenance: Provenance =
      section?.rc === ABSENT_RC && debianFamily ? { state: 'unreadable', reason: 'dpkg-query: command not found on a Debian-family host' } : provenanceOf(section?.rc, 'dpkg-query');
    return {
      packages: empty,
      provenance,
      problem: `dpkg: exit status ${section === undefined ? 'unknown (no section)' : section.rc ?? 'unknown (output cut short)'}`,
    };
  }
  return { packages: sharedDpkgQuery(section.body, names, unameR), provenance: { state: 'read' }, problem: null };
}
