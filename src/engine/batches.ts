// Rolling batches (Ansible `serial`) and the failure limits: max_fail_percentage per batch and a run-wide budget.
import { OrchestratorError } from '../util/errors.js';

/** A batch size: a count, or "N%" of the whole play. */
export type SerialValue = number | string;
/** One value, or a list whose last value repeats until every host is placed; absent = one batch of all hosts. */
export type SerialSpec = SerialValue | SerialValue[] | undefined | null;

export class BatchSpecError extends OrchestratorError {
  constructor(message: string) {
    super('E_BATCH_SPEC', message);
  }
}

const PERCENT = /^\s*(\d+(?:\.\d+)?)\s*%\s*$/;
const COUNT = /^\s*-?\d+\s*$/;

/** Like Ansible's pct_to_int: a percentage of the total rounded down, but never below 1; counts pass through. */
export function serialValueToCount(value: SerialValue, total: number): number {
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) throw new BatchSpecError(`serial: expected a whole number or "N%", got ${value}`);
    return value;
  }
  const pct = PERCENT.exec(value);
  if (pct) return Math.floor((Number(pct[1]) / 100) * total) || 1;
  if (COUNT.test(value)) return Number(value);
  throw new BatchSpecError(`serial: expected a whole number or "N%", got ${JSON.stringify(value)}`);
}

/** Sizes of the batches for `total` hosts; a size of 0 or less puts every remaining host in one batch (as Ansible does). */
export function batchSizes(total: number, serial: SerialSpec): number[] {
  const list = serial === undefined || serial === null ? [] : Array.isArray(serial) ? serial : [serial];
  if (total <= 0) return [];
  if (list.length === 0) return [total];
  const sizes: number[] = [];
  let left = total;
  let i = 0;
  while (left > 0) {
    const n = serialValueToCount(list[i]!, total);
    const take = n <= 0 ? left : Math.min(n, left);
    sizes.push(take);
    left -= take;
    if (i < list.length - 1) i++;
  }
  return sizes;
}

export function splitBatches<T>(items: readonly T[], serial: SerialSpec): T[][] {
  const out: T[][] = [];
  let at = 0;
  for (const n of batchSizes(items.length, serial)) {
    out.push(items.slice(at, at + n));
    at += n;
  }
  return out;
}

/** Ansible semantics: the batch trips only when its failed+unreachable share EXCEEDS the percentage (equal is fine). */
export function exceedsMaxFailPercentage(failedInBatch: number, batchSize: number, maxFailPercentage: number | undefined | null): boolean {
  if (maxFailPercentage === undefined || maxFailPercentage === null || batchSize <= 0) return false;
  return (failedInBatch / batchSize) * 100 > maxFailPercentage;
}

/** Run-wide budget: a count or "N%" of all hosts; the run stops once failed+unreachable exceed it. */
export function failureBudgetAllows(budget: number | string | undefined | null, total: number): number {
  if (budget === undefined || budget === null) return Infinity;
  if (typeof budget === 'number') {
    if (!Number.isFinite(budget) || budget < 0) throw new BatchSpecError(`failure budget: expected a count >= 0 or "N%", got ${budget}`);
    return budget;
  }
  const pct = PERCENT.exec(budget);
  if (pct) return (Number(pct[1]) / 100) * total;
  if (/^\s*\d+\s*$/.test(budget)) return Number(budget);
  throw new BatchSpecError(`failure budget: expected a count >= 0 or "N%", got ${JSON.stringify(budget)}`);
}

export function exceedsFailureBudget(failedSoFar: number, budget: number | string | undefined | null, total: number): boolean {
  return failedSoFar > failureBudgetAllows(budget, total);
}

/** What counts against the limits (isFailure): named in full, so a stop after a refused host does not read "failed". */
const COUNTED = 'failed, refused, unknown or unreachable';

/** Why the run must stop after this host/batch, or null. */
export function failureStopReason(opts: {
  batchIndex: number;
  batchSize: number;
  batchFailed: number;
  batchDone: boolean;
  runFailed: number;
  total: number;
  maxFailPercentage?: number | null;
  failureBudget?: number | string | null;
}): string | null {
  const b = opts.batchIndex + 1;
  if (exceedsMaxFailPercentage(opts.batchFailed, opts.batchSize, opts.maxFailPercentage)) {
    return `max_fail_percentage ${opts.maxFailPercentage}% exceeded in batch ${b}: ${opts.batchFailed} of ${opts.batchSize} hosts ${COUNTED}`;
  }
  if (exceedsFailureBudget(opts.runFailed, opts.failureBudget, opts.total)) {
    return `failure budget ${opts.failureBudget} exceeded: ${opts.runFailed} of ${opts.total} hosts ${COUNTED}`;
  }
  // Ansible also ends the play when every host of a batch failed, whatever the percentage.
  if (opts.batchDone && opts.batchSize > 0 && opts.batchFailed === opts.batchSize) {
    return `every host of batch ${b} (${opts.batchSize}) failed, was refused, unknown or unreachable`;
  }
  return null;
}
