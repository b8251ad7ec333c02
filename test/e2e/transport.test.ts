// End to end: the ssh2 transport against real OpenSSH sshd processes (exec, files, host keys, auth, sudo, faults, ProxyJump).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HostSpec } from '../../src/inventory/types.js';
import { createSshTransportFactory, type SshTransportFactoryOptions } from '../../src/transport/factory.js';
import { fingerprintSha256 } from '../../src/transport/known-hosts.js';
import { RemoteFileError } from '../../src/transport/remote-files.js';
import { sh } from '../../src/transport/shell-quote.js';
import {
  AbortedError,
  AuthError,
  ExecTimeoutError,
  HostKeyError,
  InterruptedError,
  UnreachableError,
  type Transport,
} from '../../src/transport/types.js';
import { NOPW_USER, PW_USER, PW_USER_PASSWORD, Sshd, SshWorld, freePort, startAgent } from './transport-fixture.js';

const world = new SshWorld();
const sshd = new Sshd(world);
const open: Transport[] = [];
let knownHosts = '';

function spec(over: Partial<HostSpec> = {}): HostSpec {
  return {
    name: 'compute-1',
    address: '127.0.0.1',
    port: sshd.port,
    user: 'root',
    privateKeyFile: world.ed25519.priv,
    become: false,
    novaHost: 'compute-1',
    groups: ['all'],
    vars: {},
    ...over,
  };
}

async function transport(over: Partial<HostSpec> = {}, opts: SshTransportFactoryOptions = {}): Promise<Transport> {
  const factory = await createSshTransportFactory({
    knownHostsFiles: [knownHosts],
    sshConfigFile: null,
    agentSocket: null,
    retry: { retries: 1, baseDelayMs: 50, maxDelayMs: 200 },
    connectTimeoutMs: 5_000,
    ...opts,
    secrets: { prompt: null, env: {}, ...(opts.secrets as object | undefined) },
  });
  const t = factory(spec(over));
  open.push(t);
  return t;
}

