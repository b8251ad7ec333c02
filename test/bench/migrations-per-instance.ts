// Benchmark: live migrations per instance over a whole rollout of the default lab fleet (`lab up --hosts 12 --instances 40`).
// Run (root, after `npm run build`): npx tsx test/bench/migrations-per-instance.ts [--hosts 12] [--instances 40] [--plan]
// --plan: `plan --out` first, then `run --plan` (the hosts the plan finds with nothing to drain are targets from the start).
// --room: the playbook with `rollout_order: room` (least to move first; applied with --plan only).
import { readFileSync, writeFileSync } from 'node:fs';
import { cli, FAST_PLAYBOOK, startLab } from '../helpers/lab.js';
import { defaultLabConfig } from '../../src/lab/lab-config.js';

function arg(name: string, dflt: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number.parseInt(process.argv[i + 1] ?? '', 10) : dflt;
}

interface State {
  instances: { uuid: string; status: string }[];
  migrations: { instanceUuid: string; status: string }[];
}

const hosts = arg('hosts', 12);
const instances = arg('instances', 40);
const lab = await startLab({ ...defaultLabConfig(hosts, instances), address_base: '127.48.0.0', port: 2248, nova: { migration_time: '500ms' } }, 'migrations-per-instance');
try {
  const withPlan = process.argv.includes('--plan');
  const planFile = `${lab.dir}/bench-plan.json`;
  let playbook = FAST_PLAYBOOK;
  if (process.argv.includes('--room')) {
    playbook = `${lab.dir}/bench-room.yaml`;
    writeFileSync(playbook, readFileSync(FAST_PLAYBOOK, 'utf8').replace(/^serial:/m, 'rollout_order: room\nserial:'));
  }
  if (withPlan) {
    const p = await cli(['plan', playbook, '-i', lab.inventory, '--state-dir', lab.stateDir, '--out', planFile]);
    if (p.code !== 2) throw new Error(`plan exited ${p.code}: ${p.stderr}`);
    // The plan's forecast: room per batch and the rehearsed duration (issues 16.1 and 18.2).
    process.stdout.write(`${p.stdout.split('\n').filter((l) => /^(room per batch|  batch \d|warning: batch|rehearsed:|  how:|  warning:)/.test(l)).join('\n')}\n`);
  }
  const started = Date.now();
  const r = await cli(['run', playbook, '-i', lab.inventory, '--state-dir', lab.stateDir, '-y', ...(withPlan ? ['--plan', planFile] : [])], { timeoutMs: 1_800_000 });
  const state = await lab.labGet<State>('state');
  const done = state.migrations.filter((m) => m.status === 'completed');
  const moved = new Set(done.map((m) => m.instanceUuid));
  const perInstance = new Map<string, number>();
  for (const m of done) perInstance.set(m.instanceUuid, (perInstance.get(m.instanceUuid) ?? 0) + 1);
  const twice = [...perInstance.values()].filter((n) => n > 1).length;
  process.stdout.write([
    `${withPlan ? 'plan --out, then run --plan' : 'run'}${playbook === FAST_PLAYBOOK ? '' : ' (rollout_order: room)'}: exit ${r.code} in ${Math.round((Date.now() - started) / 1000)} s (${hosts} hosts, ${instances} instances)`,
    `completed live migrations: ${done.length}; instances moved: ${moved.size}; moved more than once: ${twice}`,
    `migrations per moved instance: ${(done.length / Math.max(1, moved.size)).toFixed(3)}`,
    `the run summary says: ${r.stdout.split('\n').filter((l) => /^live migrations: |^  moved \d+ times/.test(l)).join(' | ') || '(no live-migrations line)'}`,
    `other migration outcomes: ${JSON.stringify(Object.fromEntries([...new Set(state.migrations.map((m) => m.status))].map((s) => [s, state.migrations.filter((m) => m.status === s).length])))}`,
    `failed attempts (source -> named or chosen target): ${state.migrations.filter((m) => m.status !== 'completed').map((m) => `${m.source} -> ${m.dest ?? 'unscheduled'}`).join(', ') || 'none'}`,
    '',
  ].join('\n'));
} finally {
  await lab.down();
}
