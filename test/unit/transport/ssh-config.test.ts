// Unit tests: ssh_config parsing, Host patterns, first-value-wins, Match and Include.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/util/errors.js';
import { SshConfig, hostPatternsMatch, tokenizeConfigLine } from '../../../src/transport/ssh-config.js';

const home = mkdtempSync(join(tmpdir(), 'mds-sshcfg-'));
mkdirSync(join(home, '.ssh'));
afterAll(() => rmSync(home, { recursive: true, force: true }));

describe('tokenizeConfigLine', () => {
  it('handles Key value, Key=value and quoted words', () => {
    expect(tokenizeConfigLine('HostName compute-1')).toEqual(['HostName', 'compute-1']);
    expect(tokenizeConfigLine('Port=2222')).toEqual(['Port', '2222']);
    expect(tokenizeConfigLine('  User = admin ')).toEqual(['User', 'admin']);
    expect(tokenizeConfigLine('IdentityFile "/path with space/key"')).toEqual(['IdentityFile', '/path with space/key']);
  });
});

describe('Host patterns', () => {
  it('globs, several patterns and !negation', () => {
    expect(hostPatternsMatch(['compute-*'], 'compute-12')).toBe(true);
    expect(hostPatternsMatch(['db', 'compute-?'], 'compute-1')).toBe(true);
    expect(hostPatternsMatch(['compute-?'], 'compute-12')).toBe(false);
    expect(hostPatternsMatch(['compute-*', '!compute-bad'], 'compute-bad')).toBe(false);
    expect(hostPatternsMatch(['!compute-bad'], 'other')).toBe(false); // only a negation never matches
  });
});

describe('SshConfig.lookup', () => {
  const cfg = SshConfig.parse([
    '# global',
    'Host compute-* !compute-legacy',
    '  HostName %h.dc1.example',
    '  User stack',
    '  IdentityFile ~/.ssh/fleet_key',
    '  ProxyJump admin@bastion.example:2200',
    'Host compute-legacy',
    '  HostName 10.9.9.9',
    '  Port 2022',
    'Host *',
    '  User root',
    '  Port 22',
    '  IdentityFile ~/.ssh/id_default',
    '  ServerAliveInterval 5',
    '  IdentitiesOnly yes',
  ].join('\n'), 'cfg', home);

  it('first obtained value wins, IdentityFile accumulates', () => {
    expect(cfg.lookup('compute-3')).toEqual({
      hostName: '%h.dc1.example',
      user: 'stack',
      port: 22,
      identityFiles: ['~/.ssh/fleet_key', '~/.ssh/id_default'],
      proxyJump: 'admin@bastion.example:2200',
      serverAliveIntervalSec: 5,
      identitiesOnly: true,
    });
  });

  it('a negated pattern excludes the host from that block', () => {
    const v = cfg.lookup('compute-legacy');
    expect(v.hostName).toBe('10.9.9.9');
    expect(v.port).toBe(2022);
    expect(v.user).toBe('root');
    expect(v.proxyJump).toBeUndefined();
  });

  it('unrelated hosts only get the Host * values', () => {
    expect(cfg.lookup('db-1')).toMatchObject({ user: 'root', port: 22, identityFiles: ['~/.ssh/id_default'] });
  });

  it('reports a bad Port with file and line', () => {
    const err = (() => {
      try {
        SshConfig.parse('Host x\n  Port 99999\n', '/my/config', home).lookup('x');
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toMatch(/^\/my\/config:2: Port: expected 1\.\.65535/);
  });

  it('treats Match blocks other than "Match all" as not applying', () => {
    const c = SshConfig.parse('Match exec "false"\n  User nobody\nMatch all\n  Port 2200\n', 'cfg', home);
    expect(c.lookup('h')).toEqual({ identityFiles: [], port: 2200 });
  });
});

describe('Include', () => {
  it('reads relative includes from ~/.ssh, globs them in order, and keeps first-value-wins across files', () => {
    mkdirSync(join(home, '.ssh', 'conf.d'), { recursive: true });
    writeFileSync(join(home, '.ssh', 'conf.d', '10-compute.conf'), 'Host compute-*\n  User from-include\n  Port 2201\n');
    writeFileSync(join(home, '.ssh', 'conf.d', '20-all.conf'), 'Host *\n  User late\n  IdentityFile ~/.ssh/inc_key\n');
    const main = join(home, '.ssh', 'config');
    writeFileSync(main, 'Host compute-1\n  Port 2999\nHost *\nInclude conf.d/*.conf\nHost *\n  User last\n');
    const c = SshConfig.load(main, { home });
    expect(c.lookup('compute-1')).toEqual({ port: 2999, user: 'from-include', identityFiles: ['~/.ssh/inc_key'] });
    expect(c.lookup('db')).toEqual({ user: 'late', identityFiles: ['~/.ssh/inc_key'] });
  });

  it('a missing default config is empty, a missing explicit -F file is an error, an include loop is stopped', () => {
    expect(SshConfig.load(join(home, 'nope'), { home }).lookup('x')).toEqual({ identityFiles: [] });
    expect(() => SshConfig.load(join(home, 'nope'), { home, required: true })).toThrow(ConfigError);
    const loop = join(home, '.ssh', 'loop');
    writeFileSync(loop, `Include ${loop}\n`);
    expect(() => SshConfig.load(loop, { home })).toThrow(/Include: nested more than 16/);
  });
});
