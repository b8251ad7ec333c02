// Unit tests: ssh_config parsing, Host patterns, first-value-wins, Match and Include.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/util/errors.js';
import { SshConfig, hostPatternsMatch, tokenizeConfigLine, type SshConfigValues } from '../../../src/transport/ssh-config.js';

/** The values without where each was set (checked separately). */
function strip(v: SshConfigValues): Omit<SshConfigValues, 'origins'> {
  const { origins: _o, ...rest } = v;
  return rest;
}

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
    expect(strip(cfg.lookup('compute-3'))).toEqual({
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

  it('refuses Match exec (naming file and line) only when ssh would run it', () => {
    const c = SshConfig.parse('Match host h !user nobody exec "false"\n  User nobody\nMatch all\n  Port 2200\n', 'cfg', home);
    expect(() => c.lookup('h')).toThrow(/cfg:1:1: Match exec: .*does not run commands/);
    // An earlier criterion failed: ssh skips the exec, and so is nothing refused.
    expect(strip(c.lookup('other'))).toEqual({ identityFiles: [], port: 2200 });
  });

  it('evaluates Match host (after HostName, lower-cased), originalhost, user, localuser, negation and all', () => {
    const c = SshConfig.parse([
      'Host alias',
      '  HostName Real.Example',
      'Match host real.example originalhost alias',
      '  Port 2201',
      'Match !localuser nobody-here user ops',
      '  IdentityFile ops_key',
      'Match localuser me',
      '  ConnectTimeout 7',
      'Match all',
      '  User fallback',
    ].join('\n'), 'cfg', home);
    expect(strip(c.lookup('alias', { user: 'ops' }, 'me'))).toEqual({ hostName: 'Real.Example', port: 2201, user: 'ops', identityFiles: ['ops_key'], connectTimeoutSec: 7 });
    expect(strip(c.lookup('real.example', {}, 'someone'))).toEqual({ identityFiles: [], user: 'fallback' });
    expect(() => SshConfig.parse('Match all host x\n', 'cfg', home)).toThrow(/all" cannot be combined/);
    expect(() => SshConfig.parse('Match address 10.0.0.1\n', 'cfg', home)).toThrow(/cfg:1:1: Match: unsupported criterion "address"/);
    expect(() => SshConfig.parse('Match host\n', 'cfg', home)).toThrow(/needs an argument/);
  });

  it('reads Match final in a second pass against the HostName, adding only what is unset; canonical likewise', () => {
    const c = SshConfig.parse([
      'Host short',
      '  HostName %h.dc1.example',
      'Match final host short.dc1.example',
      '  Port 2222',
      '  User first-pass-wins',
      'Host *.dc1.example',
      '  IdentityFile dc1_key',
      'Match canonical',
      '  ServerAliveInterval 9',
      'Host short',
      '  User stack',
    ].join('\n'), 'cfg', home);
    expect(strip(c.lookup('short'))).toEqual({ hostName: 'short.dc1.example', port: 2222, user: 'stack', identityFiles: ['dc1_key'], serverAliveIntervalSec: 9 });
  });

  it('matches Host patterns case-sensitively, as typed, and ignores a # comment at the end of Host and Match lines', () => {
    const c = SshConfig.parse('Host MyHost # the NAS\n  Port 2201\nMatch host other # note\n  Port 2202\nHost myhost\n  Port 2203\n', 'cfg', home);
    expect(c.lookup('MyHost').port).toBe(2201);
    expect(c.lookup('myhost').port).toBe(2203);
    expect(c.lookup('#').port).toBeUndefined();
    expect(c.lookup('other').port).toBe(2202);
    expect(tokenizeConfigLine('Host a b # c d')).toEqual(['Host', 'a', 'b']);
    expect(tokenizeConfigLine('IdentityFile "/x/#y" a#b')).toEqual(['IdentityFile', '/x/#y', 'a#b']);
  });

  it('refuses CanonicalizeHostname yes (no DNS canonicalisation here) and takes ProxyCommand / ProxyJump first-wins', () => {
    expect(() => SshConfig.parse('CanonicalizeHostname yes\n', 'cfg', home).lookup('x')).toThrow(/cfg:1: CanonicalizeHostname/);
    const c = SshConfig.parse('Host a\n  ProxyCommand nc %h %p\n  ProxyJump j\nHost b\n  ProxyJump j\n  ProxyCommand nc %h %p\n', 'cfg', home);
    expect(strip(c.lookup('a'))).toEqual({ identityFiles: [], proxyCommand: 'nc %h %p' });
    expect(strip(c.lookup('b'))).toEqual({ identityFiles: [], proxyJump: 'j' });
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
    expect(strip(c.lookup('compute-1'))).toEqual({ port: 2999, user: 'from-include', identityFiles: ['~/.ssh/inc_key'] });
    expect(strip(c.lookup('db'))).toEqual({ user: 'late', identityFiles: ['~/.ssh/inc_key'] });
  });

  it('a missing default config is empty, a missing explicit -F file is an error, an include loop is stopped', () => {
    expect(strip(SshConfig.load(join(home, 'nope'), { home }).lookup('x'))).toEqual({ identityFiles: [] });
    expect(() => SshConfig.load(join(home, 'nope'), { home, required: true })).toThrow(ConfigError);
    const loop = join(home, '.ssh', 'loop');
    writeFileSync(loop, `Include ${loop}\n`);
    expect(() => SshConfig.load(loop, { home })).toThrow(/Include: nested more than 16/);
  });
});
