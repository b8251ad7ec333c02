// Benchmark: the cost of rehearsing 1,000 hosts / 20,000 instances, this build against a baseline build, side by side.
// Run (after `npm run build` here and in the baseline checkout):
//   npx tsx test/bench/rehearse-speed.ts --baseline ../main/dist [--runs 2] [--hosts 1000] [--instances 20000]
// Each run is a fresh process (same fleet, durations and seed as rehearse-fleet.ts); the two builds alternate, baseline
// first, so load from other work falls on both. Prints each run, then the medians and this build's share of the baseline's.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { table } from './measure.js';

function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]! : dflt;
}
const BASELINE = arg('baseline', '');
const RUNS = Number(arg('runs', '1'));
const HOSTS = arg('hosts', '1000');
const INSTANCES = arg('instances', '20000');
if (!BASELINE || !existsSync(resolve(BASELINE, 'rehearse/rehearse.js'))) {
  console.error('--baseline DIR: the dist directory of a built baseline checkout (e.g. ../main/dist after npm run build there)');
  process.exit(4);
}

interface Cost { wallMs: number; cpuMs: number; maxRssMb: number; makespanMs: number; ratio: number; perMovedInstance: number; timers: number; novaCalls: number; audit: number }

function once(dist: string): Promise<Cost> {
  return new Promise((ok, fail) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/bench/rehearse-speed-child.ts', resolve(dist), HOSTS, INSTANCES], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', (code) => (code === 0 ? ok(JSON.parse(out.trim().split('\n').pop()!) as Cost) : fail(new Error(`${dist}: exit ${code}`))));
  });
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const hms = (ms: number): string => new Date(ms).toISOString().slice(11, 19) + (ms >= 86_400_000 ? ` +${Math.floor(ms / 86_400_000)}d` : '');
const row = (who: string, run: string, c: Cost): string[] => [who, run, (c.wallMs / 1000).toFixed(1), (c.cpuMs / 1000).toFixed(1), c.maxRssMb.toFixed(0),
  hms(c.makespanMs), c.ratio.toFixed(3), c.perMovedInstance.toFixed(3), String(c.timers), String(c.novaCalls), String(c.audit)];

const builds = [{ who: 'baseline', dist: BASELINE }, { who: 'this build', dist: 'dist' }];
const results = new Map<string, Cost[]>(builds.map((b) => [b.who, []]));
const rows: string[][] = [];
for (let run = 1; run <= RUNS; run++) {
  for (const b of builds) {
    const c = await once(b.dist);
    results.get(b.who)!.push(c);
    rows.push(row(b.who, String(run), c));
  }
}
console.log(`rehearse ${HOSTS} hosts, ${INSTANCES} instances, serial 1,5,5%; baseline ${resolve(BASELINE)}; load average at the end ${(await import('node:os')).loadavg().map((l) => l.toFixed(1)).join(' ')}`);
const head = ['build', 'run', 'wall s', 'CPU s', 'peak RSS MB', 'makespan', 'ratio', 'migrations / moved', 'timers', 'Nova calls', 'audit'];
for (const b of builds) {
  const cs = results.get(b.who)!;
  rows.push([b.who, 'median', (median(cs.map((c) => c.wallMs)) / 1000).toFixed(1), (median(cs.map((c) => c.cpuMs)) / 1000).toFixed(1), median(cs.map((c) => c.maxRssMb)).toFixed(0), '', '', '', '', '', '']);
}
console.log(table(head, rows));
const share = (k: 'wallMs' | 'cpuMs') => median(results.get('this build')!.map((c) => c[k])) / median(results.get('baseline')!.map((c) => c[k]));
console.log(`this build / baseline: wall ${share('wallMs').toFixed(2)}, CPU ${share('cpuMs').toFixed(2)}`);