/** Whether no process runs `args` within a few seconds (the kill is asynchronous on the host). */
async function gone(t: Transport, args: string): Promise<boolean> {
  for (let i = 0; i < 50; i++) {
    const ps = await t.exec('ps -eo args');
    if (!ps.stdout.split('\n').some((l) => l.trim() === args)) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

beforeAll(async () => {
  await sshd.start();
  knownHosts = world.file('known_hosts', `${world.knownHostsLine('127.0.0.1', sshd.port)}\n`);
});

afterAll(async () => {
  for (const t of open) await t.close().catch(() => undefined);
  await sshd.kill();
  world.cleanup();
});

describe('exec', () => {
  it('returns exit code, stdout and stderr separately, and reuses one connection', async () => {
    const t = await transport();
    const a = await t.exec('echo out; echo err >&2; exit 7');
    expect(a).toMatchObject({ code: 7, signal: null, stdout: 'out\n', stderr: 'err\n', truncated: false });
    // The same sshd session process serves both commands only if the connection is reused: compare the client port.
    const p1 = (await t.exec('echo $SSH_CONNECTION')).stdout;
    const p2 = (await t.exec('echo $SSH_CONNECTION')).stdout;
    expect(p1).toBe(p2);
    expect(p1.split(' ')[3]?.trim()).toBe(String(sshd.port));
  });

  it('feeds stdin and closes it', async () => {
    const t = await transport();
    const r = await t.exec('wc -c; cat >/dev/null', { stdin: 'hello\nworld\n' });
    expect(r.stdout.trim()).toBe('12');
    const n = await t.exec('cat');
    expect(n).toMatchObject({ code: 0, stdout: '' });
    // Without stdin the command reads /dev/null (no EOF packet is sent for it); with stdin it reads the channel.
    expect((await t.exec('readlink /proc/self/fd/0')).stdout.trim()).toBe('/dev/null');
    expect((await t.exec('readlink /proc/self/fd/0', { stdin: 'x' })).stdout.trim()).not.toBe('/dev/null');
  });

  it('passes nasty values through sh`` unharmed', async () => {
    const t = await transport();
    const nasty = `a'b "c" $(touch /tmp/pwned-${process.pid}) ; reboot\nline2 \\ * ?`;
    const r = await t.exec(sh`printf %s ${nasty}`);
    expect(r.stdout).toBe(nasty);
    expect((await t.exec(sh`test -e ${`/tmp/pwned-${process.pid}`} && echo yes || echo no`)).stdout.trim()).toBe('no');
  });

  it('kills a command on timeout and rejects with ExecTimeoutError', async () => {
    const t = await transport();
    const marker = `mds-timeout-${process.pid}`;
    await expect(t.exec(`sleep 30; touch /tmp/${marker}`, { timeoutMs: 300 })).rejects.toBeInstanceOf(ExecTimeoutError);
    // The command really died: its sleep is gone and it never reached the touch.
    expect(await gone(t, 'sleep 30')).toBe(true);
    expect((await t.exec(`test -e /tmp/${marker}; echo $?`)).stdout.trim()).toBe('1');
  });

  it('aborts a running command with AbortedError', async () => {
    const t = await transport();
    const ac = new AbortController();
    const p = t.exec('sleep 31', { signal: ac.signal });
    setTimeout(() => ac.abort(), 200);
    await expect(p).rejects.toBeInstanceOf(AbortedError);
    expect(await gone(t, 'sleep 31')).toBe(true);
  });

  it('caps output and reports truncation', async () => {
    const t = await transport();
    const r = await t.exec('head -c 100000 /dev/zero | tr "\\0" x', { maxOutputBytes: 1000 });
    expect(r.truncated).toBe(true);
    expect(r.stdout.length).toBe(1000);
    expect(r.code).toBe(0);
  });

  it('runs many commands at once on one connection beyond sshd MaxSessions', async () => {
    const t = await transport();
    const results = await Promise.all(Array.from({ length: 25 }, (_, i) => t.exec(`echo ${i}`)));
    expect(results.map((r) => Number(r.stdout))).toEqual(Array.from({ length: 25 }, (_, i) => i));
  });
});

describe('files', () => {
  it('writeFile is atomic (temp file renamed), sets the mode, and readFile reads bytes back', async () => {
    const t = await transport();
    const dir = (await t.exec('mktemp -d')).stdout.trim();
    const path = `${dir}/conf file's.txt`;
    const bytes = Buffer.from([0, 1, 2, 255, 10, 13]);
    await t.writeFile(path, bytes, { mode: 0o640 });
    expect((await t.readFile(path)).equals(bytes)).toBe(true);
    expect((await t.exec(sh`stat -c %a ${path}`)).stdout.trim()).toBe('640');
    // Inode changes on rewrite: the content is renamed into place, never written over the old file.
    const ino1 = (await t.exec(sh`stat -c %i ${path}`)).stdout;
    await t.writeFile(path, 'second\n');
    expect((await t.exec(sh`stat -c %i ${path}`)).stdout).not.toBe(ino1);
    expect((await t.exec(sh`stat -c %a ${path}`)).stdout.trim()).toBe('640'); // existing mode preserved
    expect((await t.readFile(path)).toString()).toBe('second\n');
    expect((await t.exec(sh`ls -A ${dir} | wc -l`)).stdout.trim()).toBe('1'); // no temp file left
    await t.exec(sh`rm -rf ${dir}`);
  });

  it('writeFile through a symlink replaces the file it points to, with its backup beside it; the link stays', async () => {
    const t = await transport();
    const dir = (await t.exec('mktemp -d')).stdout.trim();
    await t.exec(sh`mkdir ${dir}/managed && printf 'orig\n' > ${dir}/managed/nova.conf && chmod 640 ${dir}/managed/nova.conf && ln -s managed/nova.conf ${dir}/nova.conf`);
    await t.writeFile(`${dir}/nova.conf`, 'edited\n', { backupSuffix: '.bak' });
    expect((await t.exec(sh`readlink ${dir}/nova.conf`)).stdout.trim()).toBe('managed/nova.conf');
    expect((await t.exec(sh`cat ${dir}/managed/nova.conf`)).stdout).toBe('edited\n');
    expect((await t.exec(sh`cat ${dir}/managed/nova.conf.bak`)).stdout).toBe('orig\n');
    expect((await t.exec(sh`stat -c %a ${dir}/managed/nova.conf`)).stdout.trim()).toBe('640');
    expect((await t.exec(sh`ls -A ${dir} | tr '\n' ' '`)).stdout.trim()).toBe('managed nova.conf');
    await t.exec(sh`rm -rf ${dir}`);
  });

  it('a failed write leaves the original and no temp file; a missing file is RemoteFileError(notFound)', async () => {
    const t = await transport({ user: NOPW_USER });
    const dir = (await t.exec('mktemp -d')).stdout.trim();
    await t.writeFile(`${dir}/f`, 'original');
    await t.exec(sh`chmod 555 ${dir}`);
    await expect(t.writeFile(`${dir}/f`, 'new')).rejects.toBeInstanceOf(RemoteFileError);
    expect((await t.readFile(`${dir}/f`)).toString()).toBe('original');
    const err = await t.readFile(`${dir}/nope`).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RemoteFileError);
    expect((err as RemoteFileError).notFound).toBe(true);
    await t.exec(sh`chmod 755 ${dir} && rm -rf ${dir}`);
  });
});

describe('host keys', () => {
  it('refuses a changed host key, naming the host and both fingerprints', async () => {
    const kh = world.file('kh_changed', `${world.knownHostsLine('127.0.0.1', sshd.port, world.otherHostKey.pub)}\n`);
    const t = await transport({}, { knownHostsFiles: [kh] });
    const err = await t.connect().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HostKeyError);
    const msg = (err as Error).message;
    const fp = (pub: string): string => fingerprintSha256(Buffer.from(pub.split(' ')[1] ?? '', 'base64'));
    expect(msg).toContain(`[127.0.0.1]:${sshd.port}`);
    expect(msg).toContain(fp(world.hostKey.pub));
    expect(msg).toContain(fp(world.otherHostKey.pub));
    // The fingerprint format is OpenSSH's own.
    const sshKeygen = execFileSync('ssh-keygen', ['-lf', `${world.hostKey.priv}.pub`]).toString();
    expect(sshKeygen).toContain(fp(world.hostKey.pub));
  });

  it('refuses an unknown host under strict', async () => {
    const t = await transport({}, { knownHostsFiles: [world.file('kh_empty', '')] });
    await expect(t.connect()).rejects.toBeInstanceOf(HostKeyError);
  });

  it('accept-new records an unknown key, and strict then accepts it', async () => {
    const kh = world.file('kh_new', '# comment\n');
    const t = await transport({}, { knownHostsFiles: [kh], hostKeyPolicy: 'accept-new' });
    expect((await t.exec('echo ok')).stdout).toBe('ok\n');
    const text = readFileSync(kh, 'utf8');
    expect(text).toContain('# comment\n');
    expect(text).toContain(world.knownHostsLine('127.0.0.1', sshd.port));
    const strict = await transport({}, { knownHostsFiles: [kh] });
    await expect(strict.connect()).resolves.toBeUndefined();
  });

  it('accept-new still refuses a changed key', async () => {
    const kh = world.file('kh_changed2', `${world.knownHostsLine('127.0.0.1', sshd.port, world.otherHostKey.pub)}\n`);
    const t = await transport({}, { knownHostsFiles: [kh], hostKeyPolicy: 'accept-new' });
    await expect(t.connect()).rejects.toBeInstanceOf(HostKeyError);
  });

  it('matches a hashed entry written by ssh-keygen -H', async () => {
    const kh = world.file('kh_hashed', `${world.knownHostsLine('127.0.0.1', sshd.port)}\n`);
    execFileSync('ssh-keygen', ['-H', '-f', kh], { stdio: 'pipe' });
    expect(readFileSync(kh, 'utf8')).toMatch(/^\|1\|/);
    const t = await transport({}, { knownHostsFiles: [kh] });
    await expect(t.connect()).resolves.toBeUndefined();
  });

  it('refuses a key marked @revoked under strict; policy off accepts an unknown key', async () => {
    const line = world.knownHostsLine('127.0.0.1', sshd.port);
    const kh = world.file('kh_revoked', `${line}\n@revoked * ${line.split(' ').slice(1).join(' ')}\n`);
    const t = await transport({}, { knownHostsFiles: [kh] });
    await expect(t.connect()).rejects.toThrow(/revoked/);
    const off = await transport({}, { knownHostsFiles: [world.file('kh_none', '')], hostKeyPolicy: 'off' });
    await expect(off.connect()).resolves.toBeUndefined();
  });
});

