// What the one gather script prints on a simulated host read as root: every section, framed by the run's markers, as the lab's tools print it.
import { ABSENT_RC } from '../facts/evidence.js';
import { beginMarker, doneMarker, endMarkerPrefix } from '../facts/sections.js';
import { OS_RELEASE, type LabDist, renderDmesg, renderDomcaps, renderJournalKernel, type BootState, type InstalledRow } from './lab-model.js';

export interface GatherRequest {
  nonce: string;
  packages: string[];
  novaConfPath: string;
}

export interface GatherHostView {
  name: string;
  spec: { dist: LabDist; cpu: 'intel' | 'amd'; faults: { dmesgWrapped: boolean } };
  installed: InstalledRow[];
  boot: BootState;
  readFile(path: string): Buffer | null;
  /** What `systemctl is-active <unit>` answers on the host: the gather asks it too, and must hear the same. */
  isActive(unit: string): { code: number; stdout: string };
}

export interface GatherGuest {
  uuid: string;
  name: string;
  state: 'running' | 'paused' | 'shut off';
  mdClear: boolean;
}

const ABSENT = ABSENT_RC; // the gather's exit status for a file that does not exist

// A fleet prints a handful of distinct documents: each is rendered once (the product's parser memoises them the same way).
const domcapsCache = new Map<string, string>();
const kernelLogCache = new Map<string, string>();

function domcaps(boot: BootState): string {
  const key = `${boot.dist}:${boot.cpu}:${boot.hostModelMdClear}`;
  let xml = domcapsCache.get(key);
  if (xml === undefined) domcapsCache.set(key, (xml = renderDomcaps(boot)));
  return xml;
}

// The gather's grep for bug lines (src/facts/gather-command.ts KERNEL_BUG_GREP): MDS, TAA and MMIO Stale Data.
const BUG_LINE = /MDS: |MDS CPU bug present|TAA: |TAA CPU bug present|MMIO Stale Data: |MMIO Stale Data CPU bug present/;

/**
 * The kernel-log section as the script prints it on a lab host read as root: dmesg first (its first line, then its bug
 * lines); when dmesg has no `MDS:` line (AMD, an unfixed kernel, a wrapped ring), journalctl -k -b 0, then
 * /var/log/dmesg, which a lab host does not have (absent, status 3).
 */
function kernelLog(host: GatherHostView): string {
  const boot = host.boot;
  const wrapped = host.spec.faults.dmesgWrapped;
  const key = `${boot.dist}:${boot.cpu}:${boot.kernelRelease}:${boot.kernelFixed}:${boot.microcodeFixed}:${wrapped}`;
  let text = kernelLogCache.get(key);
  if (text !== undefined) return text;
  const dmesg = renderDmesg(boot, 'host', { wrapped }).split('\n').filter(Boolean);
  const bugLines = (lines: string[]): string[] => lines.filter((l) => BUG_LINE.test(l)).map((l) => `line\t${l}`);
  const out = ['source\tdmesg\t0', `start\t${dmesg[0] ?? ''}`, ...bugLines(dmesg)];
  if (!dmesg.some((l) => l.includes('MDS: '))) {
    const journal = renderJournalKernel(boot, 'host', { wrapped }).split('\n').filter(Boolean);
    out.push('source\tjournal\t0', ...bugLines(journal));
    if (!journal.some((l) => l.includes('MDS: '))) out.push(`source\tvar-log-dmesg\t${ABSENT}`);
  }
  kernelLogCache.set(key, (text = out.join('\n')));
  return text;
}

function osRelease(dist: LabDist): string {
  // The rehearsal answers the gather as a RHEL host does (rpm, yum); Ubuntu hosts are the lab's alone for now.
  if (dist !== 'el7' && dist !== 'el8') throw new Error(`rehearse models RHEL hosts only, not ${dist}`);
  const o = OS_RELEASE[dist];
  return `NAME="${o.name}"\nVERSION="${o.versionId}"\nID="${o.id}"\nID_LIKE="fedora"\nVERSION_ID="${o.versionId}"\nPRETTY_NAME="${o.pretty}"\n`;
}

