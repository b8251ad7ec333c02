// runFleet: rolling batches over the fleet with a concurrency limit, failure limits, cancellation and a summary.
import { setMaxListeners } from 'node:events';
import type { Logger } from 'pino';
import type { HostSpec } from '../inventory/types.js';
import type { NovaApi } from '../openstack/types.js';
import type { RunRecord } from '../state/records.js';
import type { StateStore } from '../state/store.js';
import type { FleetCoordinator } from '../steps/types.js';
import type { Transport } from '../transport/types.js';
import { errorMessage } from '../util/errors.js';
import { scrubSecrets, silentLogger } from '../util/logger.js';
import { batchSizes, failureStopReason, splitBatches, type SerialSpec } from './batches.js';
import type { CancelController } from './cancel.js';
import { countOutcomes, EngineEvents, type HostOutcome, type NotStartedReason, type RunMode, type RunSummary } from './events.js';
import { checkForks, forEachHost } from './fan-out.js';
import { Fleet } from './fleet.js';
import { runHost, type GatherFacts, type HostRunDeps, type RunHooks } from './host-runner.js';
import { isFailure } from './outcome.js';
import type { PlannedStep } from '../steps/types.js';

export const DEFAULT_FORKS = 50;

export interface RunFleetOptions {
  runId: string;
  hosts: HostSpec[];
  steps: PlannedStep[];
  mode: RunMode;
  /** Hosts worked on at once (within a batch). */
  forks?: number;
  serial?: SerialSpec;
  maxFailPercentage?: number | null;
  /** Run-wide: a count or "N%" of all hosts; exceeded = no further host starts. */
  failureBudget?: number | string | null;
  transportFactory: (host: HostSpec) => Transport;
  gatherFacts: GatherFacts;
  /** Named points where the caller takes part in a host's run (e.g. the saved-plan drift check). */
  hooks?: RunHooks;
  nova?: NovaApi | null;
  /** Whether a run id is this controller's (a run of this state directory, or adopted); the steps ask it of a disable reason. */
  isOwnRun?: (runId: string) => boolean;
  fleet?: FleetCoordinator;
  /** Apply mode writes every transition here; plan mode only reads (checkpoints) and writes the run record. */
  state?: StateStore | null;
  playbook?: string | null;
  logger?: Logger;
  events?: EngineEvents;
  /** Either a controller (graceful, then hard) or the two signals directly. */
  cancel?: CancelController;
  graceful?: AbortSignal;
  hard?: AbortSignal;
}

function anySignal(signals: (AbortSignal | undefined)[]): AbortSignal {
  const list = signals.filter((s): s is AbortSignal => s !== undefined);
  return list.length ? AbortSignal.any(list) : new AbortController().signal;
}

