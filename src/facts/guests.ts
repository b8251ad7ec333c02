// The gather's guests section (virsh domstate + name and live <cpu> block from dumpxml) to Guest records.
import type { Guest } from './types.js';
import { taggedLines } from './tagged-lines.js';

function attrs(tag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of tag.matchAll(/([A-Za-z_][\w.-]*)\s*=\s*(?:'([^']*)'|"([^"]*)")/g)) {
    if (m[1]) out[m[1]] = m[2] ?? m[3] ?? '';
  }
  return out;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', apos: "'", quot: '"' };
function unescapeXml(s: string): string {
  return s.replace(/&(amp|lt|gt|apos|quot);/g, (_, e: string) => ENTITIES[e] ?? '');
}

// Domain states with no running QEMU process, so no live CPU definition.
const INACTIVE = new Set(['shut off', 'crashed', '']);

interface Pending {
  guest: Guest;
  dumpxmlRc: number | null;
  cpuMode: string | null;
  sawCpu: boolean;
  feature: boolean | null;
}

/**
 * Whether the live CPU has md-clear: true when a <feature name='md-clear'> asks for it (require/force/optional),
 * false when it is disabled/forbidden or a custom CPU (or no <cpu> at all, i.e. QEMU's default model) lacks it,
 * null when it cannot be told: guest not running, dumpxml failed, or host-model/host-passthrough/maximum without
 * expanded features (the guest then has whatever the host had when it started).
 */
function settle(p: Pending): Guest {
  let mdClear: boolean | null;
  if (INACTIVE.has(p.guest.state) || p.dumpxmlRc !== 0) mdClear = null;
  else if (p.feature !== null) mdClear = p.feature;
  else if (p.sawCpu && p.cpuMode !== null && p.cpuMode !== 'custom') mdClear = null;
  else mdClear = false;
  return { ...p.guest, mdClear };
}

export function parseGuests(text: string): Guest[] {
  const out: Guest[] = [];
  let cur: Pending | null = null;
  for (const { tag, rest } of taggedLines(text)) {
    if (tag === 'guest') {
      if (cur) out.push(settle(cur));
      const [uuid = '', state = ''] = rest.split('\t');
      cur = { guest: { uuid: uuid.trim(), state: state.trim(), name: '', mdClear: null }, dumpxmlRc: null, cpuMode: null, sawCpu: false, feature: null };
    } else if (!cur) {
      continue;
    } else if (tag === 'name') {
      cur.guest.name = unescapeXml(rest.trim());
    } else if (tag === 'dumpxml') {
      cur.dumpxmlRc = /^\d+$/.test(rest.trim()) ? Number(rest.trim()) : null;
    } else if (tag === 'cpu') {
      cur.sawCpu = true;
      // libvirt's default mode is custom when <cpu> has a <model> but no mode attribute.
      cur.cpuMode = attrs(rest)['mode'] ?? 'custom';
    } else if (tag === 'feature') {
      const a = attrs(rest);
      if (a['name'] !== 'md-clear') continue;
      const policy = a['policy'] ?? 'require';
      cur.feature = policy === 'require' || policy === 'force' || policy === 'optional';
    }
  }
  if (cur) out.push(settle(cur));
  return out;
}
