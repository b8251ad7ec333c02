// `exec 'COMMAND'`: an ad-hoc command across the selected hosts, one SSH connection each, bounded by --forks.
import PQueue from 'p-queue';
import { UnreachableError } from '../../transport/types.js';
import { errorMessage } from '../../util/errors.js';
import type { CommonOptions } from '../common-options.js';
import { EXIT } from '../exit-codes.js';
import { openSession } from '../session.js';
import { loadTargets } from '../targets.js';

interface ExecOptions extends CommonOptions {
  become?: boolean;
  timeout: number;
}

export interface ExecOutcome {
  host: string;
  status: 'ok' | 'failed' | 'unreachable';
  code: number | null;
  stdout: string;
  stderr: string;
  error?: string;
}

export async function execCommand(command: string, opts: Record<string, unknown>): Promise<number> {
  const o = opts as unknown as ExecOptions;
  const targets = await loadTargets(o);
  const session = await openSession(o, { settings: targets.settings, cloud: null, needNova: false, lock: false });
  const outcomes: ExecOutcome[] = [];
  try {
    const queue = new PQueue({ concurrency: o.forks ?? 50 });
    for (const host of targets.hosts) {
      void queue.add(async () => {
        if (session.cancel.graceful.aborted) return;
        const t = session.transportFactory(host);
        try {
          await t.connect(session.cancel.hard);
          const r = await t.exec(command, { become: o.become === true, timeoutMs: o.timeout * 1000, signal: session.cancel.hard });
          outcomes.push({ host: host.name, status: r.code === 0 ? 'ok' : 'failed', code: r.code, stdout: r.stdout, stderr: r.stderr });
        } catch (err) {
          outcomes.push({ host: host.name, status: err instanceof UnreachableError ? 'unreachable' : 'failed', code: null, stdout: '', stderr: '', error: errorMessage(err) });
        } finally {
          await t.close().catch(() => {});
        }
        session.logger.info({ host: host.name }, 'exec done');
      });
    }
    await queue.onIdle();
  } finally {
    await session.close();
  }
  outcomes.sort((a, b) => a.host.localeCompare(b.host));
  for (const r of outcomes) {
    const head = r.status === 'ok' ? `${r.host} | rc=0` : r.status === 'unreachable' ? `${r.host} | UNREACHABLE: ${r.error}` : `${r.host} | FAILED rc=${r.code ?? '-'}${r.error ? `: ${r.error}` : ''}`;
    process.stdout.write(`${head}\n`);
    if (r.stdout) process.stdout.write(r.stdout.endsWith('\n') ? r.stdout : `${r.stdout}\n`);
    if (r.stderr) process.stderr.write(`${r.host} stderr: ${r.stderr}${r.stderr.endsWith('\n') ? '' : '\n'}`);
  }
  const ok = outcomes.filter((r) => r.status === 'ok').length;
  const failed = outcomes.filter((r) => r.status === 'failed').length;
  const unreachable = outcomes.filter((r) => r.status === 'unreachable').length;
  process.stdout.write(`${targets.hosts.length} hosts: ${ok} ok, ${failed} failed, ${unreachable} unreachable\n`);
  if (session.cancel.stage) return EXIT.INTERRUPTED;
  return failed ? EXIT.FAILED : unreachable ? EXIT.UNREACHABLE : EXIT.OK;
}
