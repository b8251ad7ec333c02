// Before `lab up`: root, sshd, sudo, unshare and ssh-keygen; on Debian/Ubuntu as root, missing packages are installed (said aloud).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { OrchestratorError } from '../util/errors.js';

const NEEDED: { tool: string; paths: string[]; pkg: string }[] = [
  { tool: 'sshd', paths: ['/usr/sbin/sshd'], pkg: 'openssh-server' },
  { tool: 'ssh-keygen', paths: ['/usr/bin/ssh-keygen'], pkg: 'openssh-client' },
  { tool: 'sudo', paths: ['/usr/bin/sudo'], pkg: 'sudo' },
  { tool: 'unshare', paths: ['/usr/bin/unshare', '/bin/unshare'], pkg: 'util-linux' },
];

export class LabPrerequisiteError extends OrchestratorError {
  constructor(message: string) {
    super('E_LAB_PREREQ', message);
  }
}

export function ensureLabPrerequisites(say: (line: string) => void): void {
  if (process.platform !== 'linux') throw new LabPrerequisiteError('the lab needs Linux namespaces: run it on Linux');
  if (process.getuid?.() !== 0) {
    throw new LabPrerequisiteError('the lab needs root (it makes mount and PID namespaces and runs sshd): run it with sudo, e.g. `sudo npx mds-orchestrate lab up`');
  }
  const missing = NEEDED.filter((n) => !n.paths.some((p) => existsSync(p)));
  if (missing.length === 0) return;
  const pkgs = [...new Set(missing.map((m) => m.pkg))];
  const command = `apt-get update && apt-get install -y ${pkgs.join(' ')}`;
  if (!existsSync('/usr/bin/apt-get')) {
    throw new LabPrerequisiteError(`missing ${missing.map((m) => m.tool).join(', ')}: install ${pkgs.join(', ')} with your package manager`);
  }
  say(`lab: installing ${pkgs.join(', ')} (needed by the fake hosts): ${command}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  const res = spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...pkgs], { stdio: 'inherit', env });
  if (res.status !== 0) throw new LabPrerequisiteError(`could not install ${pkgs.join(', ')}; run: ${command}`);
}
