// The live view's ETA: unknown until a host ended, then learnt from hosts and batches, corrected as batches end.
import { describe, expect, it } from 'vitest';
import { RunEta } from '../../../src/report/run-eta.js';

const MIN = 60_000;

describe('RunEta', () => {
  it('knows nothing before the first host ended', () => {
    const eta = new RunEta({ batchSizes: [1, 5, 100], forks: 50 });
    expect(eta.estimate(0).remainingMs).toBeNull();
    eta.batchStarted(0, 0);
    expect(eta.estimate(5 * MIN).remainingMs).toBeNull();
  });

  it('counts rounds of forks per batch, learns a round from the batches that ended, and corrects itself', () => {
    const eta = new RunEta({ batchSizes: [1, 5, 100, 100], forks: 50 });
    expect([0, 1, 2, 3].map((b) => eta.rounds(b))).toEqual([1, 1, 2, 2]);
    eta.batchStarted(0, 0);
    eta.hostEnded(10 * MIN);
    // Before a batch ended: the slowest host so far is one round; rounds left 1 + 2 + 2 after this one (which is done).
    expect(eta.estimate(10 * MIN)).toEqual({ remainingMs: 50 * MIN, roundMs: 10 * MIN });
    eta.batchEnded(0, 10 * MIN);
    eta.batchStarted(1, 10 * MIN);
    // Five minutes into batch 2: its round (10 min) less 5, then 4 rounds.
    expect(eta.estimate(15 * MIN).remainingMs).toBe(45 * MIN);
    // Batch 2 took 20 minutes: a round is now the average of 10 and 20, weighted to the newest.
    eta.batchEnded(1, 30 * MIN);
    eta.batchStarted(2, 30 * MIN);
    expect(eta.estimate(30 * MIN)).toEqual({ remainingMs: 4 * 15 * MIN, roundMs: 15 * MIN });
  });

  it('a batch running late adds nothing below zero: the rest of the run is still ahead', () => {
    const eta = new RunEta({ batchSizes: [2, 2], forks: 2 });
    eta.batchStarted(0, 0);
    eta.hostEnded(MIN);
    expect(eta.estimate(10 * MIN).remainingMs).toBe(MIN);
  });
});
