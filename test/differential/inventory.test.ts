// Differential: loadInventory() and host patterns against ansible-core (ansible-inventory --list, ansible-playbook
// --list-hosts) over the shared real inventories and this suite's own cases; only DELIBERATE differences pass.
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadInventory } from '../../src/inventory/index.js';
import { FIXTURES, haveFixtures } from '../conformance/fixtures-dir.js';
import type { DeliberateId } from './deliberate.js';
import { ansibleInventory, compareInventories, ourInventory, type Disagreement } from './inventory-compare.js';
import { ansibleListHosts, ourSelection, patternsFor } from './pattern-compare.js';
import { needReferences } from './references.js';

const refs = needReferences('ansible');
const scratch = mkdtempSync(path.join(tmpdir(), 'mds-diff-inv-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const CASES = path.join(path.dirname(new URL(import.meta.url).pathname), 'cases', 'inventories');
const NOT_SOURCES = new Set(['group_vars', 'host_vars', 'success.json']);

interface Case {
  name: string;
  sources: string[];
}

function sourcesIn(dir: string): string[] {
  return readdirSync(dir).filter((f) => !NOT_SOURCES.has(f)).sort().map((f) => path.join(dir, f));
}

function cases(): Case[] {
  const out: Case[] = [];
  if (haveFixtures) {
    const root = path.join(FIXTURES, 'inventories');
    for (const d of readdirSync(root).filter((d) => statSync(path.join(root, d)).isDirectory()).sort()) out.push({ name: `fixture ${d}`, sources: sourcesIn(path.join(root, d)) });
    // kayobe layers its inventories: the real upstream groups file, then hosts of our own.
    out.push({ name: 'fixture kayobe-upstream/groups + cases/kayobe-hosts', sources: [path.join(root, 'kayobe-upstream', 'groups'), path.join(CASES, 'kayobe-hosts', 'hosts')] });
  }
  for (const d of readdirSync(CASES).sort()) out.push({ name: `case ${d}`, sources: sourcesIn(path.join(CASES, d)) });
  return out;
}

function sameSet(a: string[], b: string[]): boolean {
  return a.length === b.length && JSON.stringify([...a].sort()) === JSON.stringify([...b].sort());
}

/** The deliberate difference a disagreement is, if the narrow rule for it holds; undefined = a real disagreement. */
function inventoryDeliberate(d: Disagreement): DeliberateId | undefined {
  if (d.what === 'we refused, ansible loaded' && typeof d.ours === 'string' && /the inventory defines no hosts/.test(d.ours)) return 'empty-inventory';
  return undefined;
}

describe.runIf(refs.run)('inventories against ansible-inventory --list and ansible-playbook --list-hosts', () => {
  const all = cases();

  it('has the shared fixtures and its own cases to compare', () => {
    expect(all.filter((c) => c.name.startsWith('case ')).length).toBeGreaterThanOrEqual(7);
    if (haveFixtures) expect(all.filter((c) => c.name.startsWith('fixture ')).length).toBeGreaterThanOrEqual(20);
  });

  for (const c of all) {
    it(`${c.name}: hosts, groups and variables agree; patterns select what ansible selects`, async () => {
      const ours = await ourInventory(c.sources);
      const theirs = ansibleInventory(c.sources, scratch);
      const found = compareInventories(c.name, ours, theirs);
      const unexplained = found.filter((d) => inventoryDeliberate(d) === undefined);
      expect(unexplained, JSON.stringify(unexplained, null, 1).slice(0, 4000)).toEqual([]);
      if (!ours.ok || !theirs.ok) return;

      const inv = await loadInventory(c.sources);
      const patterns = patternsFor(inv);
      const answers = ansibleListHosts(c.sources, patterns, scratch);
      const wrong: unknown[] = [];
      let agreed = 0;
      for (const p of patterns) {
        const a = answers.get(p)!;
        const o = ourSelection(inv, p);
        if (o.ok && a.unmatched.length === 0 && JSON.stringify(o.hosts) === JSON.stringify(a.hosts)) {
          agreed++;
          continue;
        }
        // Ansible's order below the first level of children follows Python set iteration and changes from run to
        // run (see DELIBERATE host-order): the same hosts, or for a subscript as many hosts of the same group.
        if (o.ok && a.unmatched.length === 0 && sameSet(o.hosts, a.hosts)) continue;
        const sub = /^(.+)\[[-\d:]+\]$/.exec(p);
        if (o.ok && sub && a.unmatched.length === 0 && o.hosts.length === a.hosts.length) {
          const base = answers.get(sub[1]!)?.hosts ?? ourSelection(inv, sub[1]!);
          const pool = new Set(Array.isArray(base) ? base : base.ok ? base.hosts : []);
          if (o.hosts.every((h) => pool.has(h)) && a.hosts.every((h) => pool.has(h))) continue;
        }
        // Deliberate: a term matching nothing (ansible warned about it) or an empty selection is refused here.
        if (!o.ok && a.error !== undefined && /out of range/.test(o.error)) continue; // both refuse
        const nothing = !o.ok && /matches no host and no group|selects no hosts|out of range/.test(o.error) && (a.unmatched.length > 0 || a.hosts.length === 0);
        if (nothing) continue;
        wrong.push({ pattern: p, ours: o, ansible: a });
      }
      expect(wrong, JSON.stringify(wrong, null, 1).slice(0, 4000)).toEqual([]);
      expect(agreed).toBeGreaterThan(0);
    });
  }
});
