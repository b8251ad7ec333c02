// Differential: the hand-written Debian comparator (src/deb) against `dpkg --compare-versions` run live, over real
// version strings (this machine's dpkg status and `apt-cache dumpavail`, Ubuntu's notices) and generated edge cases.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareDebVersionStrings, DebVersionError, parseDebVersion } from '../../src/deb/index.js';
import { needReferences, run } from './references.js';

const refs = needReferences('dpkg');
const CASES = path.join(path.dirname(new URL(import.meta.url).pathname), 'cases', 'deb-versions.txt');

function recorded(): string[] {
  return readFileSync(CASES, 'utf8').split('\n').filter((l) => l.trim() !== '' && !l.startsWith('#'));
}

/** Every Version: field of Debian control-style text (dpkg's status file, apt's records). */
function versionsIn(text: string, limit: number): string[] {
  const out = new Set<string>();
  for (const m of text.matchAll(/^Version: (.+)$/gm)) {
    out.add(m[1]!.trim());
    if (out.size >= limit) break;
  }
  return [...out];
}

/** This machine's installed versions and, through `apt-cache dumpavail`, the archive's (apt keeps its lists compressed). */
function machineVersions(): string[] {
  const status = existsSync('/var/lib/dpkg/status') ? readFileSync('/var/lib/dpkg/status', 'utf8') : '';
  const avail = run('apt-cache', ['dumpavail']);
  return [...versionsIn(status, 5000), ...(avail.code === 0 ? versionsIn(avail.stdout, 2500) : [])];
}

// A small seeded generator, so a failure names a pair that the next run reproduces.
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** Versions built from the pieces where orderings get subtle: ~, letters against other characters, zeros, epochs, revisions. */
function generated(n: number, seed: number): string[] {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const upstreamPieces = ['0', '1', '01', '001', '9', '10', '99', '100', 'a', 'b', 'z', 'A', 'Z', '~', '~~', '~a', '+', '.', '+b1', '.0', 'rc1', '~rc1', '~beta', 'dfsg', '+dfsg', '-', ':'];
  const revisionPieces = ['0', '1', '01', '10', 'a', 'ubuntu', '~', '+', '.', 'deb9u1', '~cloud0', 'build1', '+b2'];
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const epoch = r() < 0.2 ? `${pick(['0', '1', '2', '10', '00'])}:` : '';
    let up = pick(['0', '1', '2', '10', '1.0', '2.11']);
    for (let k = Math.floor(r() * 4); k > 0; k--) up += pick(upstreamPieces);
    let rev = '';
    if (r() < 0.7) {
      rev = pick(['0', '1', '1ubuntu', '0ubuntu0.18.04.', '2']);
      for (let k = Math.floor(r() * 3); k > 0; k--) rev += pick(revisionPieces);
    }
    out.push(`${epoch}${up}${rev ? `-${rev}` : ''}`);
  }
  return out;
}

/** dpkg's verdict for each pair, in one shell: lt, eq or gt; "flagged" when dpkg printed a warning or an error for the pair. */
function dpkgVerdicts(pairs: readonly [string, string][]): string[] {
  const script = `while IFS='\t' read -r a b; do
  if ! w=$(dpkg --compare-versions "$a" lt "$b" 2>&1 >/dev/null; echo "rc=$?"); then :; fi
  case "$w" in *warning*|*error*) echo flagged; continue;; esac
  case "$w" in *rc=0) echo lt; continue;; esac
  if dpkg --compare-versions "$a" eq "$b" 2>/dev/null; then echo eq; else echo gt; fi
done`;
  const r = run('bash', ['-c', script], { input: `${pairs.map(([a, b]) => `${a}\t${b}`).join('\n')}\n` });
  if (r.code !== 0) throw new Error(`dpkg loop failed: ${r.stderr}`);
  return r.stdout.trim().split('\n');
}

function ours(a: string, b: string): string {
  try {
    return ['lt', 'eq', 'gt'][compareDebVersionStrings(a, b) + 1]!;
  } catch (err) {
    if (err instanceof DebVersionError) return 'flagged';
    throw err;
  }
}

function valid(v: string): boolean {
  try {
    parseDebVersion(v);
    return true;
  } catch {
    return false;
  }
}

describe.runIf(refs.run)('Debian versions: the comparator agrees with dpkg --compare-versions', () => {
  it('over real version strings: every adjacent pair of the sorted list and random pairs', () => {
    const real = [...new Set([...recorded(), ...machineVersions()])];
    // The machine's own lists must have been read: a run that compared only the handful of recorded strings would say little.
    expect(real.length).toBeGreaterThan(1000);
    const sorted = real.filter(valid).sort(compareDebVersionStrings);
    const pairs: [string, string][] = [];
    for (let i = 1; i < sorted.length; i++) pairs.push([sorted[i - 1]!, sorted[i]!], [sorted[i]!, sorted[i - 1]!]);
    const r = rng(7);
    for (let i = 0; i < 1500; i++) pairs.push([real[Math.floor(r() * real.length)]!, real[Math.floor(r() * real.length)]!]);
    for (const v of recorded()) pairs.push([v, v]);
    const theirs = dpkgVerdicts(pairs);
    const mismatches = pairs.map((p, i) => ({ pair: p, dpkg: theirs[i], ours: ours(...p) })).filter((m) => m.dpkg !== m.ours);
    expect(mismatches).toEqual([]);
    expect(pairs.length).toBeGreaterThan(4000);
  });

  it('over generated edge cases (tilde, letters against non-letters, leading zeros, epochs, empty and absent revisions)', () => {
    const vs = generated(2400, 42);
    const pairs: [string, string][] = [];
    for (let i = 0; i + 1 < vs.length; i += 2) pairs.push([vs[i]!, vs[i + 1]!]);
    // Near neighbours too: the same version with one piece changed is where an ordering rule shows.
    const near: [string, string][] = [
      ['1.0~rc1', '1.0'], ['1.0~~', '1.0~'], ['1.0~', '1.0'], ['1.0', '1.0+'], ['1.0a', '1.0+'], ['1.0a', '1.0.'], ['1.0Z', '1.0a'],
      ['1.01', '1.1'], ['1.001', '1.1'], ['1.0', '1.00'], ['1.0-0', '1.0'], ['1.0-', '1.0'], ['0:1.0', '1.0'], ['00:1.0', '1.0'],
      ['1:0.1', '9.9'], ['2.11+dfsg-1ubuntu7.13', '1:2.11+dfsg-1ubuntu7.13'], ['1.0-1~cloud0', '1.0-1'], ['1.0-1ubuntu0.1', '1.0-1'],
      ['4.15.0.50.52', '4.15.0-50.54'], ['1:', '1'], ['a1', '1'], ['1.0-a_b', '1.0'], ['1.0:1', '1:1.0:1'], ['99999999999999999999', '99999999999999999998'],
    ];
    pairs.push(...near);
    const theirs = dpkgVerdicts(pairs);
    const mismatches = pairs.map((p, i) => ({ pair: p, dpkg: theirs[i], ours: ours(...p) })).filter((m) => m.dpkg !== m.ours);
    expect(mismatches).toEqual([]);
    // The generator must reach every verdict, or it tests less than it claims.
    for (const v of ['lt', 'eq', 'gt', 'flagged']) expect(theirs).toContain(v);
  });
});
