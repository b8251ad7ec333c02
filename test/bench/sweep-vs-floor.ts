// Benchmark: `mds-orchestrate sweep` vs the raw ssh2 floor vs ansible-core (per-check tasks, and one raw task) on N lab hosts.
// Run (root, after `npm run build`; needs /usr/bin/time and ansible-playbook):
//   npx tsx test/bench/sweep-vs-floor.ts [--sizes 50,200] [--runs 3] [--forks 50] [--tools ours,floor,ansible,ansible-raw]
//     [--ansible-runs N] [--json out.json] [--base-cli OTHER/dist/cli/main.js]
// --base-cli adds the tool "base": the same sweep by another build (e.g. a worktree of main), for an A/B in one run.
// "ours" is the shipped entry (package.json's bin); each build sweeps once untimed first, so its code cache is written.
// --cpu-prof DIR: before the timed runs of each size, one untimed run of ours and of the floor under `node --cpu-prof`
// (into DIR/n<N>-<tool>/), so the profile comes from the same lab; the profiler's own cost never reaches the figures.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import { parse, stringify } from 'yaml';
import { packagesToQuery } from '../../src/cli/session.js';
import { buildGatherCommand } from '../../src/facts/gather-command.js';
import { CLI, REPO, startLab, type LabHandle } from '../helpers/lab.js';
import { findDetached, fmt, measure, stat, table, type Measured } from './measure.js';

function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] ?? dflt : dflt;
}
const sizes = arg('sizes', '50,200').split(',').map(Number);
const runs = Number(arg('runs', '3'));
const forks = Number(arg('forks', '50'));
const tools = arg('tools', 'ours,floor,ansible,ansible-raw').split(',');
/** Ansible's per-task variant costs minutes per run at N=200; it may run fewer times than the others. */
const ansibleRuns = Number(arg('ansible-runs', String(runs)));
const jsonOut = process.argv.includes('--json') ? arg('json', '') : '';
const baseCli = arg('base-cli', '');
const profDir = process.argv.includes('--cpu-prof') ? arg('cpu-prof', '') : '';
if (baseCli && !tools.includes('base')) tools.push('base');
if (tools.includes('base') && !baseCli) throw new Error('the tool "base" needs --base-cli PATH');
const ADDRESS_BASE = '127.40.0.0';
const PORT = 2240;

const PLAYBOOK = join(REPO, 'playbooks/remediate.yaml');
const minimums = (parse(readFileSync(PLAYBOOK, 'utf8')) as { steps: Record<string, { minimums?: Record<string, Record<string, string>> }>[] })
  .steps.find((s) => s['update-packages'])?.['update-packages']?.minimums;
const PACKAGES = packagesToQuery(minimums);

/** The workflow's own fleet mix: both releases, every cpu_mode, some hosts already fixed. */
function labConfig(n: number): Record<string, unknown> {
  const variants = [
    { dist: 'el7', cpu_mode: 'host-model' }, { dist: 'el8', cpu_mode: 'custom', cpu_model: 'IvyBridge' },
    { dist: 'el7', cpu_mode: 'host-passthrough' }, { dist: 'el8', cpu_mode: 'unset' }, { dist: 'el7', cpu_mode: 'host-model', fixed: true },
  ];
  const hosts = Array.from({ length: n }, (_, i) => ({ name: `bench${String(i + 1).padStart(3, '0')}`, ...variants[i % variants.length] }));
  return { address_base: ADDRESS_BASE, port: PORT, hosts, instances: n };
}

/** Compiled once, without src/ imports, so the floor pays plain `node` start-up like our built CLI does (not tsx's). */
function buildFloor(): string {
  const out = join(REPO, 'test/bench/.build/raw-floor.mjs');
  mkdirSync(join(REPO, 'test/bench/.build'), { recursive: true });
  buildSync({ entryPoints: [join(REPO, 'test/bench/raw-floor.ts')], outfile: out, format: 'esm', platform: 'node', target: 'node20', bundle: false, logLevel: 'error' });
  return out;
}

