// One rehearsal of the 1,000-host fleet with the modules of a given build (dist directory); prints its cost as one JSON line.
// Used by rehearse-speed.ts, which runs a baseline build and this one side by side; not meant to be run by hand.
import { resolve } from 'node:path';

const dist = resolve(process.argv[2] ?? 'dist');
const hosts = Number(process.argv[3] ?? 1000);
const instances = Number(process.argv[4] ?? 20_000);
const playbookFile = resolve(process.argv[5] ?? 'playbooks/remediate.yaml');

const { loadPlaybook } = await import(`${dist}/playbook/index.js`);
const { LAB_DURATIONS } = await import(`${dist}/rehearse/durations.js`);
const { loadFleetInput } = await import(`${dist}/rehearse/fleet-input.js`);
const { rehearseLab } = await import(`${dist}/rehearse/rehearse.js`);
const { stepSchemas } = await import(`${dist}/steps/registry.js`);

// The same fleet and durations as rehearse-fleet.ts: a production-like compute node, 10% spare, batches of 5%.
const durations = {
  ...LAB_DURATIONS, bootMs: 300_000, migrationMs: 20_000, migrationPerGbMs: 4000, packageUpdateMs: 120_000, checkUpdateMs: 10_000,
  gatherMs: 2000, commandMs: 100, connectMs: 300, apiMs: 50, serviceRestartMs: 10_000, spread: 0.2, seed: 1,
};
const playbook = await loadPlaybook(playbookFile, stepSchemas());
const cpu0 = process.cpuUsage();
const t0 = performance.now();
const lab = await loadFleetInput({ hosts, instances, spare: 0.1 });
const r = await rehearseLab(playbook, lab, { durations, serial: [1, 5, '5%'], startMs: Date.UTC(2026, 5, 1, 22) });
const wallMs = performance.now() - t0;
const cpu = process.cpuUsage(cpu0);
process.stdout.write(`${JSON.stringify({
  wallMs, cpuMs: (cpu.user + cpu.system) / 1000, maxRssMb: process.resourceUsage().maxRSS / 1024, makespanMs: r.makespanMs, ratio: r.ratio,
  perMovedInstance: r.migrations.perMovedInstance, timers: r.cost.timersFired, novaCalls: r.cost.novaCalls,
  done: r.outcome, audit: r.audit.length,
})}\n`);
