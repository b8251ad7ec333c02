// plan's forecast: the room left per batch and the rehearsed duration, printed after the plan and put in its JSON report.
import type { NovaApi } from '../openstack/types.js';
import { batchRoomLines, batchRooms, planBatches } from '../plan/batch-room.js';
import { rehearsePlan, rehearsedLines } from '../plan/rehearsed-duration.js';
import { readFleet, type FleetRead, type RolloutShape } from '../plan/rollout-shape.js';
import type { Report } from '../report/model.js';
import { wrap } from '../report/plan-compact.js';
import { errorMessage } from '../util/errors.js';
import { terminalWidth } from './finish.js';
import type { Prepared, WorkflowOptions } from './prepare.js';

/** The forecast's lines fit the terminal (80 columns off a terminal), as the plan's own do. */
function print(lines: readonly string[]): void {
  const width = terminalWidth();
  process.stdout.write(`${lines.flatMap((l) => wrap(l, width, '    ')).join('\n')}\n`);
}

/** Never fails the plan: what cannot be computed says why, on one line. */
export async function printForecast(p: Prepared, opts: WorkflowOptions & { rehearse?: boolean }, nova: NovaApi | null, report: Report, shape: RolloutShape | null): Promise<void> {
  if (nova === null || shape === null) {
    if (opts.rehearse !== false) print(['rehearsed: not rehearsed (no cloud: the playbook does not talk to Nova)']);
    return;
  }
  let read: FleetRead;
  try {
    read = await readFleet(nova);
  } catch (err) {
    print([`room per batch and rehearsal: not computed (reading the cloud failed: ${errorMessage(err)})`]);
    return;
  }
  const rooms = batchRooms(planBatches(shape.hosts, report, shape.sizes), read.view, read.servers);
  report.batchRoom = rooms.map((r) => ({ ...r }));
  const lines = batchRoomLines(rooms, read.view.source);
  if (lines.length) print(lines);
  if (opts.rehearse === false) return;
  try {
    const r = await rehearsePlan({ playbook: p.playbook, report, targets: p.targets.hosts, nova, read, ...(opts.serial ? { serial: opts.serial } : {}), ...(opts.forks ? { forks: opts.forks } : {}) });
    report.rehearsal = { ...r };
    print(rehearsedLines(r));
  } catch (err) {
    report.rehearsal = { error: errorMessage(err) };
    print([`rehearsed: not rehearsed (${errorMessage(err)})`]);
  }
}
