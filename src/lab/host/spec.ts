// What one fake compute host is: its identity, release, CPU, nova.conf [libvirt] variant, remediation state and faults.
import { LAB_DISTS, type LabDist } from '../catalog.js';
import { LAB_LAYOUTS, LAB_LAYOUT_PROFILES, type LabLayoutName } from './deployment-layouts.js';
import { LabHostError } from './errors.js';

export type FakeCpu = 'intel' | 'amd';

/** The [libvirt] CPU settings written into the host's nova.conf. */
export interface NovaCpuSpec {
  cpuMode: 'host-model' | 'host-passthrough' | 'unset' | 'custom';
  /** cpu_mode=custom with the old single-model key. */
  cpuModel?: string;
  /** cpu_mode=custom with the newer list key (wins over cpuModel when both are given). */
  cpuModels?: string[];
  /** cpu_model_extra_flags exactly as written, e.g. "spec-ctrl,ssbd"; absent = a commented-out line. */
  extraFlags?: string;
}

export interface FakeHostFaults {
  /** After a reboot the host never comes back. */
  neverReturns: boolean;
  /** Extra boot time on top of bootDelayMs. */
  slowBootMs: number;
  /** yum/dnf fail like a broken repository: exit 1, nothing installed. */
  yumFails: boolean;
  /** yum/dnf install all but the last package of the transaction, then fail. */
  partialUpdate: boolean;
  /** sshd comes back after a reboot but refuses the lab key. */
  authRefusedAfterReboot: boolean;
  /** The stack user has no sudo rule (written at materialise time). */
  noSudo: boolean;
  /** virsh is not on the host's PATH (from the next boot). */
  noVirsh: boolean;
  /** /etc/nova/nova.conf present, missing, or a directory nobody can read as a file (written at materialise time). */
  novaConf: 'present' | 'missing' | 'unreadable' | 'symlinked' | 'immutable';
  /** The ring buffer wrapped and the journal rotated: no log has the boot-time MDS: line (from the next boot). */
  dmesgWrapped: boolean;
  /** After a reboot the nova-compute unit fails to start, and the cloud hears nothing from it (service down). */
  novaComputeDead: boolean;
  /** A kernel install does not move the default boot entry: every boot runs the kernel the host first booted. */
  bootsOldKernel: boolean;
  /** Ubuntu hosts: another process holds the dpkg frontend lock (unattended-upgrades), so apt-get install fails at once. */
  dpkgLocked: boolean;
}

export interface FakeHostSpec {
  /** Host name (hostname inside the host, Nova's service host, virsh's nodename). */
  name: string;
  /** The host's loopback address, e.g. 127.0.10.1: what the inventory says and, unless listenAddress, where sshd listens. */
  address: string;
  /** Where its sshd really listens, when a fault puts it at another host's address (lab faults.swapped_with). */
  listenAddress?: string;
  /** nova.conf's [DEFAULT] host (and so Nova's name for it) is NAME.localdomain whatever the layout. */
  novaHostFqdn?: boolean;
  port: number;
  dist: LabDist;
  cpu: FakeCpu;
  nova: NovaCpuSpec;
  /** Already remediated: fixed packages installed and booted. */
  fixed: boolean;
  /** How the deployment lays the node out (see deployment-layouts.ts); baremetal is the one the tool knows today. */
  layout: LabLayoutName;
  /** Container layouts: the image's qemu/libvirt are the fixed builds (independent of the host's packages). */
  imageFixed: boolean;
  /** Time between the host going down and sshd being started again. */
  bootDelayMs: number;
  faults: FakeHostFaults;
}

export const NO_FAULTS: FakeHostFaults = Object.freeze({
  neverReturns: false, slowBootMs: 0, yumFails: false, partialUpdate: false, authRefusedAfterReboot: false,
  noSudo: false, noVirsh: false, novaConf: 'present', dmesgWrapped: false, novaComputeDead: false, bootsOldKernel: false, dpkgLocked: false,
});

/** Everything but the name may be left out; address and port then come from the fleet's base. */
export type FakeHostInput = Partial<Omit<FakeHostSpec, 'faults' | 'nova'>> & {
  name: string;
  nova?: Partial<NovaCpuSpec>;
  faults?: Partial<FakeHostFaults>;
};

const NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;
const MODEL = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
const FLAGS = /^[A-Za-z0-9_.,+ -]*$/;

