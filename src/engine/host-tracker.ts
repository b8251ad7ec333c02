// Keeps one host's state record in step with the engine's transitions and persists each one (apply mode).
import type { Checkpoint, Diff } from '../steps/types.js';
import type { HostRecord, HostRecordStatus, StepRecord, StepRecordStatus } from '../state/records.js';
import type { StateStore } from '../state/store.js';

const now = (): string => new Date().toISOString();

export class HostTracker {
  readonly record: HostRecord;

  /** `store` null (plan mode, no state dir): transitions live in memory only, earlier progress is left untouched. */
  constructor(
    private readonly store: StateStore | null,
    host: string,
    runId: string,
    prior: HostRecord | null,
  ) {
    this.record = {
      version: 1,
      host,
      runId,
      status: 'running',
      currentStep: null,
      startedAt: now(),
      endedAt: null,
      error: null,
      // Earlier runs' steps stay: their checkpoints and attempts are what resume needs.
      steps: prior?.steps ? structuredClone(prior.steps) : {},
    };
  }

  static async load(store: StateStore | null, host: string): Promise<HostRecord | null> {
    return store ? store.loadHost(host) : null;
  }

  start(): Promise<void> {
    return this.save();
  }

  step(id: string): StepRecord | undefined {
    return this.record.steps[id];
  }

  async stepStart(id: string): Promise<number> {
    const prev = this.record.steps[id];
    const attempt = (prev?.attempt ?? 0) + 1;
    this.record.steps[id] = {
      status: 'running',
      startedAt: now(),
      endedAt: null,
      attempt,
      checkpoint: prev?.checkpoint ?? null,
      error: null,
      diff: [],
    };
    this.record.currentStep = id;
    await this.save();
    return attempt;
  }

  async stepEnd(id: string, status: StepRecordStatus, extra: { outcome?: 'ok' | 'changed'; error?: string; diff?: Diff } = {}): Promise<void> {
    const prev = this.record.steps[id];
    const rec: StepRecord = {
      status,
      startedAt: prev?.startedAt ?? now(),
      endedAt: now(),
      attempt: prev?.attempt ?? 0,
      // A finished step has nothing to resume; anything else keeps its checkpoint for the next run.
      checkpoint: status === 'done' ? null : (prev?.checkpoint ?? null),
      error: extra.error ?? null,
      diff: extra.diff ? extra.diff.changes.map((c) => c.summary) : (prev?.diff ?? []),
    };
    if (extra.outcome) rec.outcome = extra.outcome;
    this.record.steps[id] = rec;
    await this.save();
  }

  checkpoint(id: string): Checkpoint {
    return {
      get: <T>() => (this.record.steps[id]?.checkpoint ?? undefined) as T | undefined,
      set: async (data: unknown) => {
        const rec = this.record.steps[id];
        if (!rec) throw new Error(`checkpoint of step ${id} set before the step started`);
        rec.checkpoint = data;
        await this.save();
      },
    };
  }

  async end(status: HostRecordStatus, error: string | null = null): Promise<void> {
    this.record.status = status;
    this.record.endedAt = now();
    this.record.error = error;
    if (status === 'ok' || status === 'changed' || status === 'would-change') this.record.currentStep = null;
    await this.save();
  }

  private save(): Promise<void> {
    return this.store ? this.store.saveHost(this.record) : Promise.resolve();
  }
}
