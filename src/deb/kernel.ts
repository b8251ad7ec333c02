// Debian and Ubuntu kernels: the running kernel's release (`uname -r` without its flavour) and the image packages that carry one.

export interface DebKernelRelease {
  /** `4.15.0-50` of `4.15.0-50-generic`: the ABI release, compared as a Debian version. */
  release: string;
  /** `generic`, `lowlatency`, `aws`, `amd64`, `cloud-amd64`, ... */
  flavour: string;
}

// Ubuntu: 4.15.0-50-generic, 4.15.0-1040-aws; Debian: 4.19.0-5-amd64, 4.19.0-5-cloud-amd64, 6.1.0-18-rt-amd64.
const UNAME = /^(\d+\.\d+(?:\.\d+)?-\d+)-([a-z][a-z0-9]*(?:-[a-z0-9]+)*)$/;

/** The release and flavour of a Debian-style `uname -r`, or null for anything else (an RHEL kernel, a custom build). */
export function parseDebUnameR(unameR: string): DebKernelRelease | null {
  const m = UNAME.exec(unameR.trim());
  if (!m) return null;
  return { release: m[1]!, flavour: m[2]! };
}

/**
 * The kernel release an image package carries, when its name is one of the forms both distributions use for a kernel
 * image: `linux-image-<release>-<flavour>`, Ubuntu's `linux-image-unsigned-<release>-<flavour>`, Debian's
 * `linux-image-<release>-<flavour>-unsigned`. Metapackages (`linux-image-generic`), debug symbols (`-dbg`, `-dbgsym`)
 * and headers are not images: null.
 */
export function imagePackageRelease(name: string): DebKernelRelease | null {
  const m = /^linux-image-(?:unsigned-)?(.+?)(?:-unsigned)?$/.exec(name);
  if (!m || /-(dbg|dbgsym)$/.test(name)) return null;
  return parseDebUnameR(m[1]!);
}
