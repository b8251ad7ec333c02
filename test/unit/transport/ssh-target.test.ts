// Unit tests: HostSpec + ssh_config resolution into endpoints, and ProxyJump parsing.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { HostSpec } from '../../../src/inventory/types.js';
import { SshConfig } from '../../../src/transport/ssh-config.js';
import { parseProxyJump, resolveSshTarget } from '../../../src/transport/ssh-target.js';
import { ConfigError } from '../../../src/util/errors.js';

const home = mkdtempSync(join(tmpdir(), 'mds-target-'));
mkdirSync(join(home, '.ssh'));
afterAll(() => rmSync(home, { recursive: true, force: true }));

function spec(over: Partial<HostSpec> = {}): HostSpec {
  return { name: 'compute-1', address: 'compute-1', port: 22, user: 'root', become: false, novaHost: 'compute-1', groups: ['all'], vars: {}, ...over };
}

describe('parseProxyJump', () => {
  it('parses user@host:port chains, IPv6 and none', () => {
    expect(parseProxyJump('admin@b1:2200,b2,[fd00::1]:22,ssh://u@b3')).toEqual([
      { user: 'admin', host: 'b1', port: 2200 },
      { host: 'b2' },
      { host: 'fd00::1', port: 22 },
      { user: 'u', host: 'b3' },
    ]);
    expect(parseProxyJump('none')).toEqual([]);
    expect(() => parseProxyJump('b1:99999')).toThrow(ConfigError);
    expect(() => parseProxyJump('@b1')).toThrow(ConfigError);
  });
});

describe('resolveSshTarget', () => {
  const cfg = SshConfig.parse([
    'Host compute-*',
    '  HostName %h.dc1.example',
    '  User stack',
    '  Port 2222',
    '  IdentityFile ~/.ssh/fleet_%r',
    '  ProxyJump jump1,ops@jump2:2200',
    'Host jump1',
    '  HostName 192.0.2.10',
    '  User bastion',
    '  IdentityFile ~/.ssh/bastion_key',
  ].join('\n'), 'cfg', home);

  it('takes HostName/User/Port/IdentityFile/ProxyJump from ssh_config when the inventory does not set them', () => {
    const t = resolveSshTarget(spec(), cfg, { home });
    expect(t).toMatchObject({
      label: 'compute-1',
      address: 'compute-1.dc1.example',
      port: 2222,
      user: 'stack',
      identityFiles: [join(home, '.ssh', 'fleet_stack')],
      knownHostNames: ['[compute-1.dc1.example]:2222'],
    });
    expect(t.jumps).toEqual([
      { label: 'jump1', address: '192.0.2.10', port: 22, user: 'bastion', identityFiles: [join(home, '.ssh', 'bastion_key')], knownHostNames: ['192.0.2.10'] },
      { label: 'jump2', address: 'jump2', port: 2200, user: 'ops', identityFiles: [join(home, '.ssh', 'fleet_stack')], knownHostNames: ['[jump2]:2200'] },
    ]);
  });

  it('inventory connection vars win over ssh_config; the inventory key file comes first', () => {
    const t = resolveSshTarget(
      spec({
        address: '10.0.0.7',
        port: 22,
        user: 'root',
        privateKeyFile: '/keys/inv',
        vars: { ansible_host: '10.0.0.7', ansible_port: 22, ansible_user: 'root' },
      }),
      SshConfig.parse('Host 10.0.0.*\n  HostName elsewhere\n  Port 2222\n  User stack\n  IdentityFile /keys/cfg\n', 'cfg', home),
      { home },
    );
    expect(t).toMatchObject({ address: '10.0.0.7', port: 22, user: 'root', identityFiles: ['/keys/inv', '/keys/cfg'], knownHostNames: ['10.0.0.7'] });
    expect(t.jumps).toEqual([]);
  });

  it('without any IdentityFile, uses the default key files that exist', () => {
    writeFileSync(join(home, '.ssh', 'id_ecdsa'), 'x');
    const t = resolveSshTarget(spec(), SshConfig.empty(), { home });
    expect(t.identityFiles).toEqual([join(home, '.ssh', 'id_ecdsa')]);
  });
});

