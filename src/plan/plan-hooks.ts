// The engine hooks of saved plans: `plan --out` records each host's fingerprint, `run --plan` refuses hosts that drifted.
import type { EngineEvents } from '../engine/events.js';
import type { RunHooks } from '../engine/host-runner.js';
import type { HostFacts } from '../facts/types.js';
import type { HostSpec } from '../inventory/types.js';
import type { NovaApi } from '../openstack/types.js';
import { instancesMoved } from '../steps/changes.js';
import { driftBetween, fingerprint, PlanDriftError, type HostFingerprint, type SavedPlan } from './saved-plan.js';

async function fingerprintOf(host: HostSpec, facts: HostFacts, nova: NovaApi | null): Promise<HostFingerprint> {
  const ids = nova ? (await nova.listServers({ host: host.novaHost })).map((s) => s.id) : null;
  return fingerprint(facts, ids);
}

/** A plan's hook: the fingerprint of every host as first seen, for the plan file. */
export function recordFingerprints(nova: NovaApi | null): { hooks: RunHooks; prints: Map<string, HostFingerprint> } {
  const prints = new Map<string, HostFingerprint>();
  return {
    prints,
    hooks: {
      async firstFacts(host, facts) {
        prints.set(host.name, await fingerprintOf(host, facts, nova));
      },
    },
  };
}

/**
 * `run --plan`'s hook: only a host's first facts are compared (later gathers see this run's own changes), and instances
 * this run's own drains moved onto a later host are the rollout at work, not drift.
 */
export function planDriftCheck(saved: SavedPlan, nova: NovaApi | null, events: EngineEvents): RunHooks {
  const movedByRun = new Set<string>();
  events.on('step-end', (e) => {
    for (const id of instancesMoved(e.diff?.changes ?? [])) movedByRun.add(id);
  });
  return {
    async firstFacts(host, facts) {
      const planned = saved.hosts[host.name]?.fingerprint;
      if (!planned) throw new PlanDriftError(host.name, ['the host is not in the plan']);
      const drift = driftBetween(planned, await fingerprintOf(host, facts, nova), movedByRun);
      if (drift.length) throw new PlanDriftError(host.name, drift);
    },
  };
}
