// Test fixture for the transport e2e suite: real OpenSSH sshd processes in private mount+PID namespaces, keys, agent, users.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect as tcpConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const NOPW_USER = 'mdsnopw';
export const PW_USER = 'mdspw';
export const PW_USER_PASSWORD = 'sudo-Secret-4711';

export function keygen(dir: string, name: string, args: string[]): { priv: string; pub: string } {
  const priv = join(dir, name);
  execFileSync('ssh-keygen', ['-q', '-C', name, '-f', priv, ...args]);
  return { priv, pub: readFileSync(`${priv}.pub`, 'utf8').trim() };
}

export function freePort(): number {
  return 20_000 + Math.floor(Math.random() * 30_000);
}

export function waitForPort(host: string, port: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const tryOnce = (): void => {
      const s = tcpConnect({ host, port });
      s.once('connect', () => {
        s.destroy();
        resolve();
      });
      s.once('error', () => {
        s.destroy();
        if (Date.now() > deadline) reject(new Error(`nothing listens on ${host}:${port}`));
        else setTimeout(tryOnce, 50);
      });
    };
    tryOnce();
  });
}

/** Shared material: a temp dir, a host key, client keys, authorized_keys and two non-root users' passwd lines. */
export class SshWorld {
  readonly dir = mkdtempSync(join(tmpdir(), 'mds-transport-e2e-'));
  readonly hostKey = keygen(this.dir, 'host_ed25519', ['-t', 'ed25519', '-N', '']);
  readonly otherHostKey = keygen(this.dir, 'other_host_ed25519', ['-t', 'ed25519', '-N', '']);
  readonly ed25519 = keygen(this.dir, 'id_ed25519', ['-t', 'ed25519', '-N', '']);
  readonly ecdsaPem = keygen(this.dir, 'id_ecdsa_pem', ['-t', 'ecdsa', '-m', 'PEM', '-N', '']);
  readonly rsaPkcs8 = keygen(this.dir, 'id_rsa_pkcs8', ['-t', 'rsa', '-b', '2048', '-m', 'PKCS8', '-N', '']);
  readonly rsaPemEnc = keygen(this.dir, 'id_rsa_pem_enc', ['-t', 'rsa', '-b', '2048', '-m', 'PEM', '-N', 'rsa-pass-123']);
  readonly encrypted = keygen(this.dir, 'id_ed25519_enc', ['-t', 'ed25519', '-N', 'correct horse battery']);
  readonly agentOnly = keygen(this.dir, 'id_agent', ['-t', 'ed25519', '-N', '']);
  readonly stranger = keygen(this.dir, 'id_stranger', ['-t', 'ed25519', '-N', '']);
  readonly authorizedKeys = join(this.dir, 'authorized_keys');
  readonly etc = join(this.dir, 'etc');

  constructor() {
    const keys = [this.ed25519, this.ecdsaPem, this.rsaPkcs8, this.rsaPemEnc, this.encrypted, this.agentOnly];
    writeFileSync(this.authorizedKeys, keys.map((k) => k.pub).join('\n') + '\n', { mode: 0o644 });
    // The non-root test users' sshd must read authorized_keys; private keys stay 0600.
    chmodSync(this.dir, 0o755);
    // Private copies of passwd/shadow/group/sudoers, bind-mounted inside the sshd namespaces only.
    mkdirSync(this.etc);
    for (const f of ['passwd', 'shadow', 'group', 'sudoers']) copyFileSync(`/etc/${f}`, join(this.etc, f));
    const hash = execFileSync('openssl', ['passwd', '-6', PW_USER_PASSWORD]).toString().trim();
    mkdirSync(join(this.dir, 'home'));
    appendFileSync(join(this.etc, 'passwd'), `${NOPW_USER}:x:4701:4701::${join(this.dir, 'home')}:/bin/sh\n${PW_USER}:x:4702:4702::${join(this.dir, 'home')}:/bin/sh\n`);
    appendFileSync(join(this.etc, 'group'), `${NOPW_USER}:x:4701:\n${PW_USER}:x:4702:\n`);
    appendFileSync(join(this.etc, 'shadow'), `${NOPW_USER}:*:19000:0:99999:7:::\n${PW_USER}:${hash}:19000:0:99999:7:::\n`);
    appendFileSync(join(this.etc, 'sudoers'), `${NOPW_USER} ALL=(ALL) NOPASSWD: ALL\n${PW_USER} ALL=(ALL) ALL\n`);
  }

