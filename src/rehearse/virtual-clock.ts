// A virtual clock for the rehearsal: replaces the global timers and Date while a simulation runs, and jumps time forward.
//
// Why our own and not @sinonjs/fake-timers: the rehearsal needs exactly one loop, "let every promise settle, then jump
// to the next timer", and it must also cover AbortSignal.timeout (the reboot step's deadline), which Node implements
// with internal timers that no fake-timers library replaces. Owning the ~100 lines keeps the rule in one place, adds no
// dependency, and lets a stuck simulation (nothing pending, nothing settling) fail loudly instead of hanging.
//
// Everything the engine and the steps wait on goes through setTimeout (util/sleep.ts, drain's poll, p-queue has no
// timers without an interval), Date.now (deadlines) and performance.now (durations), so patching these globals drives
// the real engine and the real steps unchanged. The simulated hosts and cloud do no real I/O, so between two timers
// every piece of work is a promise continuation, and one real setImmediate lets them all run.
import { neverPausedWatch, useProcessPauseWatch } from '../util/deadline.js';

interface VTimer {
  id: number;
  at: number;
  seq: number;
  fn: (...args: unknown[]) => void;
  args: unknown[];
  repeat: number | null;
  refed: boolean;
}

/** What setTimeout returns under the virtual clock: enough of Node's Timeout for the code the simulation runs. */
class VTimeout {
  constructor(readonly id: number, private readonly clock: VirtualClock) {}
  ref(): this {
    this.clock.setRef(this.id, true);
    return this;
  }
  unref(): this {
    this.clock.setRef(this.id, false);
    return this;
  }
  hasRef(): boolean {
    return this.clock.hasRef(this.id);
  }
  refresh(): this {
    this.clock.refresh(this.id);
    return this;
  }
  [Symbol.toPrimitive](): number {
    return this.id;
  }
}

export class SimulationStuckError extends Error {
  constructor(at: number) {
    super(`the simulation is stuck at virtual time ${new Date(at).toISOString()}: nothing is pending and the run has not ended`);
    this.name = 'SimulationStuckError';
  }
}

const real = {
  setTimeout: globalThis.setTimeout,
  clearTimeout: globalThis.clearTimeout,
  setInterval: globalThis.setInterval,
  clearInterval: globalThis.clearInterval,
  setImmediate: globalThis.setImmediate,
  Date: globalThis.Date,
  abortTimeout: AbortSignal.timeout.bind(AbortSignal),
};

/** A binary min-heap of timers ordered by (at, seq): FIFO among timers due at the same instant, as Node does. */
class TimerHeap {
  private readonly a: VTimer[] = [];
  get size(): number {
    return this.a.length;
  }
  push(t: VTimer): void {
    const a = this.a;
    a.push(t);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!before(a[i]!, a[p]!)) break;
      [a[i], a[p]] = [a[p]!, a[i]!];
      i = p;
    }
  }
  pop(): VTimer | undefined {
    const a = this.a;
    const top = a[0];
    const last = a.pop();
    if (a.length && last) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && before(a[l]!, a[m]!)) m = l;
        if (r < a.length && before(a[r]!, a[m]!)) m = r;
        if (m === i) break;
        [a[i], a[m]] = [a[m]!, a[i]!];
        i = m;
      }
    }
    return top;
  }
}

function before(x: VTimer, y: VTimer): boolean {
  return x.at < y.at || (x.at === y.at && x.seq < y.seq);
}

export class VirtualClock {
  private nowMs: number;
  private readonly startMs: number;
  private readonly heap = new TimerHeap();
  /** Live timers by id; a cleared timer is dropped here and skipped when the heap hands it out. */
  private readonly live = new Map<number, VTimer>();
  private nextId = 1;
  private seq = 0;
  private installed = false;
  private undoPauseWatch: () => void = () => undefined;
  /** Timers fired so far (a cost figure for the benchmark). */
  fired = 0;

  constructor(startMs: number) {
    this.nowMs = startMs;
    this.startMs = startMs;
  }

  now(): number {
    return this.nowMs;
  }

  /** Virtual milliseconds since the clock was created. */
  elapsed(): number {
    return this.nowMs - this.startMs;
  }

  setTimer(fn: (...args: unknown[]) => void, ms: number | undefined, args: unknown[], repeat: boolean): VTimeout {
    const delay = Math.max(0, Number.isFinite(Number(ms)) ? Number(ms) : 0);
    const t: VTimer = { id: this.nextId++, at: this.nowMs + delay, seq: this.seq++, fn, args, repeat: repeat ? Math.max(1, delay) : null, refed: true };
    this.live.set(t.id, t);
    this.heap.push(t);
    return new VTimeout(t.id, this);
  }

