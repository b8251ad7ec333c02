// The group graph after all sources are read: cycles rejected, implicit all/ungrouped membership, depths and ancestry.
import type { InventoryModel } from './model.js';

export interface GroupGraph {
  parents: Map<string, string[]>;
  /** Longest distance from 'all' (Ansible's group depth: children sort after their parents). */
  depth: Map<string, number>;
}

/** Reports each cycle once, at the `children` entry that closes it, and drops that edge so later passes terminate. */
function breakCycles(model: InventoryModel): void {
  const state = new Map<string, 'active' | 'done'>();
  const stack: string[] = [];
  const visit = (g: string): void => {
    state.set(g, 'active');
    stack.push(g);
    const def = model.groups.get(g);
    for (const child of [...(def?.children ?? [])]) {
      const s = state.get(child);
      if (s === 'active') {
        const chain = [...stack.slice(stack.indexOf(child)), child].join(' -> ');
        const at = def!.childOrigins.get(child) ?? def!.declared;
        model.error(at, `${g}.children.${child}`, `cycle in group children: ${chain}; a group cannot contain itself`);
        def!.children = def!.children.filter((c) => c !== child);
      } else if (s === undefined) {
        visit(child);
      }
    }
    stack.pop();
    state.set(g, 'done');
  };
  for (const g of model.groups.keys()) if (!state.has(g)) visit(g);
}

/** Ansible's reconcile step: parentless groups hang under 'all'; hosts in no other group belong to 'ungrouped'. */
export function reconcile(model: InventoryModel): GroupGraph {
  breakCycles(model);
  const all = model.groups.get('all')!;
  const parents = new Map<string, string[]>();
  for (const name of model.groups.keys()) parents.set(name, []);
  for (const g of model.groups.values()) for (const c of g.children) parents.get(c)!.push(g.name);
  for (const [name, ps] of parents) {
    if (name === 'all' || ps.length > 0) continue;
    all.children.push(name);
    ps.push('all');
  }
  const member = new Set<string>();
  for (const g of model.groups.values()) {
    if (g.name === 'all' || g.name === 'ungrouped') continue;
    for (const h of g.hosts) member.add(h);
  }
  const ungrouped = model.groups.get('ungrouped')!;
  ungrouped.hosts = ungrouped.hosts.filter((h) => !member.has(h));
  for (const h of model.hosts.keys()) if (!member.has(h) && !ungrouped.hosts.includes(h)) ungrouped.hosts.push(h);

  const depth = new Map<string, number>();
  const depthOf = (g: string): number => {
    const known = depth.get(g);
    if (known !== undefined) return known;
    const ps = parents.get(g) ?? [];
    const d = ps.length === 0 ? 0 : Math.max(...ps.map((p) => depthOf(p) + 1));
    depth.set(g, d);
    return d;
  };
  for (const g of model.groups.keys()) depthOf(g);
  return { parents, depth };
}

/** Groups a host belongs to, nearest first (its own groups, then their parents, ...), always ending with 'all'. */
export function hostGroups(model: InventoryModel, graph: GroupGraph, host: string): string[] {
  const direct = [...model.groups.values()].filter((g) => g.name !== 'all' && g.hosts.includes(host)).map((g) => g.name);
  const seen = new Set<string>();
  const out: string[] = [];
  let level = direct;
  while (level.length > 0) {
    const next: string[] = [];
    for (const g of [...level].sort()) {
      if (seen.has(g) || g === 'all') continue;
      seen.add(g);
      out.push(g);
      next.push(...(graph.parents.get(g) ?? []));
    }
    level = next;
  }
  out.push('all');
  return out;
}

/** Hosts of a group and its descendants: own hosts first, then children's in declaration order, no duplicates. */
export function groupHosts(model: InventoryModel, group: string): string[] {
  if (group === 'all') return [...model.hosts.keys()];
  const out: string[] = [];
  const seenHosts = new Set<string>();
  const seenGroups = new Set<string>();
  const queue = [group];
  while (queue.length > 0) {
    const g = model.groups.get(queue.shift()!);
    if (!g || seenGroups.has(g.name)) continue;
    seenGroups.add(g.name);
    for (const h of g.hosts) if (!seenHosts.has(h)) seenHosts.add(h) && out.push(h);
    queue.push(...g.children);
  }
  return out;
}