describe('authentication', () => {
  it.each([
    ['ed25519 (OpenSSH format)', () => world.ed25519.priv],
    ['ecdsa (PEM)', () => world.ecdsaPem.priv],
    ['rsa (PKCS#8)', () => world.rsaPkcs8.priv],
  ])('logs in with a %s key', async (_name, key) => {
    const t = await transport({ privateKeyFile: key() });
    expect((await t.exec('echo in')).stdout).toBe('in\n');
  });

  it('decrypts encrypted keys with the passphrase from the env var, never echoing it', async () => {
    const env = { MDS_SSH_PASSPHRASE: 'correct horse battery' };
    const t = await transport({ privateKeyFile: world.encrypted.priv }, { secrets: { env } });
    expect((await t.exec('echo in')).stdout).toBe('in\n');
    const rsa = await transport({ privateKeyFile: world.rsaPemEnc.priv }, { secrets: { env: { MDS_SSH_PASSPHRASE: 'rsa-pass-123' } } });
    expect((await rsa.exec('echo in')).stdout).toBe('in\n');
    const bad = await transport({ privateKeyFile: world.encrypted.priv }, { secrets: { env: { MDS_SSH_PASSPHRASE: 'wrong-Passphrase-99' } } });
    const err = await bad.connect().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthError);
    expect((err as Error).message).toContain(world.encrypted.priv);
    expect(JSON.stringify(err) + String((err as Error).stack)).not.toContain('wrong-Passphrase-99');
  });

  it('an unauthorized key is AuthError, not a retry storm and not a command failure', async () => {
    let retries = 0;
    const t = await transport({ privateKeyFile: world.stranger.priv }, { onRetry: () => retries++ });
    await expect(t.connect()).rejects.toBeInstanceOf(AuthError);
    expect(retries).toBe(0);
  });

  it('falls back to a password from MDS_SSH_PASSWORD after a refused key; a wrong one is AuthError without the password', async () => {
    const t = await transport({ user: PW_USER, privateKeyFile: world.stranger.priv }, { secrets: { env: { MDS_SSH_PASSWORD: PW_USER_PASSWORD } } });
    expect((await t.exec('id -un')).stdout.trim()).toBe(PW_USER);
    const bad = await transport({ user: PW_USER, privateKeyFile: world.stranger.priv }, { secrets: { env: { MDS_SSH_PASSWORD: 'Wrong-Login-Pw-5' } } });
    const err = await bad.connect().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthError);
    expect((err as Error).message).toContain('password');
    expect(`${(err as Error).message} ${(err as Error).stack}`).not.toContain('Wrong-Login-Pw-5');
  });

  it('authenticates through ssh-agent', async () => {
    const agent = await startAgent(world.dir, world.agentOnly.priv);
    try {
      const t = await transport({ privateKeyFile: world.stranger.priv }, { agentSocket: agent.socket });
      expect((await t.exec('echo agent')).stdout).toBe('agent\n');
    } finally {
      await agent.stop();
    }
  });
});

