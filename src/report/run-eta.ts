// The live view's ETA: learnt from the run itself (finished batches and hosts), corrected as each batch and host ends.

/**
 * The model: batches run one after the other; in a batch, hosts go in "rounds" (the batch's size over forks, rounded up;
 * failure domains make more, and the observed batch times include them). A round's time is learnt from the batches that
 * ended (their span over their rounds, the recent ones weighted more); before any batch ended, from the hosts that ended
 * in the current one (the slowest, since a batch waits for its slowest host). Nothing is known before one host ended.
 */
export interface EtaInput {
  /** Hosts per batch, in order (the run-start event's batchSizes). */
  batchSizes: readonly number[];
  forks: number;
}

export interface Eta {
  /** Milliseconds left, or null while nothing has been observed yet. */
  remainingMs: number | null;
  /** The per-round time the estimate rests on (ms), null before it is known. */
  roundMs: number | null;
}

/** Weight of the newest batch in the running average: later batches are larger and on hosts more like the rest. */
const RECENT = 0.5;

export class RunEta {
  private readonly sizes: number[];
  private readonly forks: number;
  private current = -1;
  private batchStartedAt = 0;
  private roundMs: number | null = null;
  /** Durations of the hosts that ended in the current batch. */
  private hostMs: number[] = [];

  constructor(input: EtaInput) {
    this.sizes = [...input.batchSizes];
    this.forks = Math.max(1, input.forks);
  }

  rounds(batch: number): number {
    return Math.ceil((this.sizes[batch] ?? 0) / this.forks);
  }

  batchStarted(index: number, at: number): void {
    this.current = index;
    this.batchStartedAt = at;
    this.hostMs = [];
  }

  hostEnded(durationMs: number): void {
    if (this.current >= 0) this.hostMs.push(durationMs);
  }

  /** A batch that ended teaches the time of one round: its span over its rounds. */
  batchEnded(index: number, at: number): void {
    if (index !== this.current) return;
    const rounds = Math.max(1, this.rounds(index));
    const observed = Math.max(0, at - this.batchStartedAt) / rounds;
    this.roundMs = this.roundMs === null ? observed : RECENT * observed + (1 - RECENT) * this.roundMs;
  }

  estimate(now: number): Eta {
    if (this.current < 0) return { remainingMs: null, roundMs: null };
    const round = this.roundMs ?? (this.hostMs.length ? Math.max(...this.hostMs) : null);
    if (round === null) return { remainingMs: null, roundMs: null };
    // The current batch: what its rounds should take, less what it has run, never below zero (it is late, not done).
    const elapsed = Math.max(0, now - this.batchStartedAt);
    const currentLeft = Math.max(0, this.rounds(this.current) * round - elapsed);
    let later = 0;
    for (let b = this.current + 1; b < this.sizes.length; b++) later += this.rounds(b) * round;
    return { remainingMs: currentLeft + later, roundMs: round };
  }
}
