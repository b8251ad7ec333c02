// Checks the machine can run fake hosts (root, OpenSSH, util-linux, sudo) and says exactly what to install when not.
import { accessSync, constants, existsSync } from 'node:fs';
import path from 'node:path';
import { LabHostError } from './errors.js';

interface Tool {
  name: string;
  /** Where it must be (sshd is started by absolute path), else searched on PATH. */
  at?: string;
  debianPackage: string;
}

const TOOLS: Tool[] = [
  { name: 'sshd', at: '/usr/sbin/sshd', debianPackage: 'openssh-server' },
  { name: 'ssh-keygen', debianPackage: 'openssh-client' },
  { name: 'unshare', debianPackage: 'util-linux' },
  { name: 'setpriv', debianPackage: 'util-linux' },
  { name: 'mount', debianPackage: 'mount' },
  { name: 'sudo', debianPackage: 'sudo' },
  { name: 'bash', debianPackage: 'bash' },
  { name: 'awk', debianPackage: 'mawk' },
];

function onPath(name: string, envPath: string): boolean {
  return envPath.split(':').some((dir) => {
    if (dir === '') return false;
    try {
      accessSync(path.join(dir, name), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

function missingTools(envPath: string): Tool[] {
  return TOOLS.filter((t) => (t.at ? !existsSync(t.at) : !onPath(t.name, envPath)));
}

/** The Debian packages that would provide what is missing (for `lab up`, which may install them as root). */
export function missingDebianPackages(envPath: string): string[] {
  return [...new Set(missingTools(envPath).map((t) => t.debianPackage))];
}

export interface PrereqProblem {
  what: string;
  fix: string;
}

/** Lists what is missing; empty when the lab can start. */
export function findPrerequisiteProblems(env: { uid: number; path: string; platform: string }): PrereqProblem[] {
  const problems: PrereqProblem[] = [];
  if (env.platform !== 'linux') problems.push({ what: `fake hosts need Linux namespaces (this is ${env.platform})`, fix: 'run the lab on Linux' });
  if (env.uid !== 0) {
    problems.push({ what: 'fake hosts need root (mount, PID and UTS namespaces; sshd as root)', fix: 'run as root, e.g. sudo -E npx ...' });
  }
  const missing = missingTools(env.path);
  if (missing.length) {
    const pkgs = [...new Set(missing.map((t) => t.debianPackage))];
    problems.push({
      what: `missing ${missing.map((t) => t.at ?? t.name).join(', ')}`,
      fix: `apt-get install -y ${pkgs.join(' ')}`,
    });
  }
  return problems;
}

export function checkPrerequisites(): void {
  const problems = findPrerequisiteProblems({ uid: process.getuid?.() ?? -1, path: process.env.PATH ?? '', platform: process.platform });
  if (problems.length) {
    throw new LabHostError('E_LAB_PREREQ', `cannot start fake hosts:\n${problems.map((p) => `  - ${p.what}: ${p.fix}`).join('\n')}`);
  }
}
