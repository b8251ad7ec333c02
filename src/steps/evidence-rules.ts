// The evidence rules: unreadable evidence is unknown, never ok; a safety gate refuses on it; an unprivileged gather says how to fix it.
import type { EvidenceKey } from '../facts/evidence.js';
import type { HostFacts } from '../facts/types.js';
import type { HostSpec } from '../inventory/types.js';
import type { SourceLocation } from '../util/errors.js';
import { PreconditionError, RefusedError, UnknownEvidenceError } from './errors.js';

/** What an operator reads for each piece of evidence. */
export const EVIDENCE_LABEL: Record<EvidenceKey, string> = {
  'os-release': '/etc/os-release',
  rpm: 'the rpm database (rpm -q)',
  'sysfs-mds': '/sys/devices/system/cpu/vulnerabilities/mds',
  'sysfs-tsx_async_abort': '/sys/devices/system/cpu/vulnerabilities/tsx_async_abort',
  'sysfs-mmio_stale_data': '/sys/devices/system/cpu/vulnerabilities/mmio_stale_data',
  cpuinfo: '/proc/cpuinfo',
  'kernel-log': 'the kernel log (dmesg, journalctl -k -b 0, /var/log/dmesg)',
  'nova-conf': 'nova.conf',
  domcaps: 'virsh domcapabilities',
  guests: "the hypervisor's guest list (virsh -c qemu:///system list --all)",
  layout: 'the deployment layout (where nova.conf, virsh and nova-compute are)',
  'image-rpm': "the libvirt container image's rpm database (qemu, libvirt)",
};

/** Which of `keys` could not be relied on, each as "label (reason)". Absent nova.conf counts: its layout expects one. */
export function missingEvidence(facts: HostFacts, keys: readonly EvidenceKey[]): { key: EvidenceKey; text: string }[] {
  const out: { key: EvidenceKey; text: string }[] = [];
  for (const key of keys) {
    const p = facts.evidence[key];
    if (p.state === 'unreadable' || (p.state === 'absent' && key === 'nova-conf')) {
      // No path when the layout is unknown: the whole reason then says why.
      const conf = facts.novaConfPath ? `${facts.novaConfPath} (${p.reason.replace(/^.*: /, '')})` : `nova.conf (${p.reason})`;
      out.push({ key, text: key === 'nova-conf' ? conf : `${EVIDENCE_LABEL[key]} (${p.reason})` });
    }
  }
  return out;
}

function formatLocation(l: SourceLocation): string {
  return `${l.file}${l.line === undefined ? '' : `:${l.line}`}`;
}

/** How to make the evidence readable: privilege first, then what each missing piece needs. */
export function fixFor(facts: HostFacts, host: HostSpec | undefined, keys: readonly EvidenceKey[]): string {
  if (facts.privilege.uid !== null && facts.privilege.uid !== 0) return becomeFix(facts, host);
  const fixes: string[] = [];
  if (keys.includes('domcaps') || keys.includes('guests')) {
    const virsh = facts.layout?.virsh ? `${facts.layout.virsh.engine} exec ${facts.layout.virsh.container} virsh` : 'virsh on the host';
    fixes.push(`make virsh reach qemu:///system (the ${facts.layout?.name ?? 'detected'} layout runs ${virsh}; a containerized libvirt elsewhere: set mds_virsh, e.g. podman:nova_libvirt, or mds_layout in the inventory)`);
  }
  if (keys.includes('nova-conf')) {
    fixes.push(`point the tool at the nova.conf nova-compute reads (it looked at ${facts.novaConfPath || 'no path: the layout is unknown'}; set mds_layout or mds_nova_conf in the inventory) or restore the file`);
  }
  if (keys.includes('rpm')) fixes.push('make rpm -q work on the host');
  if (keys.includes('image-rpm')) fixes.push('make rpm -q work inside the libvirt container, or name it with mds_virt_packages in the inventory');
  if (keys.includes('layout')) fixes.push('set mds_layout (and any part: mds_nova_conf, mds_virsh, mds_nova_compute, mds_virt_packages) for the host or its group in the inventory');
  if (keys.some((k) => k.startsWith('sysfs') || k === 'cpuinfo' || k === 'kernel-log')) fixes.push('make the kernel files readable to the login user or run as root');
  return fixes.join('; ');
}