interface ToolRun { tool: string; n: number; run: number; m: Measured; hostsOk: number }

function ansibleFiles(dir: string, gather: string): { cfg: string; tasks: string; raw: string; cp: string } {
  const cp = join(dir, 'cp');
  const cfg = join(dir, 'ansible.cfg');
  writeFileSync(cfg, [
    '[defaults]', `forks = ${forks}`, 'host_key_checking = False', 'interpreter_python = /usr/bin/python3', 'gathering = explicit',
    'nocolor = True', `local_tmp = ${join(dir, 'tmp')}`,
    '[ssh_connection]', 'pipelining = True', `control_path_dir = ${cp}`, '',
  ].join('\n'));
  const q = (cmd: string) => ({ command: cmd, changed_when: false });
  const tasks = [{
    hosts: 'all', gather_facts: false,
    tasks: [
      { name: 'installed package versions', ...q(`rpm -q --qf '%{NAME} %{EPOCH}:%{VERSION}-%{RELEASE}.%{ARCH}\\n' ${PACKAGES.join(' ')}`), failed_when: false },
      { name: 'running kernel', ...q('uname -r') },
      { name: 'sysfs mds state', ...q('cat /sys/devices/system/cpu/vulnerabilities/mds'), failed_when: false },
      { name: 'MDS lines in the kernel log', shell: "dmesg | grep -e 'MDS: ' -e 'MDS CPU bug present' || true", changed_when: false },
      { name: 'domain capabilities', ...q('virsh domcapabilities') },
      { name: 'nova.conf', ...q('cat /etc/nova/nova.conf') },
    ],
  }];
  const tasksFile = join(dir, 'tasks.yaml');
  writeFileSync(tasksFile, stringify(tasks));
  // !unsafe: the script is shell, not a Jinja template.
  const rawFile = join(dir, 'raw.yaml');
  writeFileSync(rawFile, `- hosts: all\n  gather_facts: false\n  vars:\n    gather_script: !unsafe ${JSON.stringify(gather)}\n  tasks:\n    - name: one gather script\n      raw: "{{ gather_script }}"\n      changed_when: false\n`);
  return { cfg, tasks: tasksFile, raw: rawFile, cp };
}

function recapOk(stdout: string): number {
  return [...stdout.matchAll(/^\S+\s+: ok=\d+\s+changed=\d+\s+unreachable=(\d+)\s+failed=(\d+)/gm)].filter((m) => m[1] === '0' && m[2] === '0').length;
}

async function runTool(tool: string, n: number, lab: LabHandle, work: string, floor: string, ans: ReturnType<typeof ansibleFiles>, prof = ''): Promise<{ m: Measured; hostsOk: number }> {
  const node = prof ? [process.execPath, '--cpu-prof', '--cpu-prof-dir', prof] : [process.execPath];
  if (tool === 'ours' || tool === 'base') {
    const stateDir = mkdtempSync(join(work, 'state-'));
    const m = await measure([...node, tool === 'base' ? baseCli : CLI, 'sweep', '-i', lab.inventory, '--state-dir', stateDir, '-f', String(forks), '--playbook', PLAYBOOK], { env: { ...process.env, NO_COLOR: '1' } });
    rmSync(stateDir, { recursive: true, force: true });
    const s = /sweep \S+: (\d+) hosts, .* (\d+) failed, (\d+) unreachable/.exec(m.stdout);
    return { m, hostsOk: s && s[2] === '0' && s[3] === '0' && (m.code === 0 || m.code === 2) ? Number(s[1]) : 0 };
  }
  if (tool === 'floor') {
    const m = await measure([...node, floor, join(work, 'hosts.json'), join(lab.dir, 'id_ed25519'), join(work, 'gather.sh'), String(forks)]);
    return { m, hostsOk: m.code === 0 ? (JSON.parse(m.stdout) as { ok: number }).ok : 0 };
  }
  const book = tool === 'ansible' ? ans.tasks : ans.raw;
  rmSync(ans.cp, { recursive: true, force: true });
  const env = { ...process.env, ANSIBLE_CONFIG: ans.cfg, ANSIBLE_HOME: join(work, 'ansible-home') };
  const m = await measure(['ansible-playbook', '-i', lab.inventory, book], { env, detachedMarker: ans.cp });
  // ControlPersist masters outlive the playbook (re-parented to init): their CPU is the controller's too, then stop them.
  const masters = findDetached(ans.cp);
  m.cpuMs += masters.reduce((a, p) => a + p.cpuMs, 0);
  for (const p of masters) try { process.kill(p.pid, 'SIGTERM'); } catch { /* already gone */ }
  return { m, hostsOk: m.code === 0 ? recapOk(m.stdout) : 0 };
}

