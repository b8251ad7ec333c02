// Benchmark: a full `run` on a 12-host lab vs the simulated delays on its critical path; the rest is orchestration overhead.
// Run (root, after `npm run build`): npx tsx test/bench/remediate-overhead.ts [--migration 6s] [--boot 15s] [--stable 3s]
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { cli, REPO, startLab } from '../helpers/lab.js';
import { table } from './measure.js';

function arg(name: string, dflt: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number.parseFloat(process.argv[i + 1] ?? '') : dflt;
}
const MIGRATION_S = arg('migration', 6);
const BOOT_S = arg('boot', 15);
const STABLE_S = arg('stable', 3);
const PER_HOST = 2;
const HOSTS = 12;
const INSTANCES = 24;

/** playbooks/remediate.yaml with its waits scaled to the lab: polls (250 ms) are small next to every delay. */
function playbook(): string {
  const pb = parse(readFileSync(join(REPO, 'playbooks/remediate.yaml'), 'utf8')) as { steps: Record<string, Record<string, unknown>>[] };
  for (const s of pb.steps) {
    if (s['drain']) Object.assign(s['drain'], { migration_timeout: '120s', parallel_per_host: PER_HOST, poll_interval: '250ms' });
    if (s['reboot']) Object.assign(s['reboot'], { timeout: '180s', stable_for: `${STABLE_S}s`, backoff: '250ms', max_backoff: '1s' });
  }
  return stringify(pb);
}

const rebootDelayS = 1; // remediate.yaml keeps the reboot step's default `delay: 1` (the detached reboot's own sleep)
const variants = [{ dist: 'el7', cpu_mode: 'host-model' }, { dist: 'el8', cpu_mode: 'custom', cpu_model: 'IvyBridge' }, { dist: 'el7', cpu_mode: 'host-passthrough' }, { dist: 'el8', cpu_mode: 'unset' }];
const lab = await startLab({
  address_base: '127.41.0.0', port: 2240, instances: INSTANCES,
  nova: { migration_time: `${MIGRATION_S}s` },
  hosts: Array.from({ length: HOSTS }, (_, i) => ({ name: `rem${String(i + 1).padStart(2, '0')}`, boot_delay: `${BOOT_S}s`, availability_zone: `az${(i % 3) + 1}`, ...variants[i % variants.length] })),
}, 'overhead');
try {
  const pbFile = join(lab.dir, 'bench-remediate.yaml');
  writeFileSync(pbFile, playbook());
  const t0 = performance.now();
  const jsonReport = join(lab.dir, 'report.json');
  const r = await cli(['run', pbFile, '-i', lab.inventory, '--state-dir', lab.stateDir, '-y', '--json', jsonReport]);
  const wallMs = performance.now() - t0;
  const audit = await lab.labGet<unknown[]>('audit');
  if (r.code !== 0 || audit.length) throw new Error(`run failed (exit ${r.code}, audit ${JSON.stringify(audit)}):\n${r.stdout.slice(-3000)}\n${r.stderr.slice(-2000)}`);

  // Which hosts each batch held, and when it started/ended, from the run's JSON log.
  const logDir = join(lab.stateDir, 'logs');
  const lines = readFileSync(join(logDir, readdirSync(logDir).find((f) => f.endsWith('.log'))!), 'utf8').trim().split('\n')
    .map((l) => JSON.parse(l) as { time: string; msg: string; host?: string; batch?: number });
  const batches: { start: number; end: number; hosts: string[] }[] = [];
  let runEnd = 0;
  for (const l of lines) {
    // After the rollout the workflow re-lists guests with a second, one-batch fleet run: not part of the critical path.
    if (runEnd) break;
    const t = Date.parse(l.time);
    if (l.msg === 'batch started') batches.push({ start: t, end: t, hosts: [] });
    if (l.msg === 'host started' && l.host) batches.at(-1)?.hosts.push(l.host);
    if (l.msg === 'host finished' && batches.length) batches.at(-1)!.end = Math.max(batches.at(-1)!.end, t);
    if (l.msg === 'run finished') runEnd = t;
  }
  const state = await lab.labGet<{ migrations: { source: string; status: string }[] }>('state');
  const migrations = new Map<string, number>();
  for (const m of state.migrations) if (m.status === 'completed') migrations.set(m.source, (migrations.get(m.source) ?? 0) + 1);

  // A host's floor: its migrations, PER_HOST at a time, then the reboot's own sleep, the boot, and the stability wait.
  const hostFloorS = (h: string) => Math.ceil((migrations.get(h) ?? 0) / PER_HOST) * MIGRATION_S + rebootDelayS + BOOT_S + STABLE_S;
  let critical = 0;
  let actual = 0;
  const rows = batches.map((b, i) => {
    const floor = Math.max(...b.hosts.map(hostFloorS));
    const took = (b.end - b.start) / 1000;
    critical += floor;
    actual += took;
    const most = Math.max(...b.hosts.map((h) => migrations.get(h) ?? 0));
    return [String(i + 1), String(b.hosts.length), String(most), floor.toFixed(1), took.toFixed(1), `${(((took - floor) / floor) * 100).toFixed(1)}%`];
  });
  console.log(`remediate overhead: ${HOSTS} hosts, ${INSTANCES} instances, migration ${MIGRATION_S}s (${PER_HOST}/host), boot ${BOOT_S}s, stable_for ${STABLE_S}s, reboot delay ${rebootDelayS}s`);
  console.log(table(['batch', 'hosts', 'most migrations on a host', 'critical path s', 'batch wall s', 'overhead'], rows));
  const first = batches[0]?.start ?? 0;
  const total = (runEnd - first) / 1000;
  console.log(`sum of batches: critical ${critical.toFixed(1)} s, actual ${actual.toFixed(1)} s, overhead ${(((actual - critical) / critical) * 100).toFixed(1)}%`);
  console.log(`whole run (first batch start → run finished) ${total.toFixed(1)} s: overhead ${(((total - critical) / critical) * 100).toFixed(1)}%; ` +
    `CLI wall incl. start-up, Nova login and reports ${(wallMs / 1000).toFixed(1)} s: overhead ${(((wallMs / 1000 - critical) / critical) * 100).toFixed(1)}%`);

  // Where a host's time went, step by step: the simulated delays sit in drain and reboot, the rest is work the
  // fake hosts and the controller do (facts, yum, the nova.conf edit, checks).
  const report = JSON.parse(readFileSync(jsonReport, 'utf8')) as { hosts: { steps: { id: string; durationMs?: number }[] }[] };
  const perStep = new Map<string, number[]>();
  for (const h of report.hosts) for (const st of h.steps) if (st.durationMs !== undefined) perStep.set(st.id, [...(perStep.get(st.id) ?? []), st.durationMs / 1000]);
  const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
  console.log(table(['step', 'median s per host', 'max s'], [...perStep].map(([id, xs]) => [id, med(xs).toFixed(1), Math.max(...xs).toFixed(1)])));
} finally {
  await lab.down();
}
