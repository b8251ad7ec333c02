// Benchmark: the controller CPU of a sweep's per-host work in our JavaScript alone (no SSH, no lab): engine, gather parse,
// the playbook's sweep steps, identity hooks, report builder and JSON log, over N simulated hosts, each size in a fresh process.
// Run: npx tsx test/bench/engine-per-host.ts [--sizes 50,200] [--runs 5] [--base OTHER_WORKTREE]
// --base runs the same measurement on another checkout's src/ (e.g. a worktree of main) for an A/B; the slope between the
// sizes is the per-host part. Each host answers the gather with the rehearsal's simulated output (built before the clock
// starts, the host's nonce put in per exec) and every other command with exit 0 and "active".
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stat, table } from './measure.js';

function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] ?? dflt : dflt;
}

const HERE = fileURLToPath(import.meta.url);
const OURS = resolve(import.meta.dirname, '../..');

/** One measurement: runs in its own process so every size pays the same cold JIT a real sweep pays. */
async function child(root: string, n: number): Promise<void> {
  const src = (p: string) => import(join(root, 'src', p));
  const { loadPlaybook } = await src('playbook/index.ts');
  const { stepSchemas, plannedSteps, sweepSteps, playbookMinimums } = await src('steps/registry.ts');
  const { runFleet } = await src('engine/runner.ts');
  const { EngineEvents } = await src('engine/events.ts');
  const { ReportBuilder } = await src('report/build.ts');
  const { makeGatherFacts, packagesToQuery } = await src('cli/session.ts');
  const { createRunLogger } = await src('util/logger.ts');
  const { StateStore } = await src('state/store.ts');
  const { identityHooks } = await src('identity/identity-hooks.ts');
  const { withServerSnapshot } = await src('openstack/server-snapshot.ts');
  const { buildGatherCommand } = await src('facts/gather-command.ts');
  const { labConfig } = await src('lab/lab-config.ts');
  const { Durations, LAB_DURATIONS } = await src('rehearse/durations.ts');
  const { hostSpecsFromLabConfig } = await src('rehearse/lab-model.ts');
  const { SimHost } = await src('rehearse/sim-host.ts');

  const playbook = await loadPlaybook(join(root, 'playbooks/remediate.yaml'), stepSchemas());
  const steps = sweepSteps(plannedSteps(playbook.steps));
  const packages = packagesToQuery(playbookMinimums(steps));
  const variants = [
    { dist: 'el7', cpu_mode: 'host-model' }, { dist: 'el8', cpu_mode: 'custom', cpu_model: 'IvyBridge' },
    { dist: 'el7', cpu_mode: 'host-passthrough' }, { dist: 'el8', cpu_mode: 'unset' }, { dist: 'el7', cpu_mode: 'host-model', fixed: true },
  ];
  const lab = labConfig.parse({ hosts: Array.from({ length: n }, (_, i) => ({ name: `bench${String(i + 1).padStart(3, '0')}`, ...variants[i % variants.length] })) });
  const instant = new Durations({ ...LAB_DURATIONS, packageUpdateMs: 0, checkUpdateMs: 0, gatherMs: 0, commandMs: 0, connectMs: 0, apiMs: 0, serviceRestartMs: 0, bootMs: 0, spread: 0 });
  const NONCE = 'feedc0defeedc0de';
  const outputs = new Map<string, string>();
  for (const spec of hostSpecsFromLabConfig(lab)) {
    const sim = new SimHost(spec, instant, { rebooting: () => {}, booted: () => {}, guests: () => [] });
    const answer = await sim.exec(buildGatherCommand({ packages, virshTimeoutSec: 60, nonce: NONCE }), {});
    outputs.set(spec.name, answer.stdout ?? '');
  }
  const hosts = [...outputs.keys()].map((name, i) => ({ name, address: `127.0.${i >> 8}.${i & 255}`, port: 22, user: 'root', become: true, novaHost: name, groups: ['compute'], vars: {} }));
  const exec = async (host: string, command: string) => {
    const nonce = /@@mds-orchestrate:([a-z0-9]+):begin:/.exec(command)?.[1];
    const stdout = nonce ? Buffer.from(outputs.get(host)!.split(NONCE).join(nonce)).toString('utf8') : 'active\n';
    return { code: 0, signal: null, stdout, stderr: '', truncated: false, durationMs: 1 };
  };
  const transportFactory = (h: { name: string }) => ({
    host: h.name, connect: async () => {}, reconnect: async () => {}, close: async () => {},
    exec: (command: string) => exec(h.name, command),
    readFile: async () => { throw new Error('not in a sweep'); }, writeFile: async () => { throw new Error('not in a sweep'); },
  });
  const nova = withServerSnapshot({
    listComputeServices: async () => hosts.map((h, i) => ({ id: `s${i}`, binary: 'nova-compute', host: h.name, zone: 'nova', status: 'enabled', state: 'up', disabledReason: null })),
    listServers: async () => [],
    listHypervisors: async () => hosts.map((h, i) => ({ id: `${i}`, hostname: h.name, serviceHost: h.name, state: 'up', status: 'enabled', vcpus: 8, vcpusUsed: 0, memoryMb: 1000, memoryMbUsed: 0 })),
  } as never);
  const dir = mkdtempSync(join(tmpdir(), 'engine-per-host-'));
  try {
    const log = createRunLogger({ stateDir: dir, runId: 'bench' });
    const events = new EngineEvents();
    const builder = new ReportBuilder('sweep', 'bench', 'remediate.yaml', hosts, steps);
    builder.listen(events);
    const state = await StateStore.open(dir);
    const cpu0 = process.cpuUsage();
    const summary = await runFleet({
      runId: 'bench', hosts, steps, mode: 'plan', forks: 50, maxFailPercentage: null, failureBudget: null, transportFactory,
      gatherFacts: makeGatherFacts(packages), nova, state, logger: log.logger, events,
      hooks: identityHooks({ nova, verb: 'sweep', runId: 'bench', stateDir: dir, isOwnRun: () => false, warn: () => {} }),
    });
    builder.finish();
    const cpu = process.cpuUsage(cpu0);
    log.close();
    // A host that failed would measure an error path, not a sweep.
    if (summary.failed + summary.unreachable + summary.unknown + summary.refused > 0) throw new Error(`not a clean sweep: ${JSON.stringify(summary).slice(0, 400)}`);
    process.stdout.write(`${JSON.stringify({ cpuMs: (cpu.user + cpu.system) / 1000 })}\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function measureOnce(root: string, n: number): number {
  const r = spawnSync(process.execPath, [...process.execArgv, HERE, '--child', root, String(n)], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`child (${root}, N=${n}) failed:\n${r.stderr}`);
  return (JSON.parse(r.stdout.trim().split('\n').pop()!) as { cpuMs: number }).cpuMs;
}

if (process.argv.includes('--child')) {
  await child(arg('child', OURS), Number(process.argv[process.argv.indexOf('--child') + 2]));
} else {
  const sizes = arg('sizes', '50,200').split(',').map(Number);
  const runs = Number(arg('runs', '5'));
  const base = process.argv.includes('--base') ? resolve(arg('base', '')) : null;
  const trees: [string, string][] = [['ours', OURS], ...(base ? [['base', base] as [string, string]] : [])];
  const got = new Map<string, number[]>();
  for (let r = 0; r < runs; r++) {
    // Interleaved, so a busy machine weighs on every tree and size alike.
    for (const n of sizes) for (const [name, root] of trees) {
      const k = `${name} ${n}`;
      got.set(k, [...(got.get(k) ?? []), measureOnce(root, n)]);
    }
  }
  const med = (name: string, n: number) => stat(got.get(`${name} ${n}`)!).median;
  const lo = Math.min(...sizes);
  const hi = Math.max(...sizes);
  console.log(`engine path of a sweep without SSH: CPU ms, median of ${runs} fresh processes per size`);
  console.log(table(['tree', ...sizes.map((n) => `N=${n}`), `ms per added host (N=${lo}..${hi})`],
    trees.map(([name]) => [name, ...sizes.map((n) => med(name, n).toFixed(0)), ((med(name, hi) - med(name, lo)) / (hi - lo)).toFixed(2)])));
}
