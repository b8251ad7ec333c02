// Bench helpers: run a command under GNU time (wall, children's CPU, max RSS), sample its process tree's RSS, summarise runs.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Measured {
  code: number;
  stdout: string;
  stderr: string;
  wallMs: number;
  /** user+sys of the whole process tree (rusage of waited-for children) plus any `extraCpuMs` the caller adds. */
  cpuMs: number;
  /** Largest single process's max RSS (GNU time %M). */
  maxRssMb: number;
  /** Largest sum of RSS over the tree (and `alsoCount` processes) seen by a 100 ms sampler. */
  treeRssMb: number;
}

const PAGE_KB = 4;
const TICK_MS = 10; // CLK_TCK is 100 on Linux/x86-64

interface Proc { pid: number; ppid: number; rssKb: number; cpuMs: number; comm: string }

export function readProcs(): Proc[] {
  const out: Proc[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      const comm = stat.slice(stat.indexOf('(') + 1, close);
      const f = stat.slice(close + 2).split(' ');
      // fields after "(comm) ": state=0 ppid=1 ... utime=11 stime=12 ... rss=21
      out.push({ pid: Number(name), ppid: Number(f[1]), cpuMs: (Number(f[11]) + Number(f[12])) * TICK_MS, rssKb: Number(f[21]) * PAGE_KB, comm });
    } catch {
      // the process exited between readdir and read
    }
  }
  return out;
}

function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return '';
  }
}

/** Processes outside the tree that still belong to the run (e.g. Ansible's ControlPersist ssh masters, re-parented to init). */
export function findDetached(marker: string): Proc[] {
  return readProcs().filter((p) => p.comm === 'ssh' && cmdline(p.pid).includes(marker));
}

function treeRssKb(root: number, marker: string | undefined): number {
  const procs = readProcs();
  const kids = new Map<number, Proc[]>();
  for (const p of procs) kids.set(p.ppid, [...(kids.get(p.ppid) ?? []), p]);
  let sum = 0;
  const seen = new Set<number>();
  const stack = [...(kids.get(root) ?? [])];
  while (stack.length) {
    const p = stack.pop()!;
    seen.add(p.pid);
    sum += p.rssKb;
    stack.push(...(kids.get(p.pid) ?? []));
  }
  if (marker) for (const p of procs) if (!seen.has(p.pid) && p.comm === 'ssh' && cmdline(p.pid).includes(marker)) sum += p.rssKb;
  return sum;
}

export async function measure(argv: string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string; detachedMarker?: string } = {}): Promise<Measured> {
  const timeFile = join(tmpdir(), `bench-time-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}`);
  const child = spawn('/usr/bin/time', ['-f', '%e %U %S %M', '-o', timeFile, ...argv], {
    env: opts.env ?? process.env, cwd: opts.cwd, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
  let peakKb = 0;
  const sampler = setInterval(() => { peakKb = Math.max(peakKb, treeRssKb(child.pid!, opts.detachedMarker)); }, 100);
  const t0 = performance.now();
  const code = await new Promise<number>((resolve) => child.on('close', (c) => resolve(c ?? 128)));
  const wallMs = performance.now() - t0;
  clearInterval(sampler);
  const parts = readFileSync(timeFile, 'utf8').trim().split('\n').pop()!.split(' ').map(Number);
  rmSync(timeFile, { force: true });
  const [, user = NaN, sys = NaN, maxKb = NaN] = parts;
  return { code, stdout, stderr, wallMs, cpuMs: (user + sys) * 1000, maxRssMb: maxKb / 1024, treeRssMb: Math.max(peakKb, maxKb) / 1024 };
}

export interface Stat { median: number; min: number; max: number }

export function stat(xs: number[]): Stat {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  const median = s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
  return { median, min: s[0]!, max: s[s.length - 1]! };
}

export function fmt(s: Stat, digits = 1, scale = 1): string {
  const f = (x: number) => (x / scale).toFixed(digits);
  return `${f(s.median)} (${f(s.min)}–${f(s.max)})`;
}

export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => `| ${r.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}
