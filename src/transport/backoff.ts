// Bounded retries with exponential backoff and full jitter, cancellable by an AbortSignal.
import { AbortedError } from './types.js';

export interface BackoffOptions {
  /** Retries after the first attempt (0 = try once). */
  retries: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** Growth per attempt; 2 doubles the ceiling each time. */
  factor?: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { retries: 3, baseDelayMs: 250, maxDelayMs: 5_000, factor: 2 };

/**
 * Delay before retry number `retry` (1-based). "Full jitter": uniform in [ceiling/2, ceiling], so a
 * fleet that lost its hosts at once does not reconnect in lockstep, yet never retries immediately.
 */
export function backoffDelay(retry: number, opts: BackoffOptions, random: () => number = Math.random): number {
  const factor = opts.factor ?? 2;
  const ceiling = Math.min(opts.maxDelayMs, opts.baseDelayMs * factor ** Math.max(0, retry - 1));
  const r = Math.min(1, Math.max(0, random()));
  return Math.round(ceiling / 2 + (ceiling / 2) * r);
}

import { sleep } from '../util/sleep.js';

export { sleep };

export interface RetryHooks {
  isRetryable: (err: unknown) => boolean;
  signal?: AbortSignal;
  random?: () => number;
  onRetry?: (err: unknown, retry: number, delayMs: number) => void;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** Runs `attempt` until it succeeds, fails with a non-retryable error, or the retries are spent (last error thrown). */
export async function retryWithBackoff<T>(
  attempt: (n: number) => Promise<T>,
  opts: BackoffOptions,
  hooks: RetryHooks,
): Promise<T> {
  const wait = hooks.sleep ?? sleep;
  for (let n = 0; ; n++) {
    if (hooks.signal?.aborted) throw new AbortedError();
    try {
      return await attempt(n);
    } catch (err) {
      if (n >= opts.retries || !hooks.isRetryable(err) || hooks.signal?.aborted) throw err;
      const delay = backoffDelay(n + 1, opts, hooks.random);
      hooks.onRetry?.(err, n + 1, delay);
      await wait(delay, hooks.signal);
    }
  }
}
