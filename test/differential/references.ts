// The reference implementations the differential suite compares with: found on PATH, or a failure under CI=true.
import { execFileSync, spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface Reference {
  name: string;
  /** Present and runnable. */
  ok: boolean;
  version: string;
}

function probe(cmd: string, args: string[]): Reference {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  const ok = r.status === 0 || (r.status !== null && r.error === undefined && (r.stdout + r.stderr).trim() !== '');
  return { name: cmd, ok: ok && r.error === undefined, version: `${r.stdout ?? ''}${r.stderr ?? ''}`.split('\n')[0]?.trim() ?? '' };
}

const inCi = process.env['CI'] === 'true';

/**
 * Whether a suite can run. Without CI the suite is skipped (with a reason) when a reference is missing; under
 * CI=true a missing reference fails the run, so "skipped" never reads as "agreed".
 */
export function needReferences(...names: Array<'ansible' | 'ssh' | 'sshd' | 'root' | 'dpkg'>): { run: boolean; missing: string[] } {
  const missing: string[] = [];
  for (const n of names) {
    if (n === 'ansible' && !(probe('ansible-inventory', ['--version']).ok && probe('ansible-playbook', ['--version']).ok)) missing.push('ansible-core (ansible-inventory, ansible-playbook)');
    if (n === 'ssh' && !probe('ssh', ['-V']).ok) missing.push('openssh-client (ssh)');
    if (n === 'dpkg' && !probe('dpkg', ['--version']).ok) missing.push('dpkg (dpkg --compare-versions)');
    if (n === 'sshd' && !probe('/usr/sbin/sshd', ['-V']).ok) missing.push('openssh-server (/usr/sbin/sshd)');
    if (n === 'root' && process.getuid?.() !== 0) missing.push('root (the ssh_config comparison mounts a scratch home over ~ in a private mount namespace; the sshd binds 127.0.77.1)');
  }
  if (missing.length > 0 && inCi) {
    throw new Error(`differential suite: reference missing under CI=true: ${missing.join('; ')} (.ci/run installs them)`);
  }
  if (missing.length > 0) process.stderr.write(`differential suite: skipped, missing ${missing.join('; ')}\n`);
  return { run: missing.length === 0, missing };
}

export function run(cmd: string, args: string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string; input?: string } = {}): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(cmd, args, { encoding: 'utf8', env: { ...process.env, ...opts.env }, cwd: opts.cwd, input: opts.input, maxBuffer: 64 * 1024 * 1024 });
  if (r.error) throw r.error;
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

const emptyCfg = join(dirname(fileURLToPath(import.meta.url)), 'ansible.cfg');

/** Ansible quiet and deterministic: an empty config (none from the cwd or ~), no colour, no cows, no retry files. */
export const ANSIBLE_ENV: NodeJS.ProcessEnv = {
  ANSIBLE_CONFIG: emptyCfg,
  ANSIBLE_NOCOLOR: '1',
  ANSIBLE_NOCOWS: '1',
  ANSIBLE_LOCALHOST_WARNING: 'False',
  ANSIBLE_INVENTORY_UNPARSED_WARNING: 'False',
  ANSIBLE_RETRY_FILES_ENABLED: 'False',
  ANSIBLE_INVENTORY_ENABLED: 'host_list,auto,yaml,ini', // never 'script': a fixture is not run
  ANSIBLE_INVENTORY_UNPARSED_FAILED: 'True',
};

export function versionOf(cmd: string, args: string[]): string {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).split('\n')[0] ?? '';
  } catch (err) {
    return String((err as { stderr?: string }).stderr ?? '').split('\n')[0] ?? '';
  }
}
