// Runs the steps on one host: connect, gather facts once, then check → apply → verify per step, recording every transition.
import type { Logger } from 'pino';
import type { HostFacts } from '../facts/types.js';
import type { HostSpec } from '../inventory/types.js';
import type { NovaApi } from '../openstack/types.js';
import type { HostRecord } from '../state/records.js';
import type { StateStore } from '../state/store.js';
import { UnknownEvidenceError } from '../steps/errors.js';
import { DeferredError, type Diff, type FleetCoordinator, type PlannedStep, type StepContext } from '../steps/types.js';
import { AuthError, HostKeyError, UnreachableError, type Transport } from '../transport/types.js';
import { scrubSecrets } from '../util/logger.js';
import { sleep } from '../util/sleep.js';
import type { EngineEvents, HostOutcome, HostResult, RunMode, StepStatus } from './events.js';
import { HostFleetView } from './host-fleet-view.js';
import { HostTracker } from './host-tracker.js';
import { classifyError, stepStatusOf, type Classified } from './outcome.js';

export type { PlannedStep } from '../steps/types.js';

export type GatherFacts = (transport: Transport, host: HostSpec, signal: AbortSignal) => Promise<HostFacts>;

/** What a firstFacts hook learnt of the host: Nova's name for it (by Nova's rule, from the facts), and why. */
export interface HostIdentity {
  novaHost: string;
  basis: string;
}

/** Named points where a caller takes part in each host's run. */
export interface RunHooks {
  /**
   * After the host's first facts, before any step: throwing ends the host with the error's outcome. The saved-plan drift
   * check is one (a host that changed since the plan was reviewed is refused); a plan records its fingerprints here; the
   * identity check (src/identity) returns Nova's name for the host, which the steps then use.
   */
  firstFacts?(host: HostSpec, facts: HostFacts, signal: AbortSignal, transport: Transport): Promise<HostIdentity | void>;
  /** After the host's last step, before its connection closes (the lease is released here once a host is done). */
  hostEnd?(host: HostSpec, result: HostResult, transport: Transport | null, signal: AbortSignal): Promise<void>;
}

export interface HostRunDeps {
  batch: number;
  steps: PlannedStep[];
  mode: RunMode;
  runId: string;
  transportFactory: (host: HostSpec) => Transport;
  gatherFacts: GatherFacts;
  hooks: RunHooks;
  nova: NovaApi | null;
  fleet: FleetCoordinator;
  store: StateStore | null;
  logger: Logger;
  events: EngineEvents;
  graceful: AbortSignal;
  hard: AbortSignal;
  /** Whether a run id is one of this state directory's runs (or adopted): a disable it made is this controller's. */
  isOwnRun?: (runId: string) => boolean;
}

type Ending = { result: HostResult; step?: string; error?: string };

function isEmpty(diff: Diff): boolean {
  return diff.changes.length === 0;
}

function leftover(diff: Diff): string {
  return diff.changes.map((c) => c.summary).join('; ');
}

