// Creates a fake host's files from its spec: the private /etc upper dir (nova.conf, release files, stack user) and the state dir.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync, renameSync, chmodSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { isDebDist, OS_RELEASE, type LabDist } from '../catalog.js';
import { findComputeHostFiles } from '../compute-host-files.js';
import { labHostTools, labNovaHostName, labUnits, LAB_LAYOUT_PROFILES, type LabLayoutProfile } from './deployment-layouts.js';
import { hostLayout, IN_HOST_TOOLS, machinePath, STATE_FILES, type HostLayout } from './layout.js';
import { renderNovaConf } from './nova-conf.js';
import { baseRepo, formatInstalled, formatRepo, hostPackages, hostRepo, imagePackages, imageRepo, type PackagePlacement } from './packages.js';
import { renderEnvFile } from './shell-env.js';
import type { FakeHostFaults, FakeHostSpec } from './spec.js';

/** The stack user's ids inside every host; chosen above the machine's own regular users. */
export const STACK_UID = 1042;

export interface ControlEndpoint {
  address: string;
  port: number;
}

/** Writes through a temp file and a rename: the host's tools may be reading the file at the same moment. */
export function writeLabFileSync(file: string, content: string, mode = 0o644): void {
  const tmp = `${file}.tmp.${process.pid}`;
  writeFileSync(tmp, content, { mode });
  chmodSync(tmp, mode);
  renameSync(tmp, file);
}

function readMachine(file: string): string {
  try {
    const text = readFileSync(file, 'utf8');
    return text.endsWith('\n') || text === '' ? text : `${text}\n`;
  } catch {
    return '';
  }
}

function withoutUser(text: string, user: string): string {
  return text.split('\n').filter((l) => !l.startsWith(`${user}:`)).join('\n');
}

/** Ubuntu 18.04.2's /etc/os-release (Debian-style: ID_LIKE=debian, unquoted ID, its codename). */
function ubuntuOsRelease(dist: LabDist): string {
  const r = OS_RELEASE[dist];
  return [
    `NAME="${r.name}"`,
    'VERSION="18.04.2 LTS (Bionic Beaver)"',
    `ID=${r.id}`,
    'ID_LIKE=debian',
    `PRETTY_NAME="${r.pretty}"`,
    `VERSION_ID="${r.versionId}"`,
    'HOME_URL="https://www.ubuntu.com/"',
    'SUPPORT_URL="https://help.ubuntu.com/"',
    'VERSION_CODENAME=bionic',
    'UBUNTU_CODENAME=bionic',
    '',
  ].join('\n');
}

function osRelease(dist: LabDist): string {
  if (isDebDist(dist)) return ubuntuOsRelease(dist);
  const r = OS_RELEASE[dist];
  const major = r.versionId.split('.')[0]!;
  return [
    `NAME="${r.name}"`,
    `VERSION="${r.versionId} (${dist === 'el7' ? 'Maipo' : 'Ootpa'})"`,
    `ID="${r.id}"`,
    'ID_LIKE="fedora"',
    `VERSION_ID="${r.versionId}"`,
    `PLATFORM_ID="platform:${dist}"`,
    `PRETTY_NAME="${r.pretty}"`,
    'ANSI_COLOR="0;31"',
    `CPE_NAME="cpe:/o:redhat:enterprise_linux:${major}::${dist === 'el7' ? 'server' : 'baseos'}"`,
    'HOME_URL="https://www.redhat.com/"',
    `REDHAT_SUPPORT_PRODUCT="Red Hat Enterprise Linux ${major}"`,
    `REDHAT_SUPPORT_PRODUCT_VERSION="${r.versionId}"`,
    '',
  ].join('\n');
}

/** The runtime part of host.env; rewritten when the lab changes a fault while the host runs. */
export function renderHostEnv(spec: FakeHostSpec, control: ControlEndpoint): string {
  return renderEnvFile({
    HOST_NAME: spec.name,
    DIST: spec.dist,
    CPU: spec.cpu,
    RPM_VERSION: spec.dist === 'el7' ? '4.11.3' : '4.14.2',
    REPO_BASE: baseRepo(spec.dist),
    NOVA_PACKAGE_VERSION: isDebDist(spec.dist) ? '2:17.0.9-0ubuntu1' : spec.dist === 'el7' ? '17.0.9-1.el7ost' : '20.4.1-1.el8ost',
    CONTROL_ADDR: control.address,
    CONTROL_PORT: control.port,
    LAYOUT: spec.layout,
    NOVA_CONF: LAB_LAYOUT_PROFILES[spec.layout].novaConf,
    CONTAINER_ENGINE: LAB_LAYOUT_PROFILES[spec.layout].engine ?? '',
    YUM_FAILS: spec.faults.yumFails,
    BOOTS_OLD_KERNEL: spec.faults.bootsOldKernel,
    PARTIAL_UPDATE: spec.faults.partialUpdate,
    DPKG_LOCKED: spec.faults.dpkgLocked,
  });
}

