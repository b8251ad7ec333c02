// plan's rehearsed duration: runs the rehearsal over the plan's fleet, prints its lines and puts it in the JSON report.
import type { NovaApi } from '../openstack/types.js';
import { rehearsePlan, rehearsedLines } from '../plan/rehearsed-duration.js';
import type { Report } from '../report/model.js';
import { errorMessage } from '../util/errors.js';
import type { Prepared, WorkflowOptions } from './prepare.js';

/** Never fails the plan: a rehearsal that cannot run says why, on one line. */
export async function printRehearsal(p: Prepared, opts: WorkflowOptions & { rehearse?: boolean }, nova: NovaApi | null, report: Report): Promise<void> {
  if (opts.rehearse === false) return;
  if (nova === null) {
    process.stdout.write('rehearsed: not rehearsed (no cloud: the playbook does not talk to Nova)\n');
    return;
  }
  try {
    const r = await rehearsePlan({ playbook: p.playbook, report, targets: p.targets.hosts, nova, ...(opts.serial ? { serial: opts.serial } : {}), ...(opts.forks ? { forks: opts.forks } : {}) });
    report.rehearsal = { ...r };
    process.stdout.write(`${rehearsedLines(r).join('\n')}\n`);
  } catch (err) {
    report.rehearsal = { error: errorMessage(err) };
    process.stdout.write(`rehearsed: not rehearsed (${errorMessage(err)})\n`);
  }
}
