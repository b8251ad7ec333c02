// Differential: the tool's host-key decision (KnownHosts + verifyHostKey) against the real ssh client's verdict on a
// throwaway sshd, for every known_hosts rule and every policy, and over the shared real known_hosts files.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HostKeyPolicy } from '../../src/inventory/types.js';
import { verifyHostKey } from '../../src/transport/host-key-policy.js';
import { hashHostName, KnownHosts, parseKnownHosts } from '../../src/transport/known-hosts.js';
import { FIXTURES, haveFixtures } from '../conformance/fixtures-dir.js';
import type { DeliberateId } from './deliberate.js';
import { needReferences, run } from './references.js';
import { startSshd, type Sshd } from './throwaway-sshd.js';

const refs = needReferences('ssh', 'sshd', 'root');

type Kind = 'match' | 'changed' | 'revoked' | 'unknown';
interface Verdict {
  kind: Kind;
  accepted: boolean;
  recorded: boolean;
}

/** ssh's StrictHostKeyChecking value and the policy of this tool compared with it (two for "no"). */
const POLICIES: Array<{ ssh: string; ours: HostKeyPolicy; via: string }> = [
  { ssh: 'yes', ours: 'strict', via: '--host-key-checking strict' },
  { ssh: 'accept-new', ours: 'accept-new', via: '--host-key-checking accept-new' },
  { ssh: 'no', ours: 'off', via: '--host-key-checking off' },
  { ssh: 'no', ours: 'accept-new', via: 'ssh_config StrictHostKeyChecking no' },
];

let sshd: Sshd;
let n = 0;

function sshVerdict(kh: string, policy: string, alias?: string): Verdict {
  const before = readFileSync(kh, 'utf8');
  const r = run('ssh', [
    '-F', '/dev/null', '-o', 'BatchMode=yes', '-o', `UserKnownHostsFile=${kh}`, '-o', 'GlobalKnownHostsFile=/dev/null',
    '-o', `StrictHostKeyChecking=${policy}`, '-o', 'CheckHostIP=no', '-o', 'ConnectTimeout=10', '-o', 'PubkeyAuthentication=no',
    '-o', 'HashKnownHosts=no', ...(alias ? ['-o', `HostKeyAlias=${alias}`] : []), '-p', String(sshd.port), sshd.address, 'true',
  ]);
  const e = r.stderr;
  const recorded = readFileSync(kh, 'utf8') !== before;
  const accepted = /Permission denied/.test(e);
  if (!accepted && !/Host key verification failed|has changed|revoked/.test(e)) throw new Error(`ssh gave no verdict: ${e}`);
  const kind: Kind = /revoked/.test(e) ? 'revoked' : /IDENTIFICATION HAS CHANGED|has changed/.test(e) ? 'changed'
    : /No .* host key is known|Permanently added/.test(e) ? 'unknown' : 'match';
  return { kind, accepted, recorded };
}

async function ourVerdict(kh: string, policy: HostKeyPolicy, names: string[]): Promise<Verdict> {
  const before = readFileSync(kh, 'utf8');
  const store = await KnownHosts.load([kh]);
  const v = store.check(names, sshd.keys.served.blob);
  const kind: Kind = v.kind === 'mismatch' ? 'changed' : v.kind;
  const accepted = await verifyHostKey({ host: 'h', names, policy, store }, sshd.keys.served.blob).then(() => true, () => false);
  return { kind, accepted, recorded: readFileSync(kh, 'utf8') !== before };
}

/** Which deliberate difference explains ssh and us deciding differently, if one does. */
function deliberate(p: (typeof POLICIES)[number], ours: Verdict, theirs: Verdict): DeliberateId | undefined {
  if (p.ssh !== 'no' || ours.kind !== theirs.kind) return undefined;
  if ((theirs.kind === 'changed' || theirs.kind === 'revoked') && theirs.accepted && !ours.accepted) return p.ours === 'off' ? 'off-refuses-changed' : 'shkc-no-is-accept-new';
  if (p.ours === 'off' && theirs.kind === 'unknown' && theirs.accepted && ours.accepted && theirs.recorded && !ours.recorded) return 'off-records-nothing';
  return undefined;
}

async function compare(name: string, content: string, opts: { alias?: string; policies?: typeof POLICIES } = {}): Promise<{ wrong: unknown[]; tolerated: DeliberateId[]; kinds: Kind[] }> {
  const wrong: unknown[] = [];
  const tolerated: DeliberateId[] = [];
  const kinds: Kind[] = [];
  const names = [opts.alias?.toLowerCase() ?? `[${sshd.address}]:${sshd.port}`];
  for (const p of opts.policies ?? POLICIES) {
    const a = path.join(sshd.dir, `kh-${n++}-ssh`);
    const b = path.join(sshd.dir, `kh-${n++}-ours`);
    writeFileSync(a, content);
    writeFileSync(b, content);
    const theirs = sshVerdict(a, p.ssh, opts.alias);
    const ours = await ourVerdict(b, p.ours, names);
    kinds.push(theirs.kind);
    if (ours.kind === theirs.kind && ours.accepted === theirs.accepted && ours.recorded === theirs.recorded) continue;
    const id = deliberate(p, ours, theirs);
    if (id) tolerated.push(id);
    else wrong.push({ case: name, policy: p.via, ssh: theirs, ours });
  }
  return { wrong, tolerated, kinds };
}