export async function runHost(inventoryHost: HostSpec, d: HostRunDeps): Promise<HostOutcome> {
  // Nova's name for the host may be decided from its facts (firstFacts); the steps see the host with that name.
  let host = inventoryHost;
  const started = performance.now();
  const log = d.logger.child({ host: host.name });
  const prior = await HostTracker.load(d.store, host.name);
  const tracker = new HostTracker(d.mode === 'apply' ? d.store : null, host.name, d.runId, prior);
  const changedSteps: string[] = [];
  let wouldChange = false;
  d.events.emit({ type: 'host-start', host: host.name, batch: d.batch });
  await tracker.start();
  log.info({ batch: d.batch + 1 }, 'host started');

  let transport: Transport | null = null;
  const fleet = new HostFleetView(d.fleet, host);
  let ending: Ending;
  try {
    ending = await (async (): Promise<Ending> => {
      try {
        transport = d.transportFactory(host);
        await connectResuming(transport, prior, d, log);
      } catch (err) {
        return classify(err, d, 'connect');
      }
      const t = transport;
      let factsP: Promise<HostFacts> | null = null;
      const gather = (): Promise<HostFacts> => (factsP = d.gatherFacts(t, host, d.hard).then((facts) => {
        d.events.emit({ type: 'facts', host: host.name, facts });
        return facts;
      }));
      try {
        const first = await gather();
        const identity = await d.hooks.firstFacts?.(host, first, d.hard, t);
        if (identity && identity.novaHost !== host.novaHost) {
          host = { ...host, novaHost: identity.novaHost };
          d.events.emit({ type: 'nova-host', host: host.name, novaHost: identity.novaHost, basis: identity.basis });
        }
      } catch (err) {
        factsP = null;
        return classify(err, d, 'gather-facts');
      }

      for (let i = 0; i < d.steps.length; i++) {
        const { step, params } = d.steps[i]!;
        if (d.graceful.aborted) return { result: 'cancelled', step: step.id, error: 'cancelled before this step started' };
        const stepStarted = performance.now();
        // Made when a line is logged: a step that only checks (every step of a sweep) logs nothing.
        let stepLogger: Logger | undefined;
        const stepLog = (): Logger => (stepLogger ??= log.child({ step: step.id }));
        const attempt = d.mode === 'apply' ? await tracker.stepStart(step.id) : (tracker.step(step.id)?.attempt ?? 0);
        d.events.emit({ type: 'step-start', host: host.name, step: step.id, title: step.title, attempt });
        const ctx: StepContext<unknown> = {
          host,
          transport: t,
          runId: d.runId,
          params,
          facts: () => factsP ?? gather(),
          refreshFacts: gather,
          nova: d.nova,
          checkpoint: tracker.checkpoint(step.id),
          signal: d.hard,
          get log() {
            return stepLog();
          },
          warn: (message) => {
            stepLog().warn(message);
            d.events.emit({ type: 'warning', host: host.name, step: step.id, message: scrubSecrets(message) });
          },
          fleet,
          // Progress is for a live view: without one listening, it is not even built.
          progress: (p) => {
            if (d.events.wants('step-progress')) d.events.emit({ type: 'step-progress', host: host.name, step: step.id, ...p });
          },
          isOwnRun: (runId) => runId === d.runId || (d.isOwnRun?.(runId) ?? false),
        };
        const endStep = async (status: StepStatus, extra: { diff?: Diff; error?: string } = {}): Promise<void> => {
          if (d.mode === 'apply') {
            const recStatus = status === 'ok' || status === 'changed' ? 'done' : status === 'unreachable' ? 'failed' : status;
            await tracker.stepEnd(step.id, recStatus, { ...extra, outcome: status === 'ok' || status === 'changed' ? status : undefined });
          }
          d.events.emit({ type: 'step-end', host: host.name, step: step.id, status, ...extra, durationMs: performance.now() - stepStarted });
        };

        try {
          const diff = await step.check(ctx);
          if (isEmpty(diff)) {
            await endStep('ok', { diff });
            continue;
          }
          if (d.mode === 'plan') {
            wouldChange = true;
            await endStep('would-change', { diff });
            // Later checks must see what this step would change, or the plan would miss the reboot an update makes due.
            if (step.project) {
              const projected = step.project(await ctx.facts(), diff, params);
              factsP = Promise.resolve(projected);
            }
            continue;
          }
          if (step.disruptive && !fleet.inWindow()) {
            throw new DeferredError('outside the maintenance window');
          }
          if (step.disruptive) await fleet.enterDomain(AbortSignal.any([d.graceful, d.hard]));
          stepLog().info({ changes: diff.changes.map((c) => c.summary) }, 'applying');
          await step.apply(ctx, diff);
          // What apply changed makes the cached facts stale; the next facts() gathers again.
          factsP = null;
          const after = await (step.verify ?? step.check)(ctx);
          if (!isEmpty(after)) {
            const error = `verify found changes left after apply: ${leftover(after)}`;
            stepLog().error({ leftover: after.changes.map((c) => c.summary) }, error);
            await endStep('failed', { diff: after, error });
            await skipRest(i + 1, 'a previous step failed');
            return { result: 'failed', step: step.id, error };
          }
          changedSteps.push(step.id);
          await endStep('changed', { diff });
        } catch (err) {
          const c = classify(err, d, step.id);
          const status = stepStatusOf(c.result, d.hard.aborted);
          const sl = stepLog();
          (c.result === 'deferred' || c.result === 'cancelled' || c.result === 'refused' ? sl.warn : sl.error).call(sl, { err }, `step ${status}`);
          // An unknown verdict keeps what the check did find, so reports list every finding beside the unknown ones.
          const found = err instanceof UnknownEvidenceError ? err.diff : undefined;
          await endStep(status, { error: c.error, ...(found ? { diff: found } : {}) });
          if (c.result !== 'deferred' && c.result !== 'cancelled') await skipRest(i + 1, `a previous step ended ${c.result}`);
          return c;
        }
      }
      if (d.mode === 'plan') return { result: wouldChange ? 'would-change' : 'ok' };
      return { result: changedSteps.length ? 'changed' : 'ok' };
    })();
    if (d.hooks.hostEnd) {
      try {
        await d.hooks.hostEnd(host, ending.result, transport, d.hard);
      } catch (err) {
        // The host's work is done and recorded; what the end hook could not do (release a lease) is said, not hidden.
        const message = `after the host finished: ${scrubSecrets(err instanceof Error ? err.message : String(err))}`;
        log.warn({ err }, message);
        d.events.emit({ type: 'warning', host: host.name, message });
      }
    }
  } finally {
    fleet.leaveDomain();
    await (transport as Transport | null)?.close().catch(() => {});
  }

  async function skipRest(from: number, why: string): Promise<void> {
    for (const { step } of d.steps.slice(from)) {
      if (d.mode === 'apply') await tracker.stepEnd(step.id, 'skipped', { error: why });
      d.events.emit({ type: 'step-end', host: host.name, step: step.id, status: 'skipped', error: why, durationMs: 0 });
    }
  }

  await tracker.end(ending.result, ending.error ?? null);
  // A host every step left compliant takes live migrations without needing a second move later (drain's target choice).
  if (d.mode === 'apply' && (ending.result === 'ok' || ending.result === 'changed')) fleet.markRemediated(host.novaHost);
  const durationMs = performance.now() - started;
  log.info({ result: ending.result, step: ending.step, error: ending.error, durationMs: Math.round(durationMs) }, 'host finished');
  d.events.emit({ type: 'host-end', host: host.name, result: ending.result, step: ending.step, error: ending.error, durationMs });
  return { host: host.name, result: ending.result, step: ending.step, error: ending.error, changedSteps };
}

