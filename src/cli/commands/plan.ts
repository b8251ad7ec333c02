// `plan PLAYBOOK`: the dry run; connects and gathers facts, runs only the read-only checks, changes nothing.
import { writeFileAtomic } from '../../state/atomic-write.js';
import { chainHooks } from '../../engine/host-runner.js';
import { planDriftCheck, recordFingerprints } from '../../plan/plan-hooks.js';
import { buildSavedPlan } from '../../plan/saved-plan.js';
import { executePlaybook } from '../execute.js';
import { printReport, printWritten, reportExitCode, writeReportFiles } from '../finish.js';
import { preparePlaybook, type WorkflowOptions } from '../prepare.js';
import { openSession } from '../session.js';
import { printForecast } from '../plan-rehearsal.js';

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
    if (!interrupted) await printForecast(prepared, o, session.nova, report, shape);
    const written = await writeReportFiles(report, o);
    if (o.out) {
      // A saved plan vouches for every host in it; one cut short would send `run --plan` off with holes in it.
      if (interrupted) process.stdout.write(`plan interrupted: ${o.out} not written\n`);
      else {
        await writeFileAtomic(o.out, `${JSON.stringify(buildSavedPlan(report, fingerprints.prints), null, 2)}\n`);
        written.push(o.out);
      }
    }
    printWritten(written, session.logPath);
    return reportExitCode(report, session.stop);
  } finally {
    await session.close();
  }
}

export function warnOnStderr(message: string): void {
  process.stderr.write(`warning: ${message}\n`);
}