/**
 * The address of the index-th host (0-based) from a /24 base such as 127.0.10.0: .1 to .254, then the next /24
 * (127.0.11.1, ...), so 200+ hosts fit without ever using .0 or .255.
 */
export function hostAddress(index: number, base = '127.0.10.0'): string {
  const m = /^127\.(\d{1,3})\.(\d{1,3})\.0$/.exec(base);
  if (!m) throw new LabHostError('E_LAB_SPEC', `address base ${base}: expected a loopback /24 such as 127.0.10.0`);
  const start = Number(m[1]) * 256 + Number(m[2]);
  const net = start + Math.floor(index / 254);
  if (!Number.isInteger(index) || index < 0 || net > 255 * 256 + 255) {
    throw new LabHostError('E_LAB_SPEC', `host #${index + 1} does not fit in 127.0.0.0/8 from base ${base}`);
  }
  return `127.${Math.floor(net / 256)}.${net % 256}.${(index % 254) + 1}`;
}

/** Fills in defaults and checks every value a shell tool or a file name will see. */
export function resolveHostSpec(input: FakeHostInput, index: number, base = '127.0.10.0', port = 2222): FakeHostSpec {
  const spec: FakeHostSpec = {
    name: input.name,
    address: input.address ?? hostAddress(index, base),
    port: input.port ?? port,
    dist: input.dist ?? LAB_LAYOUT_PROFILES[input.layout ?? 'baremetal'].dists[0]!,
    cpu: input.cpu ?? 'intel',
    nova: { cpuMode: 'host-model', ...input.nova },
    fixed: input.fixed ?? false,
    ...(input.novaHostFqdn ? { novaHostFqdn: true } : {}),
    layout: input.layout ?? 'baremetal',
    imageFixed: input.imageFixed ?? input.fixed ?? false,
    bootDelayMs: input.bootDelayMs ?? 500,
    faults: { ...NO_FAULTS, ...input.faults },
  };
  validateHostSpec(spec);
  return spec;
}

export function validateHostSpec(spec: FakeHostSpec): void {
  const bad = (field: string, problem: string): never => {
    throw new LabHostError('E_LAB_SPEC', `host ${JSON.stringify(spec.name)}: ${field}: ${problem}`, { host: spec.name });
  };
  if (!NAME.test(spec.name)) bad('name', 'expected a lower-case host name (letters, digits, -)');
  if (!/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(spec.address) || spec.address.split('.').some((p) => Number(p) > 255)) {
    bad('address', `expected a loopback IPv4 address, got ${spec.address}`);
  }
  if (!Number.isInteger(spec.port) || spec.port < 1 || spec.port > 65535) bad('port', `expected 1-65535, got ${spec.port}`);
  if (!LAB_DISTS.includes(spec.dist)) bad('dist', `expected ${LAB_DISTS.join(', ')}, got ${String(spec.dist)}`);
  if (!(LAB_LAYOUTS as readonly string[]).includes(spec.layout)) bad('layout', `expected one of ${LAB_LAYOUTS.join(', ')}, got ${String(spec.layout)}`);
  else if (!LAB_LAYOUT_PROFILES[spec.layout].dists.includes(spec.dist)) {
    bad('layout', `${spec.layout} runs on ${LAB_LAYOUT_PROFILES[spec.layout].dists.join(' or ')} in the lab, not ${spec.dist}`);
  }
  if (spec.cpu !== 'intel' && spec.cpu !== 'amd') bad('cpu', `expected intel or amd, got ${String(spec.cpu)}`);
  const n = spec.nova;
  if (!['host-model', 'host-passthrough', 'unset', 'custom'].includes(n.cpuMode)) bad('nova.cpuMode', `unknown mode ${n.cpuMode}`);
  const models = n.cpuModels ?? (n.cpuModel === undefined ? [] : [n.cpuModel]);
  if (n.cpuMode === 'custom' && models.length === 0) bad('nova', 'cpu_mode custom needs cpuModel or cpuModels');
  for (const m of models) if (!MODEL.test(m)) bad('nova.cpuModels', `bad CPU model name ${JSON.stringify(m)}`);
  if (n.extraFlags !== undefined && !FLAGS.test(n.extraFlags)) bad('nova.extraFlags', `bad flag list ${JSON.stringify(n.extraFlags)}`);
  if (!(spec.bootDelayMs >= 0)) bad('bootDelayMs', 'expected a non-negative number');
  if (!(spec.faults.slowBootMs >= 0)) bad('faults.slowBootMs', 'expected a non-negative number');
}
