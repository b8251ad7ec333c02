// Gather output to HostFacts: splits the sections and hands each to its pure parser.
import { GatherError } from './errors.js';
import { parseDomCapabilities } from './domcaps.js';
import { ABSENT_RC, LAYOUT_UNKNOWN_RC, provenanceOf, READ, type EvidenceMap, type Provenance } from './evidence.js';

const EVIDENCE_WHAT = { domcaps: 'virsh domcapabilities', guests: 'virsh list', 'image-rpm': 'rpm -q in the libvirt container' } as const;
import { parseGuests } from './guests.js';
import { AGENT_SECTION, parseAgentSection } from './nova-compute-agent-section.js';
import { dpkgPackages } from './dpkg-evidence.js';
import { parseNovaLibvirt } from './nova-conf.js';
import { splitSections, type Section } from './sections.js';
import {
  sharedAgentSection, sharedCpuinfo, sharedImageRpm, sharedKernelLog, sharedLayout, sharedMeta, sharedNovaConfTarget, sharedOsRelease, sharedPrivilege, sharedRpmQuery,
} from './shared-parses.js';
import type { DomCapabilities, HostFacts } from './types.js';
import { parseMdsState } from './vulnerabilities.js';

export { parsePrivilege } from './privilege.js';

export interface GatherReport {
  facts: HostFacts;
  /** Exit status per section (null = output cut short inside it). */
  sections: Record<string, number | null>;
  /** Sections that failed in a way the facts only show as "unknown" (tool missing, unreadable file, bad XML). */
  problems: string[];
}