describe('ssh_config settings the connection honours', () => {
  it('expands IdentityFile tokens as ssh 9.2 does (%C is the SHA-1 of %l%h%p%r)', async () => {
    const { createHash } = await import('node:crypto');
    const { hostname, userInfo } = await import('node:os');
    const cfg = SshConfig.parse('Host tok\n  HostName 10.1.2.3\n  Port 2222\n  User bob\n  IdentityFile ~/.ssh/%l-%L-%C-%i-%d-%h-%p-%r-%u-%n-%k-%%\n', 'cfg', home);
    const t = resolveSshTarget(spec({ address: 'tok', vars: {} }), cfg, { home });
    const l = hostname();
    const c = createHash('sha1').update(`${l}10.1.2.32222bob`).digest('hex');
    const u = userInfo();
    expect(t.identityFiles).toEqual([join(home, '.ssh', `${l}-${l.split('.')[0]}-${c}-${u.uid}-${home}-10.1.2.3-2222-bob-${u.username}-tok-tok-%`)]);
    expect(() => resolveSshTarget(spec({ address: 'x' }), SshConfig.parse('IdentityFile ~/.ssh/%z\n', 'cfg', home), { home })).toThrow(/cfg:1: IdentityFile: unknown or unsupported token "%z"/);
  });

  it('takes StrictHostKeyChecking, UserKnownHostsFile, GlobalKnownHostsFile, IdentityAgent, ProxyCommand and HostKeyAlias', () => {
    const cfg = SshConfig.parse([
      'Host a',
      '  StrictHostKeyChecking no',
      '  UserKnownHostsFile ~/.ssh/kh_%h /tmp/second',
      '  GlobalKnownHostsFile none',
      '  IdentityAgent ${MY_AGENT}',
      '  ProxyCommand /usr/bin/proxy %h %p %r',
      '  HostKeyAlias a-alias',
      'Host b',
      '  StrictHostKeyChecking ask',
      '  IdentityAgent none',
      'Host c',
      '  StrictHostKeyChecking accept-new',
      '  IdentityAgent SSH_AUTH_SOCK',
    ].join('\n'), 'cfg', home);
    const a = resolveSshTarget(spec({ address: 'a', user: 'ops', vars: { ansible_user: 'ops' } }), cfg, { home, env: { MY_AGENT: '/run/agent.sock' } });
    expect(a).toMatchObject({
      hostKeyPolicy: 'accept-new', // "no" is read as accept-new: a changed key is still refused (deliberate)
      knownHostsFiles: [join(home, '.ssh', 'kh_a'), '/tmp/second'],
      globalKnownHostsFiles: [],
      identityAgent: '/run/agent.sock',
      proxyCommand: '/usr/bin/proxy a 22 ops',
      knownHostNames: ['a-alias'],
    });
    expect(resolveSshTarget(spec({ address: 'b' }), cfg, { home })).toMatchObject({ hostKeyPolicy: 'strict', identityAgent: null });
    expect(resolveSshTarget(spec({ address: 'c' }), cfg, { home, env: { SSH_AUTH_SOCK: '/s' } })).toMatchObject({ hostKeyPolicy: 'accept-new', identityAgent: '/s' });
    expect(resolveSshTarget(spec({ address: 'd' }), cfg, { home }).hostKeyPolicy).toBeUndefined();
    expect(() => resolveSshTarget(spec({ address: 'a' }), cfg, { home, env: {} })).toThrow(/IdentityAgent: environment variable \$\{MY_AGENT\} is not set/);
  });

  it('lower-cases the host name it connects to and records, as ssh does', () => {
    const t = resolveSshTarget(spec({ address: 'Compute-1.EXAMPLE', port: 2222, vars: { ansible_port: 2222 } }), SshConfig.empty(), { home });
    expect(t.address).toBe('compute-1.example');
    expect(t.knownHostNames).toEqual(['[compute-1.example]:2222']);
  });
});

describe('host names ssh refuses', () => {
  it('refuses blanks, quotes, shell characters and a leading "-", naming where the name was set', () => {
    const locate = (_h: string, v: string) => (v === 'ansible_host' ? { file: 'inv.yml', line: 4, column: 7 } : undefined);
    for (const bad of ['$(touch /tmp/x)', 'a b', '-oProxyCommand=x', 'h;reboot', "it's"]) {
      expect(() => resolveSshTarget(spec({ address: bad, vars: { ansible_host: bad } }), SshConfig.empty(), { home, locate }), bad).toThrow(/inv\.yml:4:7: ansible_host: host compute-1: .* is not a valid host name/);
    }
    const cfg = SshConfig.parse('Host x\n  HostName bad;name\n', 'cfg', home);
    expect(() => resolveSshTarget(spec({ address: 'x' }), cfg, { home })).toThrow(/cfg:2: HostName: host compute-1/);
    expect(resolveSshTarget(spec({ address: 'fe80::1%eth0' }), SshConfig.empty(), { home }).address).toBe('fe80::1%eth0');
  });
});
