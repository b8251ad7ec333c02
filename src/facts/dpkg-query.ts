// Output of `dpkg-query -W -f '${Package}\t${Version}\t${Architecture}\t${Status}\n' NAME... 'linux-image-*'` to installed packages.
import { imagePackageRelease, parseDebUnameR, parseDebVersion } from '../deb/index.js';
import type { InstalledPackage } from './types.js';

/** The -f format the gather passes to dpkg-query (dpkg expands the \t and \n itself). */
export const DPKG_QUERY_FORMAT = '${Package}\\t${Version}\\t${Architecture}\\t${Status}\\n';

/** The pattern that lists every kernel image, so the running one and the newest installed one can be told apart. */
export const KERNEL_IMAGE_PATTERN = 'linux-image-*';

/**
 * The playbook's role name for the kernel images on every release: on RHEL the package `kernel` itself, on Debian and
 * Ubuntu the `linux-image-<release>-<flavour>` packages of the running kernel's flavour.
 */
export const KERNEL_ROLE = 'kernel';

const DEB_NAME = /^[a-z0-9][a-z0-9+.-]+$/;

/** The names worth asking dpkg about: valid Debian package names, without the kernel role (RHEL names such as microcode_ctl are not). */
export function dpkgQueryNames(names: readonly string[]): string[] {
  return names.filter((n) => n !== KERNEL_ROLE && DEB_NAME.test(n));
}

// dpkg's ${Status} is "want eflag status". Only a configured package counts: unpacked, half-configured, half-installed and
// config-files (removed, configuration kept) have no working files; triggers-pending/awaited are configured and satisfy
// dependencies in dpkg. A reinst-required error flag means dpkg itself no longer trusts the package.
const INSTALLED_STATES = new Set(['installed', 'triggers-pending', 'triggers-awaited']);

/** Whether a ${Status} value means the package is installed and usable. */
export function isInstalledStatus(status: string): boolean {
  const [, eflag, state] = status.trim().split(/\s+/);
  return eflag === 'ok' && state !== undefined && INSTALLED_STATES.has(state);
}

/**
 * Installed versions per asked-for name (`names` are pre-seeded with empty lists), plus, under `kernel`, every installed
 * kernel image of the running kernel's flavour, with the release from its name (`4.15.0-50`) as its version: uname -r
 * carries only that, so the running kernel and the images compare on the same terms. Lines that are not four fields,
 * or whose version dpkg itself would flag, are skipped; the same package printed twice (a name and the pattern) counts once.
 */
export function parseDpkgQuery(text: string, names: readonly string[], unameR: string): Record<string, InstalledPackage[]> {
  const out: Record<string, InstalledPackage[]> = {};
  for (const n of names) out[n] = [];
  const wanted = new Set(names);
  const running = parseDebUnameR(unameR);
  const kernels: InstalledPackage[] = [];
  const seen = new Set<string>();
  for (const line of text.split('\n')) {
    const f = line.replace(/\r$/, '').split('\t');
    if (f.length !== 4) continue;
    const [name = '', version = '', arch = '', status = ''] = f;
    if (name === '' || !isInstalledStatus(status) || seen.has(`${name}\t${arch}`)) continue;
    seen.add(`${name}\t${arch}`);
    let evr;
    try {
      evr = parseDebVersion(version);
    } catch {
      continue;
    }
    if (wanted.has(name)) (out[name] ??= []).push({ name, arch, ...evr });
    const image = imagePackageRelease(name);
    if (image && running && image.flavour === running.flavour) {
      const [ver = '', rel = null] = image.release.split('-');
      kernels.push({ name, arch, epoch: null, version: ver, release: rel });
    }
  }
  if (wanted.has(KERNEL_ROLE) || kernels.length) out[KERNEL_ROLE] = kernels;
  return out;
}