describe('privilege escalation', () => {
  it('uses sudo -n for a NOPASSWD user only when asked to become', async () => {
    const t = await transport({ user: NOPW_USER, become: true });
    expect((await t.exec('id -u')).stdout.trim()).toBe('4701');
    expect((await t.exec('id -u', { become: true })).stdout.trim()).toBe('0');
    const r = await t.exec('cat', { become: true, stdin: 'payload' });
    expect(r.stdout).toBe('payload');
  });

  it('a timeout kills a command run through sudo, as root', async () => {
    const t = await transport({ user: NOPW_USER, become: true });
    expect((await t.exec('sleep 33 & sleep 34; wait', { become: true, timeoutMs: 400 }).catch((e: unknown) => e))).toBeInstanceOf(ExecTimeoutError);
    expect(await gone(t, 'sleep 33')).toBe(true);
    expect(await gone(t, 'sleep 34')).toBe(true);
  });

  it('feeds the sudo password on stdin before the command input, and never shows it', async () => {
    const t = await transport({ user: PW_USER, become: true }, { secrets: { env: { MDS_BECOME_PASSWORD: PW_USER_PASSWORD } } });
    const r = await t.exec('id -u; cat', { become: true, stdin: 'line1\nline2\n' });
    expect(r.stdout).toBe('0\nline1\nline2\n');
    expect(r.stderr).not.toContain(PW_USER_PASSWORD);
    await t.writeFile('/root/mds-become-test', 'as root', { become: true, mode: 0o600 });
    expect((await t.exec('stat -c %U:%a /root/mds-become-test', { become: true })).stdout.trim()).toBe('root:600');
    const ps = await t.exec('ps -eo args');
    expect(ps.stdout).not.toContain(PW_USER_PASSWORD);
  });

  it('without a password, sudo fails fast (no hang) with a non-zero exit', async () => {
    const t = await transport({ user: PW_USER, become: true });
    const r = await t.exec('id -u', { become: true, timeoutMs: 10_000 });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/password/i);
  });
});

