// `status`: the newest sweep's verdicts and the last run's per-host progress from the state directory (text or --json); never takes the lock.
import { EXIT } from '../exit-codes.js';
import { loadStatusView, statusLines } from '../status-view.js';

export async function statusCommand(opts: Record<string, unknown>): Promise<number> {
  const view = await loadStatusView(String(opts['stateDir']));
  process.stdout.write(opts['json'] ? `${JSON.stringify(view, null, 2)}\n` : `${statusLines(view).join('\n')}\n`);
  return EXIT.OK;
}
