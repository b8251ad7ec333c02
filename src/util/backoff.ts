// The one backoff: exponential with equal jitter, Retry-After, and a bounded retry loop; used by SSH connects and HTTP calls.
import { AbortedError } from '../transport/types.js';
import { sleep } from './sleep.js';

export interface BackoffPolicy {
  baseMs: number;
  maxMs: number;
  /** Growth per attempt; 2 (the default) doubles the ceiling each time. */
  factor?: number;
  /** Injected for tests; Math.random otherwise. */
  random?: () => number;
}

/**
 * Delay before retry number `attempt` (0-based): base * factor^attempt capped at max, then "equal jitter" (half fixed,
 * half random: uniform in [ceiling/2, ceiling]), so a fleet or many controllers retrying at once do not do it in
 * lockstep, yet never retry immediately.
 */
export function backoffDelay(attempt: number, policy: BackoffPolicy): number {
  const ceiling = Math.min(policy.maxMs, policy.baseMs * (policy.factor ?? 2) ** Math.max(0, attempt));
  const r = Math.min(1, Math.max(0, (policy.random ?? Math.random)()));
  return Math.round(ceiling / 2 + (ceiling / 2) * r);
}

/** Retry-After in seconds (the only form Nova/Keystone send), capped so a bad header cannot stall a run. */
export function retryAfterMs(header: string | string[] | undefined, capMs: number): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined || !/^\d+$/.test(value.trim())) return undefined;
  return Math.min(Number(value.trim()) * 1000, capMs);
}

export interface BackoffOptions {
  /** Retries after the first attempt (0 = try once). */
  retries: number;
  baseDelayMs: number;
  maxDelayMs: number;
  factor?: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { retries: 3, baseDelayMs: 250, maxDelayMs: 5_000, factor: 2 };

export interface RetryHooks {
  isRetryable: (err: unknown) => boolean;
  signal?: AbortSignal;
  random?: () => number;
  onRetry?: (err: unknown, retry: number, delayMs: number) => void;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** Runs `attempt` until it succeeds, fails with a non-retryable error, or the retries are spent (last error thrown). */
export async function retryWithBackoff<T>(attempt: (n: number) => Promise<T>, opts: BackoffOptions, hooks: RetryHooks): Promise<T> {
  const wait = hooks.sleep ?? sleep;
  const policy: BackoffPolicy = { baseMs: opts.baseDelayMs, maxMs: opts.maxDelayMs, ...(opts.factor === undefined ? {} : { factor: opts.factor }), ...(hooks.random ? { random: hooks.random } : {}) };
  for (let n = 0; ; n++) {
    if (hooks.signal?.aborted) throw new AbortedError();
    try {
      return await attempt(n);
    } catch (err) {
      if (n >= opts.retries || !hooks.isRetryable(err) || hooks.signal?.aborted) throw err;
      const delay = backoffDelay(n, policy);
      hooks.onRetry?.(err, n + 1, delay);
      await wait(delay, hooks.signal);
    }
  }
}
