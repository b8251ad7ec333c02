// A throwaway OpenSSH sshd on 127.0.77.1 (a range no lab uses) serving one ED25519 host key, for the real client's
// host-key verdicts. It lets nobody in: the verdict is read before authentication.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface Sshd {
  address: string;
  port: number;
  dir: string;
  /** Public key lines "type base64" by name: `served` is the sshd's; the others exist only in known_hosts. */
  keys: Record<'served' | 'ed2' | 'ec' | 'rsa', { type: string; b64: string; blob: Buffer }>;
  stop(): void;
}

function keygen(dir: string, name: string, type: string): { type: string; b64: string; blob: Buffer } {
  const f = path.join(dir, name);
  execFileSync('ssh-keygen', ['-q', '-t', type, '-N', '', '-f', f]);
  const [t, b64] = readFileSync(`${f}.pub`, 'utf8').trim().split(' ');
  return { type: t!, b64: b64!, blob: Buffer.from(b64!, 'base64') };
}

async function waitListening(address: string, port: number, child: ChildProcess, log: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) throw new Error(`sshd exited: ${readFileSync(log, 'utf8')}`);
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect({ host: address, port }, () => {
        s.destroy();
        resolve(true);
      });
      s.on('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`sshd did not listen on ${address}:${port}: ${readFileSync(log, 'utf8')}`);
}

/** `authorizedKey`: a public key line allowed to log in as root (the ProxyCommand test runs a command through it). */
export async function startSshd(address = '127.0.77.1', port = 2299, authorizedKey?: string): Promise<Sshd> {
  const dir = mkdtempSync(path.join(tmpdir(), 'mds-diff-sshd-'));
  if (authorizedKey !== undefined) writeFileSync(path.join(dir, 'authorized_keys'), `${authorizedKey}\n`, { mode: 0o600 });
  const keys = { served: keygen(dir, 'host_ed25519', 'ed25519'), ed2: keygen(dir, 'other_ed25519', 'ed25519'), ec: keygen(dir, 'other_ecdsa', 'ecdsa'), rsa: keygen(dir, 'other_rsa', 'rsa') };
  const cfg = path.join(dir, 'sshd_config');
  writeFileSync(cfg, [
    `ListenAddress ${address}:${port}`,
    `HostKey ${path.join(dir, 'host_ed25519')}`,
    `PidFile ${path.join(dir, 'sshd.pid')}`,
    'UsePAM no', 'PasswordAuthentication no', 'KbdInteractiveAuthentication no', 'PubkeyAuthentication yes',
    authorizedKey === undefined ? 'AuthorizedKeysFile none' : `AuthorizedKeysFile ${path.join(dir, 'authorized_keys')}`,
    'PermitRootLogin prohibit-password', 'StrictModes no', 'MaxStartups 100:30:200', 'LogLevel ERROR', '',
  ].join('\n'));
  mkdirSync('/run/sshd', { recursive: true }); // privilege separation directory Debian's sshd expects
  const log = path.join(dir, 'sshd.log');
  const child = spawn('/usr/sbin/sshd', ['-D', '-e', '-f', cfg], { stdio: ['ignore', 'ignore', 'pipe'] });
  child.stderr?.on('data', (d: Buffer) => {
    try {
      writeFileSync(log, d, { flag: 'a' });
    } catch {
      // the directory is gone once stop() ran; a late line from a dying sshd is not worth keeping
    }
  });
  writeFileSync(log, '');
  try {
    await waitListening(address, port, child, log);
  } catch (err) {
    if (child.exitCode === null && child.pid !== undefined) process.kill(child.pid, 'SIGTERM');
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    address, port, dir, keys,
    stop() {
      if (child.exitCode === null && child.pid !== undefined) process.kill(child.pid, 'SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
