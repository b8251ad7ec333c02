// What a host runs after a boot, computed from what is installed when it boots: kernel, microcode, sysfs, md-clear.
import { CATALOG, isDebDist, type LabDist } from '../catalog.js';
import { compareLabEvr, labDebCompare, type LabEvr } from './evr.js';
import { kernelRelease, type InstalledRow, type PackageRow } from './packages.js';
import type { FakeCpu } from './spec.js';

export interface SysfsMds {
  /** File contents without the newline; null = the kernel has no such file. */
  mds: string | null;
  tsx_async_abort: string | null;
  mmio_stale_data: string | null;
}

export interface BootState {
  bootId: string;
  dist: LabDist;
  cpu: FakeCpu;
  /** The kernel package this boot runs: the last one installed (grub's default after a kernel update). */
  kernel: PackageRow;
  kernelRelease: string;
  kernelVersion: string;
  kernelFixed: boolean;
  /** The new microcode was installed before this boot, so the CPU runs it (early load). */
  microcodeFixed: boolean;
  qemuFixed: boolean;
  libvirtFixed: boolean;
  qemuVersion: string;
  libvirtVersion: string;
  /** `virsh domcapabilities` host-model requires md-clear. */
  hostModelMdClear: boolean;
  /** /proc/cpuinfo carries the md_clear flag. */
  cpuinfoMdClear: boolean;
  sysfs: SysfsMds;
}

const MITIGATED = 'Mitigation: Clear CPU buffers; SMT vulnerable';
const NO_MICROCODE = 'Vulnerable: Clear CPU buffers attempted, no microcode; SMT vulnerable';

function compareFor(dist: LabDist): (a: LabEvr, b: LabEvr) => number {
  return isDebDist(dist) ? labDebCompare : compareLabEvr;
}

/** dpkg keeps removed packages' configuration (config-files) and half-done ones in its database: those are not installed. */
function installedOnly(rows: InstalledRow[]): InstalledRow[] {
  return rows.filter((r) => r.status === undefined || / installed$/.test(r.status));
}

function newest(rows: InstalledRow[], name: string, dist: LabDist = 'el7'): InstalledRow | undefined {
  const cmp = compareFor(dist);
  let best: InstalledRow | undefined;
  for (const r of installedOnly(rows)) if (r.name === name && (!best || cmp(r, best) > 0)) best = r;
  return best;
}

function atLeastFixed(dist: LabDist, name: string, row: PackageRow | undefined): boolean {
  const cat = CATALOG[dist].find((p) => p.name === name);
  if (!cat || !row) return false;
  return compareFor(dist)(row, { epoch: cat.epoch, ...cat.fixed }) >= 0;
}

function packageName(dist: LabDist, role: 'qemu' | 'libvirt' | 'microcode'): string {
  if (isDebDist(dist)) return role === 'microcode' ? 'intel-microcode' : role === 'libvirt' ? 'libvirt-daemon-system' : 'qemu-system-x86';
  if (role === 'microcode') return 'microcode_ctl';
  if (role === 'libvirt') return 'libvirt';
  return dist === 'el7' ? 'qemu-kvm-rhev' : 'qemu-kvm';
}

/**
 * The kernel a boot runs. RHEL: the last one installed (an install makes it grub's default). Ubuntu: grub's menu lists
 * the installed images newest version first and boots the first, so the newest installed image.
 */
function bootKernel(dist: LabDist, installed: InstalledRow[], pinned?: { version: string; release: string }): InstalledRow | undefined {
  const kernels = isDebDist(dist)
    ? installedOnly(installed).filter((r) => /^linux-image-\d.*-generic$/.test(r.name)).sort(labDebCompare)
    : installed.filter((r) => r.name === 'kernel');
  return (pinned && kernels.find((k) => k.version === pinned.version && k.release === pinned.release)) || kernels[kernels.length - 1];
}

/** What uname -r prints for a kernel: RHEL's VERSION-RELEASE.ARCH, Ubuntu's <version>-<ABI>-generic (the image's name less linux-image-). */
function unameRelease(dist: LabDist, kernel: InstalledRow): string {
  return isDebDist(dist) ? kernel.name.slice('linux-image-'.length) : kernelRelease(kernel);
}

