// The console reporter: a live view on a TTY (redrawn on events and every second), plain lines on a pipe, a final summary.
import type { EngineEvent, EngineEvents, EventOf, HostOutcome, RunSummary, StepStatus } from '../engine/events.js';
import { scrubSecrets } from '../util/logger.js';
import { COLOURS, CURSOR, PLAIN, fit, formatDuration, table, useColour, type Palette } from './console-format.js';
import { LiveState, liveLines } from './live-view.js';

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
  /** The live view is redrawn this often while hosts are active, so its timers move between events (default 1 s). */
  tickMs?: number;
  /** Active hosts shown in the live view; the rest are counted. */
  maxActiveLines?: number;
  /** Rows of the final problem table; the rest are counted. */
  maxSummaryRows?: number;
  /** Print the final summary table (a plan prints its own report instead, so the run ends with one summary). */
  summary?: boolean;
  now?: () => number;
}

const QUIET: ReadonlySet<StepStatus> = new Set(['ok', 'skipped']);

export class ConsoleReporter {
  private readonly out: ConsoleStream;
  private readonly live: boolean;
  private readonly c: Palette;
  private readonly throttleMs: number;
  private readonly tickMs: number;
  private readonly maxActive: number;
  private readonly maxRows: number;
  private readonly summary: boolean;
  private readonly now: () => number;
  private readonly detach: () => void;

  private readonly state = new LiveState();
  private liveLines = 0;
  private lastDraw = -Infinity;
  private timer: NodeJS.Timeout | null = null;
  private ticker: NodeJS.Timeout | null = null;

  constructor(events: EngineEvents, opts: ConsoleReporterOptions = {}) {
    this.out = opts.stream ?? process.stdout;
    const env = opts.env ?? process.env;
    const tty = this.out.isTTY === true;
    this.live = opts.live ?? tty;
    this.c = useColour(tty, env, opts.colour) ? COLOURS : PLAIN;
    this.throttleMs = opts.throttleMs ?? 100;
    this.tickMs = opts.tickMs ?? 1000;
    this.maxActive = opts.maxActiveLines ?? 10;
    this.maxRows = opts.maxSummaryRows ?? 50;
    this.summary = opts.summary ?? true;
    this.now = opts.now ?? Date.now;
    this.detach = events.onAny((e) => this.onEvent(e));
  }

  /** Stops listening and clears any pending redraw. */
  close(): void {
    this.detach();
    this.stopTimers();
  }

  private stopTimers(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.ticker) clearInterval(this.ticker);
    this.timer = null;
    this.ticker = null;
  }

  private onEvent(e: EngineEvent): void {
    this.state.onEvent(e);
    switch (e.type) {
      case 'run-start':
        this.print(`${this.c.bold(e.mode === 'plan' ? 'PLAN' : 'RUN')} ${e.runId}: ${e.steps.length} steps on ${e.hosts} hosts in ${e.batchSizes.length} batch(es), forks ${e.forks}`);
        break;
      case 'batch-start':
        // On a pipe this line is the progress report: one per batch, never a repaint.
        this.print(this.c.cyan(`batch ${e.index + 1}/${e.batches}: ${e.hosts.length} host${e.hosts.length === 1 ? '' : 's'} · ${this.state.progressText(e.time)}`));
        break;
      case 'batch-end':
        if (e.stopReason) this.print(this.c.red(`stopping: ${e.stopReason}`));
        break;
      case 'host-start':
        this.startTicking();
        break;
      case 'step-end':
        this.stepEnd(e);
        break;
      case 'host-end':
        this.hostEnd(e);
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
    const r = e.result;
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

  /** While hosts are active the view is redrawn every tick, so step timers move between events (a reboot takes minutes). */
  private startTicking(): void {
    if (!this.live || this.ticker) return;
    this.ticker = setInterval(() => {
      if (this.state.active.size === 0) return;
      this.draw();
    }, this.tickMs);
    this.ticker.unref?.();
  }

  private draw(): void {
    // One column spare: a line exactly as wide as the terminal wraps on some terminals and breaks the cursor arithmetic.
    const width = Math.max(20, (this.out.columns ?? 80) - 1);
    const lines = liveLines(this.state, this.now(), width, this.c, this.maxActive).map((l) => fit(scrubSecrets(l), width));
    this.out.write(`${CURSOR.eraseUp(this.liveLines)}${lines.join('\n')}\n`);
    this.liveLines = lines.length;
    this.lastDraw = this.now();
  }

  private finish(s: RunSummary): void {
    this.stopTimers();
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