export function writeHostEnv(layout: HostLayout, spec: FakeHostSpec, control: ControlEndpoint): void {
  writeLabFileSync(path.join(layout.state, STATE_FILES.hostEnv), renderHostEnv(spec, control));
}

export function applyFaults(spec: FakeHostSpec, faults: Partial<FakeHostFaults>): FakeHostSpec {
  return { ...spec, faults: { ...spec.faults, ...faults } };
}

export interface MaterialiseOptions {
  labDir: string;
  control: ControlEndpoint;
  /** Per-host secret the reboot tools present to the supervisor. */
  controlToken?: string;
  /** When the host's "image" was installed (rpm INSTALLTIME of the old packages), seconds. */
  installedAt?: number;
  /** docker/compute-host/bin, whose tools the host's /usr/local/bin links to (found by the resolver unless given). */
  toolsDir?: string;
}

export function placementOf(p: LabLayoutProfile): PackagePlacement {
  return { hostVirt: !p.qemuInImage || p.staleHostVirtPackages, hostNova: p.name !== 'osa' && p.name !== 'devstack' && (!p.qemuInImage || p.staleHostVirtPackages),
    libvirtPackage: p.qemuInImage ? 'libvirt' : p.libvirtPackage };
}

/** The nova_conf symlinked fault's link target, relative to the link's directory (so the lab dir resolves it too). */
export const MANAGED_NOVA_CONF = 'managed/nova.conf';
/** In the state dir: the in-host paths that carry the immutable attribute, one a line (bin/lsattr, bin/chattr, init.sh). */
export const IMMUTABLE_LIST = 'immutable.list';

/** nova.conf where the layout keeps it, the osa venv symlink, and the file nova-compute does not read where one exists. */
function writeNovaConfs(layout: HostLayout, spec: FakeHostSpec, p: LabLayoutProfile): void {
  const put = (inHost: string, content: string) => {
    const file = machinePath(layout, inHost)!;
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, content, { mode: 0o640 });
  };
  if (p.otherNovaConf) {
    // OSP 13: what OSP 10 left before containers (its default cpu_mode); devstack: the control services' file, no CPU settings.
    const other = p.name === 'devstack' ? { cpuMode: 'unset' as const } : { cpuMode: 'host-model' as const };
    put(p.otherNovaConf, `# ${p.name === 'devstack' ? 'nova.conf of the control services: n-cpu reads nova-cpu.conf' : 'left from before containers: nova_compute reads the puppet-generated copy'}
${renderNovaConf({ name: spec.name, nova: other })}`);
  }
  const conf = renderNovaConf({ name: labNovaHostName(spec.name, spec.layout, spec.novaHostFqdn), nova: spec.nova });
  // The file nova-compute reads, as the nova_conf fault leaves it: missing writes nothing; unreadable puts a directory
  // where the file should be (what a container bind mount of a missing source leaves; even root's cat fails).
  // symlinked: the path is a relative link to managed/nova.conf beside it, the file configuration management owns;
  // immutable: the file is there, and listed for init.sh, lsattr and chattr (bin/) to treat as chattr +i.
  const putRead = (inHost: string) => {
    const fault = spec.faults.novaConf;
    if (fault === 'present') put(inHost, conf);
    else if (fault === 'unreadable') mkdirSync(machinePath(layout, inHost)!, { recursive: true, mode: 0o750 });
    else if (fault === 'symlinked') {
      put(path.posix.join(path.posix.dirname(inHost), MANAGED_NOVA_CONF), conf);
      symlinkSync(MANAGED_NOVA_CONF, machinePath(layout, inHost)!);
    } else if (fault === 'immutable') {
      put(inHost, conf);
      writeFileSync(path.join(layout.state, IMMUTABLE_LIST), `${inHost}\n`);
    }
  };
  if (p.novaConfTarget) {
    putRead(p.novaConfTarget);
    const link = machinePath(layout, p.novaConf)!;
    mkdirSync(path.dirname(link), { recursive: true });
    symlinkSync(p.novaConfTarget, link);
  } else {
    putRead(p.novaConf);
  }
}