/** Like parseGather, with the per-section exit codes and the problems met on the way. */
export function parseGatherReport(output: string): GatherReport {
  const split = splitSections(output);
  if (split.nonce === null) throw new GatherError('gather output has no section markers (the script did not run)');
  const problems: string[] = [];
  const get = (name: string): Section | undefined => split.sections.get(name);
  /** Body when the command succeeded; null when the file is absent or the command failed (noted as a problem). */
  const ok = (name: string, absentIsNormal = true): string | null => {
    const s = get(name);
    if (!s) {
      problems.push(`${name}: section missing`);
      return null;
    }
    if (s.rc === 0) return s.body;
    if (!(absentIsNormal && s.rc === ABSENT_RC)) problems.push(`${name}: exit status ${s.rc === null ? 'unknown (output cut short)' : s.rc}`);
    return null;
  };

  const unameR = ok('uname-r')?.trim() ?? '';
  const bootId = ok('boot-id')?.trim() ?? '';
  if (unameR === '' || bootId === '') {
    throw new GatherError(`gather output lacks ${unameR === '' ? 'uname -r' : 'boot_id'}${split.complete ? '' : ' (output cut short)'}`);
  }
  if (!split.complete) problems.push('gather output cut short before its final marker');

  // Parses of texts that repeat across a fleet are shared (shared-parses.ts): frozen, so nothing below may change them.
  const { packageNames, imagePackageNames, novaConfPath } = sharedMeta(get('meta')?.body ?? '');

  // rpm -q exits with the number of names not installed; that is an answer, not a failure.
  const rpm = get('rpm');
  const os = sharedOsRelease(ok('os-release'), ok('redhat-release'));
  // A Debian-family host without rpm is normal: only its dpkg answer is a problem when missing.
  if (os.packaging !== 'deb' && rpm && rpm.rc !== 0 && !(rpm.rc !== null && rpm.rc <= packageNames.length && rpm.rc < 127)) problems.push(`rpm: exit status ${rpm.rc ?? 'unknown'}`);
  // Debian-family hosts (issue 15): packages and their evidence come from dpkg, not rpm.
  const dpkg = dpkgPackages(get('dpkg'), packageNames, unameR, os.packaging === 'deb');
  if (os.packaging === 'deb' && dpkg.problem) problems.push(dpkg.problem);
  const packages = os.packaging === 'deb' ? dpkg.packages : sharedRpmQuery(rpm?.body ?? '', packageNames);
  // rpm inside the libvirt container: the same answer rules as the host's.
  const imageRpm = get('image-rpm');
  const imageWhere = /^where\t(\S+)/.exec(imageRpm?.body ?? '')?.[1] ?? null;
  const imageRows = imageWhere === 'container' && imageRpm?.rc !== null ? sharedImageRpm(imageRpm?.body ?? '', imagePackageNames) : null;
  const imageRpmAnswered = imageRows !== null;
  const imagePackages = imageRows ?? {};
  const layoutSection = get('layout');
  const layoutReading = layoutSection && layoutSection.rc === 0 ? sharedLayout(layoutSection.body) : null;
  if (layoutReading && !layoutReading.known) problems.push(`layout: unknown (${layoutReading.reason})`);

  const sysfs = { mds: ok('sysfs-mds'), tsxAsyncAbort: ok('sysfs-tsx_async_abort'), mmioStaleData: ok('sysfs-mmio_stale_data') };
  const novaConf = ok('nova-conf');
  let domcaps: DomCapabilities | null = null;
  const domcapsXml = ok('domcaps', false);
  if (domcapsXml !== null) {
    try {
      domcaps = parseDomCapabilities(domcapsXml);
    } catch (err) {
      problems.push(`domcaps: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  const kernelLogReading = sharedKernelLog(get('kernel-log')?.body ?? '');
  const kernelLog = kernelLogReading.log;
  const prov = (name: string, what: string): Provenance => provenanceOf(get(name)?.rc, what);
  const rpmProv: Provenance = !rpm ? provenanceOf(undefined, 'rpm') : rpm.rc === 0 || (rpm.rc !== null && rpm.rc <= packageNames.length && rpm.rc < 127) ? { state: 'read' } : provenanceOf(rpm.rc, 'rpm -q');
  const evidence: EvidenceMap = {
    'os-release': prov('os-release', '/etc/os-release'),
    rpm: rpmProv,
    dpkg: dpkg.provenance,
    'sysfs-mds': prov('sysfs-mds', '/sys/devices/system/cpu/vulnerabilities/mds'),
    'sysfs-tsx_async_abort': prov('sysfs-tsx_async_abort', '/sys/devices/system/cpu/vulnerabilities/tsx_async_abort'),
    'sysfs-mmio_stale_data': prov('sysfs-mmio_stale_data', '/sys/devices/system/cpu/vulnerabilities/mmio_stale_data'),
    cpuinfo: prov('cpuinfo', '/proc/cpuinfo'),
    'kernel-log': get('kernel-log') ? kernelLogReading.provenance : provenanceOf(undefined, 'kernel log'),
    'nova-conf': prov('nova-conf', novaConfPath || 'nova.conf'),
    // virsh's status, or a container engine's: never a file's (an exec's 3 is not "absent").
    domcaps: containerExecProvenance(get('domcaps')?.rc, 'virsh domcapabilities'),
    guests: containerExecProvenance(get('guests')?.rc, 'virsh list'),
    layout: layoutReading === null ? provenanceOf(layoutSection?.rc, 'layout probes') : layoutReading.known ? READ : { state: 'unreadable', reason: `deployment layout unknown: ${layoutReading.reason}` },
    'image-rpm': imageRpmAnswered ? READ
      : imageWhere === 'host' && imageRpm?.rc === 0 ? { state: 'absent', reason: 'qemu/libvirt are host packages in this layout' }
        : imageRpm?.rc === 0 ? { state: 'unreadable', reason: 'rpm -q in the libvirt container: not every package was answered' }
          : containerExecProvenance(imageRpm?.rc, 'rpm -q in the libvirt container'),
  };
  // Every read that needed the layout says why it has no answer, once, in the layout's own words.
  if (evidence.layout.state === 'unreadable') {
    for (const key of ['nova-conf', 'domcaps', 'guests', 'image-rpm'] as const) {
      if (layoutReading?.known === false || get(key)?.rc === LAYOUT_UNKNOWN_RC) evidence[key] = { state: 'unreadable', reason: `${key === 'nova-conf' ? 'nova.conf' : EVIDENCE_WHAT[key]}: ${evidence.layout.reason}` };
    }
  }
  // A document virsh printed but that is not domcapabilities XML is no answer either.
  if (evidence.domcaps.state === 'read' && domcaps === null) evidence.domcaps = { state: 'unreadable', reason: 'virsh domcapabilities: not domainCapabilities XML' };
  const privilege = sharedPrivilege(get('whoami')?.rc === 0 ? get('whoami')?.body ?? '' : '');

  const agentSection = get(AGENT_SECTION);
  const facts: HostFacts = {
    hostname: ok('hostname')?.trim() ?? '',
    os,
    kernelRunning: unameR,
    bootId,
    packages,
    sysfs,
    mds: parseMdsState(sysfs.mds),
    cpu: sharedCpuinfo(ok('cpuinfo') ?? ''),
    dmesgMds: kernelLogReading.mdsLines,
    kernelLog,
    ...(layoutReading?.known ? { layout: layoutReading.layout } : {}),
    novaComputeAgent: agentSection ? sharedAgentSection(agentSection.body, agentSection.rc) : parseAgentSection(undefined),
    imagePackages,
    novaConfPath,
    novaConfTarget: sharedNovaConfTarget(get('nova-conf-target')?.rc === 0 ? get('nova-conf-target')?.body ?? null : null, privilege.uid),
    novaConf,
    // Not shared: a real nova.conf names its own host (host, my_ip), so no two hosts print the same one.
    novaLibvirt: parseNovaLibvirt(novaConf),
    domcaps,
    guests: parseGuests(ok('guests', false) ?? ''),
    privilege,
    evidence,
  };
  const sections: Record<string, number | null> = {};
  for (const [name, s] of split.sections) sections[name] = s.rc;
  return { facts, sections, problems };
}

/** An exec into a container: its status is rpm's or the engine's, never a file's (3 is not "absent", 4 not "denied"). */
function containerExecProvenance(rc: number | null | undefined, what: string): Provenance {
  if (rc === null || rc === undefined || rc === 0 || rc === 124 || rc === 126 || rc === 127) return provenanceOf(rc, what);
  return { state: 'unreadable', reason: `${what}: exit status ${rc}` };
}

/** HostFacts from the output of buildGatherCommand(); throws GatherError when uname -r or boot_id is missing. */
export function parseGather(output: string): HostFacts {
  return parseGatherReport(output).facts;
}