/** The fix for an unprivileged gather: set ansible_become (or make it work), saying where the user came from. */
export function becomeFix(facts: Pick<HostFacts, 'privilege'>, host: HostSpec | undefined): string {
  const user = facts.privilege.user ?? host?.user ?? 'the login user';
  const from = host?.origins?.user ? ` (its user "${user}" comes from ${formatLocation(host.origins.user)})` : host ? ` (its user "${user}" comes from ssh_config or the default)` : '';
  if (host?.become) {
    const at = host.origins?.become ? ` at ${formatLocation(host.origins.become)}` : '';
    return `ansible_become is set${at} for ${host.name}${from} but sudo did not give root: allow ${user} to run commands as root with sudo (passwordless, or give its password in MDS_BECOME_PASSWORD)`;
  }
  return `set ansible_become: true for ${host?.name ?? 'this host'}${from}, with passwordless sudo or MDS_BECOME_PASSWORD`;
}

/** Evidence whose absence makes a check's verdict unknown: throws UnknownEvidenceError naming what and how to fix it. */
export function requireEvidence(facts: HostFacts, keys: readonly EvidenceKey[], what: string, host?: HostSpec): void {
  const missing = missingEvidence(facts, keys);
  if (missing.length === 0) return;
  throw new UnknownEvidenceError(missing.map((m) => m.key), `${what} is unknown: could not read ${missing.map((m) => m.text).join(', ')}`, fixFor(facts, host, missing.map((m) => m.key)));
}

/** A safety gate: refuses the disruptive action when its evidence could not be read. */
export function refuseWithoutEvidence(facts: HostFacts, keys: readonly EvidenceKey[], action: string, host?: HostSpec): void {
  const missing = missingEvidence(facts, keys);
  if (missing.length === 0) return;
  throw new RefusedError(`refusing to ${action}: could not read ${missing.map((m) => m.text).join(', ')}; ${fixFor(facts, host, missing.map((m) => m.key))}`);
}

/** What "is a reboot due" rests on (rebootReasons): installed kernels, sysfs, and on Intel libvirt's host-model. */
export function rebootEvidence(facts: HostFacts): EvidenceKey[] {
  return facts.cpu.vendor === 'amd' ? ['rpm', 'sysfs-mds'] : ['rpm', 'sysfs-mds', 'domcaps'];
}

/** What the disruptive steps (drain, reboot) need read before they act on an Intel (or unknown) host. */
export function disruptiveEvidence(facts: HostFacts): EvidenceKey[] {
  const keys: EvidenceKey[] = ['rpm', 'sysfs-mds', 'guests'];
  if (facts.cpu.vendor !== 'amd') keys.push('domcaps', 'nova-conf');
  return keys;
}

/** Every piece of evidence the workflow reads with root's rights; an unprivileged gather that misses one cannot go on. */
const PRIVILEGED: readonly EvidenceKey[] = ['rpm', 'sysfs-mds', 'cpuinfo', 'kernel-log', 'nova-conf', 'domcaps', 'guests'];

/**
 * Not root and not allowed to read what is needed: the host fails before any step runs, with the fix. A login user
 * that can read everything (a libvirt group member with a world-readable nova.conf) is let through.
 */
export function assertPrivileged(facts: HostFacts, host: HostSpec): void {
  const { uid, user } = facts.privilege;
  if (uid === null || uid === 0) return;
  const missing = missingEvidence(facts, PRIVILEGED).filter((m) => facts.evidence[m.key].state === 'unreadable');
  if (missing.length === 0) return;
  throw new PreconditionError(
    `the gather ran as ${user ?? 'an unknown user'} (uid ${uid}), not root, and could not read ${missing.map((m) => m.text).join(', ')}: ${becomeFix(facts, host)}`,
    { host: host.name },
  );
}
