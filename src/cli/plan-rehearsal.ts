// plan's forecast: the room left per batch and the rehearsed duration, printed after the plan and put in its JSON report.
import type { NovaApi } from '../openstack/types.js';
import { batchRoomLines, batchRooms, planBatches } from '../plan/batch-room.js';
import { rehearsePlan, rehearsedLines } from '../plan/rehearsed-duration.js';
import { readFleet, type FleetRead, type RolloutShape } from '../plan/rollout-shape.js';
import type { Report } from '../report/model.js';
import { errorMessage } from '../util/errors.js';
import type { Prepared, WorkflowOptions } from './prepare.js';

/** Never fails the plan: what cannot be computed says why, on one line. */
export async function printForecast(p: Prepared, opts: WorkflowOptions & { rehearse?: boolean }, nova: NovaApi | null, report: Report, shape: RolloutShape | null): Promise<void> {
  if (nova === null || shape === null) {
    if (opts.rehearse !== false) process.stdout.write('rehearsed: not rehearsed (no cloud: the playbook does not talk to Nova)\n');
    return;
  }
  let read: FleetRead;
  try {
    read = await readFleet(nova);
  } catch (err) {
    process.stdout.write(`room per batch and rehearsal: not computed (reading the cloud failed: ${errorMessage(err)})\n`);
    return;
  }
  const rooms = batchRooms(planBatches(shape.hosts, report, shape.sizes), read.view, read.servers);
  report.batchRoom = rooms.map((r) => ({ ...r }));
  const lines = batchRoomLines(rooms, read.view.source);
  if (lines.length) process.stdout.write(`${lines.join('\n')}\n`);
  if (opts.rehearse === false) return;
  try {
    const r = await rehearsePlan({ playbook: p.playbook, report, targets: p.targets.hosts, nova, read, ...(opts.serial ? { serial: opts.serial } : {}), ...(opts.forks ? { forks: opts.forks } : {}) });
    report.rehearsal = { ...r };
    process.stdout.write(`${rehearsedLines(r).join('\n')}\n`);
  } catch (err) {
    report.rehearsal = { error: errorMessage(err) };
    process.stdout.write(`rehearsed: not rehearsed (${errorMessage(err)})\n`);
  }
}
