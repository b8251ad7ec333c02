// Benchmark: rehearse a large rollout (default 1,000 hosts, 20,000 instances, 10% spare) and print its cost and its figures.
// Run (after `npm run build`): npx tsx test/bench/rehearse-fleet.ts [--hosts 1000] [--instances 20000] [--spare 0.1] [--runs 1]
// Prints the wall time, CPU and peak RSS of the simulation, and the rollout's makespan, lower bound and ratio.
import { loadPlaybook } from '../../src/playbook/index.js';
import { LAB_DURATIONS, type DurationSettings } from '../../src/rehearse/durations.js';
import { loadFleetInput } from '../../src/rehearse/fleet-input.js';
import { formatDuration } from '../../src/rehearse/format.js';
import { hostsNotDone } from '../../src/rehearse/recorder.js';
import { rehearseLab } from '../../src/rehearse/rehearse.js';
import { stepSchemas } from '../../src/steps/registry.js';
import { table } from './measure.js';

function arg(name: string, dflt: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
}
const HOSTS = arg('hosts', 1000);
const INSTANCES = arg('instances', 20_000);
const SPARE = arg('spare', 0.1);
const RUNS = arg('runs', 1);
// 20% batches cannot drain into 10% spare room (the capacity check refuses), so the batches are 5% of the fleet.
const SERIAL = [1, 5, '5%'];

/** A production-like compute node: minutes to boot and to update, migrations of tens of seconds growing with RAM. */
const DURATIONS: DurationSettings = {
  ...LAB_DURATIONS,
  bootMs: 300_000, migrationMs: 20_000, migrationPerGbMs: 4000, packageUpdateMs: 120_000, checkUpdateMs: 10_000,
  gatherMs: 2000, commandMs: 100, connectMs: 300, apiMs: 50, serviceRestartMs: 10_000, spread: 0.2, seed: 1,
};

const playbook = await loadPlaybook('playbooks/remediate.yaml', stepSchemas());
const rows: string[][] = [];
for (let run = 1; run <= RUNS; run++) {
  const lab = await loadFleetInput({ hosts: HOSTS, instances: INSTANCES, spare: SPARE });
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const r = await rehearseLab(playbook, lab, { durations: DURATIONS, serial: SERIAL, startMs: Date.UTC(2026, 5, 1, 22) });
  const wallS = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const rssMb = process.resourceUsage().maxRSS / 1024;
  if (hostsNotDone(r.outcome) || r.audit.length) throw new Error(`the rehearsal did not complete cleanly: ${JSON.stringify(r.outcome)} ${JSON.stringify(r.audit.slice(0, 3))}`);
  rows.push([
    String(run), wallS.toFixed(1), ((cpu.user + cpu.system) / 1e6).toFixed(1), rssMb.toFixed(0), formatDuration(r.makespanMs), formatDuration(r.lowerBound.totalMs),
    r.ratio.toFixed(3), String(r.batches.length), String(r.peakDrained), r.migrations.perMovedInstance.toFixed(3), r.fleet.spareAtStart.ramPct.toFixed(1), String(r.cost.timersFired),
  ]);
  if (run === 1) {
    console.log(`rehearse: ${HOSTS} hosts, ${INSTANCES} instances, serial ${SERIAL.join(',')}, durations ${JSON.stringify(DURATIONS)}`);
    console.log(table(['batch', 'hosts', 'took', 'bound', 'migrations', 'drained', 'RAM left at start -> lowest'], r.batches.map((b, i) => [
      String(b.index + 1), String(b.hosts), formatDuration(b.durationMs), formatDuration(r.lowerBound.batches[i]?.boundMs ?? 0), String(b.migrations), String(b.drainedPeak),
      `${b.capacityAtStart.ramPct.toFixed(1)}% -> ${b.capacityMin.ramPct.toFixed(1)}%`,
    ])));
  }
}
console.log(table(['run', 'wall s', 'CPU s', 'peak RSS MB', 'makespan', 'lower bound', 'ratio', 'batches', 'peak drained', 'migrations / moved instance', 'spare RAM %', 'timers'], rows));
