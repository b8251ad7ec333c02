// Which package database and version rules a host's facts follow: rpm's (RHEL family) or dpkg's (Debian, Ubuntu).
import { compareDebVersions, debSatisfiesMinimum, newestDeb, parseDebUnameR, parseDebVersion } from '../deb/index.js';
import type { EvidenceKey } from '../facts/evidence.js';
import type { Evr, HostFacts } from '../facts/types.js';
import { compareEvr, newestOf, parseEvr, parseUnameR, satisfiesMinimum } from '../rpm/index.js';

export interface PackageRules {
  /** The evidence that says the package lists were read. */
  db: Extract<EvidenceKey, 'rpm' | 'dpkg'>;
  compare(a: Evr, b: Evr): -1 | 0 | 1;
  satisfies(installed: Evr, minimum: string): boolean;
  parse(version: string): Evr;
  newest<T extends Evr>(pkgs: readonly T[]): T;
  /** The running kernel as the installed kernels under `kernel` are versioned, or null when uname -r is not this family's. */
  runningKernel(unameR: string): Evr | null;
}

/** rpm's rules: RHEL-family hosts, and the container images of TripleO and Kolla (queried with rpm inside them). */
export const RPM_RULES: PackageRules = {
  db: 'rpm',
  compare: compareEvr,
  satisfies: satisfiesMinimum,
  parse: parseEvr,
  newest: newestOf,
  runningKernel: parseUnameR,
};

const DEB: PackageRules = {
  db: 'dpkg',
  compare: compareDebVersions,
  satisfies: debSatisfiesMinimum,
  parse: parseDebVersion,
  newest: newestDeb,
  // 4.15.0-50-generic is release 4.15.0-50, the same terms the kernel images are listed on (see facts/dpkg-query.ts).
  runningKernel(unameR) {
    const k = parseDebUnameR(unameR);
    return k ? parseDebVersion(k.release) : null;
  },
};

export function packageRules(facts: Pick<HostFacts, 'os'>): PackageRules {
  return facts.os.packaging === 'deb' ? DEB : RPM_RULES;
}
