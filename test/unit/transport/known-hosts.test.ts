// Unit tests: known_hosts parsing/matching (plain, patterns, hashed, markers) and the strict/accept-new/off policies.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { verifyHostKey, preferredHostKeyAlgorithms } from '../../../src/transport/host-key-policy.js';
import {
  KnownHosts,
  fingerprintSha256,
  hashHostName,
  hostFieldMatches,
  keyTypeOfBlob,
  knownHostName,
  parseKnownHosts,
} from '../../../src/transport/known-hosts.js';
import { HostKeyError } from '../../../src/transport/types.js';

const dir = mkdtempSync(join(tmpdir(), 'mds-kh-unit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function key(name: string, type: string): { type: string; b64: string; blob: Buffer; pubFile: string } {
  const f = join(dir, name);
  execFileSync('ssh-keygen', ['-q', '-t', type, '-N', '', '-f', f]);
  const [t, b64] = readFileSync(`${f}.pub`, 'utf8').trim().split(' ');
  return { type: t ?? '', b64: b64 ?? '', blob: Buffer.from(b64 ?? '', 'base64'), pubFile: `${f}.pub` };
}

const ed = key('ed', 'ed25519');
const ed2 = key('ed2', 'ed25519');
const ec = key('ec', 'ecdsa');
const rsa = key('rsa', 'rsa');

describe('format helpers', () => {
  it('computes fingerprints exactly as ssh-keygen -l prints them', () => {
    for (const k of [ed, ec, rsa]) {
      const out = execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', k.pubFile]).toString();
      expect(out).toContain(fingerprintSha256(k.blob));
    }
  });

  it('reads the key type from the blob and writes [host]:port for non-22 ports', () => {
    expect(keyTypeOfBlob(ed.blob)).toBe('ssh-ed25519');
    expect(keyTypeOfBlob(rsa.blob)).toBe('ssh-rsa');
    expect(keyTypeOfBlob(Buffer.from([0, 0]))).toBe('');
    expect(knownHostName('10.0.0.5', 22)).toBe('10.0.0.5');
    expect(knownHostName('10.0.0.5', 2222)).toBe('[10.0.0.5]:2222');
  });
});

describe('parseKnownHosts', () => {
  it('parses plain, comma lists, markers and skips comments, junk and unknown markers', () => {
    const lines = parseKnownHosts([
      '# comment',
      '',
      `a.example,10.0.0.1 ${ed.type} ${ed.b64} comment here`,
      `@revoked * ${ec.type} ${ec.b64}`,
      `@cert-authority *.example ${rsa.type} ${rsa.b64}`,
      `@bogus x ${ed.type} ${ed.b64}`,
      'broken line',
      `mismatched ssh-rsa ${ed.b64}`,
    ].join('\n'));
    expect(lines.map((l) => [l.marker, l.hosts, l.keyType, l.line])).toEqual([
      [null, 'a.example,10.0.0.1', 'ssh-ed25519', 3],
      ['revoked', '*', ec.type, 4],
      ['cert-authority', '*.example', 'ssh-rsa', 5],
    ]);
  });

  it('matches patterns, negation and [host]:port like OpenSSH', () => {
    expect(hostFieldMatches('a.example,10.0.0.1', '10.0.0.1')).toBe(true);
    expect(hostFieldMatches('*.example', 'Compute-1.EXAMPLE')).toBe(true);
    expect(hostFieldMatches('*.example,!bad.example', 'bad.example')).toBe(false);
    expect(hostFieldMatches('compute-?', 'compute-12')).toBe(false);
    expect(hostFieldMatches('[10.0.0.1]:2222', '[10.0.0.1]:2222')).toBe(true);
    expect(hostFieldMatches('[10.0.0.1]:2222', '10.0.0.1')).toBe(false);
    expect(hostFieldMatches('10.0.0.1', '[10.0.0.1]:2222')).toBe(false);
  });

  it('matches hashed entries produced by ssh-keygen -H, and its own hashes', () => {
    const f = join(dir, 'kh_hash');
    writeFileSync(f, `[10.1.2.3]:2200 ${ed.type} ${ed.b64}\ncompute-7 ${ed.type} ${ed.b64}\n`);
    execFileSync('ssh-keygen', ['-H', '-f', f], { stdio: 'pipe' });
    const [a, b] = parseKnownHosts(readFileSync(f, 'utf8'));
    expect(a?.hosts.startsWith('|1|')).toBe(true);
    expect(hostFieldMatches(a?.hosts ?? '', '[10.1.2.3]:2200')).toBe(true);
    expect(hostFieldMatches(a?.hosts ?? '', '10.1.2.3')).toBe(false);
    expect(hostFieldMatches(b?.hosts ?? '', 'compute-7')).toBe(true);
    expect(hostFieldMatches(hashHostName('x.example'), 'x.example')).toBe(true);
    // ssh-keygen -F finds our hashed line too: the format is OpenSSH's.
    writeFileSync(f, `${hashHostName('[h.example]:2022')} ${ed.type} ${ed.b64}\n`);
    expect(execFileSync('ssh-keygen', ['-F', '[h.example]:2022', '-f', f]).toString()).toContain(ed.b64);
  });
});

describe('KnownHosts.check', () => {
  const store = new KnownHosts(['x'], parseKnownHosts([
    `[10.0.0.9]:2222 ${ed.type} ${ed.b64}`,
    `other ${ec.type} ${ec.b64}`,
    `@revoked * ${rsa.type} ${rsa.b64}`,
    `@cert-authority * ${ed2.type} ${ed2.b64}`,
  ].join('\n'), 'kh'));

  it('returns match / mismatch (with both fingerprints) / unknown / revoked', () => {
    expect(store.check(['[10.0.0.9]:2222'], ed.blob).kind).toBe('match');
    const mm = store.check(['[10.0.0.9]:2222'], ed2.blob);
    expect(mm).toMatchObject({ kind: 'mismatch', reason: 'key', fingerprint: fingerprintSha256(ed2.blob), knownFingerprints: [`${ed.type} ${fingerprintSha256(ed.blob)}`] });
    // A key of another type than the recorded one is a changed key, as in OpenSSH (not an unknown host).
    expect(store.check(['[10.0.0.9]:2222'], ec.blob)).toMatchObject({ kind: 'mismatch', reason: 'type', knownFingerprints: [`${ed.type} ${fingerprintSha256(ed.blob)}`] });
    expect(store.check(['10.0.0.9'], ed.blob).kind).toBe('unknown');
    expect(store.check(['anything'], rsa.blob).kind).toBe('revoked');
    // @cert-authority keys are not host keys: they never make a plain key match or mismatch.
    expect(store.check(['nothing-known'], ed2.blob).kind).toBe('unknown');
    expect(store.knownKeyTypes(['[10.0.0.9]:2222'])).toEqual(['ssh-ed25519']);
  });
});

describe('KnownHosts index', () => {
  it('finds plain, hashed and wildcard lines for a name, in file order, plain names case-insensitively', () => {
    const store = new KnownHosts(['x'], parseKnownHosts([
      `*.example,!bad.example ${ec.type} ${ec.b64}`,
      `${hashHostName('Compute-1.example')} ${rsa.type} ${rsa.b64}`,
      `other,compute-1.EXAMPLE ${ed.type} ${ed.b64}`,
      `compute-? ${ed2.type} ${ed2.b64}`,
    ].join('\n'), 'kh'));
    expect(store.knownKeyTypes(['Compute-1.example'])).toEqual([ec.type, rsa.type, ed.type]);
    expect(store.knownKeyTypes(['bad.example'])).toEqual([]);
    expect(store.knownKeyTypes(['compute-9'])).toEqual([ed2.type]);
    // Two forms of one host that hit the same line count it once.
    expect(store.check(['other', 'compute-1.example'], ed.blob)).toMatchObject({ kind: 'match', line: { line: 3 } });
  });

  it('sees a key recorded during the run under every form of the name, also after a lookup found nothing', async () => {
    const file = join(dir, 'memo');
    const store = await KnownHosts.load([file]);
    expect(store.check(['[m1]:2222'], ed.blob).kind).toBe('unknown');
    await store.add('[m1]:2222', ed.blob);
    expect(store.check(['[m1]:2222'], ed.blob).kind).toBe('match');
    expect(store.check(['[m1]:2222'], ed2.blob).kind).toBe('mismatch');
  });

  it('falls back to the bare host for a non-22 port only when nothing is recorded under [host]:port, and only for a matching key', () => {
    const bareOnly = new KnownHosts(['x'], parseKnownHosts(`h1 ${ed.type} ${ed.b64}`, 'kh'));
    expect(bareOnly.check(['[h1]:2222'], ed.blob).kind).toBe('match');
    // A different key (same or other type) under the bare name leaves [h1]:2222 unknown, not changed (ssh 9.2).
    expect(bareOnly.check(['[h1]:2222'], ed2.blob).kind).toBe('unknown');
    expect(bareOnly.check(['[h1]:2222'], ec.blob).kind).toBe('unknown');
    // Anything recorded under [host]:port decides on its own: the bare entry is not consulted.
    const both = new KnownHosts(['x'], parseKnownHosts(`[h1]:2222 ${ec.type} ${ec.b64}\nh1 ${ed.type} ${ed.b64}`, 'kh'));
    expect(both.check(['[h1]:2222'], ed.blob)).toMatchObject({ kind: 'mismatch', reason: 'type' });
    // Port 22 written as [h1]:22 has no fallback of its own (the bare name is the recorded form).
    expect(bareOnly.check(['[h1]:22'], ed.blob).kind).toBe('unknown');
  });

  it('lowercases the host name before comparing with hashed entries (ssh-keygen -H of the lower-case name)', () => {
    const file = join(dir, 'to-hash');
    writeFileSync(file, `compute-7.example ${ed.type} ${ed.b64}\n`);
    execFileSync('ssh-keygen', ['-q', '-H', '-f', file], { stdio: 'ignore' });
    const lines = parseKnownHosts(readFileSync(file, 'utf8'), 'kh');
    expect(lines).toHaveLength(1);
    expect(lines[0]!.hosts.startsWith('|1|')).toBe(true);
    const store = new KnownHosts(['x'], lines);
    expect(store.check(['Compute-7.EXAMPLE'], ed.blob).kind).toBe('match');
  });

  it('applies @revoked only to the hosts its host field names', () => {
    const store = new KnownHosts(['x'], parseKnownHosts([
      `@revoked other.example ${ed.type} ${ed.b64}`,
      `@revoked ${hashHostName('hashed.example')} ${ec.type} ${ec.b64}`,
      `* ${ed.type} ${ed.b64}`,
      `* ${ec.type} ${ec.b64}`,
    ].join('\n'), 'kh'));
    expect(store.check(['web.example'], ed.blob).kind).toBe('match');
    expect(store.check(['other.example'], ed.blob).kind).toBe('revoked');
    expect(store.check(['HASHED.example'], ec.blob).kind).toBe('revoked');
    expect(store.check(['web.example'], ec.blob).kind).toBe('match');
    // A @revoked line for the bare host does not reach [host]:port (ssh 9.2 does not fall back for revocations).
    const bare = new KnownHosts(['x'], parseKnownHosts(`@revoked h1 ${ed.type} ${ed.b64}\n[h1]:2222 ${ed.type} ${ed.b64}`, 'kh'));
    expect(bare.check(['[h1]:2222'], ed.blob).kind).toBe('match');
  });

  it('reads global files (read only): new keys go to the first user file', async () => {
    const user = join(dir, 'user-kh');
    const global = join(dir, 'global-kh');
    writeFileSync(global, `g1 ${ed.type} ${ed.b64}\n`);
    const store = await KnownHosts.load([user], { globalPaths: [global, join(dir, 'missing-global')] });
    expect(store.check(['g1'], ed.blob).kind).toBe('match');
    expect(store.check(['g1'], ec.blob)).toMatchObject({ kind: 'mismatch', reason: 'type' });
    await store.add('g2', ec.blob);
    expect(readFileSync(user, 'utf8')).toBe(`g2 ${ec.type} ${ec.b64}\n`);
    expect(readFileSync(global, 'utf8')).toBe(`g1 ${ed.type} ${ed.b64}\n`);
  });

  it('keeps every line when hundreds of first contacts record their keys at once', async () => {
    const file = join(dir, 'many');
    const store = await KnownHosts.load([file]);
    await Promise.all(Array.from({ length: 300 }, (_, i) => store.add(`[10.9.${i >> 8}.${i & 255}]:22${i}`, ed.blob)));
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(300);
    expect(new Set(lines).size).toBe(300);
    const reloaded = await KnownHosts.load([file]);
    expect(reloaded.check(['[10.9.1.43]:22299'], ed.blob).kind).toBe('match');
  });

  it('rejects every add whose line a failed rewrite carried', async () => {
    const store = new KnownHosts([join(dir, 'no-such-dir', 'known_hosts')]);
    const results = await Promise.allSettled(Array.from({ length: 5 }, (_, i) => store.add(`h${i}`, ed.blob)));
    expect(results.map((r) => r.status)).toEqual(Array(5).fill('rejected'));
  });
});

describe('verifyHostKey policies', () => {
  it('strict refuses unknown and changed keys; the message names host and both fingerprints', async () => {
    const store = new KnownHosts([join(dir, 'strict')], parseKnownHosts(`h ${ed.type} ${ed.b64}`, 'kh'));
    await expect(verifyHostKey({ host: 'inv', names: ['h'], policy: 'strict', store }, ed.blob)).resolves.toBeUndefined();
    const err = await verifyHostKey({ host: 'inv', names: ['h'], policy: 'strict', store }, ed2.blob).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HostKeyError);
    expect((err as Error).message).toContain(fingerprintSha256(ed.blob));
    expect((err as Error).message).toContain(fingerprintSha256(ed2.blob));
    expect((err as HostKeyError).host).toBe('inv');
    await expect(verifyHostKey({ host: 'inv', names: ['new'], policy: 'strict', store }, ed.blob)).rejects.toBeInstanceOf(HostKeyError);
  });

  it('accept-new records unknown keys atomically (keeping existing lines) and still refuses changed ones', async () => {
    const file = join(dir, 'accept');
    writeFileSync(file, `# mine\nh ${ed.type} ${ed.b64}`); // no trailing newline on purpose
    const store = await KnownHosts.load([file]);
    await Promise.all([
      verifyHostKey({ host: 'a', names: ['[n1]:2222'], policy: 'accept-new', store }, ec.blob),
      verifyHostKey({ host: 'b', names: ['n2'], policy: 'accept-new', store }, ed2.blob),
    ]);
    const text = readFileSync(file, 'utf8');
    expect(text).toBe(`# mine\nh ${ed.type} ${ed.b64}\n[n1]:2222 ${ec.type} ${ec.b64}\nn2 ${ed2.type} ${ed2.b64}\n`);
    const reloaded = await KnownHosts.load([file]);
    expect(reloaded.check(['[n1]:2222'], ec.blob).kind).toBe('match');
    await expect(verifyHostKey({ host: 'c', names: ['h'], policy: 'accept-new', store }, ed2.blob)).rejects.toBeInstanceOf(HostKeyError);
  });

  it('accept-new can record hashed names; off accepts anything; revoked is refused under accept-new', async () => {
    const file = join(dir, 'hashed');
    const store = await KnownHosts.load([file], { hashNewEntries: true });
    await verifyHostKey({ host: 'a', names: ['secret-host'], policy: 'accept-new', store }, ed.blob);
    const text = readFileSync(file, 'utf8');
    expect(text).not.toContain('secret-host');
    expect(execFileSync('ssh-keygen', ['-F', 'secret-host', '-f', file]).toString()).toContain(ed.b64);
    const off = new KnownHosts([], parseKnownHosts(`h ${ed.type} ${ed.b64}`));
    await expect(verifyHostKey({ host: 'x', names: ['unknown-host'], policy: 'off', store: off }, ed2.blob)).resolves.toBeUndefined();
    const rev = new KnownHosts([join(dir, 'rev')], parseKnownHosts(`@revoked * ${ed.type} ${ed.b64}`));
    await expect(verifyHostKey({ host: 'x', names: ['h'], policy: 'accept-new', store: rev }, ed.blob)).rejects.toThrow(/revoked/);
  });

  it('says why a host vouched for only by @cert-authority is refused', async () => {
    const store = new KnownHosts([], parseKnownHosts(`@cert-authority *.example ${ed2.type} ${ed2.b64}`, 'kh'));
    await expect(verifyHostKey({ host: 'inv', names: ['web.example'], policy: 'strict', store }, ed.blob)).rejects.toThrow(/kh:1 vouch for it as @cert-authority, but host certificates are not accepted/);
  });

  it('refuses a key of another type than the recorded one under every policy, off included', async () => {
    for (const policy of ['strict', 'accept-new', 'off'] as const) {
      const file = join(dir, `type-${policy}`);
      writeFileSync(file, `[h]:2222 ${ec.type} ${ec.b64}\n`);
      const store = await KnownHosts.load([file]);
      const err = await verifyHostKey({ host: 'inv', names: ['[h]:2222'], policy, store }, ed.blob).catch((e: unknown) => e);
      expect(err, policy).toBeInstanceOf(HostKeyError);
      expect((err as Error).message).toMatch(/HOST KEY CHANGED.*no key of the offered type/);
      expect(readFileSync(file, 'utf8')).toBe(`[h]:2222 ${ec.type} ${ec.b64}\n`); // nothing recorded
      // The same-type changed key and a revoked key are refused under every policy too.
      await expect(verifyHostKey({ host: 'inv', names: ['[h]:2222'], policy, store }, key(`ec-${policy}`, 'ecdsa').blob)).rejects.toThrow(/HOST KEY CHANGED/);
      const rev = new KnownHosts([], parseKnownHosts(`@revoked h ${ed.type} ${ed.b64}`));
      await expect(verifyHostKey({ host: 'inv', names: ['h'], policy, store: rev }, ed.blob)).rejects.toThrow(/revoked/);
    }
  });

  it('orders host key algorithms with the known types first', () => {
    expect(preferredHostKeyAlgorithms(['ssh-rsa']).slice(0, 4)).toEqual(['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa', 'ssh-ed25519']);
    expect(preferredHostKeyAlgorithms([])[0]).toBe('ssh-ed25519');
  });
});
