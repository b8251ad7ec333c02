// The lab's SSH material: one client key pair, one host key shared by every host, known_hosts and the sshd config.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import type { FakeHostSpec } from './spec.js';

const run = promisify(execFile);

export interface LabKeys {
  /** Private key the controller logs in with (root and stack accept it). */
  privateKey: string;
  publicKey: string;
  hostKey: string;
  knownHosts: string;
  sshdConfig: string;
}

async function keygen(file: string, comment: string): Promise<void> {
  if (existsSync(file)) return;
  await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', file]);
}

export function renderSshdConfig(hostKey: string): string {
  return [
    '# sshd of the fake compute hosts (one sshd per host, started with -o ListenAddress=ADDR:PORT).',
    `HostKey ${hostKey}`,
    // No PAM, no DNS: cheap logins; StrictModes off because the keys live in the lab dir.
    'UsePAM no',
    'UseDNS no',
    'StrictModes no',
    'PidFile none',
    'PermitRootLogin prohibit-password',
    'PubkeyAuthentication yes',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'AuthorizedKeysFile .ssh/authorized_keys',
    'PrintMotd no',
    'MaxStartups 100:30:200',
    'MaxSessions 64',
    'Subsystem sftp internal-sftp',
    // INFO is needed: "Server listening on ..." is how the supervisor knows the host is up.
    'LogLevel INFO',
    '',
  ].join('\n');
}

export async function ensureLabKeys(labDir: string): Promise<LabKeys> {
  const keys: LabKeys = {
    privateKey: path.join(labDir, 'id_ed25519'),
    publicKey: path.join(labDir, 'id_ed25519.pub'),
    hostKey: path.join(labDir, 'ssh_host_ed25519_key'),
    knownHosts: path.join(labDir, 'known_hosts'),
    sshdConfig: path.join(labDir, 'sshd_config'),
  };
  await Promise.all([keygen(keys.privateKey, 'mds-orchestrate-lab'), keygen(keys.hostKey, 'fakehost')]);
  writeFileSync(keys.sshdConfig, renderSshdConfig(keys.hostKey));
  return keys;
}

/** One known_hosts line per host, in the `[addr]:port` form ssh and ssh2 look up for non-22 ports. */
export function writeKnownHosts(keys: LabKeys, hosts: readonly Pick<FakeHostSpec, 'address' | 'port' | 'name'>[]): void {
  const [type, blob] = readFileSync(`${keys.hostKey}.pub`, 'utf8').trim().split(/\s+/);
  const lines = hosts.map((h) => `${h.port === 22 ? h.address : `[${h.address}]:${h.port}`} ${type} ${blob}\n`);
  writeFileSync(keys.knownHosts, lines.join(''));
}
