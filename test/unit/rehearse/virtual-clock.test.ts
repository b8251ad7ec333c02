// The virtual clock: timers fire in virtual-time order, Date and AbortSignal.timeout follow it, globals come back after.
import { describe, expect, it } from 'vitest';
import { SimulationStuckError, VirtualClock } from '../../../src/rehearse/virtual-clock.js';
import { Deadline } from '../../../src/util/deadline.js';
import { sleep } from '../../../src/util/sleep.js';

const START = Date.UTC(2026, 0, 1, 22, 0, 0);

describe('VirtualClock', () => {
  it('runs an hour of sleeps on virtual time, in order, with Date.now and performance.now following', async () => {
    const clock = new VirtualClock(START);
    const seen: string[] = [];
    const result = await clock.run(async () => {
      const t0 = performance.now();
      await Promise.all([
        sleep(3_600_000).then(() => seen.push(`late@${Date.now() - START}`)),
        sleep(1000).then(() => seen.push(`early@${new Date().getTime() - START}`)),
      ]);
      return performance.now() - t0;
    });
    expect(seen).toEqual(['early@1000', 'late@3600000']);
    expect(result).toBe(3_600_000);
    expect(clock.elapsed()).toBe(3_600_000);
  });

  it('keeps FIFO order among timers due at the same instant and honours clearTimeout', async () => {
    const clock = new VirtualClock(START);
    const order: number[] = [];
    await clock.run(async () => {
      setTimeout(() => order.push(1), 50);
      const cancelled = setTimeout(() => order.push(99), 50);
      setTimeout(() => order.push(2), 50);
      clearTimeout(cancelled);
      await sleep(100);
    });
    expect(order).toEqual([1, 2]);
  });

  it('fires AbortSignal.timeout on virtual time', async () => {
    const clock = new VirtualClock(START);
    const err = await clock.run(async () => {
      const signal = AbortSignal.timeout(20 * 60_000);
      return sleep(24 * 3_600_000, signal).then(() => null, (e: unknown) => e);
    });
    expect(err).toMatchObject({ code: 'E_ABORTED' });
    expect(clock.elapsed()).toBe(20 * 60_000);
  });

  it('restores the real timers and Date afterwards, also when the work throws', async () => {
    const realSetTimeout = globalThis.setTimeout;
    const realDate = globalThis.Date;
    const clock = new VirtualClock(START);
    await expect(clock.run(async () => {
      await sleep(10);
      throw new Error('boom');
    })).rejects.toThrow('boom');
    expect(globalThis.setTimeout).toBe(realSetTimeout);
    expect(globalThis.Date).toBe(realDate);
    expect(Math.abs(Date.now() - new realDate().getTime())).toBeLessThan(60_000);
  });

  it('calls a run that waits on nothing stuck instead of hanging', async () => {
    const clock = new VirtualClock(START);
    await expect(clock.run(() => new Promise<void>(() => undefined))).rejects.toBeInstanceOf(SimulationStuckError);
  });

  it('repeats setInterval until cleared', async () => {
    const clock = new VirtualClock(START);
    let ticks = 0;
    await clock.run(async () => {
      const h = setInterval(() => { ticks++; }, 1000);
      await sleep(3500);
      clearInterval(h);
    });
    expect(ticks).toBe(3);
  });
});

describe('deadlines under the virtual clock', () => {
  // First in this file: the process-wide pause watch is created by the first deadline ever made.
  it('a deadline starts no background tick on virtual time: a stuck simulation is still called stuck', async () => {
    const clock = new VirtualClock(START);
    await expect(clock.run(async () => {
      const d = new Deadline(60_000);
      await new Promise<never>(() => undefined);
      return d;
    })).rejects.toBeInstanceOf(SimulationStuckError);
  });

  it('a jump of virtual time is not a controller pause: a deadline past its end grants no extra try', async () => {
    const clock = new VirtualClock(START);
    const seen = await clock.run(async () => {
      const d = new Deadline(60_000);
      await sleep(3_600_000);
      return { passed: d.passed(), extensions: d.extensions };
    });
    expect(seen).toEqual({ passed: true, extensions: 0 });
  });
});
