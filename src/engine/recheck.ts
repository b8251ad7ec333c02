// After an apply run: the steps that declare recheckAfterRun are checked again, read-only, on the hosts that finished.
import type { HostSpec } from '../inventory/types.js';
import { EngineEvents, type EventOf, type RunSummary } from './events.js';
import { runFleet, type RunFleetOptions } from './runner.js';

export interface RecheckOptions extends Omit<RunFleetOptions, 'steps' | 'mode' | 'hosts' | 'events' | 'state' | 'hooks'> {
  steps: RunFleetOptions['steps'];
  hosts: HostSpec[];
  /** The run being rechecked: only its hosts that ended ok or changed are looked at again. */
  summary: RunSummary;
  /** Each step-end of the recheck (the report takes the new findings from these). */
  onStepEnd(e: EventOf<'step-end'>): void;
  /** A host that could not be looked at again keeps what its run found; this says why. */
  warn(host: string, message: string): void;
  /** Hooks the recheck runs too (only read-only ones: the host's identity, so the steps see Nova's name for it). */
  identify?: RunFleetOptions['hooks'];
}

/**
 * Later hosts' work can change what an earlier host's step found (a live migration keeps a guest's CPU, so guests drained
 * later from unfixed hosts land on hosts already done). This is the same engine in plan mode: nothing is changed, no
 * state is written, and the run's own reporters do not see it.
 */
export async function recheckAfterRun(opts: RecheckOptions): Promise<void> {
  const steps = opts.steps.filter((s) => s.step.recheckAfterRun);
  const finished = new Set(opts.summary.hosts.filter((h) => h.result === 'ok' || h.result === 'changed').map((h) => h.host));
  const hosts = opts.hosts.filter((h) => finished.has(h.name));
  if (steps.length === 0 || hosts.length === 0 || opts.summary.cancel !== null) return;
  const events = new EngineEvents();
  events.on('step-end', opts.onStepEnd);
  events.on('host-end', (e) => {
    if (e.result !== 'ok' && e.result !== 'would-change') opts.warn(e.host, `could not check again after the run (${e.step ?? 'host'}): ${e.error ?? e.result}`);
  });
  const { summary: _s, onStepEnd: _o, warn: _w, identify, ...rest } = opts;
  // No batches or failure limits: one host that cannot be read must not keep the others from being looked at.
  await runFleet({ ...rest, serial: null, maxFailPercentage: null, failureBudget: null, steps, hosts, mode: 'plan', events, state: null, hooks: identify ?? {} });
}
