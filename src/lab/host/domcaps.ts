// `virsh domcapabilities` of a fake host, in libvirt 4.5's format; host-model requires md-clear only on a fully fixed Intel host.
import type { BootState } from './boot-state.js';

interface CpuProfile {
  model: string;
  vendor: string;
  features: string[];
  /** Custom models and whether this host can run them. */
  custom: [string, boolean][];
}

const INTEL: CpuProfile = {
  model: 'Skylake-Server-IBRS',
  vendor: 'Intel',
  features: ['ss', 'vmx', 'pdcm', 'osxsave', 'tsc_adjust', 'clflushopt', 'pku', 'ospke', 'stibp', 'ssbd', 'xsaves', 'pdpe1gb', 'invtsc'],
  custom: [
    ['qemu64', true], ['qemu32', true], ['phenom', false], ['pentium3', true], ['pentium2', true], ['pentium', true],
    ['n270', true], ['kvm64', true], ['kvm32', true], ['coreduo', true], ['core2duo', true], ['athlon', false],
    ['Westmere-IBRS', true], ['Westmere', true], ['Skylake-Server-IBRS', true], ['Skylake-Server', true],
    ['Skylake-Client-IBRS', true], ['Skylake-Client', true], ['SandyBridge-IBRS', true], ['SandyBridge', true],
    ['Penryn', true], ['Opteron_G5', false], ['Opteron_G4', false], ['Opteron_G3', false], ['Opteron_G2', true],
    ['Opteron_G1', true], ['Nehalem-IBRS', true], ['Nehalem', true], ['IvyBridge-IBRS', true], ['IvyBridge', true],
    ['Icelake-Server', false], ['Icelake-Client', false], ['Haswell-noTSX-IBRS', true], ['Haswell-noTSX', true],
    ['Haswell-IBRS', true], ['Haswell', true], ['EPYC-IBPB', false], ['EPYC', false], ['Conroe', true],
    ['Cascadelake-Server', false], ['Broadwell-noTSX-IBRS', true], ['Broadwell-noTSX', true], ['Broadwell-IBRS', true],
    ['Broadwell', true], ['486', true],
  ],
};

const AMD: CpuProfile = {
  model: 'EPYC-IBPB',
  vendor: 'AMD',
  features: ['x2apic', 'tsc-deadline', 'tsc_adjust', 'cmp_legacy', 'perfctr_core', 'virt-ssbd', 'invtsc'],
  custom: [
    ['qemu64', true], ['qemu32', true], ['phenom', false], ['pentium3', true], ['pentium2', true], ['pentium', true],
    ['n270', false], ['kvm64', true], ['kvm32', true], ['coreduo', false], ['core2duo', false], ['athlon', false],
    ['Westmere-IBRS', false], ['Westmere', true], ['Skylake-Server-IBRS', false], ['Skylake-Server', false],
    ['Skylake-Client-IBRS', false], ['Skylake-Client', false], ['SandyBridge-IBRS', false], ['SandyBridge', true],
    ['Penryn', true], ['Opteron_G5', false], ['Opteron_G4', false], ['Opteron_G3', true], ['Opteron_G2', true],
    ['Opteron_G1', true], ['Nehalem-IBRS', false], ['Nehalem', true], ['IvyBridge-IBRS', false], ['IvyBridge', false],
    ['Icelake-Server', false], ['Icelake-Client', false], ['Haswell-noTSX-IBRS', false], ['Haswell-noTSX', false],
    ['Haswell-IBRS', false], ['Haswell', false], ['EPYC-IBPB', true], ['EPYC', true], ['Conroe', true],
    ['Cascadelake-Server', false], ['Broadwell-noTSX-IBRS', false], ['Broadwell-noTSX', false], ['Broadwell-IBRS', false],
    ['Broadwell', false], ['486', true],
  ],
};

export function cpuProfile(boot: Pick<BootState, 'cpu'>): CpuProfile {
  return boot.cpu === 'intel' ? INTEL : AMD;
}

/** The qemu binary and machine type of the dist's virt stack. */
export function qemuBinary(boot: Pick<BootState, 'dist'>): { path: string; machine: string } {
  if (boot.dist === 'ubuntu1804') return { path: '/usr/bin/qemu-system-x86_64', machine: 'pc-i440fx-bionic' };
  return { path: '/usr/libexec/qemu-kvm', machine: boot.dist === 'el7' ? 'pc-i440fx-rhel7.6.0' : 'pc-q35-rhel7.6.0' };
}

function enumBlock(indent: string, name: string, values: string[]): string[] {
  return [`${indent}<enum name='${name}'>`, ...values.map((v) => `${indent}  <value>${v}</value>`), `${indent}</enum>`];
}

export function renderDomcaps(boot: BootState): string {
  const cpu = cpuProfile(boot);
  const q = qemuBinary(boot);
  const features = boot.hostModelMdClear ? [...cpu.features.slice(0, 8), 'md-clear', ...cpu.features.slice(8)] : cpu.features;
  const lines = [
    '<domainCapabilities>',
    `  <path>${q.path}</path>`,
    '  <domain>kvm</domain>',
    `  <machine>${q.machine}</machine>`,
    '  <arch>x86_64</arch>',
    "  <vcpu max='240'/>",
    "  <iothreads supported='yes'/>",
    "  <os supported='yes'>",
    "    <loader supported='yes'>",
    '      <value>/usr/share/OVMF/OVMF_CODE.secboot.fd</value>',
    ...enumBlock('      ', 'type', ['rom', 'pflash']),
    ...enumBlock('      ', 'readonly', ['yes', 'no']),
    '    </loader>',
    '  </os>',
    '  <cpu>',
    "    <mode name='host-passthrough' supported='yes'/>",
    "    <mode name='host-model' supported='yes'>",
    `      <model fallback='forbid'>${cpu.model}</model>`,
    `      <vendor>${cpu.vendor}</vendor>`,
    ...features.map((f) => `      <feature policy='require' name='${f}'/>`),
    '    </mode>',
    "    <mode name='custom' supported='yes'>",
    ...cpu.custom.map(([name, ok]) => `      <model usable='${ok ? 'yes' : 'no'}'>${name}</model>`),
    '    </mode>',
    '  </cpu>',
    '  <devices>',
    "    <disk supported='yes'>",
    ...enumBlock('      ', 'diskDevice', ['disk', 'cdrom', 'floppy', 'lun']),
    ...enumBlock('      ', 'bus', ['ide', 'scsi', 'virtio', 'usb', 'sata']),
    '    </disk>',
    "    <graphics supported='yes'>",
    ...enumBlock('      ', 'type', ['sdl', 'vnc', 'spice']),
    '    </graphics>',
    "    <video supported='yes'>",
    ...enumBlock('      ', 'modelType', ['vga', 'cirrus', 'qxl', 'virtio']),
    '    </video>',
    "    <hostdev supported='yes'>",
    ...enumBlock('      ', 'mode', ['subsystem']),
    ...enumBlock('      ', 'subsysType', ['usb', 'pci', 'scsi']),
    ...enumBlock('      ', 'pciBackend', ['default', 'vfio']),
    '    </hostdev>',
    '  </devices>',
    '  <features>',
    "    <gic supported='no'/>",
    "    <vmcoreinfo supported='yes'/>",
    "    <genid supported='yes'/>",
    "    <sev supported='no'/>",
    '  </features>',
    '</domainCapabilities>',
  ];
  return lines.join('\n') + '\n';
}
