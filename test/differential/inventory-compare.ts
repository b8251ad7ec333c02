// ansible-inventory --list against loadInventory(): groups, direct hosts, children and every host's variables.
import { isDeepStrictEqual } from 'node:util';
import { loadInventory } from '../../src/inventory/index.js';
import { ConfigError, ConfigErrors } from '../../src/util/errors.js';
import { ANSIBLE_ENV, run } from './references.js';

export interface InventoryView {
  /** Group name -> sorted direct hosts and sorted children. */
  groups: Record<string, { hosts: string[]; children: string[] }>;
  hostvars: Record<string, Record<string, unknown>>;
}

export type Outcome = { ok: true; view: InventoryView } | { ok: false; error: string };

export interface Disagreement {
  case: string;
  what: string;
  ours: unknown;
  theirs: unknown;
}

const sorted = (xs: Iterable<string>): string[] => [...xs].sort();

export function ansibleInventory(sources: readonly string[], cwd: string, env: NodeJS.ProcessEnv = ANSIBLE_ENV): Outcome {
  const r = run('ansible-inventory', [...sources.flatMap((s) => ['-i', s]), '--list'], { env, cwd });
  if (r.code !== 0) return { ok: false, error: (r.stderr.match(/ERROR! .*/)?.[0] ?? r.stderr).trim() };
  const data = JSON.parse(r.stdout) as Record<string, { hosts?: string[]; children?: string[]; hostvars?: Record<string, Record<string, unknown>> }>;
  const groups: InventoryView['groups'] = {};
  const touch = (g: string) => (groups[g] ??= { hosts: [], children: [] });
  touch('all');
  touch('ungrouped');
  for (const [name, g] of Object.entries(data)) {
    if (name === '_meta') continue;
    touch(name).hosts = sorted(g.hosts ?? []);
    touch(name).children = sorted(g.children ?? []);
    for (const c of g.children ?? []) touch(c);
  }
  // 'all' lists its children only; its hosts are every host, which the host list compares.
  return { ok: true, view: { groups, hostvars: data['_meta']?.hostvars ?? {} } };
}

export async function ourInventory(sources: readonly string[]): Promise<Outcome> {
  try {
    const inv = await loadInventory(sources);
    const groups: InventoryView['groups'] = {};
    for (const g of inv.groups.values()) groups[g.name] = { hosts: sorted(g.directHosts), children: sorted(g.children) };
    const hostvars: InventoryView['hostvars'] = {};
    for (const h of inv.hosts()) {
      const { inventory_hostname: _n, ...vars } = h.vars;
      hostvars[h.name] = vars;
    }
    return { ok: true, view: { groups, hostvars } };
  } catch (err) {
    if (err instanceof ConfigError || err instanceof ConfigErrors) return { ok: false, error: err.message };
    throw err;
  }
}

/** Every point where the two views differ, one entry per group or host. */
export function compareInventories(name: string, ours: Outcome, theirs: Outcome): Disagreement[] {
  if (!ours.ok || !theirs.ok) {
    if (!ours.ok && !theirs.ok) return []; // both refuse
    return [{ case: name, what: ours.ok ? 'ansible refused, we loaded' : 'we refused, ansible loaded', ours: ours.ok ? 'loaded' : ours.error, theirs: theirs.ok ? 'loaded' : theirs.error }];
  }
  const out: Disagreement[] = [];
  const a = ours.view;
  const b = theirs.view;
  for (const g of sorted(new Set([...Object.keys(a.groups), ...Object.keys(b.groups)]))) {
    if (!isDeepStrictEqual(a.groups[g], b.groups[g])) out.push({ case: name, what: `group ${g}`, ours: a.groups[g], theirs: b.groups[g] });
  }
  for (const h of sorted(new Set([...Object.keys(a.hostvars), ...Object.keys(b.hostvars)]))) {
    // ansible-inventory omits a host without variables from _meta.hostvars.
    const x = a.hostvars[h] ?? (h in b.hostvars ? undefined : {});
    const y = b.hostvars[h] ?? (h in a.hostvars && Object.keys(a.hostvars[h] ?? {}).length === 0 && hostListed(b, h) ? {} : undefined);
    if (!isDeepStrictEqual(x, y)) out.push({ case: name, what: `hostvars ${h}`, ours: x, theirs: y });
  }
  return out;
}

function hostListed(v: InventoryView, host: string): boolean {
  return Object.values(v.groups).some((g) => g.hosts.includes(host));
}