const all: ToolRun[] = [];
const work0 = mkdtempSync(join(tmpdir(), 'sweep-bench-'));
const floor = buildFloor();
console.log(`sweep benchmark: forks ${forks}, ${runs} runs per tool, order rotated each run; ${(await import('node:os')).availableParallelism()} cores`);
try {
  for (const n of sizes) {
    const work = mkdtempSync(join(work0, `n${n}-`));
    const t0 = performance.now();
    const lab = await startLab(labConfig(n), `bench${n}`);
    console.log(`\nN=${n}: lab up in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
    try {
      const runtime = JSON.parse(readFileSync(join(lab.dir, 'lab.json'), 'utf8')) as { hosts: { name: string; address: string; port: number }[] };
      writeFileSync(join(work, 'hosts.json'), JSON.stringify(runtime.hosts.map((h) => ({ ...h, user: 'root' }))));
      const gather = buildGatherCommand({ packages: PACKAGES, novaConfPath: '/etc/nova/nova.conf', virshTimeoutSec: 60 });
      writeFileSync(join(work, 'gather.sh'), gather);
      const ans = ansibleFiles(work, gather);
      // One untimed sweep by each build first: the shipped command keeps a per-user code cache that its first run writes
      // (src/build/compile-cache.ts), so every timed run below measures the steady state a cron sweep sees.
      for (const tool of tools.filter((t) => t === 'ours' || t === 'base')) {
        const { m } = await runTool(tool, n, lab, work, floor, ans);
        console.log(`  warm-up ${tool.padEnd(11)} (untimed) cpu ${(m.cpuMs / 1000).toFixed(2)} s, exit ${m.code}`);
      }
      for (const tool of profDir ? tools.filter((t) => t === 'ours' || t === 'floor') : []) {
        const { m } = await runTool(tool, n, lab, work, floor, ans, join(profDir, `n${n}-${tool}`));
        console.log(`  profiled ${tool.padEnd(11)} (untimed) cpu ${(m.cpuMs / 1000).toFixed(2)} s, exit ${m.code}`);
      }
      for (let r = 0; r < runs; r++) {
        const order = tools.map((_, i) => tools[(i + r) % tools.length]!).filter((t) => t !== 'ansible' || r < ansibleRuns);
        for (const tool of order) {
          const { m, hostsOk } = await runTool(tool, n, lab, work, floor, ans);
          if (hostsOk !== n) throw new Error(`${tool} at N=${n} reached ${hostsOk}/${n} hosts (exit ${m.code}):\n${m.stdout.slice(-2000)}\n${m.stderr.slice(-2000)}`);
          all.push({ tool, n, run: r, m, hostsOk });
          const load = readFileSync('/proc/loadavg', 'utf8').split(' ')[0];
          console.log(`  run ${r + 1} ${tool.padEnd(11)} load ${load}  wall ${(m.wallMs / 1000).toFixed(1)} s  cpu ${(m.cpuMs / 1000).toFixed(2)} s  maxRSS ${m.maxRssMb.toFixed(0)} MB  treeRSS ${m.treeRssMb.toFixed(0)} MB`);
        }
      }
    } finally {
      await lab.down();
    }
    report(n);
  }
  marginal();
  if (jsonOut) writeFileSync(jsonOut, JSON.stringify(all.map(({ m, ...r }) => ({ ...r, wallMs: m.wallMs, cpuMs: m.cpuMs, maxRssMb: m.maxRssMb, treeRssMb: m.treeRssMb }))));
} finally {
  rmSync(work0, { recursive: true, force: true });
  rmSync(join(REPO, 'test/bench/.build'), { recursive: true, force: true });
}

function report(n: number): void {
  const of = (tool: string) => all.filter((r) => r.n === n && r.tool === tool).map((r) => r.m);
  const rows = tools.map((tool) => {
    const ms = of(tool);
    return [tool, fmt(stat(ms.map((m) => m.wallMs)), 1, 1000), fmt(stat(ms.map((m) => m.cpuMs)), 2, 1000),
      stat(ms.map((m) => m.cpuMs / n)).median.toFixed(1), fmt(stat(ms.map((m) => m.maxRssMb)), 0), fmt(stat(ms.map((m) => m.treeRssMb)), 0)];
  });
  console.log(`\nN=${n} hosts, forks ${forks}: median (min–max) over ${runs} runs (ansible: ${Math.min(runs, ansibleRuns)})`);
  console.log(table(['tool', 'wall s', 'controller CPU s', 'CPU ms/host', 'peak RSS MB (largest process)', 'peak RSS MB (process tree)'], rows));
  const med = (tool: string, k: 'wallMs' | 'cpuMs' | 'treeRssMb') => stat(of(tool).map((m) => m[k])).median;
  const ratio = (a: string, b: string, k: 'wallMs' | 'cpuMs' | 'treeRssMb') => (tools.includes(a) && tools.includes(b) ? (med(a, k) / med(b, k)).toFixed(2) : '-');
  console.log(`ratios (medians): ours/floor wall ${ratio('ours', 'floor', 'wallMs')}, CPU ${ratio('ours', 'floor', 'cpuMs')}; ` +
    `base/floor CPU ${ratio('base', 'floor', 'cpuMs')}, ours/base CPU ${ratio('ours', 'base', 'cpuMs')}; ` +
    `ansible/ours wall ${ratio('ansible', 'ours', 'wallMs')}, CPU ${ratio('ansible', 'ours', 'cpuMs')}, RSS ${ratio('ansible', 'ours', 'treeRssMb')}; ` +
    `ansible-raw/ours wall ${ratio('ansible-raw', 'ours', 'wallMs')}, CPU ${ratio('ansible-raw', 'ours', 'cpuMs')}`);
}

/**
 * Controller CPU grows as start-up + N x per-host work; the slope between two sizes is the per-host part alone,
 * without Node's start-up and module loading, which a small N would otherwise charge to each host.
 */
function marginal(): void {
  const ns = [...new Set(all.map((r) => r.n))].sort((a, b) => a - b);
  if (ns.length < 2) return;
  const lo = ns[0]!;
  const hi = ns[ns.length - 1]!;
  const med = (tool: string, n: number) => stat(all.filter((r) => r.n === n && r.tool === tool).map((r) => r.m.cpuMs)).median;
  const rows = tools.map((tool) => {
    const slope = (med(tool, hi) - med(tool, lo)) / (hi - lo);
    return [tool, slope.toFixed(1), ((med(tool, lo) - slope * lo) / 1000).toFixed(2)];
  });
  console.log(`\nper-host controller CPU between N=${lo} and N=${hi} (slope of the medians) and the fixed part it implies`);
  console.log(table(['tool', 'CPU ms per added host', 'fixed CPU s (start-up)'], rows));
}
