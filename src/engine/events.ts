// The engine's typed event union and a tiny emitter: reporters listen, the engine never writes to the console.
import type { HostFacts } from '../facts/types.js';
import type { Diff, StepProgress } from '../steps/types.js';

export type RunMode = 'apply' | 'plan';

export type StepStatus =
  | 'ok'
  | 'changed'
  | 'would-change'
  | 'failed'
  /** A safety check left the host untouched on purpose (the error says why). */
  | 'refused'
  /** Evidence the step needs could not be read: neither ok nor failed. */
  | 'unknown'
  | 'skipped'
  | 'deferred'
  | 'unreachable'
  /** A hard cancel stopped the step while it ran: its outcome is unknown, resume re-checks it. */
  | 'aborted';

export type HostResult = 'ok' | 'changed' | 'would-change' | 'failed' | 'refused' | 'unknown' | 'unreachable' | 'deferred' | 'cancelled';

export type NotStartedReason = 'cancelled' | 'failure-limit';

export interface HostOutcome {
  host: string;
  /** null when the host was never started. */
  result: HostResult | null;
  notStarted?: NotStartedReason;
  /** Step that failed, deferred or was aborted, if any. */
  step?: string;
  error?: string;
  changedSteps: string[];
}

/** Hosts per outcome: the one tally every summary of a run (console, run record, exit code) is made from. */
export interface OutcomeCounts {
  total: number;
  /** Hosts whose every step ended ok/changed (plan: every step checked). */
  done: number;
  ok: number;
  changed: number;
  wouldChange: number;
  failed: number;
  refused: number;
  unknown: number;
  unreachable: number;
  deferred: number;
  cancelled: number;
  notStarted: number;
}

/** Counts results; null = a host that was never started. */
export function countOutcomes(results: Iterable<HostResult | null>): OutcomeCounts {
  const c: OutcomeCounts = { total: 0, done: 0, ok: 0, changed: 0, wouldChange: 0, failed: 0, refused: 0, unknown: 0, unreachable: 0, deferred: 0, cancelled: 0, notStarted: 0 };
  for (const r of results) {
    c.total++;
    if (r === null) c.notStarted++;
    else if (r === 'would-change') c.wouldChange++;
    else c[r]++;
  }
  c.done = c.ok + c.changed + c.wouldChange;
  return c;
}

export interface RunSummary extends OutcomeCounts {
  runId: string;
  mode: RunMode;
  /** Why no further batch/host was started (failure limit or cancellation); null when the run went through. */
  stopReason: string | null;
  cancel: 'graceful' | 'hard' | null;
  startedAt: string;
  endedAt: string;
  hosts: HostOutcome[];
}

interface Base {
  time: number;
}

export type EngineEvent =
  | (Base & { type: 'run-start'; runId: string; mode: RunMode; hosts: number; batchSizes: number[]; forks: number; steps: string[] })
  | (Base & { type: 'batch-start'; index: number; batches: number; hosts: string[] })
  | (Base & { type: 'batch-end'; index: number; failed: number; unreachable: number; size: number; stopReason: string | null })
  | (Base & { type: 'host-start'; host: string; batch: number })
  | (Base & { type: 'host-end'; host: string; result: HostResult; step?: string; error?: string; durationMs: number })
  | (Base & { type: 'host-not-started'; host: string; reason: NotStartedReason })
  | (Base & { type: 'step-start'; host: string; step: string; title: string; attempt: number })
  /** Every gather of a host's facts (the first, and again after a change or a reboot). */
  | (Base & { type: 'facts'; host: string; facts: HostFacts })
  /** A long step says what it is doing now (the reboot's phase, the drain's migrations done of total); live view only. */
  | (Base & { type: 'step-progress'; host: string; step: string } & StepProgress)
  /** Nova's name for the host, decided after its first facts (Nova's own rule), when it differs from the inventory's. */
  | (Base & { type: 'nova-host'; host: string; novaHost: string; basis: string })
  | (Base & { type: 'step-end'; host: string; step: string; status: StepStatus; diff?: Diff; error?: string; durationMs: number })
  | (Base & { type: 'warning'; host?: string; step?: string; message: string })
  | (Base & { type: 'run-end'; summary: RunSummary });

export type EngineEventType = EngineEvent['type'];

/** Every event type, at run time (a listener may take all but some). */
export const ENGINE_EVENT_TYPES = [
  'run-start', 'batch-start', 'batch-end', 'host-start', 'host-end', 'host-not-started', 'step-start', 'facts', 'step-progress',
  'nova-host', 'step-end', 'warning', 'run-end',
] as const satisfies readonly EngineEventType[];
// A type added to EngineEvent and not to the list above fails to compile here.
const everyTypeListed: Exclude<EngineEventType, (typeof ENGINE_EVENT_TYPES)[number]> extends never ? true : never = true;
void everyTypeListed;
export type EventOf<K extends EngineEventType> = Extract<EngineEvent, { type: K }>;
/** An event as the engine hands it to emit(): the emitter stamps the time. */
export type EventInput = EngineEvent extends infer E ? (E extends EngineEvent ? Omit<E, 'time'> : never) : never;

type Listener = (event: EngineEvent) => void;

/** A listener and the event types it takes (null: every type). */
interface Subscription {
  types: ReadonlySet<EngineEventType> | null;
  fn: Listener;
}

export class EngineEvents {
  /** In subscription order: listeners are called in the order they subscribed, whatever types they take. */
  private readonly subs = new Set<Subscription>();
  /** How many subscriptions take each type, and every type (null): an event nobody takes is never built. */
  private readonly takers = new Map<EngineEventType | null, number>();

  /**
   * Called when a listener throws: a broken reporter must not break the run, nor go unnoticed. Until someone sets it,
   * the errors are kept in `listenerErrors`.
   */
  onListenerError: (err: unknown, event: EngineEvent) => void = (err) => {
    this.listenerErrors.push(err);
  };
  readonly listenerErrors: unknown[] = [];

  on<K extends EngineEventType>(type: K, fn: (event: EventOf<K>) => void): () => void {
    return this.subscribe(new Set([type]), fn as Listener);
  }

  /** One listener for several types (a reporter that ignores the rest is not handed them). */
  onTypes(types: readonly EngineEventType[], fn: Listener): () => void {
    return this.subscribe(new Set(types), fn);
  }

  onAny(fn: Listener): () => void {
    return this.subscribe(null, fn);
  }

  /** Whether an event of this type reaches any listener: a caller may skip building one that nobody reads. */
  wants(type: EngineEventType): boolean {
    return (this.takers.get(null) ?? 0) > 0 || (this.takers.get(type) ?? 0) > 0;
  }

  emit(input: EventInput): void {
    if (!this.wants(input.type)) return;
    const event = { ...input, time: Date.now() } as EngineEvent;
    for (const sub of this.subs) {
      if (sub.types !== null && !sub.types.has(event.type)) continue;
      try {
        sub.fn(event);
      } catch (err) {
        this.onListenerError(err, event);
      }
    }
  }

  private subscribe(types: ReadonlySet<EngineEventType> | null, fn: Listener): () => void {
    const sub: Subscription = { types, fn };
    this.subs.add(sub);
    const count = (delta: number) => {
      for (const t of types ?? [null]) this.takers.set(t, (this.takers.get(t) ?? 0) + delta);
    };
    count(1);
    return () => {
      if (this.subs.delete(sub)) count(-1);
    };
  }
}
