// Hosts a saved plan shows will not be drained (checked in full, no drain change): targets that never need a second move.
import type { HostSpec } from '../inventory/types.js';
import type { SavedPlan } from './saved-plan.js';

/**
 * Nova host names of the hosts whose plan ran every step's check (gathered, nothing refused or failed on the way) and
 * found nothing for the drain to do: no reboot is due there, so this run will not drain them (a host that changed
 * since is refused by the drift check, not drained). The run names them as live-migration targets from its first
 * batch, instead of only once their own batch has come (the "fixed hosts first" rule of the drain).
 */
export function undrainedByPlan(saved: SavedPlan | null, hosts: readonly HostSpec[], stepIds: readonly string[]): Set<string> {
  const out = new Set<string>();
  if (saved === null || !stepIds.includes('drain')) return out;
  for (const h of hosts) {
    const p = saved.hosts[h.name];
    if (!p || p.fingerprint === null || p.steps.length !== stepIds.length) continue;
    const drain = p.steps.find((s) => s.id === 'drain');
    if (drain && drain.changes.length === 0) out.add(h.novaHost);
  }
  return out;
}