describe('faults', () => {
  it('connection refused becomes UnreachableError after the configured retries', async () => {
    let retries = 0;
    const t = await transport({ port: freePort() }, { retry: { retries: 2, baseDelayMs: 20, maxDelayMs: 50 }, onRetry: () => retries++ });
    const err = await t.connect().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnreachableError);
    expect(err).not.toBeInstanceOf(AuthError);
    expect((err as Error).message).toMatch(/after 3 attempt/);
    expect(retries).toBe(2);
  });

  it('host dying mid-exec rejects with InterruptedError; the next exec reconnects after restart', async () => {
    const victim = new Sshd(world);
    await victim.start();
    try {
      const kh = world.file('kh_victim', `${world.knownHostsLine('127.0.0.1', victim.port)}\n`);
      const t = await transport({ port: victim.port }, { knownHostsFiles: [kh], retry: { retries: 20, baseDelayMs: 100, maxDelayMs: 300 } });
      // /run is a tmpfs of the host's namespace: a marker there survives only as long as the "boot".
      await t.exec('echo up > /run/mds-boot-marker');
      // The rejection can land while victim.kill() is awaited: take it at once, or it counts as unhandled.
      const outcome = t.exec('sleep 60').then(() => null, (err: unknown) => err);
      await new Promise((r) => setTimeout(r, 300));
      await victim.kill();
      expect(await outcome).toBeInstanceOf(InterruptedError);
      await victim.start();
      const after = await t.exec('cat /run/mds-boot-marker 2>/dev/null; echo "exists=$?"');
      expect(after.stdout.trim()).toBe('exists=1');
      await t.reconnect();
      expect((await t.exec('echo again')).stdout).toBe('again\n');
    } finally {
      await victim.kill();
    }
  });
});

describe('ProxyJump', () => {
  it('reaches a target name only the bastion can resolve, through the bastion', async () => {
    const bastion = new Sshd(world, { extraHosts: '127.0.0.1 hidden-compute.internal' });
    await bastion.start();
    try {
      const cfg = world.file('ssh_config', [
        'Host hidden-*',
        `  ProxyJump root@127.0.0.1:${bastion.port}`,
        `  Port ${sshd.port}`,
        '',
      ].join('\n'));
      const kh = world.file('kh_jump', [
        world.knownHostsLine('127.0.0.1', bastion.port),
        world.knownHostsLine('hidden-compute.internal', sshd.port),
        '',
      ].join('\n'));
      const t = await transport({ address: 'hidden-compute.internal' }, { sshConfigFile: cfg, knownHostsFiles: [kh] });
      const r = await t.exec('echo $SSH_CONNECTION');
      expect(r.code).toBe(0);
      expect(r.stdout.split(' ')[3]?.trim()).toBe(String(sshd.port));
      await t.close();
      // Without the bastion the name does not resolve: the jump was really used.
      const direct = await transport({ address: 'hidden-compute.internal' }, { knownHostsFiles: [kh], retry: { retries: 0 } });
      await expect(direct.connect()).rejects.toBeInstanceOf(UnreachableError);
    } finally {
      await bastion.kill();
    }
  });
});
