// Benchmark: a real `run` of playbooks/remediate.yaml on the default 12-host lab fleet (the lab's own delays) against its rehearsal.
// Run (root, after `npm run build`): flock /tmp/mds-e2e.lock npx tsx test/bench/rehearse-vs-lab.ts [--boot 15] [--migration 6] [--out f.json]
// --boot / --migration (seconds) replace the lab's own delays (1 s each) on both sides: the description carries them.
// The makespan is the engine's own span (the log's "run started" to "run finished"), the quantity `rehearse` simulates.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultLabConfig, labConfig } from '../../src/lab/lab-config.js';
import { loadPlaybook } from '../../src/playbook/index.js';
import { LAB_DURATIONS } from '../../src/rehearse/durations.js';
import { rehearseLab } from '../../src/rehearse/rehearse.js';
import { stepSchemas } from '../../src/steps/registry.js';
import { cli, REPO, startLab } from '../helpers/lab.js';

export interface LabRunFigures {
  takenAt: string;
  hosts: number;
  instances: number;
  exitCode: number;
  makespanS: number;
  batches: { hosts: number; spanS: number }[];
  stepMedianS: Record<string, number>;
  migrations: number;
}

const outIdx = process.argv.indexOf('--out');
const out = outIdx > 0 ? process.argv[outIdx + 1]! : '/tmp/mds-rehearse-vs-lab.json';
const HOSTS = 12;
const INSTANCES = 40;

function arg(name: string): number | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : undefined;
}
const BOOT_S = arg('boot');
const MIGRATION_S = arg('migration');
const description = defaultLabConfig(HOSTS, INSTANCES);
if (BOOT_S !== undefined) description.hosts = description.hosts.map((h) => ({ ...h, boot_delay: `${BOOT_S}s` }));
if (MIGRATION_S !== undefined) description.nova = { migration_time: `${MIGRATION_S}s` };
const lab = await startLab({ ...description, address_base: '127.43.0.0', port: 2243 }, 'rehearse');
try {
  const jsonReport = join(lab.dir, 'report.json');
  const r = await cli(['run', join(REPO, 'playbooks/remediate.yaml'), '-i', lab.inventory, '--state-dir', lab.stateDir, '-y', '--json', jsonReport]);
  const audit = await lab.labGet<unknown[]>('audit');
  if (r.code !== 0 || audit.length) throw new Error(`run failed (exit ${r.code}, audit ${JSON.stringify(audit)}):\n${r.stdout.slice(-3000)}\n${r.stderr.slice(-2000)}`);
  const logDir = join(lab.stateDir, 'logs');
  const lines = readFileSync(join(logDir, readdirSync(logDir).find((f) => f.endsWith('.log'))!), 'utf8').trim().split('\n')
    .map((l) => JSON.parse(l) as { time: string | number; msg: string; host?: string });
  const t = (l: { time: string | number }): number => (typeof l.time === 'number' ? l.time : Date.parse(l.time));
  const start = t(lines.find((l) => l.msg === 'run started')!);
  const end = t(lines.find((l) => l.msg === 'run finished')!);
  const batches: { start: number; end: number; hosts: number }[] = [];
  for (const l of lines) {
    if (t(l) > end) break;
    if (l.msg === 'batch started') batches.push({ start: t(l), end: t(l), hosts: 0 });
    if (l.msg === 'host started') batches.at(-1)!.hosts++;
    if (l.msg === 'host finished' && batches.length) batches.at(-1)!.end = Math.max(batches.at(-1)!.end, t(l));
  }
  const report = JSON.parse(readFileSync(jsonReport, 'utf8')) as { hosts: { steps: { id: string; durationMs?: number }[] }[] };
  const perStep = new Map<string, number[]>();
  for (const h of report.hosts) for (const st of h.steps) if (st.durationMs !== undefined) perStep.set(st.id, [...(perStep.get(st.id) ?? []), st.durationMs / 1000]);
  const med = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
  const state = await lab.labGet<{ migrations: { status: string }[] }>('state');
  const figures: LabRunFigures = {
    takenAt: new Date().toISOString(), hosts: HOSTS, instances: INSTANCES, exitCode: r.code,
    makespanS: (end - start) / 1000,
    batches: batches.map((b) => ({ hosts: b.hosts, spanS: (b.end - b.start) / 1000 })),
    stepMedianS: Object.fromEntries([...perStep].map(([id, xs]) => [id, Number(med(xs).toFixed(2))])),
    migrations: state.migrations.filter((m) => m.status === 'completed').length,
  };
  // The same playbook and fleet (same seed, so the same placement), rehearsed with the lab's own costs.
  const rh = await rehearseLab(await loadPlaybook(join(REPO, 'playbooks/remediate.yaml'), stepSchemas()), labConfig.parse(description), { durations: LAB_DURATIONS });
  const rehearsal = { makespanS: rh.makespanMs / 1000, batches: rh.batches.map((b) => ({ hosts: b.hosts, spanS: b.durationMs / 1000 })), migrations: rh.migrations.completed, stepMedianS: Object.fromEntries(Object.entries(rh.stepMedianMs).map(([k, v]) => [k, Number((v / 1000).toFixed(2))])) };
  writeFileSync(out, `${JSON.stringify({ lab: figures, rehearsal }, null, 2)}\n`);
  console.log(JSON.stringify({ lab: figures, rehearsal }, null, 2));
  console.log(`rehearsed / real makespan: ${(rehearsal.makespanS / figures.makespanS).toFixed(3)} (${rehearsal.makespanS.toFixed(1)} s vs ${figures.makespanS.toFixed(1)} s)`);
  console.log(`wrote ${out}`);
} finally {
  await lab.down();
}
