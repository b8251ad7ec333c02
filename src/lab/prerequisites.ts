// Before `lab up`: on Debian/Ubuntu as root, installs the packages the fake hosts need (saying so); else says what to run.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { checkPrerequisites, missingDebianPackages } from './host/prereqs.js';

export function ensureLabPrerequisites(say: (line: string) => void): void {
  const pkgs = missingDebianPackages(process.env['PATH'] ?? '');
  if (pkgs.length && process.getuid?.() === 0 && process.platform === 'linux' && existsSync('/usr/bin/apt-get')) {
    const command = `apt-get update && apt-get install -y ${pkgs.join(' ')}`;
    say(`lab: installing ${pkgs.join(', ')} (needed by the fake hosts): ${command}`);
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
    spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...pkgs], { stdio: 'inherit', env });
  }
  // Whatever is still missing (not root, not Linux, no apt) is named with the exact command to fix it.
  checkPrerequisites();
}