export function gatherOutput(host: GatherHostView, req: GatherRequest, guests: GatherGuest[]): string {
  const out: string[] = [];
  const section = (name: string, body: string, rc = 0): void => {
    out.push(`${beginMarker(req.nonce, name)}\n${body}\n${endMarkerPrefix(req.nonce, name)}${rc}@@\n`);
  };
  const file = (name: string, content: string | null): void => (content === null ? section(name, '', ABSENT) : section(name, content));
  const boot = host.boot;

  section('meta', [`nova-conf-path\t${req.novaConfPath}`, ...req.packages.map((p) => `package\t${p}`)].join('\n'));
  // A simulated host is bare metal: the layout section says so, as a real gather would decide it.
  section('layout', ['probe\tpuppet-nova-conf\tno', 'probe\tkolla-nova-conf\tno', 'probe\tnova-cpu-conf\tno', 'probe\tetc-nova-conf\tyes',
    'probe\tosa-venv-link\tno', 'engine\tdocker\tabsent', 'engine\tpodman\tabsent', 'unit\topenstack-nova-compute', 'layout\tbaremetal',
    'source\tdetected', `nova-conf\t${req.novaConfPath}`, 'virsh\thost', 'nova-compute\tsystemd:openstack-nova-compute', 'virt-packages\thost',
    'image\t', 'basis\t/etc/nova/nova.conf', 'basis\tunit openstack-nova-compute'].join('\n'));
  // The steps run the gather as root (become), as a real host's sudo gives it.
  section('whoami', 'uid\t0\nuser\troot');
  // The bare-metal layout's agent, asked in the gather as the script asks it (its stdout lines tagged, its status).
  const agent = host.isActive('openstack-nova-compute');
  section('nova-compute-agent', ['agent\tsystemd:openstack-nova-compute', `rc\t${agent.code}`,
    ...agent.stdout.split('\n').filter((l) => l.trim() !== '').map((l) => `out\t${l}`)].join('\n'));
  section('hostname', host.name);
  file('os-release', osRelease(host.spec.dist));
  file('redhat-release', `${OS_RELEASE[host.spec.dist].redhatRelease}\n`);
  section('uname-r', boot.kernelRelease);
  file('boot-id', `${boot.bootId}\n`);
  let missing = 0;
  const rpm: string[] = [];
  for (const p of req.packages) {
    const rows = host.installed.filter((r) => r.name === p);
    if (rows.length === 0) {
      missing++;
      rpm.push(`package ${p} is not installed`);
    }
    for (const r of rows) rpm.push([r.name, r.epoch ?? '(none)', r.version, r.release, r.arch].join('\t'));
  }
  section('rpm', rpm.join('\n'), missing);
  // The simulated hosts are RHEL-like: no dpkg-query, as the gather's dpkg section reports it.
  section('dpkg', '', ABSENT);
  for (const [name, v] of [['mds', boot.sysfs.mds], ['tsx_async_abort', boot.sysfs.tsx_async_abort], ['mmio_stale_data', boot.sysfs.mmio_stale_data]] as const) {
    file(`sysfs-${name}`, v === null ? null : `${v}\n`);
  }
  section('cpuinfo', `vendor_id: ${boot.cpu === 'intel' ? 'GenuineIntel' : 'AuthenticAMD'}\nmd_clear: ${boot.cpuinfoMdClear ? 'yes' : 'no'}`);
  section('kernel-log', kernelLog(host));
  const conf = host.readFile(req.novaConfPath);
  file('nova-conf', conf === null ? null : conf.toString('utf8'));
  // A simulated nova.conf is a plain, writable file on a read-write filesystem.
  if (conf !== null) section('nova-conf-target', `target\t${req.novaConfPath}\ndir-writable\tyes\nmount\trw\nattrs\t-\t${req.novaConfPath}`);
  section('domcaps', domcaps(boot));
  section('image-rpm', 'where\thost');
  const g: string[] = [];
  for (const guest of guests) {
    g.push(`guest\t${guest.uuid}\t${guest.state}`, 'dumpxml\t0', `name\t${guest.name}`);
    // The lab's virsh prints the domain's <cpu> for a shut-off guest too (its inactive definition); the parser reads
    // no live CPU into a guest that is not running.
    g.push("cpu\t  <cpu mode='custom' match='exact' check='full'>");
    if (guest.mdClear) g.push("feature\t    <feature policy='require' name='md-clear'/>");
  }
  section('guests', g.join('\n'));
  out.push(`${doneMarker(req.nonce)}\n`);
  return out.join('');
}
