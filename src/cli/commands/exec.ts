// `exec 'COMMAND'`: an ad-hoc command across the selected hosts, one SSH connection each, through the engine's fan-out.
import { compareText } from '../../util/compare-text.js';
import { countOutcomes } from '../../engine/events.js';
import { forEachHost } from '../../engine/fan-out.js';
import type { HostSpec } from '../../inventory/types.js';
import { UnreachableError } from '../../transport/types.js';
import { errorMessage } from '../../util/errors.js';
import type { CommonOptions } from '../common-options.js';
import { prepareConnections } from '../connections.js';
import { exitCodeFor } from '../exit-codes.js';
import { openSession, type Session } from '../session.js';
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

async function execOn(host: HostSpec, command: string, o: ExecOptions, session: Session): Promise<ExecOutcome> {
  const t = session.transportFactory(host);
  try {
    await t.connect(session.cancel.hard);
    const r = await t.exec(command, { become: o.become === true, timeoutMs: o.timeout * 1000, signal: session.cancel.hard });
    return { host: host.name, status: r.code === 0 ? 'ok' : 'failed', code: r.code, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    return { host: host.name, status: err instanceof UnreachableError ? 'unreachable' : 'failed', code: null, stdout: '', stderr: '', error: errorMessage(err) };
  } finally {
    await t.close().catch(() => {});
    session.logger.info({ host: host.name }, 'exec done');
  }
}

function printOutcome(r: ExecOutcome): void {
  const head = r.status === 'ok' ? `${r.host} | rc=0` : r.status === 'unreachable' ? `${r.host} | UNREACHABLE: ${r.error}` : `${r.host} | FAILED rc=${r.code ?? '-'}${r.error ? `: ${r.error}` : ''}`;
  process.stdout.write(`${head}\n`);
  if (r.stdout) process.stdout.write(r.stdout.endsWith('\n') ? r.stdout : `${r.stdout}\n`);
  if (r.stderr) process.stderr.write(`${r.host} stderr: ${r.stderr}${r.stderr.endsWith('\n') ? '' : '\n'}`);
}

/** The last line: how many hosts were selected, and what the command did on them. */
export function execSummary(selected: number, c: { ok: number; failed: number; unreachable: number }): string {
  return `${selected} host${selected === 1 ? '' : 's'}: ${c.ok} ok, ${c.failed} failed, ${c.unreachable} unreachable`;
}

export async function execCommand(command: string, opts: Record<string, unknown>): Promise<number> {
  const o = opts as unknown as ExecOptions;
  const targets = await loadTargets(o);
  const session = await openSession(o, { connections: await prepareConnections(o, targets.settings, null), lock: false });
  const outcomes: ExecOutcome[] = [];
  try {
    await forEachHost(targets.hosts, o.forks ?? 50, async (host) => {
      if (!session.cancel.graceful.aborted) outcomes.push(await execOn(host, command, o, session));
    });
  } finally {
    await session.close();
  }
  outcomes.sort((a, b) => compareText(a.host, b.host));
  for (const r of outcomes) printOutcome(r);
  const c = countOutcomes(outcomes.map((r) => r.status));
  process.stdout.write(`${execSummary(targets.hosts.length, c)}\n`);
  return exitCodeFor({ ...c, pending: 0 }, session.stop);
}
