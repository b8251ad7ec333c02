// The one way a wait judges its deadline: on the monotonic clock, and with one more try when the controller itself was paused.
import { performance } from 'node:perf_hooks';

/** The two clocks a deadline reads: `mono` only moves forward at one second per second; `wall` is the date. */
export interface Clock {
  mono(): number;
  wall(): number;
}

export const systemClock: Clock = { mono: () => performance.now(), wall: () => Date.now() };

/**
 * Notices that the controller did not run for a while: a SIGSTOP (Ctrl-Z, a debugger), a VM paused, a laptop asleep.
 * A tick is due every `intervalMs`; a look that finds the last tick much older than that on either clock (the monotonic
 * one stops while a machine sleeps, the wall clock does not) counts one pause. Between two looks a pause can only be
 * seen, never invented: a busy event loop stalls for far less than `thresholdMs`.
 */
export class PauseWatch {
  #lastMono: number;
  #lastWall: number;
  #count = 0;
  #lastPauseMs = 0;
  #timer: NodeJS.Timeout | undefined;

  constructor(readonly clock: Clock = systemClock, private readonly intervalMs = 1_000, private readonly thresholdMs = 30_000) {
    this.#lastMono = clock.mono();
    this.#lastWall = clock.wall();
  }

  /** Starts the background tick (unref'd: it never keeps the process alive). */
  start(): this {
    if (this.#timer === undefined) {
      this.#timer = setInterval(() => this.look(), this.intervalMs);
      this.#timer.unref();
    }
    return this;
  }

  stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** Compares both clocks with the last look; returns how many pauses have been seen so far. */
  look(): number {
    const mono = this.clock.mono();
    const wall = this.clock.wall();
    const gap = Math.max(mono - this.#lastMono, wall - this.#lastWall);
    if (gap > this.intervalMs + this.thresholdMs) {
      this.#count += 1;
      this.#lastPauseMs = gap;
    }
    this.#lastMono = mono;
    this.#lastWall = wall;
    return this.#count;
  }

  get count(): number {
    return this.#count;
  }

  /** How long the last pause seen lasted (ms). */
  get lastPauseMs(): number {
    return this.#lastPauseMs;
  }
}

let shared: PauseWatch | undefined;

/** The process-wide watch, started on first use. */
export function processPauseWatch(): PauseWatch {
  shared ??= new PauseWatch().start();
  return shared;
}

/**
 * A watch that never sees a pause, and runs no timer: for a virtual clock (the rehearsal), where time jumps by design and
 * a background tick would keep the simulation from ever running out of timers.
 */
export function neverPausedWatch(): PauseWatch {
  return new PauseWatch(systemClock, 1_000, Number.POSITIVE_INFINITY);
}

/** Tests put a watch over a fake clock in its place (deadlines made meanwhile read that clock); returns the undo. */
export function useProcessPauseWatch(watch: PauseWatch): () => void {
  const before = shared;
  shared = watch;
  return () => { shared = before; };
}

export interface DeadlineOptions {
  clock?: Clock;
  watch?: PauseWatch;
  /** How long the one extra try after a pause may take. Default 30 s. */
  graceMs?: number;
}

/**
 * A deadline `timeoutMs` from now on the monotonic clock. When it has passed but the controller was paused since the
 * last try began, the host had no fair chance to answer (it may have been up for an hour while we slept): the deadline
 * grants one more try of `graceMs` before it says passed. Each pause grants at most one such try.
 */
export class Deadline {
  readonly #clock: Clock;
  readonly #watch: PauseWatch;
  readonly #graceMs: number;
  #end: number;
  #pausesSeen: number;
  #extensions = 0;

  constructor(readonly timeoutMs: number, opts: DeadlineOptions = {}) {
    this.#watch = opts.watch ?? processPauseWatch();
    this.#clock = opts.clock ?? this.#watch.clock;
    this.#graceMs = opts.graceMs ?? 30_000;
    this.#end = this.#clock.mono() + timeoutMs;
    this.#pausesSeen = this.#watch.look();
  }

  /** Milliseconds left (0 when passed); after a pause noticed past the end, the one extra try's time. */
  left(): number {
    const pauses = this.#watch.look();
    const now = this.#clock.mono();
    // Whole milliseconds, as timers take them; never 0 while time is left.
    if (now < this.#end) return Math.ceil(this.#end - now);
    if (pauses > this.#pausesSeen) {
      this.#pausesSeen = pauses;
      this.#extensions += 1;
      this.#end = now + this.#graceMs;
      return this.#graceMs;
    }
    return 0;
  }

  passed(): boolean {
    return this.left() <= 0;
  }

  /** How many extra tries pauses have granted (for messages and logs). */
  get extensions(): number {
    return this.#extensions;
  }

  /** Said in a failure message when a pause was forgiven once. */
  note(): string {
    return this.#extensions === 0 ? '' : ` (the controller itself was paused for ${Math.round(this.#watch.lastPauseMs / 1000)}s meanwhile, so it tried once more after the deadline)`;
  }
}
