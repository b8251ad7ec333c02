// Running kernel (`uname -r`) to package EVR/arch/flavour, and matching it against installed kernel packages.
import type { Evr, InstalledPackage } from '../facts/types.js';

export type KernelType = 'ordinary' | 'realtime';
export type PageSize = 'default' | 'large';

export interface UnameKernel extends Evr {
  arch: string;
  /** The flavour suffix without its '+'/'.' marker: 'debug', 'rt', '64k', 'rt-64k', ...; null for the plain kernel. */
  flavour: string | null;
  kernelType: KernelType;
  pageSize: PageSize;
  /** The uname -r string as given (trimmed). */
  raw: string;
}

// rpm arch names a RHEL-family kernel can carry; a last dot-segment outside this set means "not an rpm kernel".
const ARCHES = new Set(['x86_64', 'i686', 'i586', 'i386', 'aarch64', 'ppc64le', 'ppc64', 's390x', 'armv7hl', 'riscv64', 'noarch']);

/**
 * Parses `VERSION-RELEASE.ARCH[+flavour]` (EL8+: `+debug`, `+rt`, `+64k`, `+rt-64k`) or EL7's `...ARCH.debug`.
 * Returns null for strings that are not RHEL-style kernel releases (e.g. Debian's `6.1.0-18-amd64`).
 */
export function parseUnameR(unameR: string): UnameKernel | null {
  const raw = unameR.trim();
  let rest = raw;
  let flavour: string | null = null;
  const plus = /\+([A-Za-z0-9_-]+)$/.exec(rest);
  if (plus) {
    flavour = plus[1] ?? null;
    rest = rest.slice(0, plus.index);
  } else if (rest.endsWith('.debug')) {
    flavour = 'debug';
    rest = rest.slice(0, -'.debug'.length);
  }
  const dot = rest.lastIndexOf('.');
  if (dot < 0) return null;
  const arch = rest.slice(dot + 1);
  if (!ARCHES.has(arch)) return null;
  const vr = rest.slice(0, dot);
  // Kernel versions never contain '-', so the first dash splits version from release.
  const dash = vr.indexOf('-');
  if (dash <= 0 || dash === vr.length - 1) return null;
  const version = vr.slice(0, dash);
  const release = vr.slice(dash + 1);
  const flavourParts = (flavour ?? '').split(/[-_]/);
  // EL7/EL8/EL9.2 real-time kernels carry "rtNN.NNN" inside the release; EL9.3+ use the +rt flavour instead.
  const realtime = flavourParts.includes('rt') || /(^|\.)rt\d/.test(release);
  return {
    epoch: null,
    version,
    release,
    arch,
    flavour,
    kernelType: realtime ? 'realtime' : 'ordinary',
    pageSize: flavourParts.includes('64k') ? 'large' : 'default',
    raw,
  };
}

/**
 * Package names that provide this running kernel, most specific first: e.g. ['kernel-rt-64k-core', 'kernel-rt-64k']
 * (EL8+ split the files into `-core`; `kernel` itself is a meta package there) or ['kernel-core', 'kernel'].
 */
export function kernelPackageNames(kernel: UnameKernel): string[] {
  const parts = ['kernel'];
  if (kernel.kernelType === 'realtime') parts.push('rt');
  if (kernel.pageSize === 'large') parts.push('64k');
  if (kernel.flavour !== null && kernel.flavour.split(/[-_]/).includes('debug')) parts.push('debug');
  const base = parts.join('-');
  return [`${base}-core`, base];
}

/** The installed package that is the running kernel (same version, release and arch), or null when none is. */
export function findRunningKernel<T extends InstalledPackage>(unameR: string, installed: readonly T[]): T | null {
  const running = parseUnameR(unameR);
  if (running === null) return null;
  // Exact text, as rpm matches the kernel-uname-r provide: rpmvercmp would call 957.10.1 and 957.010.1 equal.
  return installed.find((p) => p.arch === running.arch && p.version === running.version && p.release === running.release) ?? null;
}
