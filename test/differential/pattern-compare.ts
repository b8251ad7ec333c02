// ansible-playbook --list-hosts (one play per pattern, one run per inventory) against Inventory.select().
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Inventory } from '../../src/inventory/index.js';
import { ConfigError } from '../../src/util/errors.js';
import { ANSIBLE_ENV, run } from './references.js';

export interface PatternAnswer {
  hosts: string[];
  /** Ansible stopped on this pattern (e.g. "No hosts matched the subscripted pattern"). */
  error?: string;
  /** Terms ansible warned it could not match ("Could not match supplied host pattern, ignoring: X"). */
  unmatched: string[];
}

/** Patterns worth asking about for an inventory: every rule (union, :&, :!, subscripts, globs, ~regex, misses). */
export function patternsFor(inv: Inventory): string[] {
  const groups = inv.groupNames().filter((g) => g !== 'all' && g !== 'ungrouped' && inv.groupHosts(g).length > 0).slice(0, 12);
  const hosts = inv.hostNames().slice(0, 8);
  const out = new Set<string>(['all', '*', 'ungrouped', 'all:!ungrouped', 'no-such-group-here', 'all:no-such-group-here']);
  for (const g of groups) out.add(g);
  for (const h of hosts) out.add(h);
  for (let i = 0; i + 1 < groups.length && i < 6; i++) {
    const [a, b] = [groups[i]!, groups[i + 1]!];
    for (const p of [`${a}:${b}`, `${a}:&${b}`, `${a}:!${b}`, `${a},${b}`, `!${a}`, `&${a}`, `${b}:${a}:!${b}`]) out.add(p);
  }
  if (groups.length >= 3) {
    const [a, b, c] = [groups[0]!, groups[1]!, groups[2]!];
    for (const p of [`${a}:${b}:&${c}`, `all:&${a}:!${b}`, `${a}:!${b}:!${c}`, `~(${a}|${b})`, `${c}:&all`]) out.add(p);
  }
  if (hosts.length >= 2) out.add(`${hosts[0]},${hosts[1]}`).add(`${hosts[1]}:${hosts[0]}`).add(`all:!${hosts[0]}`);
  for (const g of groups.slice(0, 4)) for (const s of ['[0]', '[1:]', '[0:1]', '[0:2]', '[1-2]', '[-1]', '[1]']) out.add(`${g}${s}`);
  for (const h of hosts.slice(0, 4)) {
    if (h.length > 3) {
      out.add(`${h.slice(0, 3)}*`);
      out.add(`*${h.slice(-2)}`);
      out.add(`${h.slice(0, -1)}?`);
      out.add(`~${h.slice(0, 3).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}.*`);
    }
  }
  for (const g of groups.slice(0, 3)) out.add(`~${g.slice(0, 2).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`);
  return [...out];
}

/** One ansible-playbook run lists the hosts of every pattern (a play each, no task run). */
export function ansibleListHosts(sources: readonly string[], all: readonly string[], scratch: string): Map<string, PatternAnswer> {
  const answers = new Map<string, PatternAnswer>();
  let patterns = [...all];
  const pb = join(scratch, 'list-hosts.json');
  let r: ReturnType<typeof run>;
  for (;;) {
    writeFileSync(pb, JSON.stringify(patterns.map((p) => ({ hosts: p, gather_facts: false, tasks: [] }))));
    r = run('ansible-playbook', [...sources.flatMap((s) => ['-i', s]), '--list-hosts', pb], { env: ANSIBLE_ENV, cwd: scratch });
    if (r.code === 0) break;
    // A pattern ansible stops on is that pattern's answer; the others are asked again without it.
    const bad = /ERROR! (No hosts matched the subscripted pattern '(.+)')/.exec(r.stderr);
    const which = bad ? patterns.find((p) => p === bad[2] || p.split(/[,:]/).map((x) => x.replace(/^[&!]/, '')).includes(bad[2]!)) : undefined;
    if (!bad || which === undefined) throw new Error(`ansible-playbook --list-hosts failed: ${r.stderr}`);
    answers.set(which, { hosts: [], unmatched: [], error: bad[1]! });
    patterns = patterns.filter((p) => p !== which);
  }
  const blocks = r.stdout.split(/\n\s*play #\d+ /).slice(1);
  blocks.forEach((b, i) => {
    const lines = b.split('\n');
    const start = lines.findIndex((l) => /^\s*hosts \(\d+\):/.test(l));
    const hosts = lines.slice(start + 1).map((l) => l.trim()).filter((l) => l !== '');
    answers.set(patterns[i]!, { hosts, unmatched: [] });
  });
  if (answers.size !== all.length) throw new Error(`parsed ${answers.size} answers for ${all.length} patterns:\n${r.stdout}`);
  // Warnings are not tied to a play; a term ansible could not match is recorded for every pattern holding it.
  const unmatched = [...r.stderr.replace(/\n(?!\[)/g, ' ').matchAll(/Could not match supplied host pattern, ignoring: (\S+)/g)].map((m) => m[1]!);
  for (const [p, a] of answers) if (a.error === undefined) a.unmatched = unmatched.filter((t) => p.split(/[,:]/).map((x) => x.replace(/^[&!]/, '')).some((x) => x === t || x.startsWith(`${t}[`)));
  return answers;
}

export type OurAnswer = { ok: true; hosts: string[] } | { ok: false; error: string };

export function ourSelection(inv: Inventory, pattern: string): OurAnswer {
  try {
    return { ok: true, hosts: inv.select(pattern).map((h) => h.name) };
  } catch (err) {
    if (err instanceof ConfigError) return { ok: false, error: err.message };
    throw err;
  }
}
