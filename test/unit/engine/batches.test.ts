// Ansible serial batch math and the failure limits.
import { describe, expect, it } from 'vitest';
import { batchSizes, exceedsFailureBudget, exceedsMaxFailPercentage, failureStopReason, serialValueToCount, splitBatches } from '../../../src/engine/batches.js';

describe('serial batches (Ansible semantics)', () => {
  it('no serial: one batch of every host', () => {
    expect(batchSizes(7, undefined)).toEqual([7]);
    expect(batchSizes(7, [])).toEqual([7]);
    expect(batchSizes(0, 3)).toEqual([]);
  });

  it('a count splits the play, the last batch takes the rest', () => {
    expect(batchSizes(5, 2)).toEqual([2, 2, 1]);
    expect(batchSizes(3, 10)).toEqual([3]);
    expect(batchSizes(4, '2')).toEqual([2, 2]);
  });

  it('a percentage is of the whole play, rounded down, at least 1', () => {
    expect(serialValueToCount('30%', 10)).toBe(3);
    expect(serialValueToCount('25%', 10)).toBe(2);
    expect(serialValueToCount('10%', 5)).toBe(1);
    expect(serialValueToCount('1%', 50)).toBe(1);
    expect(batchSizes(10, '30%')).toEqual([3, 3, 3, 1]);
  });

  it('a list runs its values in order and repeats the last one', () => {
    expect(batchSizes(20, [1, 5, '20%'])).toEqual([1, 5, 4, 4, 4, 2]);
    expect(batchSizes(3, [1, 5, 10])).toEqual([1, 2]);
  });

  it('zero puts every remaining host in one batch', () => {
    expect(batchSizes(9, 0)).toEqual([9]);
    expect(batchSizes(9, [2, 0])).toEqual([2, 7]);
  });

  it('rejects values that are neither counts nor percentages', () => {
    expect(() => batchSizes(4, 'half')).toThrow(/serial: expected a whole number or "N%"/);
    expect(() => batchSizes(4, 1.5)).toThrow(/serial/);
  });

  it('splitBatches keeps host order', () => {
    expect(splitBatches(['a', 'b', 'c', 'd', 'e'], [1, 2])).toEqual([['a'], ['b', 'c'], ['d', 'e']]);
  });
});

describe('failure limits', () => {
  it('max_fail_percentage must be exceeded, not merely reached', () => {
    expect(exceedsMaxFailPercentage(1, 4, 25)).toBe(false);
    expect(exceedsMaxFailPercentage(2, 4, 25)).toBe(true);
    expect(exceedsMaxFailPercentage(0, 4, 0)).toBe(false);
    expect(exceedsMaxFailPercentage(1, 100, 0)).toBe(true);
    expect(exceedsMaxFailPercentage(4, 4, undefined)).toBe(false);
  });

  it('failure budget as a count or a percentage of all hosts', () => {
    expect(exceedsFailureBudget(2, 2, 100)).toBe(false);
    expect(exceedsFailureBudget(3, 2, 100)).toBe(true);
    expect(exceedsFailureBudget(2, '2%', 100)).toBe(false);
    expect(exceedsFailureBudget(3, '2%', 100)).toBe(true);
    expect(exceedsFailureBudget(1000, null, 100)).toBe(false);
    expect(() => exceedsFailureBudget(1, 'lots', 10)).toThrow(/failure budget/);
  });

  it('names the limit that tripped', () => {
    const base = { batchIndex: 1, batchSize: 4, total: 20, batchDone: false };
    expect(failureStopReason({ ...base, batchFailed: 2, runFailed: 2, maxFailPercentage: 25 })).toMatch(/max_fail_percentage 25% exceeded in batch 2/);
    expect(failureStopReason({ ...base, batchFailed: 1, runFailed: 4, failureBudget: 3 })).toMatch(/failure budget 3 exceeded: 4 of 20/);
    // A refused or unknown host counts too (isFailure): the reason must not call a run stopped by a refusal "failed or unreachable".
    expect(failureStopReason({ ...base, batchFailed: 2, runFailed: 2, maxFailPercentage: 25 })).toMatch(/hosts failed, refused, unknown or unreachable$/);
    expect(failureStopReason({ ...base, batchFailed: 1, runFailed: 4, failureBudget: 3 })).toMatch(/hosts failed, refused, unknown or unreachable$/);
    expect(failureStopReason({ ...base, batchFailed: 4, runFailed: 4 })).toBeNull();
    expect(failureStopReason({ ...base, batchFailed: 4, runFailed: 4, batchDone: true })).toMatch(/every host of batch 2/);
  });
});
