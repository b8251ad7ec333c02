// What the one gather script prints on a simulated host: every section, framed by the run's markers, as the lab's tools print it.
import { beginMarker, doneMarker, endMarkerPrefix } from '../facts/sections.js';
import { OS_RELEASE, renderDmesg, renderDomcaps, type BootState, type InstalledRow } from './lab-model.js';

export interface GatherRequest {
  nonce: string;
  packages: string[];
  novaConfPath: string;
}

export interface GatherHostView {
  name: string;
  spec: { dist: 'el7' | 'el8'; cpu: 'intel' | 'amd' };
  installed: InstalledRow[];
  boot: BootState;
  readFile(path: string): Buffer | null;
}

export interface GatherGuest {
  uuid: string;
  name: string;
  state: 'running' | 'paused' | 'shut off';
  mdClear: boolean;
}

const ABSENT = 3; // the gather's exit status for a file that does not exist

// A fleet prints a handful of distinct documents: each is rendered once (the product's parser memoises them the same way).
const domcapsCache = new Map<string, string>();
const dmesgCache = new Map<string, string>();

function domcaps(boot: BootState): string {
  const key = `${boot.dist}:${boot.cpu}:${boot.hostModelMdClear}`;
  let xml = domcapsCache.get(key);
  if (xml === undefined) domcapsCache.set(key, (xml = renderDomcaps(boot)));
  return xml;
}

function dmesgMds(boot: BootState): string {
  const key = `${boot.dist}:${boot.cpu}:${boot.kernelRelease}:${boot.microcodeFixed}`;
  let text = dmesgCache.get(key);
  if (text === undefined) {
    text = renderDmesg(boot, 'host').split('\n').filter((l) => l.includes('MDS: ') || l.includes('MDS CPU bug present')).join('\n');
    dmesgCache.set(key, text);
  }
  return text;
}

function osRelease(dist: 'el7' | 'el8'): string {
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
  for (const [name, v] of [['mds', boot.sysfs.mds], ['tsx_async_abort', boot.sysfs.tsx_async_abort], ['mmio_stale_data', boot.sysfs.mmio_stale_data]] as const) {
    file(`sysfs-${name}`, v === null ? null : `${v}\n`);
  }
  section('cpuinfo', `vendor_id: ${boot.cpu === 'intel' ? 'GenuineIntel' : 'AuthenticAMD'}\nmd_clear: ${boot.cpuinfoMdClear ? 'yes' : 'no'}`);
  section('dmesg-mds', dmesgMds(boot));
  const conf = host.readFile(req.novaConfPath);
  file('nova-conf', conf === null ? null : conf.toString('utf8'));
  section('domcaps', domcaps(boot));
  const g: string[] = [];
  for (const guest of guests) {
    g.push(`guest\t${guest.uuid}\t${guest.state}`, 'dumpxml\t0', `name\t${guest.name}`);
    if (guest.state !== 'shut off') {
      g.push("cpu\t  <cpu mode='custom' match='exact' check='full'>");
      if (guest.mdClear) g.push("feature\t    <feature policy='require' name='md-clear'/>");
    }
  }
  section('guests', g.join('\n'));
  out.push(`${doneMarker(req.nonce)}\n`);
  return out.join('');
}
