// /etc/os-release (or, on hosts without it, /etc/redhat-release) to OsRelease with its release key (el7, ubuntu1804, debian10) and packaging.
import type { OsRelease } from './types.js';

/** KEY=value pairs with the shell quoting os-release(5) allows ("...", '...', backslash escapes). */
export function parseOsReleaseVars(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line.trimEnd());
    if (!m?.[1]) continue;
    const raw = m[2] ?? '';
    let value: string;
    if (raw.startsWith('"')) value = raw.slice(1, raw.endsWith('"') && raw.length > 1 ? -1 : undefined).replace(/\\([\\"$`])/g, '$1');
    else if (raw.startsWith("'")) value = raw.slice(1, raw.endsWith("'") && raw.length > 1 ? -1 : undefined);
    else value = raw.replace(/\\(.)/g, '$1');
    out[m[1]] = value;
  }
  return out;
}

// Rebuilds of RHEL share its package versions, so they share its release key.
const EL_IDS = new Set(['rhel', 'centos', 'rocky', 'almalinux', 'ol', 'scientific', 'cloudlinux', 'eurolinux', 'virtuozzo', 'navix']);

/**
 * 'el7' for RHEL 7.x and its rebuilds, 'fc40' for Fedora 40, 'ubuntu1804' for Ubuntu 18.04 (Ubuntu's releases are
 * year.month, and each has its own package versions), 'debian10' for Debian 10, otherwise `<id><major>`.
 */
export function distKey(id: string, versionId: string, idLike: string[] = []): string {
  const major = /^\d+/.exec(versionId)?.[0] ?? '';
  if (EL_IDS.has(id) || idLike.includes('rhel')) return `el${major}`;
  if (id === 'ubuntu') return /^\d+\.\d+$/.test(versionId) ? `ubuntu${versionId.replace('.', '')}` : `ubuntu${major}`;
  if (id === 'fedora') return `fc${major}`;
  return `${id}${major}`;
}

/** OsRelease from os-release text, falling back to redhat-release text (EL6 and older have no os-release). */
export function parseOsRelease(osRelease: string | null, redhatRelease: string | null = null): OsRelease {
  const vars = osRelease ? parseOsReleaseVars(osRelease) : {};
  if (vars['ID'] !== undefined) {
    const id = vars['ID'].toLowerCase();
    const versionId = vars['VERSION_ID'] ?? '';
    const idLike = (vars['ID_LIKE'] ?? '').toLowerCase().split(/\s+/).filter(Boolean);
    // Debian's family is told by dpkg; everything else keeps the rpm default (packaging absent).
    const deb = id === 'debian' || id === 'ubuntu' || idLike.includes('debian') || idLike.includes('ubuntu');
    return { id, versionId, dist: distKey(id, versionId, idLike), prettyName: vars['PRETTY_NAME'] ?? vars['NAME'] ?? id, ...(deb ? { packaging: 'deb' as const } : {}) };
  }
  const rh = (redhatRelease ?? '').trim();
  const m = /^(.*?)\s+release\s+(\d+(?:\.\d+)*)/.exec(rh);
  if (m) {
    const name = m[1] ?? '';
    const id = /red hat/i.test(name) ? 'rhel' : /centos/i.test(name) ? 'centos' : /rocky/i.test(name) ? 'rocky' : /alma/i.test(name) ? 'almalinux' : /fedora/i.test(name) ? 'fedora' : 'rhel';
    const versionId = m[2] ?? '';
    return { id, versionId, dist: distKey(id, versionId), prettyName: rh };
  }
  return { id: 'unknown', versionId: '', dist: 'unknown', prettyName: rh };
}
