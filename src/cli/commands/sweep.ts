// `sweep`: the read-only compliance sweep, once or on a cron schedule (never overlapping), with a bounded history for trends.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Cron } from 'croner';
import { PACKAGE_ROOT } from '../../util/package-root.js';
import { withServerSnapshot } from '../../openstack/server-snapshot.js';
import { appendSweep, describeTrend, loadTrend } from '../../report/index.js';
import type { Report } from '../../report/model.js';
import { EXIT } from '../exit-codes.js';
import { executePlaybook } from '../execute.js';
import { printClosing, printReport, printWritten, reportExitCode, writeReportFiles } from '../finish.js';
import { cronFields, UsageError } from '../options.js';
import { preparePlaybook, type WorkflowOptions } from '../prepare.js';
import { openSession, warnOnStderr } from '../session.js';

interface SweepOptions extends WorkflowOptions {
  playbook: string;
  schedule?: string;
  allowSubMinute?: boolean;
  history: number;
  historyMaxAge?: number;
}

/** The default playbook is looked up in the working directory first, then beside the installed tool. */
function resolvePlaybook(path: string): string {
  if (existsSync(path)) return path;
  const bundled = resolve(PACKAGE_ROOT, path);
  return existsSync(bundled) ? bundled : path;
}

/** Adds the trend and records the sweep in the history; an interrupted sweep is not recorded. */
async function recordInHistory(report: Report, o: SweepOptions, interrupted: boolean): Promise<void> {
  const historyDir = join(o.stateDir, 'sweeps');
  const trend = await loadTrend(historyDir, o.history, o.historyMaxAge === undefined ? {} : { maxAgeMs: o.historyMaxAge });
  report.trend = trend;
  // Hosts an interrupted sweep never reached read as 'skipped': recorded, they would break every host's trend.
  if (interrupted) {
    process.stdout.write('sweep interrupted: not recorded in the history, report files left as they were\n');
    return;
  }
  await appendSweep(historyDir, report, o.history, o.historyMaxAge === undefined ? {} : { maxAgeMs: o.historyMaxAge });
  const now = { runId: report.runId, at: report.finishedAt, hosts: Object.fromEntries(report.hosts.map((x) => [x.name, x.status])) };
  for (const h of report.hosts) {
    const line = describeTrend([...trend, now], h.name);
    if (line) process.stdout.write(`trend: ${line}\n`);
  }
}

async function sweepOnce(o: SweepOptions): Promise<number> {
  const prepared = await preparePlaybook(resolvePlaybook(o.playbook), o, 'sweep');
  const session = await openSession(o, { connections: prepared.connections, lock: false, onWarning: warnOnStderr });
  try {
    const nova = session.nova ? withServerSnapshot(session.nova) : null;
    const { builder, interrupted } = await executePlaybook(prepared, o, session, { kind: 'sweep', mode: 'plan', nova });
    const report = builder.finish();
    await recordInHistory(report, o, interrupted);
    printReport(report, o);
    printClosing(report, o);
    // An interrupted sweep shows the hosts it never reached as not compliant: keep the last complete sweep's files
    // (a textfile of zeros on every `systemctl stop` would page someone).
    printWritten(interrupted ? [] : await writeReportFiles(report, o), session.logPath);
    return reportExitCode(report, session.stop);
  } finally {
    await session.close();
  }
}

export async function sweepCommand(opts: Record<string, unknown>): Promise<number> {
  const o = opts as unknown as SweepOptions;
  if (!o.schedule) return sweepOnce(o);
  // A seconds field turns "*/5 * * * * *" into a sweep every 5 seconds (one such schedule swept a fleet 302 times in ten minutes).
  if (cronFields(o.schedule) > 5 && !o.allowSubMinute) {
    throw new UsageError(`--schedule: ${JSON.stringify(o.schedule)} has ${cronFields(o.schedule)} fields, the first of them seconds: it can sweep the fleet every second. Use the 5-field form (minute hour day-of-month month day-of-week), or pass --allow-sub-minute if that is meant`);
  }
  let job: Cron;
  try {
    job = new Cron(o.schedule, { paused: true, protect: true });
  } catch (err) {
    throw new UsageError(`--schedule: ${JSON.stringify(o.schedule)} is not a cron expression (${err instanceof Error ? err.message : String(err)})`);
  }
  job.stop();
  process.stdout.write(`sweeping on "${o.schedule}"; next at ${new Cron(o.schedule).nextRun()?.toISOString()}; Ctrl-C to stop\n`);
  let last: number = EXIT.OK;
  let running: Promise<void> | null = null;
  await new Promise<void>((done) => {
    // protect: a sweep still running when the next tick comes is not started twice.
    const cron = new Cron(o.schedule!, { protect: true }, async () => {
      running = sweepOnce(o).catch((err: unknown) => {
        process.stderr.write(`sweep failed: ${err instanceof Error ? err.message : String(err)}\n`);
        return EXIT.FAILED;
      }).then((code) => { last = code; });
      await running;
      running = null;
      if (cron.isRunning()) process.stdout.write(`next sweep at ${cron.nextRun()?.toISOString() ?? '(none)'}\n`);
    });
    const stop = () => { cron.stop(); done(); };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    process.once('SIGHUP', stop);
  });
  // A signal during a sweep also cancelled that sweep (the session's handler): let it end before exiting with its code.
  await running;
  return last;
}
