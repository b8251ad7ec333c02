// Before each boot: computes the boot state from the installed packages and writes the files the host's kernel view is made of.
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { computeBootState, type BootState } from './boot-state.js';
import { labUnits, LAB_LAYOUT_PROFILES } from './deployment-layouts.js';
import { renderCpuinfo } from './cpuinfo.js';
import { cpuProfile, qemuBinary, renderDomcaps } from './domcaps.js';
import { otherVulnerabilities, renderDmesg, renderJournalKernel } from './kernel-log.js';
import { STATE_FILES, type HostLayout } from './layout.js';
import { writeLabFileSync } from './materialise.js';
import { parseInstalled } from './packages.js';
import { renderEnvFile } from './shell-env.js';
import type { FakeHostSpec } from './spec.js';

export function writeBootFiles(layout: HostLayout, spec: FakeHostSpec, bootId: string = randomUUID(), o: { agentDead?: boolean } = {}): BootState {
  const rpmdb = path.join(layout.state, STATE_FILES.rpmdb);
  const profile = LAB_LAYOUT_PROFILES[spec.layout];
  const imageDb = path.join(layout.state, STATE_FILES.imageRpmdb);
  // boots_old_kernel: the default entry stays on the kernel the host first booted, recorded at that first boot.
  const entryFile = path.join(layout.state, 'default-boot-entry');
  const pinned = spec.faults.bootsOldKernel && existsSync(entryFile) ? readFileSync(entryFile, 'utf8').trim().split('\t') : null;
  const boot = computeBootState(spec.dist, spec.cpu, parseInstalled(readFileSync(rpmdb, 'utf8'), rpmdb), bootId, profile.qemuInImage
    ? { image: parseInstalled(readFileSync(imageDb, 'utf8'), imageDb), libvirtPackage: profile.libvirtPackage }
    : { libvirtPackage: profile.libvirtPackage }, pinned ? { version: pinned[0] ?? '', release: pinned[1] ?? '' } : undefined);
  if (spec.faults.bootsOldKernel && !pinned) writeFileSync(entryFile, `${boot.kernel.version}\t${boot.kernel.release}\n`);
  const b = (name: string, content: string) => writeFileSync(path.join(layout.boot, name), content);
  mkdirSync(layout.boot, { recursive: true });
  b('hostname', `${spec.name}\n`);
  b('boot_id', `${bootId}\n`);
  b('osrelease', `${boot.kernelRelease}\n`);
  b('cpuinfo', renderCpuinfo(boot));
  const wrapped = spec.faults.dmesgWrapped;
  b('dmesg', renderDmesg(boot, spec.name, { wrapped }));
  // journald keeps the whole boot's kernel messages (journalctl -k -b 0 -o cat prints them without timestamps),
  // unless it rotated them away too, which is what the wrapped fault models.
  b('journal-kernel', renderJournalKernel(boot, spec.name, { wrapped }));

  // A file the running kernel would not have must be absent, so the whole directory is rebuilt.
  const vuln = path.join(layout.boot, 'vulnerabilities');
  rmSync(vuln, { recursive: true, force: true });
  mkdirSync(vuln);
  const files: Record<string, string | null> = { ...otherVulnerabilities(boot), ...boot.sysfs };
  for (const [name, value] of Object.entries(files)) if (value !== null) writeFileSync(path.join(vuln, name), `${value}\n`);

  writeVirtFiles(layout, boot);
  // Units and containers come up at boot (restart policies, systemd units); nova-compute's loaded config is copied by
  // init.sh once /etc is mounted.
  const now = Math.floor(Date.now() / 1000);
  // A dead agent (fault nova_compute_dead): the compute unit failed at boot, its container exited.
  const dead = (role: string) => o.agentDead === true && role === 'compute';
  writeLabFileSync(path.join(layout.state, STATE_FILES.services), labUnits(profile, spec.dist).map((u) => `${u.name}\t${dead(u.role) ? 'failed' : 'active'}\t${now}\n`).join(''));
  writeLabFileSync(path.join(layout.state, STATE_FILES.containers),
    profile.containers.map((c) => `${c.name}\t${c.image}\t${c.role}\t${dead(c.role) ? 'exited' : 'running'}\t${now}\n`).join(''));
  return boot;
}

/** What libvirt and qemu answer with (domcapabilities, versions) and boot.json: at boot, and again when containers restart on a new image. */
export function writeVirtFiles(layout: HostLayout, boot: BootState): void {
  const cpu = cpuProfile(boot);
  const q = qemuBinary(boot);
  writeLabFileSync(path.join(layout.boot, 'domcaps.xml'), renderDomcaps(boot));
  writeLabFileSync(path.join(layout.boot, 'boot.env'), renderEnvFile({
    KERNEL_RELEASE: boot.kernelRelease,
    KERNEL_VERSION: boot.kernelVersion,
    CPU_MODEL: cpu.model,
    CPU_VENDOR_XML: cpu.vendor,
    GUEST_CPU_FEATURES: cpu.features.join(' '),
    MACHINE_TYPE: q.machine,
    QEMU_EMULATOR: q.path,
    QEMU_VERSION: boot.qemuVersion,
    LIBVIRT_VERSION: boot.libvirtVersion,
  }));
  writeLabFileSync(path.join(layout.state, STATE_FILES.bootJson), `${JSON.stringify(boot, null, 2)}\n`);
}

export function readBootState(stateDir: string): BootState | null {
  try {
    return JSON.parse(readFileSync(path.join(stateDir, STATE_FILES.bootJson), 'utf8')) as BootState;
  } catch {
    return null;
  }
}
