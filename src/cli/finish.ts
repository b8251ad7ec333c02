// Stage 3: the report files, the printed plan, the closing lines of a run or sweep, and the exit code.
import { migrationLines, tenantLines, writeReports } from '../report/index.js';
import { COLOURS, PLAIN } from '../report/console-format.js';
import type { Report } from '../report/model.js';
import { planView, reportLines } from '../report/plan-text.js';
import type { ReportOptions } from './common-options.js';
import { exitCodeFor, type ExitCode, type StopCause } from './exit-codes.js';
import { colourWanted } from './execute.js';
import type { WorkflowOptions } from './prepare.js';

/** What a plan prints: the compact view above 20 hosts (or with --compact), every host's diff otherwise (or with --full). */
export function printReport(report: Report, opts: WorkflowOptions): void {
  const view = planView(report.hosts.length, opts);
  const lines = reportLines(report, colourWanted(opts, process.stdout) ? COLOURS : PLAIN, view, terminalWidth());
  process.stdout.write(`\n${lines.join('\n')}\n`);
}

/** A terminal's width, at most 80 columns wide for a plan's compact lines; 80 on a pipe. */
export function terminalWidth(): number {
  return process.stdout.isTTY && process.stdout.columns ? Math.min(80, Math.max(40, process.stdout.columns)) : 80;
}

export function writeReportFiles(report: Report, opts: ReportOptions): Promise<string[]> {
  return writeReports(report, {
    json: opts.json, junit: opts.junit, html: opts.html, markdown: opts.markdown, prometheus: opts.prometheus,
    guestsCsv: opts.guestsCsv, guestsJson: opts.guestsJson,
  });
}

/** The last lines of a run or sweep: the live migrations the run made, then the guests tenants must still cold-boot. */
export function printClosing(report: Report, opts: WorkflowOptions): void {
  const c = colourWanted(opts, process.stdout) ? COLOURS : PLAIN;
  const lines = [...(report.migrations ? migrationLines(report.migrations, c) : []), ...tenantLines(report, c, opts.listGuests === true)];
  process.stdout.write(`\n${lines.join('\n')}\n`);
}

export function printWritten(written: readonly string[], logPath: string): void {
  for (const w of written) process.stdout.write(`wrote ${w}\n`);
  process.stdout.write(`log: ${logPath}\n`);
}

/** The exit code of a plan, run or sweep: pending changes count in a plan, drift in a sweep; `stop` is the session's. */
export function reportExitCode(report: Report, stop: StopCause): ExitCode {
  const s = report.summary;
  const pending = report.kind === 'plan' ? s.wouldChange : report.kind === 'sweep' ? s.drift : 0;
  return exitCodeFor({ failed: s.failed, refused: s.refused, unknown: s.unknown, unreachable: s.unreachable, deferred: s.deferred, pending }, stop);
}
