// Builds realistic HostFacts (el7/el8, Intel/AMD, every cpu_mode, each remediation stage) the way the gather would report them.
import type { DomCapabilities, Guest, HostFacts, InstalledPackage } from '../../src/facts/types.js';
import { allRead, parseMdsState, parseNovaLibvirt } from '../../src/facts/index.js';
import { newestOf, parseEvr, satisfiesMinimum } from '../../src/rpm/index.js';

export type Release = 'el7' | 'el8';
export type Vendor = 'intel' | 'amd';
/** unfixed: old everything; updated: fixed packages installed, old kernel still running; no-microcode: fixed kernel, old microcode; fixed: done. */
export type Stage = 'unfixed' | 'updated' | 'no-microcode' | 'fixed';
export type CpuModeSetting = 'host-model' | 'host-passthrough' | 'custom' | 'none' | null;

export const PACKAGES = ['microcode_ctl', 'kernel', 'qemu-kvm', 'libvirt'] as const;

/** Versions from the May 2019 MDS errata (RHSA-2019:1168 and friends) and the builds they replaced. */
export const VERSIONS: Record<Release, { old: Record<string, string>; fixed: Record<string, string>; minimum: Record<string, string> }> = {
  el7: {
    old: { microcode_ctl: '2:2.1-29.el7', kernel: '3.10.0-957.10.1.el7', 'qemu-kvm': '10:1.5.3-160.el7_6.1', libvirt: '4.5.0-10.el7_6.7' },
    fixed: { microcode_ctl: '2:2.1-47.2.el7_6', kernel: '3.10.0-957.12.2.el7', 'qemu-kvm': '10:1.5.3-160.el7_6.2', libvirt: '4.5.0-10.el7_6.9' },
    // As errata print them: without the epoch.
    minimum: { microcode_ctl: '2.1-47.2.el7_6', kernel: '3.10.0-957.12.2.el7', 'qemu-kvm': '1.5.3-160.el7_6.2', libvirt: '4.5.0-10.el7_6.9' },
  },
  el8: {
    old: { microcode_ctl: '4:20180807a-2.el8', kernel: '4.18.0-80.el8', 'qemu-kvm': '15:2.12.0-63.module+el8+2833+c7d6d092', libvirt: '4.5.0-23.module+el8+2800+2d311f65' },
    fixed: {
      microcode_ctl: '4:20180807a-2.20190507.1.el8_0',
      kernel: '4.18.0-80.1.2.el8_0',
      'qemu-kvm': '15:2.12.0-64.module+el8.0.0+3180+d6a3561d.2',
      libvirt: '4.5.0-24.1.module+el8.0.0+3183+c9db4fb6',
    },
    minimum: {
      microcode_ctl: '20180807a-2.20190507.1.el8_0',
      kernel: '4.18.0-80.1.2.el8_0',
      'qemu-kvm': '2.12.0-64.module+el8.0.0+3180+d6a3561d.2',
      libvirt: '4.5.0-24.1.module+el8.0.0+3183+c9db4fb6',
    },
  },
};

/** The playbook's minimums section for both releases. */
export function minimumsFor(...releases: Release[]): Record<string, Record<string, string>> {
  const rs = releases.length ? releases : (['el7', 'el8'] as Release[]);
  return Object.fromEntries(rs.map((r) => [r, { ...VERSIONS[r].minimum }]));
}

const OS: Record<Release, HostFacts['os']> = {
  el7: { id: 'rhel', versionId: '7.6', dist: 'el7', prettyName: 'Red Hat Enterprise Linux Server 7.6 (Maipo)' },
  el8: { id: 'rhel', versionId: '8.0', dist: 'el8', prettyName: 'Red Hat Enterprise Linux 8.0 (Ootpa)' },
};

export interface NovaConfOptions {
  release?: Release;
  cpuMode?: CpuModeSetting;
  cpuModels?: string[];
  /** Written as cpu_model_extra_flags when given (even empty). */
  extraFlags?: string[] | null;
  virtType?: string;
}