/**
 * /usr/local/bin of the host: a link per tool the layout has (no virsh where libvirt is containerised, its engine's CLI
 * only); the no_virsh fault takes virsh away on any layout.
 */
function linkTools(layout: HostLayout, p: LabLayoutProfile, toolsDir: string, noVirsh: boolean, dist: LabDist): void {
  mkdirSync(layout.bin, { recursive: true });
  for (const tool of labHostTools(p, readdirSync(toolsDir), dist).filter((t) => !(noVirsh && t === 'virsh'))) symlinkSync(`${IN_HOST_TOOLS}/${tool}`, path.join(layout.bin, tool));
}

/** Creates (or recreates from scratch) everything a host needs on disk before its first boot. */
export function materialiseHost(spec: FakeHostSpec, opts: MaterialiseOptions): HostLayout {
  const layout = hostLayout(opts.labDir, spec.name);
  rmSync(layout.dir, { recursive: true, force: true });
  for (const d of [layout.etcUpper, layout.etcWork, layout.boot, path.join(layout.etcUpper, 'nova'), path.join(layout.etcUpper, 'sudoers.d')]) {
    mkdirSync(d, { recursive: true });
  }
  const etc = (name: string, content: string, mode = 0o644) => writeFileSync(path.join(layout.etcUpper, name), content, { mode });
  const r = OS_RELEASE[spec.dist];
  etc('hostname', `${spec.name}\n`);
  etc('os-release', osRelease(spec.dist));
  if (r.redhatRelease !== '') {
    etc('redhat-release', `${r.redhatRelease}\n`);
    etc('system-release', `${r.redhatRelease}\n`);
  }
  etc('hosts', `${readMachine('/etc/hosts')}${spec.address}\t${spec.name}.localdomain ${spec.name}\n`);
  etc('passwd', `${withoutUser(readMachine('/etc/passwd'), 'stack')}stack:x:${STACK_UID}:${STACK_UID}:OpenStack:/home/stack:/bin/bash\n`);
  etc('group', `${withoutUser(readMachine('/etc/group'), 'stack')}stack:x:${STACK_UID}:\n`);
  // '*' (not '!') so sshd does not treat the account as locked: key logins work, password logins cannot.
  etc('shadow', `${withoutUser(readMachine('/etc/shadow'), 'stack')}stack:*:18000:0:99999:7:::\n`, 0o640);
  // A login user without sudo (fault): the account exists and takes the key, but no rule lets it become root.
  if (!spec.faults.noSudo) etc('sudoers.d/stack', 'stack ALL=(ALL) NOPASSWD: ALL\nDefaults:stack !requiretty\n', 0o440);
  const profile = LAB_LAYOUT_PROFILES[spec.layout];
  writeNovaConfs(layout, spec, profile);
  linkTools(layout, profile, opts.toolsDir ?? findComputeHostFiles().toolsDir, spec.faults.noVirsh, spec.dist);

  const st = (name: string, content: string, mode = 0o644) => writeFileSync(path.join(layout.state, name), content, { mode });
  const t0 = opts.installedAt ?? 1_546_300_800; // 2019-01-01
  const where = placementOf(profile);
  st(STATE_FILES.rpmdb, formatInstalled(hostPackages(spec.dist, spec.fixed, t0, where)));
  st(STATE_FILES.repo, formatRepo(hostRepo(spec.dist, where)));
  if (profile.qemuInImage) {
    st(STATE_FILES.imageRpmdb, formatInstalled(imagePackages(spec.dist, spec.imageFixed, t0, profile.libvirtPackage)));
    st(STATE_FILES.imageRepo, formatRepo(imageRepo(spec.dist, profile.libvirtPackage)));
  }
  st(STATE_FILES.units, labUnits(profile, spec.dist).map((u) => `${u.name}\t${u.description}\t${u.container ?? '-'}\t${u.role}\n`).join(''));
  st(STATE_FILES.restarts, '');
  st(STATE_FILES.guests, '');
  st(STATE_FILES.services, '');
  st(STATE_FILES.controlToken, opts.controlToken ?? randomBytes(16).toString('hex'), 0o600);
  writeHostEnv(layout, spec, opts.control);
  return layout;
}
