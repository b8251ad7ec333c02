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
