// The kernel's own words for a boot: dmesg (with the MDS/TAA/MMIO lines bugs.c prints) and the other sysfs vulnerability files.
import type { BootState } from './boot-state.js';

const DOC = 'https://www.kernel.org/doc/html/latest/admin-guide/hw-vuln';

function ts(seconds: number): string {
  return `[${seconds.toFixed(6).padStart(12)}]`;
}

/** Only the Intel kernel carrying the MDS fix reports MDS, TAA and MMIO; AMD and unfixed kernels print nothing about them. */
function mdsLines(boot: BootState): string[] {
  if (boot.cpu !== 'intel' || !boot.kernelFixed) return [];
  const state = boot.microcodeFixed ? 'Mitigation: Clear CPU buffers' : 'Vulnerable: Clear CPU buffers attempted, no microcode';
  return [`MDS: ${state}`, `TAA: ${state}`, `MMIO Stale Data: ${state}`];
}

function smtWarnings(boot: BootState): string[] {
  if (boot.cpu !== 'intel' || !boot.kernelFixed) return [];
  return [
    `MDS CPU bug present and SMT on, data leak possible. See ${DOC}/mds.html for more details.`,
    `TAA CPU bug present and SMT on, data leak possible. See ${DOC}/tsx_async_abort.html for more details.`,
    `MMIO Stale Data CPU bug present and SMT on, data leak possible. See ${DOC}/processor_mmio_stale_data.html for more details.`,
  ];
}

export interface KernelLogOptions {
  /** The ring buffer has wrapped: only messages from long after boot are left (no Linux version, no MDS: line). */
  wrapped?: boolean;
}

/** What a host logs long after boot, enough of it to push the boot messages out of the ring buffer. */
function laterLines(): string[] {
  const out: string[] = [];
  for (let i = 0; i < 6; i++) {
    out.push(`kvm [${41230 + i}]: vcpu0, guest rIP: 0xffffffff81063a4e disabled perfctr wrmsr: 0xc2 data 0xffff`);
    out.push(`device tap${(0x3f1c2d + i).toString(16)}-a1 entered promiscuous mode`);
    out.push(`qbr${(0x3f1c2d + i).toString(16)}-a1: port 2(tap${(0x3f1c2d + i).toString(16)}-a1) entered forwarding state`);
  }
  return out;
}

/** journalctl -k -b 0 -o cat: the boot's kernel messages without timestamps (all of them, or only the late ones when rotated). */
export function renderJournalKernel(boot: BootState, hostname: string, opts: KernelLogOptions = {}): string {
  return renderDmesg(boot, hostname, opts).split('\n').filter(Boolean).map((l) => l.replace(/^\[[^\]]*\]\s*/, '')).join('\n') + '\n';
}

export function renderDmesg(boot: BootState, hostname: string, opts: KernelLogOptions = {}): string {
  if (opts.wrapped) {
    // Months of uptime later: the oldest line left is far from 0.000000.
    let t = 7_776_000.123456;
    return laterLines().map((l) => { const line = `${ts(t)} ${l}`; t += 3_601.5; return line; }).join('\n') + '\n';
  }
  const intel = boot.cpu === 'intel';
  const gcc = boot.dist === 'el7' ? 'gcc version 4.8.5 20150623 (Red Hat 4.8.5-36) (GCC)' : 'gcc version 8.2.1 20180905 (Red Hat 8.2.1-3) (GCC)';
  const early: string[] = [
    `Linux version ${boot.kernelRelease} (mockbuild@x86-vm-26.build.eng.bos.redhat.com) (${gcc} ) ${boot.kernelVersion}`,
    `Command line: BOOT_IMAGE=/vmlinuz-${boot.kernelRelease} root=/dev/mapper/rhel-root ro crashkernel=auto rd.lvm.lv=rhel/root rhgb quiet`,
  ];
  if (intel) {
    early.push(boot.microcodeFixed
      ? 'microcode: microcode updated early to revision 0x200005e, date = 2019-04-02'
      : 'microcode: sig=0x50654, pf=0x80, revision=0x200004d');
  }
  early.push(
    'e820: BIOS-provided physical RAM map:',
    'DMI: Dell Inc. PowerEdge R640/0W23H8, BIOS 1.6.13 12/17/2018',
    'Spectre V1 : Mitigation: Load fences, usercopy/swapgs barriers and __user pointer sanitization',
    intel ? 'Spectre V2 : Mitigation: Full retpoline' : 'Spectre V2 : Mitigation: Full AMD retpoline',
    'Speculative Store Bypass: Mitigation: Speculative Store Bypass disabled via prctl and seccomp',
    ...mdsLines(boot),
    `smpboot: CPU0: ${intel ? 'Intel(R) Xeon(R) Gold 6132 CPU @ 2.60GHz (fam: 06, model: 55, stepping: 04)' : 'AMD EPYC 7601 32-Core Processor (fam: 17, model: 01, stepping: 02)'}`,
  );
  const late = [
    ...smtWarnings(boot),
    'smp: Brought up 1 node, 4 CPUs',
    'systemd[1]: Detected architecture x86-64.',
    `systemd[1]: Set hostname to <${hostname}>.`,
    'kvm: Nested Virtualization enabled',
    'bridge: filtering via arp/ip/ip6tables is no longer available by default. Update your scripts to load br_netfilter if you need this.',
  ];
  const out: string[] = [];
  let t = 0;
  for (const l of early) { out.push(`${ts(t)} ${l}`); t += 0.000001 * 37; }
  t = 0.212345;
  for (const l of late) { out.push(`${ts(t)} ${l}`); t += 0.731; }
  return out.join('\n') + '\n';
}

/** The other /sys/devices/system/cpu/vulnerabilities files, as a 2019 RHEL kernel shows them. */
export function otherVulnerabilities(boot: BootState): Record<string, string> {
  const intel = boot.cpu === 'intel';
  return {
    meltdown: intel ? 'Mitigation: PTI' : 'Not affected',
    spectre_v1: 'Mitigation: Load fences, usercopy/swapgs barriers and __user pointer sanitization',
    spectre_v2: intel ? 'Mitigation: Full retpoline, IBPB' : 'Mitigation: Full AMD retpoline, IBPB',
    spec_store_bypass: 'Mitigation: Speculative Store Bypass disabled via prctl and seccomp',
    l1tf: intel ? 'Mitigation: PTE Inversion; VMX: conditional cache flushes, SMT vulnerable' : 'Not affected',
  };
}