  /** A known_hosts line for `[addr]:port` with the fixture's host key. */
  knownHostsLine(addr: string, port: number, pub = this.hostKey.pub): string {
    const [type, b64] = pub.split(' ');
    return `[${addr}]:${port} ${type} ${b64}`;
  }

  file(name: string, content: string): string {
    const p = join(this.dir, name);
    writeFileSync(p, content);
    return p;
  }

  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export interface SshdOptions {
  port?: number;
  address?: string;
  /** Extra lines for /etc/hosts inside the namespace (the bastion resolves names the test runner cannot). */
  extraHosts?: string;
}

/**
 * One sshd as PID 1 of its own mount+PID namespace, so killing the `unshare` parent with SIGKILL kills
 * every session too (a "reboot"), and /root, /run and /etc/{passwd,...} are private: root's real
 * ~/.bashrc (slow pyenv init) is never read.
 */
export class Sshd {
  readonly port: number;
  readonly address: string;
  private proc: ChildProcess | undefined;
  log = '';

  constructor(private readonly world: SshWorld, private readonly opts: SshdOptions = {}) {
    this.port = opts.port ?? freePort();
    this.address = opts.address ?? '127.0.0.1';
  }

  async start(): Promise<void> {
    const w = this.world;
    const cfg = w.file(`sshd_${this.port}.conf`, [
      `HostKey ${w.hostKey.priv}`,
      'PidFile none',
      'UsePAM no',
      'StrictModes no',
      'UseDNS no',
      'PermitRootLogin yes',
      'PasswordAuthentication yes',
      'KbdInteractiveAuthentication no',
      `AuthorizedKeysFile ${w.authorizedKeys}`,
      'AllowTcpForwarding yes',
      'MaxStartups 100',
      process.env['MDS_SSHD_DEBUG'] ? 'LogLevel DEBUG1' : 'LogLevel ERROR',
      '',
    ].join('\n'));
    const hosts = w.file(`hosts_${this.port}`, `127.0.0.1 localhost\n${this.opts.extraHosts ?? ''}\n`);
    const binds = ['passwd', 'shadow', 'group', 'sudoers'].map((f) => `mount --bind ${join(w.etc, f)} /etc/${f}`).join(' && ');
    const init = [
      'set -e',
      'mount -t tmpfs tmpfs /root',
      'mount -t tmpfs tmpfs /run',
      'mkdir -p /run/sshd',
      binds,
      `mount --bind ${hosts} /etc/hosts`,
      `exec /usr/sbin/sshd -D -e -f ${cfg} -o ListenAddress=${this.address}:${this.port}`,
    ].join('\n');
    this.proc = spawn('unshare', ['--mount', '--pid', '--fork', '--kill-child', '--mount-proc', 'sh', '-c', init], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.proc.stderr?.on('data', (d: Buffer) => {
      this.log += d.toString();
    });
    await waitForPort(this.address, this.port);
  }

  /** SIGKILL of the namespace: sshd and every session die at once, like a host losing power. */
  async kill(): Promise<void> {
    const p = this.proc;
    this.proc = undefined;
    if (p?.pid === undefined || p.exitCode !== null) return;
    const exited = new Promise((resolve) => p.once('exit', resolve));
    process.kill(p.pid, 'SIGKILL');
    await exited;
  }
}

/** ssh-agent in the foreground (-D) so the test owns its PID; the key is added with ssh-add. */
export async function startAgent(dir: string, key: string): Promise<{ socket: string; stop: () => Promise<void> }> {
  const socket = join(dir, `agent.${process.pid}.sock`);
  const proc = spawn('ssh-agent', ['-D', '-a', socket], { stdio: 'ignore' });
  const deadline = Date.now() + 5_000;
  for (;;) {
    try {
      execFileSync('ssh-add', [key], { env: { ...process.env, SSH_AUTH_SOCK: socket }, stdio: 'pipe' });
      break;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return {
    socket,
    stop: async () => {
      if (proc.pid === undefined || proc.exitCode !== null) return;
      const exited = new Promise((resolve) => proc.once('exit', resolve));
      process.kill(proc.pid, 'SIGTERM');
      await exited;
    },
  };
}