/**
 * The kernel rules: a kernel without the MDS fix has no sysfs files; a fixed kernel says "no microcode" until the
 * new microcode is loaded; AMD is not affected. md-clear reaches guests only when kernel, microcode, qemu and libvirt
 * are all fixed and running, i.e. installed before this boot.
 */
/** Where qemu/libvirt run from: the host's packages (default) or a container image's, and libvirtd's package name. */
export interface VirtSource {
  /** The image's package database; absent = the host's. */
  image?: InstalledRow[];
  libvirtPackage?: string;
}

export function computeBootState(
  dist: LabDist,
  cpu: FakeCpu,
  installed: InstalledRow[],
  bootId: string,
  virt: VirtSource = {},
  /** The kernel the default boot entry names when a kernel install did not move it; absent: the last installed (what an install makes it). */
  pinned?: { version: string; release: string },
): BootState {
  const kernel = bootKernel(dist, installed, pinned);
  if (!kernel) throw new Error('no kernel installed: the host cannot boot');
  const microcode = newest(installed, packageName(dist, 'microcode'), dist);
  const virtRows = virt.image ?? installed;
  const qemu = newest(virtRows, packageName(dist, 'qemu'), dist);
  // A layout's libvirt package name is RHEL's; Ubuntu's libvirtd comes from libvirt-daemon-system on every layout the lab has.
  const libvirt = newest(virtRows, isDebDist(dist) ? packageName(dist, 'libvirt') : virt.libvirtPackage ?? packageName(dist, 'libvirt'), dist);
  const kernelFixed = atLeastFixed(dist, 'kernel', kernel);
  const microcodeFixed = atLeastFixed(dist, packageName(dist, 'microcode'), microcode);
  const qemuFixed = atLeastFixed(dist, packageName(dist, 'qemu'), qemu);
  const libvirtFixed = atLeastFixed(dist, packageName(dist, 'libvirt'), libvirt);
  const intel = cpu === 'intel';
  let vuln: string | null = null;
  if (kernelFixed) vuln = !intel ? 'Not affected' : microcodeFixed ? MITIGATED : NO_MICROCODE;
  return {
    bootId,
    dist,
    cpu,
    kernel: { name: kernel.name, epoch: kernel.epoch, version: kernel.version, release: kernel.release, arch: kernel.arch },
    kernelRelease: unameRelease(dist, kernel),
    kernelVersion: kernelFixed ? '#1 SMP Fri Apr 19 21:09:07 UTC 2019' : '#1 SMP Thu Nov 8 23:39:32 UTC 2018',
    kernelFixed,
    microcodeFixed,
    qemuFixed,
    libvirtFixed,
    qemuVersion: qemu ? `${qemu.version}-${qemu.release}` : 'unknown',
    libvirtVersion: libvirt ? libvirt.version : 'unknown',
    hostModelMdClear: intel && kernelFixed && microcodeFixed && qemuFixed && libvirtFixed,
    cpuinfoMdClear: intel && microcodeFixed,
    sysfs: { mds: vuln, tsx_async_abort: vuln, mmio_stale_data: vuln },
  };
}

/**
 * The same boot after the containers restarted on a new image: kernel and microcode are what booted, qemu and libvirt
 * are the image's now, and host-model offers md-clear once all four are fixed.
 */
export function withRestartedImage(boot: BootState, image: InstalledRow[], libvirtPackage: string): BootState {
  const qemu = newest(image, packageName(boot.dist, 'qemu'), boot.dist);
  const libvirt = newest(image, libvirtPackage, boot.dist);
  const qemuFixed = atLeastFixed(boot.dist, packageName(boot.dist, 'qemu'), qemu);
  const libvirtFixed = atLeastFixed(boot.dist, packageName(boot.dist, 'libvirt'), libvirt);
  return {
    ...boot,
    qemuFixed,
    libvirtFixed,
    qemuVersion: qemu ? `${qemu.version}-${qemu.release}` : 'unknown',
    libvirtVersion: libvirt ? libvirt.version : 'unknown',
    hostModelMdClear: boot.cpu === 'intel' && boot.kernelFixed && boot.microcodeFixed && qemuFixed && libvirtFixed,
  };
}
