// `status`: per-host progress of the last run from the state directory (table or --json); never takes the lock.
import { readStatus } from '../../state/status.js';
import { EXIT } from '../exit-codes.js';

function pad(s: string, n: number): string {
  return s.length >= n ? s : s + ' '.repeat(n - s.length);
}

export async function statusCommand(opts: Record<string, unknown>): Promise<number> {
  const status = await readStatus(String(opts['stateDir']));
  if (opts['json']) {
    process.stdout.write(`${JSON.stringify(status, null, 2)}\n`);
    return EXIT.OK;
  }
  const run = status.runs[0];
  if (!run) {
    process.stdout.write(`no run recorded in ${status.stateDir}\n`);
    return EXIT.OK;
  }
  process.stdout.write(`last run ${run.runId} (${run.mode}, ${run.result}) started ${run.startedAt}${run.finishedAt ? `, finished ${run.finishedAt}` : ''}\n`);
  if (status.lock) process.stdout.write(`lock: held by pid ${status.lock.pid} on ${status.lock.hostname}${status.lock.stale ? ' (stale: that process is gone)' : ''}\n`);
  const rows = status.hosts.map((h) => [h.host, h.status, h.currentStep ?? '-', h.steps.map((s) => `${s.id}:${s.outcome ?? s.status}`).join(' '), h.error ?? '']);
  const widths = [4, 6, 4].map((w, i) => Math.max(w, ...rows.map((r) => r[i]!.length)));
  process.stdout.write(`${pad('HOST', widths[0]!)}  ${pad('STATUS', widths[1]!)}  ${pad('STEP', widths[2]!)}  STEPS\n`);
  for (const r of rows) {
    process.stdout.write(`${pad(r[0]!, widths[0]!)}  ${pad(r[1]!, widths[1]!)}  ${pad(r[2]!, widths[2]!)}  ${r[3]}${r[4] ? `  ! ${r[4]}` : ''}\n`);
  }
  return EXIT.OK;
}