/**
 * A host whose reboot was under way when the last controller died may still be booting: refusing connections then is
 * expected, so the rerun waits for it (up to the reboot step's own timeout) instead of calling it unreachable.
 */
async function connectResuming(t: Transport, prior: HostRecord | null, d: HostRunDeps, log: Logger): Promise<void> {
  const waitMs = d.mode === 'apply' ? resumeWaitMs(prior, d.steps) : 0;
  if (waitMs <= 0) return t.connect(d.hard);
  const deadline = Date.now() + waitMs;
  for (let announced = false; ; announced = true) {
    try {
      return await t.connect(d.hard);
    } catch (err) {
      if (!(err instanceof UnreachableError) || err instanceof AuthError || err instanceof HostKeyError || Date.now() >= deadline) throw err;
      if (!announced) log.info('a step that takes the host down was under way when the last run stopped; waiting for the host to come back');
      await sleep(1000, d.hard);
    }
  }
}

/** How long to keep connecting: the longest wait declared by a step the last run left running on this host. */
function resumeWaitMs(prior: HostRecord | null, steps: readonly PlannedStep[]): number {
  let wait = 0;
  for (const { step, params } of steps) {
    if (step.resumeConnectWaitMs && prior?.steps[step.id]?.status === 'running') wait = Math.max(wait, step.resumeConnectWaitMs(params));
  }
  return wait;
}

function classify(err: unknown, d: HostRunDeps, where: string): Classified {
  return classifyError(err, where, d);
}

/** Several callers' hooks as one: each named hook runs every caller's in order. */
export function chainHooks(...all: RunHooks[]): RunHooks {
  const first = all.flatMap((h) => (h.firstFacts ? [h.firstFacts] : []));
  const end = all.flatMap((h) => (h.hostEnd ? [h.hostEnd] : []));
  const hooks: RunHooks = {};
  if (first.length) {
    hooks.firstFacts = async (host, facts, signal, transport) => {
      let found: HostIdentity | void = undefined;
      for (const f of first) {
        // A later hook sees the host under the name an earlier one found (the drift check asks Nova by it).
        const id = await f(found ? { ...host, novaHost: found.novaHost } : host, facts, signal, transport);
        if (id) found = id;
      }
      return found;
    };
  }
  if (end.length) hooks.hostEnd = async (host, result, transport, signal) => { for (const f of end) await f(host, result, transport, signal); };
  return hooks;
}
