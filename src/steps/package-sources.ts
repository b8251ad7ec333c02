// Where each package the playbook names is installed and runs: the host's package database, or the container image of a
// layout that runs libvirt in a container (its qemu and libvirt are the image's; host copies of them do not run).
import type { HostFacts, InstalledPackage } from '../facts/types.js';
import type { ContainerRef } from '../layout/names.js';
import { formatEvr, newestOf } from '../rpm/index.js';
import { RPM_RULES, type PackageRules } from './package-rules.js';
import type { PackageShortfall } from './changes.js';

/** qemu and libvirt live with libvirt: in the image where the layout containerises it, else on the host. */
export function isVirtPackage(name: string): boolean {
  return /^(qemu|libvirt)/.test(name);
}

/**
 * A package that stands for another where that one is not installed: RHEL 8's modular virt stream, Kolla's images and
 * OpenStack-Ansible install libvirt-daemon (which carries libvirtd) without the `libvirt` meta package; both are built from
 * the libvirt source package, so they carry the same version.
 */
const STAND_IN: Record<string, string> = { libvirt: 'libvirt-daemon' };

/** The names the gather must ask about so stand-ins can be found. */
export function standInNames(names: Iterable<string>): string[] {
  return [...names].flatMap((n) => (STAND_IN[n] ? [STAND_IN[n]] : []));
}

export interface PackageLook {
  /** The name the playbook's minimum uses. */
  name: string;
  minimum: string;
  where: 'host' | 'image';
  /** The package actually installed for it: the name itself, or its stand-in (libvirt-daemon for libvirt). */
  installedAs: string;
  installed: InstalledPackage[];
}

export interface PackageSources {
  looks: PackageLook[];
  /** The container whose image holds qemu/libvirt, or null where they are host packages (or where is unknown). */
  image: (ContainerRef & { image: string | null }) | null;
  /** Why the image's packages are not known (not gathered, or unreadable): its packages are unknown, never ok. */
  imageUnknown: string | null;
  /** qemu/libvirt installed on a host whose libvirt runs in a container (OSP 13 upgraded from 10): they do not run. */
  notRunning: { name: string; installed: InstalledPackage[] }[];
}

function pick(db: Record<string, InstalledPackage[]>, name: string): { installedAs: string; installed: InstalledPackage[] } {
  const own = db[name] ?? [];
  const stand = STAND_IN[name];
  if (own.length === 0 && stand && (db[stand] ?? []).length) return { installedAs: stand, installed: db[stand]! };
  return { installedAs: name, installed: own };
}

/**
 * Each minimum looked up where its package runs. qemu/libvirt of a layout the gather could not decide are unknown (where
 * they run is not known); facts built by hand without a layout are bare metal.
 */
export function packageSources(facts: HostFacts, wanted: Record<string, string>): PackageSources {
  const layoutUnknown = !facts.layout && facts.evidence.layout?.state === 'unreadable' ? facts.evidence.layout : null;
  const virt = facts.layout?.virtPackages;
  const inImage = virt?.where === 'container' || layoutUnknown !== null;
  const image = virt?.where === 'container' ? { engine: virt.engine, container: virt.container, image: virt.image } : null;
  let imageUnknown: string | null = null;
  if (layoutUnknown) imageUnknown = `where qemu and libvirt run (${layoutUnknown.reason})`;
  else if (image) {
    const p = facts.evidence['image-rpm'];
    if (!facts.imagePackages) imageUnknown = `the packages of the ${image.container} container's image (not gathered)`;
    else if (p === undefined || p.state !== 'read') imageUnknown = `the packages of the ${image.container} container's image (${p === undefined ? 'no evidence' : p.reason})`;
  }
  const looks: PackageLook[] = Object.entries(wanted).map(([name, minimum]) => {
    const where = inImage && isVirtPackage(name) ? 'image' : 'host';
    const db = where === 'image' ? facts.imagePackages ?? {} : facts.packages;
    return { name, minimum, where, ...pick(db, name) };
  });
  const notRunning = image
    ? Object.entries(facts.packages).filter(([n, inst]) => isVirtPackage(n) && inst.length > 0).map(([name, installed]) => ({ name, installed }))
    : [];
  return { looks, image, imageUnknown, notRunning };
}

/**
 * The looks below their minimum (newest installed version counts: kernels are installonly), as shortfalls. Host packages
 * follow the host's rules (rpm's or dpkg's); an image's are rpm's (the images are RHEL or Rocky based, queried with rpm).
 */
export function shortfallsOf(looks: readonly PackageLook[], hostRules: PackageRules): PackageShortfall[] {
  const out: PackageShortfall[] = [];
  for (const l of looks) {
    const verdict = verdictOf(l.installed, l.minimum, l.where === 'image' ? RPM_RULES : hostRules);
    if (verdict.ok) continue;
    out.push({ name: l.installedAs, installed: verdict.newest, minimum: l.minimum, available: null });
  }
  return out;
}

interface Verdict {
  /** The newest installed version, formatted; null when none is installed. */
  newest: string | null;
  ok: boolean;
}

/**
 * Verdicts by rules, by installed list, by minimum. The gather shares one frozen list between the hosts that printed the
 * same package answer (facts/shared-parses.ts), so on a fleet of one generation the second host's verdict is a lookup.
 */
const verdicts = new WeakMap<PackageRules, WeakMap<readonly InstalledPackage[], Map<string, Verdict>>>();

function verdictOf(installed: readonly InstalledPackage[], minimum: string, rules: PackageRules): Verdict {
  // A list that is not frozen (facts built by hand, a plan's projection) may change between calls: judged afresh.
  if (!Object.isFrozen(installed)) return judge(installed, minimum, rules);
  let byList = verdicts.get(rules);
  if (!byList) verdicts.set(rules, (byList = new WeakMap()));
  let byMinimum = byList.get(installed);
  if (!byMinimum) byList.set(installed, (byMinimum = new Map()));
  let verdict = byMinimum.get(minimum);
  if (!verdict) byMinimum.set(minimum, (verdict = judge(installed, minimum, rules)));
  return verdict;
}

function judge(installed: readonly InstalledPackage[], minimum: string, rules: PackageRules): Verdict {
  const newest = installed.length ? rules.newest(installed) : null;
  return { newest: newest ? formatEvr(newest) : null, ok: newest !== null && rules.satisfies(newest, minimum) };
}

/** "qemu-kvm-rhev 10:2.10.0-21.el7, libvirt 3.9.0-14.el7" */
export function describeInstalled(list: readonly { name: string; installed: InstalledPackage[] }[]): string {
  return list.map((p) => `${p.name} ${formatEvr(newestOf(p.installed))}`).join(', ');
}
