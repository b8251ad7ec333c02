// Ansible's variable precedence for one host, keeping where each winning value was written.
import type { GroupGraph } from './graph.js';
import type { InventoryModel, TaggedValue, TaggedVars } from './model.js';

function priority(model: InventoryModel, group: string): number {
  const v = model.groups.get(group)?.vars.get('ansible_group_priority')?.value;
  const n = typeof v === 'string' ? Number(v) : v;
  return typeof n === 'number' && Number.isInteger(n) ? n : 1;
}

/** Ansible's sort_groups: by depth, then ansible_group_priority, then name; later entries win. */
export function sortGroups(model: InventoryModel, graph: GroupGraph, groups: readonly string[]): string[] {
  return [...groups].sort((a, b) => {
    const d = (graph.depth.get(a) ?? 0) - (graph.depth.get(b) ?? 0);
    if (d !== 0) return d;
    const p = priority(model, a) - priority(model, b);
    if (p !== 0) return p;
    return a < b ? -1 : a > b ? 1 : 0;
  });
}

function merge(into: Map<string, TaggedValue>, from: TaggedVars | undefined): void {
  if (!from) return;
  for (const [k, v] of from) into.set(k, v);
}

/**
 * Lowest to highest (Ansible's default VARIABLE_PRECEDENCE, hash_behaviour=replace):
 * inventory-file vars of 'all', of the host's other groups (sorted), group_vars/all, group_vars/<group> (each source in
 * order, groups sorted), the host's inventory-file vars, host_vars/<host>.
 */
export function mergedHostVars(model: InventoryModel, graph: GroupGraph, host: string, groups: readonly string[]): Map<string, TaggedValue> {
  const sorted = sortGroups(model, graph, groups.filter((g) => g !== 'all'));
  const out = new Map<string, TaggedValue>();
  merge(out, model.groups.get('all')?.vars);
  for (const g of sorted) merge(out, model.groups.get(g)?.vars);
  for (const dv of model.groupDirVars) if (dv.name === 'all') merge(out, dv.vars);
  const sources = [...new Set(model.groupDirVars.map((d) => d.sourceIndex))].sort((a, b) => a - b);
  for (const s of sources) {
    for (const g of sorted) for (const dv of model.groupDirVars) if (dv.sourceIndex === s && dv.name === g) merge(out, dv.vars);
  }
  merge(out, model.hosts.get(host)?.vars);
  for (const dv of model.hostDirVars) if (dv.name === host) merge(out, dv.vars);
  return out;
}
