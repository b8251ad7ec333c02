// The host's package database and fake repository as the shell tools read them: one tab-separated line per package.
import { CATALOG, debKernelImageName, isDebDist, type LabDist } from '../catalog.js';
import { LabHostError } from './errors.js';

export interface PackageRow {
  name: string;
  epoch: string | null;
  version: string;
  release: string;
  arch: string;
}

export interface InstalledRow extends PackageRow {
  /** Seconds since the epoch (rpm's INSTALLTIME). */
  installTime: number;
  /** Ubuntu hosts: dpkg's Status ("install ok installed", "deinstall ok config-files"); absent = installed. */
  status?: string;
}

export interface RepoRow extends PackageRow {
  repo: string;
}

/** Packages every compute host carries that the remediation never touches: they make `rpm -qa` look like a host's. */
const BASE: Record<LabDist, PackageRow[]> = {
  el7: [
    { name: 'bash', epoch: null, version: '4.2.46', release: '31.el7', arch: 'x86_64' },
    { name: 'openssh-server', epoch: null, version: '7.4p1', release: '16.el7', arch: 'x86_64' },
    { name: 'sudo', epoch: null, version: '1.8.23', release: '3.el7', arch: 'x86_64' },
    { name: 'python2-nova', epoch: '1', version: '17.0.9', release: '1.el7ost', arch: 'noarch' },
    { name: 'openstack-nova-compute', epoch: '1', version: '17.0.9', release: '1.el7ost', arch: 'noarch' },
  ],
  el8: [
    { name: 'bash', epoch: null, version: '4.4.19', release: '7.el8', arch: 'x86_64' },
    { name: 'openssh-server', epoch: null, version: '7.8p1', release: '4.el8', arch: 'x86_64' },
    { name: 'sudo', epoch: null, version: '1.8.25p1', release: '4.el8', arch: 'x86_64' },
    { name: 'python3-nova', epoch: '1', version: '20.4.1', release: '1.el8ost', arch: 'noarch' },
    { name: 'openstack-nova-compute', epoch: '1', version: '20.4.1', release: '1.el8ost', arch: 'noarch' },
  ],
  // Bionic with Queens from the archive. initialPackages adds a kernel newer than any other, removed with its configuration
  // kept (dpkg's config-files state, as `apt remove` leaves it): it is not installed, and nothing may count it as such.
  ubuntu1804: [
    { name: 'bash', epoch: null, version: '4.4.18', release: '2ubuntu1', arch: 'amd64' },
    { name: 'openssh-server', epoch: '1', version: '7.6p1', release: '4ubuntu0.3', arch: 'amd64' },
    { name: 'sudo', epoch: null, version: '1.8.21p2', release: '3ubuntu1', arch: 'amd64' },
    { name: 'python-nova', epoch: '2', version: '17.0.9', release: '0ubuntu1', arch: 'all' },
    { name: 'nova-compute', epoch: '2', version: '17.0.9', release: '0ubuntu1', arch: 'all' },
  ],
};

/** The name a catalog row has on the host: Ubuntu's kernel images are one package per release. */
function hostName(dist: LabDist, name: string, version: string, release: string): string {
  return isDebDist(dist) && name === 'kernel' ? debKernelImageName(version, release) : name;
}

/** Repository ids as the dist's subscription names them (qemu/libvirt come from the virt module stream on el8). */
export function repoFor(dist: LabDist, name: string): string {
  if (isDebDist(dist)) return 'bionic-updates';
  if (dist === 'el7') return name === 'qemu-kvm-rhev' ? 'rhel-7-server-rhv-4-mgmt-agent-rpms' : 'rhel-7-server-rpms';
  return name === 'kernel' || name === 'microcode_ctl' ? 'rhel-8-for-x86_64-baseos-rpms' : 'rhel-8-for-x86_64-appstream-rpms';
}

/** The repository id a broken-repo fault names. */
export function baseRepo(dist: LabDist): string {
  if (isDebDist(dist)) return 'bionic-updates';
  return dist === 'el7' ? 'rhel-7-server-rpms' : 'rhel-8-for-x86_64-baseos-rpms';
}

/**
 * What is installed when the lab first creates the host, oldest first. A fixed host also got the fixed builds
 * (the kernel beside the old ones, like yum does); `t0` is when the image was installed.
 */