/** A nova.conf as deployments write it: comments, several sections; el7 (Queens) uses cpu_model, el8 (Train) cpu_models. */
export function novaConfText(o: NovaConfOptions = {}): string {
  const release = o.release ?? 'el7';
  const lines = [
    '[DEFAULT]',
    '# Managed by the deployment tool; local edits are kept by mds-orchestrate.',
    'compute_driver = libvirt.LibvirtDriver',
    'my_ip = 192.0.2.11',
    'debug = False',
    '',
    '[libvirt]',
    `virt_type = ${o.virtType ?? 'kvm'}`,
    '#cpu_mode = host-model',
  ];
  if (o.cpuMode) lines.push(`cpu_mode = ${o.cpuMode}`);
  if (o.cpuMode === 'custom') {
    const models = o.cpuModels ?? ['Skylake-Server-IBRS'];
    lines.push(`${release === 'el7' ? 'cpu_model' : 'cpu_models'} = ${models.join(',')}`);
  }
  if (o.extraFlags) lines.push(`cpu_model_extra_flags = ${o.extraFlags.join(',')}`);
  lines.push('live_migration_uri = qemu+ssh://nova_migration@%s:2022/system?keyfile=/etc/nova/migration/identity', '', '[workarounds]', '# disable_libvirt_livesnapshot = true', '');
  return lines.join('\n');
}

/** What `virsh domcapabilities` reports, already parsed; `mdClear` says whether host-model requires md-clear. */
export function domCapabilities(vendor: Vendor, mdClear: boolean): DomCapabilities {
  if (vendor === 'amd') {
    return {
      hostModel: {
        model: 'EPYC-IBPB',
        vendor: 'AMD',
        features: ['x2apic', 'tsc-deadline', 'hypervisor', 'tsc_adjust', 'cmp_legacy', 'perfctr_core', 'virt-ssbd'].map((name) => ({ name, policy: 'require' })),
      },
      hostPassthroughSupported: true,
      customModels: [
        { name: 'qemu64', usable: 'yes' },
        { name: 'Opteron_G3', usable: 'yes' },
        { name: 'EPYC', usable: 'yes' },
        { name: 'EPYC-IBPB', usable: 'yes' },
        { name: 'Skylake-Server-IBRS', usable: 'no' },
      ],
    };
  }
  const features = ['ss', 'vmx', 'hypervisor', 'tsc_adjust', 'clflushopt', 'pku', 'stibp', 'ssbd', 'xsaves', 'pdpe1gb'];
  if (mdClear) features.splice(6, 0, 'md-clear');
  return {
    hostModel: { model: 'Skylake-Server-IBRS', vendor: 'Intel', features: features.map((name) => ({ name, policy: 'require' })) },
    hostPassthroughSupported: true,
    customModels: [
      { name: 'qemu64', usable: 'yes' },
      { name: 'Nehalem', usable: 'yes' },
      { name: 'IvyBridge', usable: 'yes' },
      { name: 'Haswell-noTSX', usable: 'yes' },
      { name: 'Skylake-Client-IBRS', usable: 'yes' },
      { name: 'Skylake-Server-IBRS', usable: 'yes' },
      { name: 'Cascadelake-Server', usable: 'no' },
      { name: 'EPYC', usable: 'no' },
    ],
  };
}

let guestSeq = 0;
/** A virsh guest with a stable, realistic-looking uuid. */
export function guest(name: string, o: { state?: string; mdClear?: boolean | null; uuid?: string } = {}): Guest {
  guestSeq += 1;
  const uuid = o.uuid ?? `6f1c2d3e-0000-4000-8000-${guestSeq.toString(16).padStart(12, '0')}`;
  return { name, uuid, state: o.state ?? 'running', mdClear: o.mdClear === undefined ? false : o.mdClear };
}

/** The running state of a host: what booted, independent of what is installed now. */
export interface HostState {
  hostname: string;
  release: Release;
  vendor: Vendor;
  /** Installed EVRs per package, rpmdb order (kernels are installonly: several). */
  installed: Record<string, string[]>;
  kernelRunning: string;
  bootId: string;
  kernelHasFix: boolean;
  microcodeLoaded: boolean;
  virtOffersMdClear: boolean;
  smt: string;
  novaConf: string | null;
  guests: Guest[];
}

export function packagesOf(installed: Record<string, string[]>): Record<string, InstalledPackage[]> {
  return Object.fromEntries(
    Object.entries(installed).map(([name, evrs]) => [name, evrs.map((e) => ({ name, arch: 'x86_64', ...parseEvr(e) }))]),
  );
}

export function unameOf(kernelEvr: string): string {
  const { version, release } = parseEvr(kernelEvr);
  return `${version}-${release}.x86_64`;
}

/** Whether the newest installed version of `pkg` meets the release's fix. */
export function installedFixed(state: Pick<HostState, 'installed' | 'release'>, pkg: string): boolean {
  const list = packagesOf(state.installed)[pkg] ?? [];
  const min = VERSIONS[state.release].minimum[pkg];
  return list.length > 0 && min !== undefined && satisfiesMinimum(newestOf(list), min);
}