describe.runIf(refs.run)('known_hosts decisions against the real ssh client', () => {
  beforeAll(async () => {
    sshd = await startSshd();
  });
  afterAll(() => sshd?.stop());

  const hp = (): string => `[${sshd.address}]:${sshd.port}`;
  const k = (name: keyof Sshd['keys']): string => `${sshd.keys[name].type} ${sshd.keys[name].b64}`;
  const CASES: Array<{ name: string; content: () => string; alias?: string; expect: Kind }> = [
    { name: 'the key recorded under [host]:port', content: () => `${hp()} ${k('served')}\n`, expect: 'match' },
    { name: 'another key of the same type', content: () => `${hp()} ${k('ed2')}\n`, expect: 'changed' },
    { name: 'only a key of another type (ECDSA recorded, ED25519 offered)', content: () => `${hp()} ${k('ec')}\n`, expect: 'changed' },
    { name: 'only an RSA key recorded', content: () => `${hp()} ${k('rsa')}\n`, expect: 'changed' },
    { name: 'another type under [host]:port, the right key under the bare host', content: () => `${hp()} ${k('ec')}\n${sshd.address} ${k('served')}\n`, expect: 'changed' },
    { name: 'the right key under the bare host only', content: () => `${sshd.address} ${k('served')}\n`, expect: 'match' },
    { name: 'another key under the bare host only', content: () => `${sshd.address} ${k('ed2')}\n`, expect: 'unknown' },
    { name: 'another type under the bare host only', content: () => `${sshd.address} ${k('ec')}\n`, expect: 'unknown' },
    { name: 'nothing recorded', content: () => '# empty\n', expect: 'unknown' },
    { name: 'a wildcard line with the key', content: () => `* ${k('served')}\n`, expect: 'match' },
    { name: 'a wildcard line with another type', content: () => `[127.0.77.*]:${sshd.port} ${k('ec')}\n`, expect: 'changed' },
    { name: 'a negated pattern excludes the line', content: () => `[127.0.77.*]:${sshd.port},!${hp()} ${k('ec')}\n`, expect: 'unknown' },
    { name: 'a hashed entry with the key', content: () => `${hashHostName(hp())} ${k('served')}\n`, expect: 'match' },
    { name: 'a hashed entry with another type', content: () => `${hashHostName(hp())} ${k('ec')}\n`, expect: 'changed' },
    { name: '@revoked naming the host', content: () => `@revoked ${hp()} ${k('served')}\n${hp()} ${k('served')}\n`, expect: 'revoked' },
    { name: '@revoked naming another host', content: () => `@revoked other.example ${k('served')}\n${hp()} ${k('served')}\n`, expect: 'match' },
    { name: '@revoked *', content: () => `@revoked * ${k('served')}\n`, expect: 'revoked' },
    { name: '@revoked naming the bare host', content: () => `@revoked ${sshd.address} ${k('served')}\n${hp()} ${k('served')}\n`, expect: 'match' },
    { name: '@cert-authority only', content: () => `@cert-authority * ${k('served')}\n`, expect: 'unknown' },
    { name: '@cert-authority and another type', content: () => `@cert-authority * ${k('served')}\n${hp()} ${k('ec')}\n`, expect: 'changed' },
    { name: 'a comma list naming the host', content: () => `a.example,${hp()} ${k('served')}\n`, expect: 'match' },
    { name: 'two keys of one type, one right', content: () => `${hp()} ${k('ed2')}\n${hp()} ${k('served')}\n`, expect: 'match' },
    { name: 'an alias in another case than recorded', alias: 'Compute-7.Example', content: () => `compute-7.example ${k('served')}\n`, expect: 'match' },
    { name: 'an alias against a hashed lower-case entry', alias: 'Compute-7.Example', content: () => `${hashHostName('compute-7.example')} ${k('ec')}\n`, expect: 'changed' },
  ];

  for (const c of CASES) {
    it(`${c.name}: same verdict under every policy (${c.expect})`, async () => {
      const r = await compare(c.name, c.content(), c.alias === undefined ? {} : { alias: c.alias });
      expect(r.wrong, JSON.stringify(r.wrong, null, 1)).toEqual([]);
      expect(r.kinds[0]).toBe(c.expect); // the case tests what it says, by ssh's own verdict
    });
  }

  it('refuses the key-type change under every policy of this tool; ssh goes on only with StrictHostKeyChecking=no', async () => {
    const r = await compare('key type change', `${hp()} ${k('ec')}\n`);
    expect(r.kinds.every((x) => x === 'changed')).toBe(true);
    expect(r.tolerated.sort()).toEqual(['off-refuses-changed', 'shkc-no-is-accept-new']);
  });

  const files = haveFixtures ? readdirSync(path.join(FIXTURES, 'known-hosts')).filter((d) => d !== 'SOURCES.md').sort() : [];
  for (const d of files) {
    it(`fixture ${d}: same verdict for every name it records`, async () => {
      const dir = path.join(FIXTURES, 'known-hosts', d);
      const file = path.join(dir, readdirSync(dir)[0]!);
      const text = readFileSync(file, 'utf8');
      const plain = new Set<string>();
      for (const l of parseKnownHosts(text, file)) {
        for (const h of l.hosts.split(',')) if (!/[|*?![\]]/.test(h) && h !== '') plain.add(h);
      }
      const names = [...plain].slice(0, 12).concat(['sisyphus.example.com', 'prometheus.example.com', '192.0.2.1', 'github.com', 'nothing.example']);
      const wrong: unknown[] = [];
      for (const alias of names) {
        const r = await compare(`${d} ${alias}`, text, { alias, policies: [POLICIES[0]!] });
        wrong.push(...r.wrong);
      }
      expect(wrong, JSON.stringify(wrong, null, 1)).toEqual([]);
      expect(existsSync(file)).toBe(true);
    });
  }
});
