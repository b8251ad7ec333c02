// Preflight of `run --plan`: the plan must be of this playbook and plan every selected host, or the run is refused before any change.
import type { HostSpec } from '../inventory/types.js';
import { ConfigError } from '../util/errors.js';
import type { SavedPlan } from './saved-plan.js';

const SHOWN = 10;

export interface PlanGap {
  host: string;
  why: 'not in the plan' | 'not planned (unreachable or cut short when the plan was made)';
}

/** Hosts of the selection the plan does not vouch for: absent from it, or present without the fingerprint of a planned host. */
export function planGaps(saved: SavedPlan, hosts: readonly HostSpec[]): PlanGap[] {
  const gaps: PlanGap[] = [];
  for (const h of hosts) {
    const entry = Object.hasOwn(saved.hosts, h.name) ? saved.hosts[h.name] : undefined;
    if (!entry) gaps.push({ host: h.name, why: 'not in the plan' });
    else if (!entry.fingerprint) gaps.push({ host: h.name, why: 'not planned (unreachable or cut short when the plan was made)' });
  }
  return gaps;
}

/**
 * Refuses (exit 4) a saved plan that does not cover the selection, before any lock, log or connection: without this the
 * run would find out host by host, mid-rollout, after other hosts of the batch were already drained and rebooted.
 */
export function checkPlanCovers(saved: SavedPlan, planFile: string, hosts: readonly HostSpec[]): void {
  const gaps = planGaps(saved, hosts);
  if (gaps.length === 0) return;
  const named = gaps.slice(0, SHOWN).map((g) => `${g.host} (${g.why})`).join(', ');
  const more = gaps.length > SHOWN ? ` and ${gaps.length - SHOWN} more` : '';
  const planned = Object.values(saved.hosts).filter((e) => e.fingerprint).length;
  throw new ConfigError({ file: planFile }, 'hosts',
    `the plan does not cover ${gaps.length} of the ${hosts.length} selected host(s): ${named}${more}. ` +
    `It plans ${planned} host(s). Make a new plan for this selection (mds-orchestrate plan PLAYBOOK -i INVENTORY --out ${planFile}), ` +
    'or narrow the selection to the planned hosts (-l/--limit)');
}

/**
 * Refuses (exit 4) a plan made from another playbook (`playbookSha256`: playbookDigest of the playbook file now), or from this one before an edit: the reviewed changes were those of
 * that playbook (its minimums, its steps). A plan written before the digest was recorded is not checked.
 */
export function checkPlanPlaybook(saved: SavedPlan, planFile: string, playbookPath: string, playbookSha256: string): void {
  if (saved.playbookSha256 === undefined || saved.playbookSha256 === playbookSha256) return;
  throw new ConfigError({ file: planFile }, 'playbookSha256',
    `the plan was made from another playbook (${saved.playbook ?? 'unnamed'}), or from ${playbookPath} before it was edited: ` +
    `its changes are not the ones this playbook would make. Make a new plan with it (mds-orchestrate plan ${playbookPath} ... --out ${planFile})`);
}
