// Retry pacing for the OpenStack client: exponential backoff with jitter, Retry-After, and an abortable sleep.

export interface BackoffPolicy {
  baseMs: number;
  maxMs: number;
  /** Injected for tests; Math.random otherwise. */
  random?: () => number;
}

/**
 * Delay before retry number `attempt` (0-based): base * 2^attempt capped at max, then "equal jitter"
 * (half fixed, half random) so many controllers retrying the same API do not stampede in lockstep.
 */
export function backoffDelay(attempt: number, policy: BackoffPolicy): number {
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** attempt);
  const rnd = (policy.random ?? Math.random)();
  return Math.round(ceiling / 2 + (ceiling / 2) * rnd);
}

/** Retry-After in seconds (the only form Nova/Keystone send), capped so a bad header cannot stall a run. */
export function retryAfterMs(header: string | string[] | undefined, capMs: number): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined || !/^\d+$/.test(value.trim())) return undefined;
  return Math.min(Number(value.trim()) * 1000, capMs);
}

export { sleep } from '../util/sleep.js';
