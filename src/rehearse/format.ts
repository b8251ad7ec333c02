// The rehearsal's figures as text lines for the terminal (the CLI prints them; --json writes the result as it is).
import { hostsNotDone, type Capacity, type RehearsalResult } from './recorder.js';

/** 1d 02:03:04, 02:03:04 or 4.2 s: a makespan is read in hours, a lab run in seconds. */
export function formatDuration(ms: number): string {
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.round(ms / 1000);
  const d = Math.floor(s / 86_400);
  const hh = String(Math.floor((s % 86_400) / 3600)).padStart(2, '0');
  const mm = String(Math.floor((s % 3600) / 60)).padStart(2, '0');
  const ss = String(s % 60).padStart(2, '0');
  return `${d ? `${d}d ` : ''}${hh}:${mm}:${ss}`;
}

function cap(c: Capacity): string {
  return `${c.ramPct.toFixed(1)}% RAM, ${c.vcpusPct.toFixed(1)}% vCPU`;
}

export function rehearsalLines(r: RehearsalResult): string[] {
  const m = r.migrations;
  const complete = hostsNotDone(r.outcome) + r.outcome.deferred === 0;
  const lines = [
    `Rehearsal of ${r.playbook}: ${r.fleet.hosts} hosts, ${r.fleet.instances} instances (${r.fleet.activeInstances} running), spare at start ${cap(r.fleet.spareAtStart)}`,
    `  makespan        ${formatDuration(r.makespanMs)}  (${(r.makespanMs / 1000).toFixed(1)} s)`,
    `  lower bound     ${formatDuration(r.lowerBound.totalMs)}  ratio ${r.ratio.toFixed(3)}${complete ? '' : '  (the rollout did not complete: both count only what ran)'}`,
    `  batches         ${r.batches.length} (${r.batches.map((b) => b.hosts).join(', ')} hosts)`,
    `  peak drained    ${r.peakDrained} hosts at once`,
    `  migrations      ${m.completed} completed, ${m.failed} failed; ${m.perMovedInstance.toFixed(2)} per moved instance (${m.instancesMoved}), ${m.perActiveInstance.toFixed(2)} per running instance`,
    `  hosts           ${r.outcome.changed} changed, ${r.outcome.ok} ok, ${r.outcome.failed} failed, ${r.outcome.refused} refused, ${r.outcome.unknown} unknown, ${r.outcome.unreachable} unreachable, ${r.outcome.deferred} deferred, ${r.outcome.cancelled} cancelled, ${r.outcome.notStarted} not started; ${r.rebooted} rebooted`,
    `  safety audit    ${r.audit.length ? `${r.audit.length} VIOLATION(S)` : 'clean (no reboot with instances, no migration cut, no foreign re-enable)'}`,
  ];
  if (r.outcome.stopReason) lines.push(`  stopped         ${r.outcome.stopReason}`);
  lines.push('', '  batch  hosts  start       took        migrations  drained  capacity left at start -> lowest');
  for (const b of r.batches) {
    lines.push(`  ${String(b.index + 1).padStart(5)}  ${String(b.hosts).padStart(5)}  ${formatDuration(b.startMs).padEnd(10)}  ${formatDuration(b.durationMs).padEnd(10)}  ${String(b.migrations).padStart(10)}  ${String(b.drainedPeak).padStart(7)}  ${cap(b.capacityAtStart)} -> ${cap(b.capacityMin)}${b.failed ? `  (${b.failed} failed)` : ''}`);
  }
  for (const f of r.failures.slice(0, 10)) lines.push(`  failed: ${f.host}${f.step ? ` at ${f.step}` : ''}: ${f.error ?? ''}`);
  if (r.failures.length > 10) lines.push(`  ... and ${r.failures.length - 10} more failed hosts (see --json)`);
  for (const a of r.audit.slice(0, 10)) lines.push(`  AUDIT ${a.kind} on ${a.host}: ${a.detail}`);
  lines.push('', `  simulated in ${(r.cost.wallMs / 1000).toFixed(1)} s of wall time (${r.cost.timersFired} timers, ${r.cost.novaCalls} Nova calls, ${r.cost.execs} commands)`);
  return lines;
}