export async function runFleet(opts: RunFleetOptions): Promise<RunSummary> {
  const forks = checkForks(opts.forks ?? DEFAULT_FORKS);
  const total = opts.hosts.length;
  const sizes = batchSizes(total, opts.serial);
  const batches = splitBatches(opts.hosts, opts.serial);
  const events = opts.events ?? new EngineEvents();
  const logger = opts.logger ?? silentLogger();
  const hard = anySignal([opts.cancel?.hard, opts.hard]);
  // A hard cancel implies the graceful one.
  const graceful = anySignal([opts.cancel?.graceful, opts.graceful, hard]);
  // Every in-flight command listens on these: hundreds at once is expected, not a leak.
  setMaxListeners(0, hard, graceful);
  const store = opts.state ?? null;
  const startedAt = new Date().toISOString();

  const run: RunRecord = {
    version: 1,
    runId: opts.runId,
    playbook: opts.playbook ?? null,
    mode: opts.mode,
    startedAt,
    finishedAt: null,
    result: 'running',
    stopReason: null,
    hosts: total,
    counts: null,
  };
  await store?.saveRun(run);
  logger.info({ mode: opts.mode, hosts: total, batchSizes: sizes, forks, steps: opts.steps.map((s) => s.step.id) }, 'run started');
  events.emit({ type: 'run-start', runId: opts.runId, mode: opts.mode, hosts: total, batchSizes: sizes, forks, steps: opts.steps.map((s) => s.step.id) });

  const deps: Omit<HostRunDeps, 'batch'> = {
    steps: opts.steps,
    mode: opts.mode,
    runId: opts.runId,
    transportFactory: opts.transportFactory,
    gatherFacts: opts.gatherFacts,
    hooks: opts.hooks ?? {},
    nova: opts.nova ?? null,
    ...(opts.isOwnRun ? { isOwnRun: opts.isOwnRun } : {}),
    fleet: opts.fleet ?? new Fleet(),
    store,
    logger,
    events,
    graceful,
    hard,
  };
  const outcomes = new Map<string, HostOutcome>();
  // A dry run changes nothing, so no failure limit stops it (the limits are there to stop changes from spreading): it
  // goes on past an unreachable or refused host, lists it, and plans the others. A run keeps every limit.
  const limited = opts.mode !== 'plan';
  let stopReason: string | null = null;
  let runFailed = 0;

  const notStarted = (host: string, reason: NotStartedReason): void => {
    outcomes.set(host, { host, result: null, notStarted: reason, changedSteps: [] });
    events.emit({ type: 'host-not-started', host, reason });
  };
  const blocked = (): NotStartedReason | null => (stopReason !== null ? 'failure-limit' : graceful.aborted ? 'cancelled' : null);

  for (let b = 0; b < batches.length; b++) {
    const batch = batches[b]!;
    if (blocked()) break;
    events.emit({ type: 'batch-start', index: b, batches: batches.length, hosts: batch.map((h) => h.name) });
    logger.info({ batch: b + 1, of: batches.length, size: batch.length }, 'batch started');
    let batchFailed = 0;
    let batchUnreachable = 0;
    await forEachHost(batch, forks, async (host) => {
      const why = blocked();
      if (why) return notStarted(host.name, why);
      let outcome: HostOutcome;
      try {
        outcome = await runHost(host, { ...deps, batch: b });
      } catch (err) {
        // Only the engine's own machinery (the state store) lands here: without a record of progress, stop.
        const error = scrubSecrets(errorMessage(err));
        logger.error({ host: host.name, err }, 'engine error');
        stopReason ??= `engine error on ${host.name}: ${error}`;
        outcome = { host: host.name, result: 'failed', error, changedSteps: [] };
        events.emit({ type: 'host-end', host: host.name, result: 'failed', error, durationMs: 0 });
      }
      outcomes.set(host.name, outcome);
      if (isFailure(outcome.result)) {
        batchFailed++;
        runFailed++;
        if (outcome.result === 'unreachable') batchUnreachable++;
      }
      if (limited) stopReason ??= failureStopReason({ batchIndex: b, batchSize: batch.length, batchFailed, batchDone: false, runFailed, total, maxFailPercentage: opts.maxFailPercentage, failureBudget: opts.failureBudget });
    });
    if (limited) stopReason ??= failureStopReason({ batchIndex: b, batchSize: batch.length, batchFailed, batchDone: true, runFailed, total, maxFailPercentage: opts.maxFailPercentage, failureBudget: opts.failureBudget });
    if (stopReason) logger.warn({ batch: b + 1, stopReason }, 'failure limit reached: no further host starts');
    events.emit({ type: 'batch-end', index: b, failed: batchFailed - batchUnreachable, unreachable: batchUnreachable, size: batch.length, stopReason });
  }
  for (const h of opts.hosts) if (!outcomes.has(h.name)) notStarted(h.name, blocked() ?? 'cancelled');

  const cancel = hard.aborted ? 'hard' : graceful.aborted ? 'graceful' : null;
  if (cancel && stopReason === null) stopReason = cancel === 'hard' ? 'cancelled (hard): in-flight steps were aborted' : 'cancelled: in-flight steps were allowed to finish';
  const summary = summarize(opts, [...opts.hosts.map((h) => outcomes.get(h.name)!)], stopReason, cancel, startedAt);
  run.finishedAt = summary.endedAt;
  run.stopReason = stopReason;
  run.result = cancel ? 'cancelled' : stopReason ? 'stopped' : summary.hosts.some((h) => isFailure(h.result)) ? 'failed' : 'completed';
  const { total: _total, ...counts } = countOutcomes(summary.hosts.map((h) => h.result));
  run.counts = counts;
  await store?.saveRun(run);
  await store?.flush();
  logger.info({ result: run.result, counts: run.counts, stopReason }, 'run finished');
  events.emit({ type: 'run-end', summary });
  return summary;
}

function summarize(opts: RunFleetOptions, hosts: HostOutcome[], stopReason: string | null, cancel: RunSummary['cancel'], startedAt: string): RunSummary {
  return {
    runId: opts.runId,
    mode: opts.mode,
    ...countOutcomes(hosts.map((h) => h.result)),
    stopReason,
    cancel,
    startedAt,
    endedAt: new Date().toISOString(),
    hosts,
  };
}
