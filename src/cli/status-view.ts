// What `status` shows: the newest sweep's verdicts (from the sweep history) and the last remediation run's per-host rows.
import { compareText } from '../util/compare-text.js';
import { join } from 'node:path';
import { loadTrend } from '../report/history.js';
import type { HostStatus as ReportHostStatus, TrendPoint } from '../report/model.js';
import { HOST_STATUS_ORDER, statusLabel } from '../report/status.js';
import type { RunRecord } from '../state/records.js';
import { readStatus, type FleetStatus } from '../state/status.js';

export interface StatusView extends FleetStatus {
  /** The newest apply run: the host rows are its progress (plans and sweeps write no host records). */
  lastRun: RunRecord | null;
  /** The newest sweep in the history, with every host's verdict; null when no sweep was recorded. */
  sweep: TrendPoint | null;
  /** What the newest record is: the view leads with it. */
  newest: 'run' | 'sweep' | 'plan' | null;
}

export async function loadStatusView(stateDir: string): Promise<StatusView> {
  const status = await readStatus(stateDir);
  const [sweep] = await loadTrend(join(stateDir, 'sweeps'), 1);
  const lastRun = status.runs.find((r) => r.mode === 'apply') ?? null;
  const top = status.runs[0];
  // Plans and sweeps both record a run in plan mode; the history tells a sweep by its id.
  const newest = !top ? null : top.mode === 'apply' ? 'run' : top.runId === sweep?.runId ? 'sweep' : 'plan';
  return { ...status, lastRun, sweep: sweep ?? null, newest };
}

function pad(s: string, n: number): string {
  return s.length >= n ? s : s + ' '.repeat(n - s.length);
}

function columns(head: string[], rows: string[][], tail: (r: string[]) => string = () => ''): string[] {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]): string => r.map((c, i) => (i === r.length - 1 ? c : pad(c, widths[i]!))).join('  ').trimEnd();
  return [line(head), ...rows.map((r) => line(r) + tail(r))];
}

function sweepLines(p: TrendPoint, rows: boolean): string[] {
  const counts = new Map<ReportHostStatus, number>();
  for (const s of Object.values(p.hosts)) counts.set(s, (counts.get(s) ?? 0) + 1);
  const tally = HOST_STATUS_ORDER.filter((s) => counts.has(s)).map((s) => `${counts.get(s)} ${statusLabel(s, 'sweep')}`).join(', ');
  const rank = (s: ReportHostStatus): number => HOST_STATUS_ORDER.indexOf(s);
  // Worst first, so what needs attention is at the top of 500 rows.
  const head = `last sweep ${p.runId} finished ${p.at}: ${Object.keys(p.hosts).length} hosts (${tally || 'none'})`;
  if (!rows) return [`${head}; older than the last run (status --json has its hosts)`];
  const table = Object.entries(p.hosts).sort((a, b) => rank(a[1]) - rank(b[1]) || compareText(a[0], b[0])).map(([h, s]) => [h, statusLabel(s, 'sweep')]);
  return [head, ...columns(['HOST', 'VERDICT'], table)];
}

function runHeader(run: RunRecord): string {
  return `last run ${run.runId} (${run.mode}, ${run.result}) started ${run.startedAt}${run.finishedAt ? `, finished ${run.finishedAt}` : ''}`;
}

function runLines(v: StatusView): string[] {
  if (!v.lastRun && v.hosts.length === 0) return [];
  const out = v.lastRun ? [runHeader(v.lastRun)] : ['no remediation run recorded; host progress from an earlier state directory:'];
  const rows = v.hosts.map((h) => [h.host, h.status, h.currentStep ?? '-', h.steps.map((s) => `${s.id}:${s.outcome ?? s.status}`).join(' '), h.error ?? '', h.lastRun]);
  // A host a narrower, later run did not touch keeps the record of the run that last did: say which.
  const note = (r: string[]): string => `${r[4] ? `  ! ${r[4]}` : ''}${v.lastRun && r[5] !== v.lastRun.runId ? `  (run ${r[5]})` : ''}`;
  return [...out, ...columns(['HOST', 'STATUS', 'STEP', 'STEPS'], rows.map((r) => r.slice(0, 4)), (r) => note(rows.find((x) => x[0] === r[0])!))];
}

/** The text `status` prints: the newest record first, so a sweep's header is never shown over a run's rows. */
export function statusLines(v: StatusView): string[] {
  const lock = v.lock ? [`lock: held by pid ${v.lock.pid} on ${v.lock.hostname}${v.lock.stale ? ' (stale: that process is gone)' : ''}`] : [];
  if (v.newest === null && !v.sweep) return [`no run recorded in ${v.stateDir}`, ...lock];
  const plan = v.newest === 'plan' ? [`last plan ${v.runs[0]!.runId} (a dry run: it changed nothing) started ${v.runs[0]!.startedAt}`, ''] : [];
  // A sweep older than the last run says how the fleet was before that run: one line, not a table that reads as now.
  const sweep = v.sweep ? sweepLines(v.sweep, !v.lastRun || Date.parse(v.sweep.at) >= Date.parse(v.lastRun.startedAt)) : [];
  const run = runLines(v);
  const sections = v.newest === 'sweep' ? [sweep, run] : [run, sweep];
  return [...plan, ...lock, ...sections.filter((s) => s.length).flatMap((s, i) => (i ? ['', ...s] : s))];
}
