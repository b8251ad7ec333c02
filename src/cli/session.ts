// Opens a verb's session once every check passed: run id, lock, log, Ctrl-C, the engine's events; and closes it all.
import type { Logger } from 'pino';
import type { CancelController } from '../engine/cancel.js';
import { EngineEvents } from '../engine/events.js';
import { buildGatherCommand, GatherError, parseGatherReport } from '../facts/index.js';
import { assertPrivileged, becomeFix } from '../steps/evidence-rules.js';
import type { HostFacts } from '../facts/types.js';
import type { HostSpec } from '../inventory/types.js';
import type { NovaApi } from '../openstack/types.js';
import { acquireLock, type LockHandle } from '../state/lock.js';
import type { Transport } from '../transport/types.js';
import { errorMessage } from '../util/errors.js';
import { createRunLogger } from '../util/logger.js';
import { newRunId, type CommonOptions } from './common-options.js';
import type { Connections } from './connections.js';

export interface Session {
  runId: string;
  logger: Logger;
  logPath: string;
  transportFactory: (host: HostSpec) => Transport;
  nova: NovaApi | null;
  events: EngineEvents;
  cancel: CancelController;
  warnings: string[];
  close(): Promise<void>;
}

export interface SessionOptions {
  /** SSH and Nova, built (and their files checked) while preparing. */
  connections: Connections;
  /** Take the state-dir lock (run, and plan/sweep which write run records). */
  lock: boolean;
  onWarning?: (message: string) => void;
}

/** A reporter that throws must not stop the run, nor go unnoticed: it is said on stderr and in the log. */
function reportListenerErrors(events: EngineEvents, logger: Logger): void {
  events.onListenerError = (err, event) => {
    process.stderr.write(`mds-orchestrate: a reporter failed on a ${event.type} event: ${errorMessage(err)}\n`);
    logger.error({ err, event: event.type }, 'reporter failed');
  };
}

/** Takes the lock, opens the log and wires Ctrl-C: the first side effects of a verb, after every check passed. */
export async function openSession(opts: CommonOptions, so: SessionOptions): Promise<Session> {
  const runId = newRunId();
  const { connections: c } = so;
  const warnings: string[] = [];
  const warn = (m: string) => { warnings.push(m); so.onWarning?.(m); };
  let lock: LockHandle | null = null;
  if (so.lock) {
    lock = await acquireLock(opts.stateDir, runId);
    if (lock.tookOver) warn(`took over a stale lock in ${opts.stateDir} left by a controller that is no longer running`);
  }
  try {
    const log = createRunLogger({ stateDir: opts.stateDir, runId, level: opts.logLevel });
    c.logTo(log.logger);
    for (const w of c.warnings) warn(w);
    const offSignals = onCtrlC(c.cancel);
    log.logger.info({ argv: process.argv.slice(2) }, 'session opened');
    const events = new EngineEvents();
    reportListenerErrors(events, log.logger);
    return {
      runId, logger: log.logger, logPath: log.path, transportFactory: c.transportFactory, nova: c.nova,
      events, cancel: c.cancel, warnings,
      async close() {
        offSignals();
        c.close();
        log.close();
        await lock?.release();
      },
    };
  } catch (err) {
    await lock?.release();
    throw err;
  }
}

/** First Ctrl-C (or SIGTERM): no new hosts or steps; the second: abort what runs. Returns the undo. */
function onCtrlC(cancel: CancelController): () => void {
  const onSigint = () => {
    cancel.cancel();
    process.stderr.write(cancel.stage === 'hard'
      ? '\nmds-orchestrate: aborting in-flight commands; state is saved\n'
      : '\nmds-orchestrate: stopping after the steps in flight (Ctrl-C again to abort them)\n');
  };
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigint);
  return () => {
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigint);
  };
}

/** The package names whose installed versions the facts gather asks rpm for. */
export function packagesToQuery(minimums: Record<string, Record<string, string>> | undefined): string[] {
  const names = new Set<string>(['kernel', 'microcode_ctl', 'libvirt', 'qemu-kvm', 'qemu-kvm-rhev']);
  for (const perDist of Object.values(minimums ?? {})) for (const n of Object.keys(perDist)) names.add(n);
  return [...names];
}

/** One exec per host gathers every fact (the engine announces each gather as a 'facts' event). */
export function makeGatherFacts(packages: string[], novaConfPath = '/etc/nova/nova.conf') {
  return async (transport: Transport, host: HostSpec, signal: AbortSignal): Promise<HostFacts> => {
    const command = buildGatherCommand({ packages, novaConfPath, virshTimeoutSec: 60 });
    const res = await transport.exec(command, { become: true, signal, timeoutMs: 180_000, maxOutputBytes: 64 * 1024 * 1024 });
    let facts: HostFacts;
    try {
      facts = parseGatherReport(res.stdout).facts;
    } catch (err) {
      // The script never ran: most often sudo refused (no rule for the user, or a password it was not given).
      const said = res.stderr.trim().split('\n').slice(-2).join(' ').slice(0, 300);
      if (host.become && res.code !== 0 && said !== '') {
        throw new GatherError(`privilege escalation failed (exit ${res.code}): ${said}; ${becomeFix({ privilege: { uid: null, user: host.user } }, host)}`, { host: host.name, cause: err });
      }
      throw err;
    }
    // Not root and unable to read what the steps need: the host fails here, before any step can change anything.
    assertPrivileged(facts, host);
    return facts;
  };
}
