// Output of `rpm -q --qf '%{NAME}\t%{EPOCH}\t%{VERSION}\t%{RELEASE}\t%{ARCH}\n' PKG...` to installed packages.
import type { InstalledPackage } from './types.js';

/** The --qf the gather command uses; the parser below reads exactly these five tab-separated fields. */
export const RPM_QUERY_FORMAT = '%{NAME}\\t%{EPOCH}\\t%{VERSION}\\t%{RELEASE}\\t%{ARCH}\\n';

/**
 * Every installed version per name, in rpmdb order (not sorted). rpm prints the literal `(none)` for a missing
 * tag: an absent epoch becomes null (compares as 0). `package X is not installed` lines (stdout, rpm's exit status
 * counts them) and anything else without five fields are skipped; `names` pre-seeds empty lists for those.
 */
export function parseRpmQuery(text: string, names: readonly string[] = []): Record<string, InstalledPackage[]> {
  const out: Record<string, InstalledPackage[]> = {};
  for (const n of names) out[n] = [];
  for (const line of text.split('\n')) {
    const f = line.replace(/\r$/, '').split('\t');
    if (f.length !== 5) continue;
    const [name = '', epoch = '', version = '', release = '', arch = ''] = f;
    if (name === '' || version === '' || version === '(none)') continue;
    const pkg: InstalledPackage = {
      name,
      epoch: epoch === '(none)' || epoch === '' ? null : epoch,
      version,
      release: release === '(none)' || release === '' ? null : release,
      arch: arch === '(none)' ? '' : arch,
    };
    (out[name] ??= []).push(pkg);
  }
  return out;
}
