// The console reporter: a throttled live view on a TTY, plain transition lines on a pipe, and a final summary table.
import { countOutcomes, type EngineEvent, type EngineEvents, type EventOf, type HostOutcome, type HostResult, type RunSummary, type StepStatus } from '../engine/events.js';
import { scrubSecrets } from '../util/logger.js';
import { COLOURS, CURSOR, PLAIN, fit, formatDuration, table, useColour, type Palette } from './console-format.js';

export interface ConsoleStream {
  write(chunk: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface ConsoleReporterOptions {
  stream?: ConsoleStream;
  env?: Record<string, string | undefined>;
  /** Force the live view on/off (default: the stream's isTTY). */
  live?: boolean;
  /** Ask for colour; NO_COLOR still wins. Default: only on a TTY. */
  colour?: boolean;
  /** Minimum time between two redraws of the live view. */
  throttleMs?: number;
  /** Active hosts shown in the live view; the rest are counted. */
  maxActiveLines?: number;
  /** Rows of the final problem table; the rest are counted. */
  maxSummaryRows?: number;
  /** Print the final summary table (a plan prints its own report instead, so the run ends with one summary). */
  summary?: boolean;
  now?: () => number;
}

interface Active {
  step: string | null;
  since: number;
}

const QUIET: ReadonlySet<StepStatus> = new Set(['ok', 'skipped']);

export class ConsoleReporter {
  private readonly out: ConsoleStream;
  private readonly live: boolean;
  private readonly c: Palette;
  private readonly throttleMs: number;
  private readonly maxActive: number;
  private readonly maxRows: number;
  private readonly summary: boolean;
  private readonly now: () => number;
  private readonly detach: () => void;

  private mode: 'apply' | 'plan' = 'apply';
  private total = 0;
  private batch = { index: 0, of: 0 };
  /** Finished hosts' results (null: not started), tallied by the engine's one counter. */
  private readonly results = new Map<string, HostResult | null>();
  private readonly active = new Map<string, Active>();
  private liveLines = 0;
  private lastDraw = -Infinity;
  private timer: NodeJS.Timeout | null = null;

  constructor(events: EngineEvents, opts: ConsoleReporterOptions = {}) {
    this.out = opts.stream ?? process.stdout;
    const env = opts.env ?? process.env;
    const tty = this.out.isTTY === true;
    this.live = opts.live ?? tty;
    this.c = useColour(tty, env, opts.colour) ? COLOURS : PLAIN;
    this.throttleMs = opts.throttleMs ?? 100;
    this.maxActive = opts.maxActiveLines ?? 10;
    this.maxRows = opts.maxSummaryRows ?? 50;
    this.summary = opts.summary ?? true;
    this.now = opts.now ?? Date.now;
    this.detach = events.onAny((e) => this.onEvent(e));
  }

  /** Stops listening and clears any pending redraw. */
  close(): void {
    this.detach();
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private onEvent(e: EngineEvent): void {
    switch (e.type) {
      case 'run-start':
        this.mode = e.mode;
        this.total = e.hosts;
        this.print(`${this.c.bold(e.mode === 'plan' ? 'PLAN' : 'RUN')} ${e.runId}: ${e.steps.length} steps on ${e.hosts} hosts in ${e.batchSizes.length} batch(es), forks ${e.forks}`);
        break;
      case 'batch-start':
        this.batch = { index: e.index + 1, of: e.batches };
        this.print(this.c.cyan(`batch ${e.index + 1}/${e.batches}: ${e.hosts.length} host${e.hosts.length === 1 ? '' : 's'}`));
        break;
      case 'batch-end':
        if (e.stopReason) this.print(this.c.red(`stopping: ${e.stopReason}`));
        break;
      case 'host-start':
        this.active.set(e.host, { step: null, since: e.time });
        break;
      case 'step-start': {
        const a = this.active.get(e.host);
        if (a) a.step = e.step;
        break;
      }
      case 'step-end':
        this.stepEnd(e);
        break;
      case 'host-end':
        this.hostEnd(e);
        break;
      case 'host-not-started':
        this.results.set(e.host, null);
        break;
      case 'warning':
        this.print(this.c.yellow(`${e.host ?? '-'}${e.step ? ` ${e.step}` : ''}: warning: ${e.message}`));
        break;
      case 'run-end':
        this.finish(e.summary);
        return;
    }
    this.scheduleDraw();
  }

  private stepEnd(e: EventOf<'step-end'>): void {
    if (QUIET.has(e.status)) return;
    const changes = e.diff?.changes ?? [];
    const tag = this.statusTag(e.status);
    const detail = e.error ? `: ${e.error}` : changes.length ? ` (${changes.length} change${changes.length === 1 ? '' : 's'})` : '';
    this.print(`${e.host}  ${e.step}  ${tag}${detail}`);
    // A plan is only useful with its content; changes applied are in the log and the state.
    if (e.status === 'would-change' || e.status === 'failed') for (const ch of changes) this.print(`    ${e.status === 'failed' ? 'left: ' : ''}${ch.summary}`);
  }

  private hostEnd(e: EventOf<'host-end'>): void {
    this.active.delete(e.host);
    const r = e.result;
    this.results.set(e.host, r);
    // On a TTY only what needs attention scrolls by; the live view shows the rest.
    if (this.live && (r === 'ok' || r === 'changed' || r === 'would-change')) return;
    const why = e.error ? ` (${e.step ? `${e.step}: ` : ''}${e.error})` : '';
    this.print(`${e.host}  ${this.statusTag(r)}${why}  ${this.c.dim(formatDuration(e.durationMs))}`);
  }

  private statusTag(s: StepStatus | HostOutcome['result']): string {
    switch (s) {
      case 'failed':
      case 'refused':
      case 'unknown':
      case 'unreachable':
      case 'aborted':
        return this.c.red(s.toUpperCase());
      case 'changed':
      case 'would-change':
      case 'deferred':
      case 'cancelled':
        return this.c.yellow(s);
      case 'ok':
        return this.c.green(s);
      default:
        return String(s);
    }
  }

  private countsLine(): string {
    const k = countOutcomes(this.results.values());
    const finished = k.total - k.notStarted;
    const parts = [
      `done ${this.c.green(String(k.done))}`,
      `changed ${this.c.yellow(String(k.changed))}`,
      `failed ${k.failed ? this.c.red(String(k.failed)) : '0'}`,
      `unreachable ${k.unreachable ? this.c.red(String(k.unreachable)) : '0'}`,
      `deferred ${k.deferred}`,
    ];
    if (k.refused) parts.push(`refused ${this.c.red(String(k.refused))}`);
    if (k.unknown) parts.push(`unknown ${this.c.red(String(k.unknown))}`);
    if (k.cancelled) parts.push(`cancelled ${k.cancelled}`);
    if (k.notStarted) parts.push(`not started ${k.notStarted}`);
    return `${finished}/${this.total} hosts · ${parts.join(' · ')}`;
  }

  private liveView(): string[] {
    const now = this.now();
    const lines = [`${this.c.bold(`batch ${this.batch.index}/${this.batch.of}`)} · ${this.countsLine()} · active ${this.active.size}`];
    let shown = 0;
    for (const [host, a] of this.active) {
      if (shown++ >= this.maxActive) break;
      lines.push(`  ${host}  ${a.step ?? 'connecting'}  ${this.c.dim(formatDuration(Math.max(0, now - a.since)))}`);
    }
    if (this.active.size > this.maxActive) lines.push(this.c.dim(`  … ${this.active.size - this.maxActive} more active`));
    return lines;
  }

  /** Permanent line: on a TTY it goes above the live view, which is drawn again below it. */
  private print(line: string): void {
    const text = scrubSecrets(line);
    if (!this.live) {
      this.out.write(`${text}\n`);
      return;
    }
    this.out.write(`${CURSOR.eraseUp(this.liveLines)}${text}\n`);
    this.liveLines = 0;
  }

  private scheduleDraw(): void {
    if (!this.live) return;
    const wait = this.lastDraw + this.throttleMs - this.now();
    if (wait <= 0) return this.draw();
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.draw();
    }, wait);
    this.timer.unref?.();
  }

  private draw(): void {
    const width = Math.max(20, (this.out.columns ?? 100) - 1);
    const lines = this.liveView().map((l) => fit(scrubSecrets(l), width));
    this.out.write(`${CURSOR.eraseUp(this.liveLines)}${lines.join('\n')}\n`);
    this.liveLines = lines.length;
    this.lastDraw = this.now();
  }

  private finish(s: RunSummary): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.live) {
      this.out.write(CURSOR.eraseUp(this.liveLines));
      this.liveLines = 0;
    }
    if (!this.summary) return;
    const lines = summaryLines(s, this.c, this.maxRows);
    this.out.write(`${lines.map(scrubSecrets).join('\n')}\n`);
  }
}

