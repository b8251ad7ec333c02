// Unit tests: the one backoff (exponential, equal jitter) and the bounded retry loop.
import { describe, expect, it } from 'vitest';
import { backoffDelay, retryWithBackoff, type BackoffOptions } from '../../../src/util/backoff.js';
import { AbortedError } from '../../../src/transport/types.js';

const opts: BackoffOptions = { retries: 4, baseDelayMs: 100, maxDelayMs: 1000, factor: 2 };
const noSleep = async (): Promise<void> => undefined;

describe('backoffDelay', () => {
  it('grows exponentially up to the cap, jittered within [ceiling/2, ceiling]', () => {
    const policy = { baseMs: opts.baseDelayMs, maxMs: opts.maxDelayMs, factor: opts.factor };
    expect([0, 1, 2, 3, 4, 5].map((n) => backoffDelay(n, { ...policy, random: () => 1 }))).toEqual([100, 200, 400, 800, 1000, 1000]);
    expect([0, 1, 2, 3].map((n) => backoffDelay(n, { ...policy, random: () => 0 }))).toEqual([50, 100, 200, 400]);
    expect(backoffDelay(2, { ...policy, random: () => 0.5 })).toBe(300);
  });
});

describe('retryWithBackoff', () => {
  it('retries retryable errors the configured number of times, then throws the last one', async () => {
    const delays: number[] = [];
    let calls = 0;
    const err = await retryWithBackoff(
      async (n) => {
        calls++;
        throw new Error(`fail ${n}`);
      },
      opts,
      { isRetryable: () => true, sleep: async (ms) => void delays.push(ms), random: () => 1 },
    ).catch((e: unknown) => e);
    expect(calls).toBe(5);
    expect((err as Error).message).toBe('fail 4');
    expect(delays).toEqual([100, 200, 400, 800]);
  });

  it('stops at once on a non-retryable error and returns the first success', async () => {
    let calls = 0;
    await expect(
      retryWithBackoff(async () => { calls++; throw new Error('auth'); }, opts, { isRetryable: () => false, sleep: noSleep }),
    ).rejects.toThrow('auth');
    expect(calls).toBe(1);
    let n = 0;
    const v = await retryWithBackoff(async () => { if (++n < 3) throw new Error('x'); return 'ok'; }, opts, { isRetryable: () => true, sleep: noSleep });
    expect(v).toBe('ok');
    expect(n).toBe(3);
  });

  it('honours an abort signal', async () => {
    const ac = new AbortController();
    const p = retryWithBackoff(async () => { ac.abort(); throw new Error('x'); }, opts, { isRetryable: () => true, signal: ac.signal, sleep: noSleep });
    await expect(p).rejects.toThrow('x');
    await expect(retryWithBackoff(async () => 1, opts, { isRetryable: () => true, signal: ac.signal })).rejects.toBeInstanceOf(AbortedError);
  });
});