  clearTimer(handle: unknown): void {
    if (handle === undefined || handle === null) return;
    this.live.delete(Number(handle as number));
  }

  setRef(id: number, refed: boolean): void {
    const t = this.live.get(id);
    if (t) t.refed = refed;
  }

  hasRef(id: number): boolean {
    return this.live.get(id)?.refed ?? false;
  }

  refresh(id: number): void {
    const t = this.live.get(id);
    if (!t) return;
    // Re-armed: the old heap entry is orphaned by giving the timer a fresh sequence number.
    const fresh: VTimer = { ...t, at: this.nowMs + (t.repeat ?? Math.max(0, t.at - this.nowMs)), seq: this.seq++ };
    this.live.set(id, fresh);
    this.heap.push(fresh);
  }

  /** Replaces the global timers, Date, performance.now and AbortSignal.timeout with virtual ones. */
  install(): void {
    if (this.installed) throw new Error('virtual clock already installed');
    this.installed = true;
    // Virtual time jumps by design: deadlines must not take a jump for a paused controller (util/deadline.ts).
    this.undoPauseWatch = useProcessPauseWatch(neverPausedWatch());
    const clock = this;
    const g = globalThis as Record<string, unknown>;
    g['setTimeout'] = (fn: (...a: unknown[]) => void, ms?: number, ...args: unknown[]) => clock.setTimer(fn, ms, args, false);
    g['setInterval'] = (fn: (...a: unknown[]) => void, ms?: number, ...args: unknown[]) => clock.setTimer(fn, ms, args, true);
    g['clearTimeout'] = (h: unknown) => clock.clearTimer(h);
    g['clearInterval'] = (h: unknown) => clock.clearTimer(h);
    const RealDate = real.Date;
    class VDate extends RealDate {
      constructor(...args: unknown[]) {
        if (args.length === 0) super(clock.nowMs);
        else super(...(args as [number]));
      }
      static override now(): number {
        return clock.nowMs;
      }
    }
    g['Date'] = VDate;
    Object.defineProperty(performance, 'now', { value: () => clock.nowMs - clock.startMs, configurable: true, writable: true });
    AbortSignal.timeout = (ms: number): AbortSignal => {
      const c = new AbortController();
      clock.setTimer(() => c.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError')), ms, [], false).unref();
      return c.signal;
    };
  }

  uninstall(): void {
    if (!this.installed) return;
    this.installed = false;
    this.undoPauseWatch();
    const g = globalThis as Record<string, unknown>;
    g['setTimeout'] = real.setTimeout;
    g['setInterval'] = real.setInterval;
    g['clearTimeout'] = real.clearTimeout;
    g['clearInterval'] = real.clearInterval;
    g['Date'] = real.Date;
    delete (performance as unknown as Record<string, unknown>)['now'];
    AbortSignal.timeout = real.abortTimeout;
  }

  /**
   * Runs `work` on virtual time: lets every continuation settle (one real setImmediate drains the microtask queue),
   * then fires the earliest timer, until `work` settles. Throws SimulationStuckError when nothing is left to fire.
   */
  async run<T>(work: () => Promise<T>): Promise<T> {
    this.install();
    let settled = false;
    let value: T | undefined;
    let error: unknown;
    try {
      work().then((v) => { settled = true; value = v; }, (e: unknown) => { settled = true; error = e ?? new Error('rejected'); });
      for (;;) {
        await new Promise<void>((r) => real.setImmediate(r));
        if (settled) break;
        const t = this.nextLive();
        if (!t) {
          // Give real I/O (there should be none) a last chance before calling the simulation stuck.
          await new Promise<void>((r) => real.setTimeout(r, 20));
          if (settled) break;
          if (!this.peekLive()) throw new SimulationStuckError(this.nowMs);
          continue;
        }
        this.nowMs = Math.max(this.nowMs, t.at);
        if (t.repeat !== null) {
          const again: VTimer = { ...t, at: this.nowMs + t.repeat, seq: this.seq++ };
          this.live.set(t.id, again);
          this.heap.push(again);
        } else {
          this.live.delete(t.id);
        }
        this.fired++;
        t.fn(...t.args);
      }
    } finally {
      this.uninstall();
    }
    if (error !== undefined) throw error;
    return value as T;
  }

  private nextLive(): VTimer | undefined {
    for (;;) {
      const t = this.heap.pop();
      if (!t) return undefined;
      const cur = this.live.get(t.id);
      if (cur === t) return t;
    }
  }

  private peekLive(): boolean {
    const t = this.nextLive();
    if (!t) return false;
    this.heap.push(t);
    return true;
  }
}