export function summaryLines(s: RunSummary, c: Palette = PLAIN, maxRows = 50): string[] {
  const out = ['', c.bold(`${s.mode === 'plan' ? 'Plan' : 'Run'} ${s.runId} summary`)];
  const rows: [string, number][] = [
    ['done', s.done],
    [s.mode === 'plan' ? 'would change' : 'changed', s.mode === 'plan' ? s.wouldChange : s.changed],
    ['failed', s.failed],
    ['refused', s.refused],
    ['unknown', s.unknown],
    ['unreachable', s.unreachable],
    ['deferred', s.deferred],
    ['cancelled', s.cancelled],
    ['not started', s.notStarted],
    ['total', s.total],
  ];
  out.push(...table(['RESULT', 'HOSTS'], rows.filter(([k, n]) => n > 0 || k === 'total' || k === 'done').map(([k, n]) => [k, String(n)])));
  const problems = s.hosts.filter((h) => h.result !== 'ok' && h.result !== 'changed' && h.result !== 'would-change');
  if (problems.length) {
    out.push('');
    const rowsOut = problems.slice(0, maxRows).map((h) => [h.host, h.result ?? `not started (${h.notStarted ?? 'cancelled'})`, h.step ?? '', h.error ?? '']);
    out.push(...table(['HOST', 'RESULT', 'STEP', 'DETAIL'], rowsOut));
    if (problems.length > maxRows) out.push(c.dim(`… and ${problems.length - maxRows} more hosts (see the run log and \`status\`)`));
  }
  if (s.stopReason) out.push('', c.red(`stopped: ${s.stopReason}`));
  return out;
}

export function attachConsoleReporter(events: EngineEvents, opts: ConsoleReporterOptions = {}): ConsoleReporter {
  return new ConsoleReporter(events, opts);
}
