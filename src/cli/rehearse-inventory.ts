// `rehearse -i INVENTORY`: plan's read-only pass over the real fleet and its cloud, then the rehearsal seeded from it.
import type { Playbook } from '../playbook/index.js';
import { FLEET_DURATIONS, type DurationSettings } from '../rehearse/durations.js';
import { playbookDurations } from '../rehearse/playbook-durations.js';
import { readRealFleet } from '../rehearse/read-real-fleet.js';
import type { RehearsalResult } from '../rehearse/recorder.js';
import { rehearseFleet, SimFleet } from '../rehearse/rehearse.js';
import { applySeed, seedFromPlan, type FleetSeed } from '../rehearse/seed-from-plan.js';
import { ConfigError } from '../util/errors.js';
import { executePlaybook } from './execute.js';
import { preparePlaybook, type WorkflowOptions } from './prepare.js';
import { openSession, warnOnStderr } from './session.js';

export interface SeededRehearsal {
  seed: FleetSeed;
  result: RehearsalResult;
  /** Where the durations came from. */
  durationSource: string;
}

export interface SeededOptions {
  durations: Partial<DurationSettings>;
  serial?: (number | string)[] | 'auto';
  forks?: number;
  startMs?: number;
  withPlan?: boolean;
}

/**
 * The selection, preflight, compute-host mapping and one read-only gather per host are plan's own (preparePlaybook,
 * executePlaybook in plan mode); then one read-only pass over the cloud. Nothing is written to a host or to the cloud.
 * Returns null when the plan was interrupted (nothing rehearsed).
 */
export async function rehearseInventory(playbookPath: string, wf: WorkflowOptions, o: SeededOptions): Promise<SeededRehearsal | null> {
  const prepared = await preparePlaybook(playbookPath, wf, 'plan');
  if (prepared.cloud === null) {
    throw new ConfigError({ file: playbookPath }, 'cloud', 'rehearse -i reads the fleet\'s instances, flavors and capacity from its cloud: give one (--cloud, the playbook\'s cloud:, OS_CLOUD or the OS_* variables)');
  }
  const fromPlaybook = await playbookDurations(playbookPath);
  const durations: DurationSettings = { ...FLEET_DURATIONS, ...fromPlaybook, ...o.durations };
  const durationSource = [Object.keys(o.durations).length ? 'command line' : '', Object.keys(fromPlaybook).length ? 'playbook vars.rehearse' : '', 'production-like defaults']
    .filter(Boolean).join(' over ');
  const session = await openSession(wf, { connections: prepared.connections, lock: false, onWarning: warnOnStderr });
  try {
    const { builder, interrupted } = await executePlaybook(prepared, wf, session, { kind: 'plan', mode: 'plan' });
    if (interrupted) return null;
    const report = builder.finish();
    const nova = session.nova;
    if (nova === null) throw new Error('no Nova session although the playbook names a cloud');
    const seed = seedFromPlan({ hosts: report.hosts, targets: prepared.targets.hosts, fleet: await readRealFleet(nova) });
    const fleet = new SimFleet(seed.lab, durations, seed.explicit);
    applySeed(fleet, seed);
    const playbook: Playbook = prepared.playbook;
    const result = await rehearseFleet(playbook, fleet, {
      only: seed.only,
      ...(o.serial ? { serial: o.serial } : {}),
      ...(o.forks ? { forks: o.forks } : {}),
      ...(o.startMs !== undefined ? { startMs: o.startMs } : {}),
      ...(o.withPlan ? { knownUndrained: true } : {}),
    });
    return { seed, result, durationSource };
  } finally {
    await session.close();
  }
}

/** The seeding, said before the rehearsal's figures: what was read, what is simulated how, and what was left out and why. */
export function seedLines(s: SeededRehearsal): string[] {
  const c = s.seed.counts;
  const lines = [
    `Seeded from the real fleet (read only): ${c.nodes} compute nodes, ${c.instances} instances, ${c.flavors} flavors; `
      + `${s.seed.only.length} hosts to roll (${c.toChange} to change, ${c.compliant} already compliant)${s.seed.packagesDone.length ? `, ${s.seed.packagesDone.length} with packages already at the minimums (reboot due)` : ''}`,
    `  durations: ${s.durationSource}`,
  ];
  if (s.seed.leftOut.length) {
    lines.push(`  LEFT OUT of the rehearsed rollout (${s.seed.leftOut.length}): a real run would not get through them, so the ETA does not cover them`);
    for (const l of s.seed.leftOut) lines.push(`    ${l.name}${l.novaHost !== l.name ? ` (${l.novaHost})` : ''}: ${l.status}: ${l.why}`);
  }
  for (const n of s.seed.notes) lines.push(`  note: ${n}`);
  return lines;
}
