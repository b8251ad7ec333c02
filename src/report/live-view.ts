// The live view's state (fed by engine events) and its rendering: batch i/N, hosts finished, migrations, ETA, active hosts.
import { countOutcomes, type EngineEvent, type HostResult } from '../engine/events.js';
import { fit, formatDuration, type Palette } from './console-format.js';
import { shortHostName } from './fold-hosts.js';
import { RunEta } from './run-eta.js';

interface ActiveHost {
  step: string | null;
  stepSince: number;
  phase: string | null;
  count: { unit: string; done: number; total: number } | null;
}

/** Host names in the live view are cut to this many columns (what tells hosts apart is kept: the first label, its number). */
const NAME_COLUMNS = 20;

export class LiveState {
  total = 0;
  batch = { index: 0, of: 0 };
  /** Finished hosts' results (null: not started). */
  readonly results = new Map<string, HostResult | null>();
  readonly active = new Map<string, ActiveHost>();
  /** Per host and unit, the last count a step gave (kept after the step ends, for the fleet's totals). */
  private readonly counts = new Map<string, Map<string, { done: number; total: number }>>();
  eta: RunEta | null = null;

  onEvent(e: EngineEvent): void {
    switch (e.type) {
      case 'run-start':
        this.total = e.hosts;
        this.eta = new RunEta({ batchSizes: e.batchSizes, forks: e.forks });
        return;
      case 'batch-start':
        this.batch = { index: e.index + 1, of: e.batches };
        this.eta?.batchStarted(e.index, e.time);
        return;
      case 'batch-end':
        this.eta?.batchEnded(e.index, e.time);
        return;
      case 'host-start':
        this.active.set(e.host, { step: null, stepSince: e.time, phase: null, count: null });
        return;
      case 'step-start': {
        const a = this.active.get(e.host);
        if (a) Object.assign(a, { step: e.step, stepSince: e.time, phase: null, count: null });
        return;
      }
      case 'step-progress': {
        // Each report replaces the last one shown for the host (a phase without a count clears the count, and back).
        const a = this.active.get(e.host);
        if (a) Object.assign(a, { phase: e.phase ?? null, count: e.count ? { ...e.count } : null });
        if (e.count) {
          let perHost = this.counts.get(e.host);
          if (!perHost) this.counts.set(e.host, (perHost = new Map()));
          perHost.set(e.count.unit, { done: e.count.done, total: e.count.total });
        }
        return;
      }
      case 'host-end':
        this.active.delete(e.host);
        this.results.set(e.host, e.result);
        this.eta?.hostEnded(e.durationMs);
        return;
      case 'host-not-started':
        this.results.set(e.host, null);
        return;
      default:
    }
  }

  /** Fleet-wide sums per unit (live migrations done of those the drains so far set out to make). */
  fleetCounts(): Map<string, { done: number; total: number }> {
    const sums = new Map<string, { done: number; total: number }>();
    for (const perHost of this.counts.values()) {
      for (const [unit, c] of perHost) {
        const s = sums.get(unit) ?? { done: 0, total: 0 };
        sums.set(unit, { done: s.done + c.done, total: s.total + c.total });
      }
    }
    return sums;
  }

  /** "41/500 hosts · ETA 1h12m": what a batch line on a pipe carries too. */
  progressText(now: number): string {
    const finished = [...this.results.values()].filter((r) => r !== null).length;
    const eta = this.eta?.estimate(now).remainingMs ?? null;
    return `${finished}/${this.total} hosts${eta === null ? '' : ` · ETA ${formatDuration(eta)}`}`;
  }
}

function headerLine(s: LiveState, now: number, c: Palette): string {
  const k = countOutcomes(s.results.values());
  const parts = [...(s.batch.of ? [c.bold(`batch ${s.batch.index}/${s.batch.of}`)] : []), s.progressText(now)];
  for (const [unit, n] of s.fleetCounts()) parts.push(`${unit} ${n.done}/${n.total}`);
  const bad: [string, number][] = [['failed', k.failed], ['refused', k.refused], ['unknown', k.unknown], ['unreachable', k.unreachable]];
  const problems = bad.filter(([, n]) => n > 0).map(([what, n]) => `${n} ${what}`);
  if (problems.length) parts.push(c.red(problems.join(', ')));
  if (k.deferred) parts.push(c.yellow(`${k.deferred} deferred`));
  parts.push(`active ${s.active.size}`);
  return parts.join(' · ');
}

/** The live view's lines, each cut to `width` columns; at most `maxActive` active hosts, the rest counted. */
export function liveLines(s: LiveState, now: number, width: number, c: Palette, maxActive: number): string[] {
  const shown = [...s.active].slice(0, maxActive);
  const nameW = Math.min(NAME_COLUMNS, Math.max(1, ...shown.map(([h]) => h.length)));
  const stepW = Math.max(10, ...shown.map(([, a]) => (a.step ?? 'connecting').length));
  const lines = [fit(headerLine(s, now, c), width)];
  for (const [host, a] of shown) {
    const time = formatDuration(Math.max(0, now - a.stepSince)).padStart(7);
    const left = `  ${shortHostName(host, nameW).padEnd(nameW)}  ${(a.step ?? 'connecting').padEnd(stepW)}  `;
    const detail = [a.count ? `${a.count.done}/${a.count.total} ${a.count.unit}` : '', a.phase ?? ''].filter(Boolean).join(', ');
    const room = Math.max(0, width - left.length - time.length - 1);
    lines.push(fit(`${left}${fit(detail, room).padEnd(room)} ${c.dim(time)}`, width));
  }
  if (s.active.size > maxActive) lines.push(c.dim(`  … ${s.active.size - maxActive} more active`));
  return lines;
}
