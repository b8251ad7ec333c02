// End to end against a throwaway sshd: ssh_config's ProxyCommand carries the connection, and its UserKnownHostsFile,
// StrictHostKeyChecking and HostKeyAlias decide the host key check, through the same factory the CLI uses.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HostSpec } from '../../src/inventory/types.js';
import { createSshTransportFactory } from '../../src/transport/factory.js';
import { needReferences } from './references.js';
import { startSshd, type Sshd } from './throwaway-sshd.js';

const refs = needReferences('ssh', 'sshd', 'root');

describe.runIf(refs.run)('ssh_config settings on a real connection', () => {
  let sshd: Sshd;
  const dir = mkdtempSync(path.join(tmpdir(), 'mds-diff-live-'));
  const key = path.join(dir, 'client_ed25519');
  const proxy = path.join(dir, 'tcp-proxy.mjs');
  beforeAll(async () => {
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', key]);
    sshd = await startSshd('127.0.77.2', 2298, readFileSync(`${key}.pub`, 'utf8').trim());
    // A ProxyCommand of our own: pipes stdin/stdout to host:port and notes that it ran.
    writeFileSync(proxy, [
      "import { connect } from 'node:net';",
      "import { writeFileSync } from 'node:fs';",
      'const [host, port, mark] = process.argv.slice(2);',
      "writeFileSync(mark, `${host}:${port}`);",
      'const s = connect(Number(port), host);',
      'process.stdin.pipe(s);',
      's.pipe(process.stdout);',
      "s.on('close', () => process.exit(0));",
    ].join('\n'));
  });
  afterAll(() => {
    sshd?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const spec = (name: string): HostSpec => ({ name, address: name, port: 22, user: 'root', become: false, novaHost: name, groups: ['all'], vars: {} });

  it('connects through ProxyCommand, records the key under accept-new in the UserKnownHostsFile, then verifies it', async () => {
    const kh = path.join(dir, 'kh_%h');
    const mark = path.join(dir, 'proxy-ran');
    const cfg = path.join(dir, 'config');
    writeFileSync(cfg, [
      'Host fleet-proxied',
      `  HostName ${sshd.address}`,
      `  Port ${sshd.port}`,
      `  ProxyCommand ${process.execPath} ${proxy} %h %p ${mark}`,
      `  UserKnownHostsFile ${kh}`,
      '  StrictHostKeyChecking accept-new',
      `  IdentityFile ${key}`,
      '  IdentityAgent none',
      '',
    ].join('\n'));
    const factory = await createSshTransportFactory({ sshConfigFile: cfg, home: dir, allowPassword: false, retry: { retries: 0 } });
    const t = factory(spec('fleet-proxied'));
    try {
      const r = await t.exec('echo through-the-proxy');
      expect(r.stdout.trim()).toBe('through-the-proxy');
    } finally {
      await t.close();
    }
    expect(readFileSync(mark, 'utf8')).toBe(`${sshd.address}:${sshd.port}`);
    const recorded = readFileSync(path.join(dir, `kh_${sshd.address}`), 'utf8');
    expect(recorded).toBe(`[${sshd.address}]:${sshd.port} ${sshd.keys.served.type} ${sshd.keys.served.b64}\n`);
    expect(existsSync(path.join(dir, '.ssh', 'known_hosts'))).toBe(false); // the default file was not touched
  });

  it('refuses under the ssh_config policy (yes) when the UserKnownHostsFile has another key type for the HostKeyAlias', async () => {
    const kh = path.join(dir, 'kh_alias');
    writeFileSync(kh, `compute-alias.example ${sshd.keys.ec.type} ${sshd.keys.ec.b64}\n`);
    const cfg = path.join(dir, 'config-alias');
    writeFileSync(cfg, [
      'Host compute-alias',
      `  HostName ${sshd.address}`,
      `  Port ${sshd.port}`,
      '  HostKeyAlias Compute-Alias.Example',
      `  UserKnownHostsFile ${kh}`,
      '  StrictHostKeyChecking no', // read as accept-new: the changed key type is still refused
      `  IdentityFile ${key}`,
      '',
    ].join('\n'));
    const factory = await createSshTransportFactory({ sshConfigFile: cfg, home: dir, allowPassword: false, retry: { retries: 0 } });
    const t = factory(spec('compute-alias'));
    try {
      await expect(t.exec('true')).rejects.toThrow(/HOST KEY CHANGED for compute-alias\.example.*no key of the offered type/);
    } finally {
      await t.close();
    }
    expect(readFileSync(kh, 'utf8')).toBe(`compute-alias.example ${sshd.keys.ec.type} ${sshd.keys.ec.b64}\n`);
  });
});