export function initialPackages(dist: LabDist, fixed: boolean, t0: number): InstalledRow[] {
  const rows: InstalledRow[] = BASE[dist].map((p) => ({ ...p, installTime: t0 }));
  if (isDebDist(dist)) rows.push({ name: debKernelImageName('4.15.0', '55.60'), epoch: null, version: '4.15.0', release: '55.60', arch: 'amd64', installTime: t0, status: 'deinstall ok config-files' });
  let t = t0;
  for (const p of CATALOG[dist]) {
    for (const v of p.old) rows.push({ name: hostName(dist, p.name, v.version, v.release), epoch: p.epoch, ...v, arch: p.arch, installTime: (t += 86_400) });
  }
  if (fixed) {
    const later = t + 30 * 86_400;
    for (const p of CATALOG[dist]) {
      const row = { name: hostName(dist, p.name, p.fixed.version, p.fixed.release), epoch: p.epoch, ...p.fixed, arch: p.arch, installTime: later };
      if (p.name === 'kernel') rows.push(row);
      else rows.splice(rows.findIndex((r) => r.name === p.name), 1, row);
    }
  }
  return rows;
}

export function repoOffers(dist: LabDist): RepoRow[] {
  return CATALOG[dist].map((p) => ({ name: hostName(dist, p.name, p.fixed.version, p.fixed.release), epoch: p.epoch, ...p.fixed, arch: p.arch, repo: repoFor(dist, p.name) }));
}

export function formatInstalled(rows: InstalledRow[]): string {
  return rows.map((r) => [r.name, r.epoch ?? '', r.version, r.release, r.arch, String(r.installTime), ...(r.status ? [r.status] : [])].join('\t') + '\n').join('');
}

export function formatRepo(rows: RepoRow[]): string {
  return rows.map((r) => [r.name, r.epoch ?? '', r.version, r.release, r.arch, r.repo].join('\t') + '\n').join('');
}

export function parseInstalled(text: string, file = 'rpmdb.tsv'): InstalledRow[] {
  const rows: InstalledRow[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    const f = line.split('\t');
    if (f.length < 5) throw new LabHostError('E_LAB_STATE', `${file}:${i + 1}: expected name, epoch, version, release, arch`);
    rows.push({ name: f[0]!, epoch: f[1] === '' ? null : f[1]!, version: f[2]!, release: f[3]!, arch: f[4]!, installTime: Number(f[5] ?? 0), ...(f[6] ? { status: f[6] } : {}) });
  });
  return rows;
}

/** `VERSION-RELEASE.ARCH`, what `uname -r` prints for a kernel package. */
export function kernelRelease(p: PackageRow): string {
  return `${p.version}-${p.release}.${p.arch}`;
}

const VIRT = (name: string) => name.startsWith('qemu-kvm') || name === 'libvirt';
const NOVA = (name: string) => name === 'openstack-nova-compute' || /^python[23]?-nova$/.test(name);

/** Where each layout keeps a package: qemu/libvirt in the image for containers, nova from a venv or git for osa/devstack. */
export interface PackagePlacement {
  /** qemu/libvirt rows stay on the host (bare metal, osa, devstack; or stale on OSP 13). */
  hostVirt: boolean;
  /** nova-compute is a host package (RPM installs only). */
  hostNova: boolean;
  /** The package that carries libvirtd where the host (or image) has one. */
  libvirtPackage: 'libvirt' | 'libvirt-daemon';
}

function renameLibvirt<T extends PackageRow>(rows: T[], to: PackagePlacement['libvirtPackage']): T[] {
  return rows.map((r) => (r.name === 'libvirt' ? { ...r, name: to } : r));
}

/** The host's package database at start for a layout: initialPackages() less what lives elsewhere. */
export function hostPackages(dist: LabDist, fixed: boolean, t0: number, where: PackagePlacement): InstalledRow[] {
  const rows = initialPackages(dist, fixed, t0).filter((r) => (where.hostVirt || !VIRT(r.name)) && (where.hostNova || !NOVA(r.name)));
  return renameLibvirt(rows, where.libvirtPackage);
}

export function hostRepo(dist: LabDist, where: PackagePlacement): RepoRow[] {
  return renameLibvirt(repoOffers(dist).filter((r) => where.hostVirt || !VIRT(r.name)), where.libvirtPackage);
}

/** The container image's own package database: its qemu and libvirt builds (fixed or not) and the nova it runs. */
export function imagePackages(dist: LabDist, fixed: boolean, t0: number, libvirtPackage: PackagePlacement['libvirtPackage']): InstalledRow[] {
  const base = BASE[dist].filter((p) => NOVA(p.name) || p.name === 'bash').map((p) => ({ ...p, installTime: t0 }));
  const virt = CATALOG[dist].filter((p) => VIRT(p.name)).map((p) => ({
    name: p.name, epoch: p.epoch, ...(fixed ? p.fixed : p.old[p.old.length - 1]!), arch: p.arch, installTime: t0,
  }));
  return renameLibvirt([...base, ...virt], libvirtPackage);
}

/** What the registry's newer image carries: the fixed qemu/libvirt builds (the deployment tool's image update pulls it). */
export function imageRepo(dist: LabDist, libvirtPackage: PackagePlacement['libvirtPackage']): RepoRow[] {
  return renameLibvirt(repoOffers(dist).filter((r) => VIRT(r.name)), libvirtPackage);
}
