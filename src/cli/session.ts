// Opens a verb's session once every check passed: run id, lock, log, Ctrl-C, the engine's events; and closes it all.
import { standInNames } from '../steps/package-sources.js';
import type { Logger } from 'pino';
import type { CancelController } from '../engine/cancel.js';
import { EngineEvents } from '../engine/events.js';
import { GatherError, parseGatherReport } from '../facts/index.js';
import { gatherTemplates } from '../facts/gather-template.js';
import { assertPrivileged, becomeFix } from '../steps/evidence-rules.js';
import type { HostFacts } from '../facts/types.js';
import type { HostSpec } from '../inventory/types.js';
import type { NovaApi } from '../openstack/types.js';
import { acquireLock, type LockHandle } from '../state/lock.js';
import type { Transport } from '../transport/types.js';
import { errorMessage } from '../util/errors.js';
import { createRunLogger } from '../util/logger.js';
import { newRunId, type CommonOptions } from './common-options.js';
import { isStorageFull, type StopCause, type StopSignal } from './exit-codes.js';
import { closedStdio } from './stdio-guard.js';
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
  /** Why the controller stopped early (a signal, a full disk): read by the exit code. */
  stop: StopCause;
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

/** Takes the lock, opens the log and wires the signals: the first side effects of a verb, after every check passed. */
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
  const stop: StopCause = {};
  try {
    const log = createRunLogger({
      stateDir: opts.stateDir, runId, level: opts.logLevel, ...(opts.logFile ? { path: opts.logFile } : {}),
      onWriteError: (err, path) => onLogWriteError(err, path, stop, c.cancel),
    });
    c.logTo(log.logger);
    const sayAndLog = (m: string): void => { warn(m); log.logger.warn({ warning: m }, 'warning'); };
    for (const w of c.warnings) sayAndLog(w);
    c.warnTo(sayAndLog);
    const offSignals = onStopSignals(c.cancel, stop, log.logger);
    log.logger.info({ argv: process.argv.slice(2) }, 'session opened');
    const events = new EngineEvents();
    reportListenerErrors(events, log.logger);
    return {
      runId, logger: log.logger, logPath: log.path, transportFactory: c.transportFactory, nova: c.nova,
      events, cancel: c.cancel, warnings, stop,
      close: () => closeSession(log, lock, offSignals, c),
    };
  } catch (err) {
    await lock?.release();
    throw err;
  }
}

/** Each part is closed even when one before it fails: the lock above all must go, a full disk or not. */
async function closeSession(log: { logger: Logger; close(): void }, lock: LockHandle | null, offSignals: () => void, c: Connections): Promise<void> {
  offSignals();
  const closed = closedStdio();
  if (closed.length) log.logger.warn({ closed }, 'the controller ran on after its standard output was closed');
  try { c.close(); } finally {
    try { log.close(); } finally { await lock?.release(); }
  }
}

/** A log that cannot be written: a full (or over-quota) filesystem stops the verb cleanly; anything else is said once. */
function onLogWriteError(err: Error, path: string, stop: StopCause, cancel: CancelController): void {
  if (isStorageFull(err)) {
    stop.storageFull = true;
    if (!cancel.graceful.aborted) cancel.cancel('the log filesystem is full');
    process.stderr.write(`\nmds-orchestrate: cannot write the log ${path} (${errorMessage(err)}): the filesystem is full; stopping after the steps in flight\n`);
    return;
  }
  process.stderr.write(`\nmds-orchestrate: cannot write the log ${path} (${errorMessage(err)}); the run goes on without it, its state is still saved\n`);
}

const SIGNALS: readonly StopSignal[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/**
 * The first SIGINT, SIGTERM or SIGHUP: no new hosts or steps, the steps in flight finish, state is saved; the verb
 * exits 130 (SIGINT) or 143 (SIGTERM, SIGHUP). A second SIGINT or SIGTERM aborts what runs. SIGHUP never escalates:
 * a dropped SSH session to the jump host is not an operator's decision to cut a live migration.
 */
function onStopSignals(cancel: CancelController, stop: StopCause, logger: Logger): () => void {
  const handlers = SIGNALS.map((sig) => {
    const handler = () => {
      stop.signal ??= sig;
      if (sig === 'SIGHUP' && cancel.graceful.aborted) return;
      cancel.cancel(`${sig} received`);
      logger.warn({ signal: sig, stage: cancel.stage }, 'stop signal');
      const again = sig === 'SIGINT' ? 'Ctrl-C again to abort them' : sig === 'SIGTERM' ? 'SIGTERM again to abort them' : 'SIGTERM or Ctrl-C to abort them';
      process.stderr.write(cancel.stage === 'hard'
        ? `\nmds-orchestrate: ${sig} again: aborting in-flight commands; state is saved\n`
        : sig === 'SIGINT' ? `\nmds-orchestrate: stopping after the steps in flight (${again})\n`
          : `\nmds-orchestrate: ${sig} received: stopping after the steps in flight, state is saved (${again})\n`);
    };
    process.on(sig, handler);
    return [sig, handler] as const;
  });
  return () => { for (const [sig, h] of handlers) process.off(sig, h); };
}

/** The package names whose installed versions the facts gather asks rpm for. */
export function packagesToQuery(minimums: Record<string, Record<string, string>> | undefined): string[] {
  const names = new Set<string>(['kernel', 'microcode_ctl', 'libvirt', 'qemu-kvm', 'qemu-kvm-rhev']);
  for (const perDist of Object.values(minimums ?? {})) for (const n of Object.keys(perDist)) names.add(n);
  // libvirt-daemon stands for the libvirt meta package where only the daemon is installed (see steps/package-sources.ts).
  for (const n of standInNames(names)) names.add(n);
  return [...names];
}

/**
 * One exec per host gathers every fact (the engine announces each gather as a 'facts' event). The host's layout is
 * decided inside it, unless the inventory forces it or a part of it (host.layout).
 */
export function makeGatherFacts(packages: string[]) {
  // The script is built once per layout override; each host's copy carries its own random nonce.
  const templateFor = gatherTemplates({ packages, virshTimeoutSec: 60 });
  return async (transport: Transport, host: HostSpec, signal: AbortSignal): Promise<HostFacts> => {
    const command = templateFor(host.layout).stamp();
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

/**
 * The session's warnings as every verb prints them. Here, not in a verb's file: a sweep importing it from plan.ts
 * loaded and initialised the plan's rehearsal and the lab's schemas at every start.
 */
export function warnOnStderr(message: string): void {
  process.stderr.write(`warning: ${message}\n`);
}
