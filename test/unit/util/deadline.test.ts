// Deadlines on a fake clock: the monotonic clock decides, and a controller paused past the end gets one more try.
import { describe, expect, it } from 'vitest';
import { Deadline, PauseWatch, type Clock } from '../../../src/util/deadline.js';

/** Both clocks at hand: `run` is time the controller lived through, `pause` a SIGSTOP, `sleep` a suspend (wall only). */
function fakeClock(): Clock & { run(ms: number): void; pause(ms: number): void; sleep(ms: number): void } {
  let mono = 5_000;
  let wall = Date.parse('2019-05-14T10:00:00Z');
  return {
    mono: () => mono, wall: () => wall,
    run(ms) { mono += ms; wall += ms; },
    pause(ms) { mono += ms; wall += ms; },
    sleep(ms) { wall += ms; },
  };
}

/** Time the controller lives through, looked at every second as the background tick does. */
function live(clock: ReturnType<typeof fakeClock>, watch: PauseWatch, ms: number): void {
  for (let t = 0; t < ms; t += 1_000) {
    clock.run(Math.min(1_000, ms - t));
    watch.look();
  }
}

describe('PauseWatch', () => {
  it('counts a gap between looks far beyond the tick as a pause, on either clock', () => {
    const clock = fakeClock();
    const watch = new PauseWatch(clock, 1_000, 30_000);
    live(clock, watch, 120_000);
    expect(watch.count).toBe(0);
    clock.pause(3_600_000);
    expect(watch.look()).toBe(1);
    expect(watch.lastPauseMs).toBe(3_600_000);
    // A laptop asleep: the monotonic clock stood still, the date moved on.
    clock.sleep(7_200_000);
    expect(watch.look()).toBe(2);
    // A slow event loop is not a pause.
    clock.run(20_000);
    expect(watch.look()).toBe(2);
  });
});

describe('Deadline', () => {
  it('passes on the monotonic clock when the controller ran all along: no extra try', () => {
    const clock = fakeClock();
    const watch = new PauseWatch(clock);
    const d = new Deadline(60_000, { watch });
    live(clock, watch, 59_000);
    expect(d.left()).toBe(1_000);
    live(clock, watch, 1_000);
    expect(d.passed()).toBe(true);
    expect(d.extensions).toBe(0);
    expect(d.note()).toBe('');
  });

  it('a pause past the end grants exactly one more try of graceMs, then passes', () => {
    const clock = fakeClock();
    const watch = new PauseWatch(clock);
    const d = new Deadline(60_000, { watch, graceMs: 10_000 });
    live(clock, watch, 10_000);
    clock.pause(3_600_000);
    expect(d.left()).toBe(10_000);
    expect(d.extensions).toBe(1);
    live(clock, watch, 4_000);
    expect(d.left()).toBe(6_000);
    live(clock, watch, 6_000);
    expect(d.passed()).toBe(true);
    expect(d.passed()).toBe(true);
    expect(d.extensions).toBe(1);
    expect(d.note()).toMatch(/paused for 3600s meanwhile, so it tried once more after the deadline/);
  });

  it('a second pause grants a second try, never more than one per pause', () => {
    const clock = fakeClock();
    const watch = new PauseWatch(clock);
    const d = new Deadline(1_000, { watch, graceMs: 2_000 });
    clock.pause(60_000);
    expect(d.passed()).toBe(false);
    clock.pause(60_000);
    expect(d.passed()).toBe(false);
    live(clock, watch, 2_000);
    expect(d.passed()).toBe(true);
    expect(d.extensions).toBe(2);
  });

  it('a laptop asleep does not spend the deadline (monotonic), and still counts as a pause if the end comes', () => {
    const clock = fakeClock();
    const watch = new PauseWatch(clock);
    const d = new Deadline(60_000, { watch, graceMs: 5_000 });
    clock.sleep(8 * 3_600_000);
    expect(d.left()).toBe(60_000);
    live(clock, watch, 60_000);
    // The sleep was seen before the end; when the end comes, one more try is still owed for it.
    expect(d.left()).toBe(5_000);
  });

  it('a pause seen by another look (the background tick) still counts for this deadline', () => {
    const clock = fakeClock();
    const watch = new PauseWatch(clock);
    const d = new Deadline(30_000, { watch, graceMs: 1_000 });
    clock.pause(120_000);
    watch.look();
    expect(d.passed()).toBe(false);
  });
});

describe('under a virtual clock (the rehearsal)', () => {
  it('a watch that never sees a pause: time jumps are not pauses, and no extra try is granted', () => {
    const clock = fakeClock();
    const watch = new PauseWatch(clock, 1_000, Number.POSITIVE_INFINITY);
    const d = new Deadline(1_000, { watch });
    clock.pause(3_600_000);
    expect(d.passed()).toBe(true);
    expect(d.extensions).toBe(0);
  });
});