/** The facts the gather would report for this state. */
export function factsFromState(s: HostState): HostFacts {
  let sysfs: string | null = null;
  const dmesg: string[] = [];
  if (s.kernelHasFix) {
    if (s.vendor === 'amd') sysfs = 'Not affected';
    else if (s.microcodeLoaded) {
      sysfs = `Mitigation: Clear CPU buffers; SMT ${s.smt}`;
      dmesg.push('MDS: Mitigation: Clear CPU buffers');
    } else {
      sysfs = `Vulnerable: Clear CPU buffers attempted, no microcode; SMT ${s.smt}`;
      dmesg.push('MDS: Vulnerable: Clear CPU buffers attempted, no microcode');
    }
  }
  return {
    hostname: s.hostname,
    os: { ...OS[s.release] },
    kernelRunning: s.kernelRunning,
    bootId: s.bootId,
    packages: packagesOf(s.installed),
    sysfs: { mds: sysfs === null ? null : `${sysfs}\n`, tsxAsyncAbort: null, mmioStaleData: null },
    mds: parseMdsState(sysfs),
    cpu: { vendor: s.vendor, mdClearFlag: s.vendor === 'intel' && s.microcodeLoaded },
    dmesgMds: dmesg,
    kernelLog: { tried: [{ source: 'dmesg', provenance: { state: 'read' }, lines: [...dmesg] }], mdsSource: dmesg.length ? 'dmesg' : null, ringWrapped: false },
    novaConfPath: '/etc/nova/nova.conf',
    novaConf: s.novaConf,
    novaLibvirt: parseNovaLibvirt(s.novaConf),
    domcaps: domCapabilities(s.vendor, s.vendor === 'intel' && s.virtOffersMdClear),
    guests: s.guests.map((g) => ({ ...g })),
    privilege: { uid: 0, user: 'root' },
    evidence: {
      ...allRead(),
      ...(sysfs === null ? { 'sysfs-mds': { state: 'absent', reason: '/sys/devices/system/cpu/vulnerabilities/mds: not found' } } : {}),
      'sysfs-tsx_async_abort': { state: 'absent', reason: 'tsx_async_abort: not found' },
      'sysfs-mmio_stale_data': { state: 'absent', reason: 'mmio_stale_data: not found' },
      ...(s.novaConf === null ? { 'nova-conf': { state: 'absent', reason: '/etc/nova/nova.conf: not found' } } : {}),
    },
  };
}

export interface HostFactsOptions extends NovaConfOptions {
  hostname?: string;
  release?: Release;
  vendor?: Vendor;
  stage?: Stage;
  smt?: 'vulnerable' | 'disabled' | 'mitigated';
  guests?: Guest[];
  bootId?: string;
  /** Overrides the generated nova.conf text (null: the file is missing). */
  novaConf?: string | null;
  /** Overrides installed EVRs per package. */
  installed?: Record<string, string[]>;
}

export function hostState(o: HostFactsOptions = {}): HostState {
  const release = o.release ?? 'el7';
  const vendor = o.vendor ?? 'intel';
  const stage = o.stage ?? 'fixed';
  const v = VERSIONS[release];
  const installed: Record<string, string[]> = {};
  for (const p of PACKAGES) {
    if (stage === 'unfixed') installed[p] = [v.old[p]!];
    else if (p === 'kernel') installed[p] = [v.old[p]!, v.fixed[p]!];
    else if (p === 'microcode_ctl' && stage === 'no-microcode') installed[p] = [v.old[p]!];
    else installed[p] = [v.fixed[p]!];
  }
  Object.assign(installed, o.installed ?? {});
  const newKernelRunning = stage === 'no-microcode' || stage === 'fixed';
  return {
    hostname: o.hostname ?? 'compute-0.example.org',
    release,
    vendor,
    installed,
    kernelRunning: unameOf(newKernelRunning ? v.fixed['kernel']! : v.old['kernel']!),
    bootId: o.bootId ?? '3c2f5a1e-8b4d-4f0e-9a61-7d2c9e0b1a55',
    kernelHasFix: newKernelRunning,
    microcodeLoaded: stage === 'fixed',
    virtOffersMdClear: stage === 'fixed',
    smt: o.smt ?? 'vulnerable',
    novaConf: o.novaConf !== undefined ? o.novaConf : novaConfText({ ...o, release }),
    guests: o.guests ?? [],
  };
}

/** Realistic facts for one host; defaults: el7, Intel, fixed, cpu_mode unset. */
export function hostFacts(o: HostFactsOptions = {}): HostFacts {
  return factsFromState(hostState(o));
}
