// The engine's typed event union and a tiny emitter: reporters listen, the engine never writes to the console.
import type { Diff } from '../steps/types.js';

export type RunMode = 'apply' | 'plan';

export type StepStatus =
  | 'ok'
  | 'changed'
  | 'would-change'
  | 'failed'
  | 'skipped'
  | 'deferred'
  | 'unreachable'
  /** A hard cancel stopped the step while it ran: its outcome is unknown, resume re-checks it. */
  | 'aborted'
  /** Evidence the step needed could not be read: neither ok nor not ok (UnknownEvidenceError). */
  | 'unknown';

export type HostResult = 'ok' | 'changed' | 'would-change' | 'failed' | 'unreachable' | 'deferred' | 'cancelled' | 'unknown';

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

export interface RunSummary {
  runId: string;
  mode: RunMode;
  total: number;
  /** Hosts whose every step ended ok/changed (plan: every step checked). */
  done: number;
  changed: number;
  wouldChange: number;
  failed: number;
  unreachable: number;
  /** Hosts with a check whose evidence could not be read. */
  unknown: number;
  deferred: number;
  cancelled: number;
  notStarted: number;
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
  | (Base & { type: 'step-end'; host: string; step: string; status: StepStatus; diff?: Diff; error?: string; durationMs: number })
  | (Base & { type: 'warning'; host?: string; step?: string; message: string })
  | (Base & { type: 'run-end'; summary: RunSummary });

export type EngineEventType = EngineEvent['type'];
export type EventOf<K extends EngineEventType> = Extract<EngineEvent, { type: K }>;
/** An event as the engine hands it to emit(): the emitter stamps the time. */
export type EventInput = EngineEvent extends infer E ? (E extends EngineEvent ? Omit<E, 'time'> : never) : never;

type Listener = (event: EngineEvent) => void;

export class EngineEvents {
  private readonly listeners = new Set<Listener>();

  /** Called when a listener throws: a broken reporter must not break the run. */
  onListenerError: (err: unknown, event: EngineEvent) => void = () => {};

  on<K extends EngineEventType>(type: K, fn: (event: EventOf<K>) => void): () => void {
    return this.onAny((e) => {
      if (e.type === type) fn(e as EventOf<K>);
    });
  }

  onAny(fn: Listener): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  emit(input: EventInput): void {
    const event = { ...input, time: Date.now() } as EngineEvent;
    for (const fn of this.listeners) {
      try {
        fn(event);
      } catch (err) {
        this.onListenerError(err, event);
      }
    }
  }
}
