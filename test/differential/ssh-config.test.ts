// Differential: SshConfig + resolveSshTarget against `ssh -G` (OpenSSH 9.2) over the shared real ssh_config files and
// this suite's cases; only DELIBERATE differences pass.
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FIXTURES, haveFixtures } from '../conformance/fixtures-dir.js';
import type { DeliberateId } from './deliberate.js';
import { needReferences } from './references.js';
import { FIELDS, ourResolve, queriesFor, scratchHome, sshResolve, type Query, type Resolved } from './ssh-config-compare.js';

const refs = needReferences('ssh', 'root');
const CASES = path.join(path.dirname(new URL(import.meta.url).pathname), 'cases', 'ssh-config');
const homes: string[] = [];
afterAll(() => {
  for (const h of homes) rmSync(h, { recursive: true, force: true });
});

interface Case {
  name: string;
  file: string;
  extra: Query[];
}

function cases(): Case[] {
  const out: Case[] = [];
  if (haveFixtures) {
    const root = path.join(FIXTURES, 'ssh-config');
    const walk = (dir: string): string[] => readdirSync(dir).flatMap((e) => {
      const p = path.join(dir, e);
      return statSync(p).isDirectory() ? walk(p) : e === 'SOURCES.md' ? [] : [p];
    });
    for (const f of walk(root).sort()) out.push({ name: `fixture ${path.relative(root, f)}`, file: f, extra: [] });
  }
  for (const f of readdirSync(CASES).sort()) {
    const extra: Query[] = f === 'rules'
      ? [{ host: 'alias-skip' }, { host: 'final-1' }, { host: 'anyone', user: 'deploy' }, { host: 'Exact-Case' }, { host: 'exact-case' }, { host: 'strict-no' }, { host: 'MYHOST' }]
      : f === 'match-exec' ? [{ host: 'exec-1' }, { host: 'safe-1' }] : [];
    out.push({ name: `case ${f}`, file: path.join(CASES, f), extra });
  }
  return out;
}

const DEFAULT_IDS = ['~/.ssh/id_rsa', '~/.ssh/id_ecdsa', '~/.ssh/id_ecdsa_sk', '~/.ssh/id_ed25519', '~/.ssh/id_ed25519_sk', '~/.ssh/id_xmss', '~/.ssh/id_dsa'].join(' | ');

/** A refusal of ours that is on the deliberate list (the message says which rule refused). */
function deliberateRefusal(ours: Resolved, theirs: Resolved): DeliberateId | undefined {
  if (ours.ok && !theirs.ok && /Bad SSH2 (cipher|MAC) spec|Bad key types|Bad SSH2 KexAlgorithms/i.test(theirs.error)) return 'unused-values-unchecked';
  if (ours.ok || !theirs.ok) return undefined;
  if (/Match exec: .*does not run commands from ssh_config/.test(ours.error)) return 'match-exec-refused';
  if (/CanonicalizeHostname: .*not supported/.test(ours.error)) return 'canonicalize-refused';
  return undefined;
}

describe.runIf(refs.run)('ssh_config against ssh -G', () => {
  const all = cases();

  it('has the shared fixtures and its own cases to compare', () => {
    expect(all.filter((c) => c.name.startsWith('case ')).length).toBeGreaterThanOrEqual(5);
    if (haveFixtures) expect(all.filter((c) => c.name.startsWith('fixture ')).length).toBeGreaterThanOrEqual(40);
  });

  for (const c of all) {
    it(`${c.name}: user, port, hostname, identityfile, proxies, host key settings agree`, () => {
      const home = scratchHome(path.dirname(c.file));
      homes.push(home);
      const queries = [...queriesFor(readFileSync(c.file, 'utf8')), ...c.extra];
      const env = { ...process.env };
      const theirs = sshResolve(c.file, home, queries);
      const ours = ourResolve(c.file, home, queries, env);
      const wrong: unknown[] = [];
      const tolerated: string[] = [];
      let compared = 0;
      let bothRefused = 0;
      queries.forEach((q, i) => {
        const a = ours[i]!;
        const b = theirs[i]!;
        if (!a.ok && !b.ok) {
          bothRefused++; // both refuse
          return;
        }
        if (!a.ok || !b.ok) {
          const id = deliberateRefusal(a, b);
          if (id) tolerated.push(id);
          else wrong.push({ query: q, ours: a, ssh: b });
          return;
        }
        for (const f of FIELDS) {
          const x = a.values[f];
          const y = b.values[f];
          if (f === 'identityfile' && x === undefined && y === DEFAULT_IDS) continue;
          if (f === 'hostname' && x !== undefined && y !== undefined && x === y.toLowerCase()) continue;
          compared++;
          if (x !== y) wrong.push({ query: q, field: f, ours: x, ssh: y });
        }
      });
      expect(wrong, JSON.stringify(wrong, null, 1).slice(0, 4000)).toEqual([]);
      // Where a file uses what this tool refuses on purpose, the refusal itself is asserted.
      const text = readFileSync(c.file, 'utf8');
      if (/^\s*match\b.*\bexec\b/im.test(text)) expect(tolerated.includes('match-exec-refused') || bothRefused > 0).toBe(true);
      if (/^\s*canonicalizehostname\s*[= ]\s*(yes|always)/im.test(text)) expect(tolerated.includes('canonicalize-refused') || bothRefused > 0).toBe(true);
      if (c.name === 'case match-exec') expect(tolerated).toContain('match-exec-refused');
      if (c.name === 'case canonical') expect(tolerated).toContain('canonicalize-refused');
      expect(compared + bothRefused + tolerated.length).toBeGreaterThan(0);
    });
  }
});
