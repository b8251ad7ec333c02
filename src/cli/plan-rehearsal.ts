// plan's forecast: the room left per batch and the rehearsed duration, printed after the plan and put in its JSON report.
import type { NovaApi } from '../openstack/types.js';
import { batchRoomLines, batchRooms } from '../plan/batch-room.js';
import { rehearsePlan, rehearsedLines } from '../plan/rehearsed-duration.js';
import { readFleet, type FleetRead, type RolloutShape } from '../plan/rollout-shape.js';
import type { Report } from '../report/model.js';
import { errorMessage } from '../util/errors.js';
import type { Prepared, WorkflowOptions } from './prepare.js';

/** The plan's batches over its targets, each with the hosts whose drain the plan would run (a reboot is due). */
function planBatches(p: Prepared, report: Report, shape: RolloutShape): { hosts: string[]; draining: string[] }[] {
  const drains = new Set(report.hosts.filter((h) => h.steps.some((s) => s.id === 'drain' && s.status === 'would-change')).map((h) => h.novaHost));
  const out: { hosts: string[]; draining: string[] }[] = [];
  let at = 0;
  for (const n of shape.sizes) {
    const hosts = p.targets.hosts.slice(at, at + n).map((h) => h.novaHost);
    out.push({ hosts, draining: hosts.filter((h) => drains.has(h)) });
    at += n;
  }
  return out;
}

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
  const rooms = batchRooms(planBatches(p, report, shape), read.view, read.servers);
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
