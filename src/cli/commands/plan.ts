// `plan PLAYBOOK`: the dry run; connects and gathers facts, runs only the read-only checks, changes nothing.
import { writeFileAtomic } from '../../state/atomic-write.js';
import { chainHooks } from '../../engine/host-runner.js';
import { planDriftCheck, recordFingerprints } from '../../plan/plan-hooks.js';
import { buildSavedPlan } from '../../plan/saved-plan.js';
import { executePlaybook } from '../execute.js';
import type { SerialSpec } from '../../engine/batches.js';
import { DEFAULT_FORKS } from '../../engine/runner.js';
import { buildSchedule } from '../../plan/schedule.js';
import { COLOURS, PLAIN } from '../../report/console-format.js';
import type { Report } from '../../report/model.js';
import { scheduleLines } from '../../report/plan-schedule-text.js';
import { colourWanted } from '../execute.js';
import { printReport, printWritten, reportExitCode, terminalWidth, writeReportFiles } from '../finish.js';
import { preparePlaybook, type Prepared, type WorkflowOptions } from '../prepare.js';
import { openSession, warnOnStderr } from '../session.js';
import { printForecast } from '../plan-rehearsal.js';
import type { RolloutShape } from '../../plan/rollout-shape.js';

export async function planCommand(playbookPath: string, opts: Record<string, unknown>): Promise<number> {
  const o = opts as unknown as WorkflowOptions;
  const prepared = await preparePlaybook(playbookPath, o, 'plan');
  const session = await openSession(o, { connections: prepared.connections, lock: false, onWarning: warnOnStderr });
  try {
    const fingerprints = recordFingerprints(session.nova);
    const drift = prepared.saved ? planDriftCheck(prepared.saved, session.nova, session.events) : {};
    const { builder, interrupted, shape } = await executePlaybook(prepared, o, session, { kind: 'plan', mode: 'plan', hooks: chainHooks(fingerprints.hooks, drift) });
    const report = builder.finish();
    printReport(report, o);
    printSchedule(prepared, o, report, shape);
    if (!interrupted) await printForecast(prepared, o, session.nova, report, shape);
    const written = await writeReportFiles(report, o);
    if (o.out) {
      // A saved plan vouches for every host in it; one cut short would send `run --plan` off with holes in it, and one
      // that planned no host would vouch for nothing.
      if (interrupted) process.stdout.write(`plan interrupted: ${o.out} not written\n`);
      else if (fingerprints.prints.size === 0) process.stderr.write(`mds-orchestrate: no host could be planned (${unplannedWhy(report)}): ${o.out} not written\n`);
      else {
        await writeFileAtomic(o.out, `${JSON.stringify(buildSavedPlan(report, fingerprints.prints, prepared.playbookSha256), null, 2)}\n`);
        written.push(o.out);
      }
    }
    printWritten(written, session.logPath);
    return reportExitCode(report, session.stop);
  } finally {
    await session.close();
  }
}

/** What kept every host from being planned, by outcome: "3 unreachable, 1 unknown". */
function unplannedWhy(report: Report): string {
  const by = new Map<string, number>();
  for (const h of report.hosts) by.set(h.status, (by.get(h.status) ?? 0) + 1);
  return [...by].map(([status, n]) => `${n} ${status}`).join(', ');
}

/**
 * The batches a run of this selection would go through (same serial, forks, failure domains and window as the run); with
 * `serial: auto` or `rollout_order` the run's own shape (the order and the sizes it chose), so the two cannot disagree.
 */
function printSchedule(p: Prepared, o: WorkflowOptions, report: Report, shape: RolloutShape | null): void {
  const schedule = buildSchedule({
    hosts: shape?.hosts ?? p.targets.hosts, serial: shape?.serial ?? (o.serial ?? p.playbook.serial) as SerialSpec,
    forks: o.forks ?? p.playbook.forks ?? DEFAULT_FORKS,
    failureDomainKeys: p.playbook.failureDomains, window: p.playbook.window ?? null,
  });
  const changing = new Set(report.hosts.filter((h) => h.status === 'would-change').map((h) => h.name));
  const c = colourWanted(o, process.stdout) ? COLOURS : PLAIN;
  process.stdout.write(`\n${scheduleLines(schedule, c, { width: terminalWidth(), changing }).join('\n')}\n`);
}

