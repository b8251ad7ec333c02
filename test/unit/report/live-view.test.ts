// The live view at fleet scale: timers that move between events, migrations and reboot phases, batch i/N and an ETA,
// 80 columns, line-oriented output on a pipe, and no MaxListenersExceededWarning with 1,000 hosts in flight.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CancelController } from '../../../src/engine/cancel.js';
import { EngineEvents } from '../../../src/engine/events.js';
import { runFleet } from '../../../src/engine/runner.js';
import { ConsoleReporter } from '../../../src/report/console.js';
import { MemoryTransport } from '../../../src/transport/memory-transport.js';
import { sleep } from '../../../src/util/sleep.js';
import { fakeFacts, flagStep, hosts, planned, type Calls } from '../engine/fixtures.js';

class FakeStream {
  chunks: string[] = [];
  constructor(readonly isTTY: boolean, readonly columns = 80) {}
  write(s: string): boolean {
    this.chunks.push(s);
    return true;
  }
  get text(): string {
    return this.chunks.join('');
  }
  /** The last frame of the live view, as lines without the cursor codes. */
  get frame(): string[] {
    return this.chunks.at(-1)!.replace(/^\r(\x1b\[\d+A)?\x1b\[J/, '').replace(/\n$/, '').split('\n');
  }
}

const LONG = 'overcloud-novacompute-0017.rack12.dc1.example.com';

function start(events: EngineEvents, hostsCount = 500, batchSizes = [1, 5, 100, 100, 100, 100, 94]): void {
  events.emit({ type: 'run-start', runId: 'r1', mode: 'apply', hosts: hostsCount, batchSizes, forks: 50, steps: ['update-packages', 'drain', 'reboot'] });
}

afterEach(() => {
  vi.useRealTimers();
});

describe('live view', () => {
  it('shows per host migrations done/total and the reboot phase, the fleet migrations and batch i/N, within 80 columns', () => {
    const events = new EngineEvents();
    const out = new FakeStream(true, 80);
    new ConsoleReporter(events, { stream: out, env: {}, throttleMs: 0, colour: false });
    start(events);
    events.emit({ type: 'batch-start', index: 1, batches: 7, hosts: [LONG, 'compute2'] });
    events.emit({ type: 'host-start', host: LONG, batch: 1 });
    events.emit({ type: 'host-start', host: 'compute2', batch: 1 });
    events.emit({ type: 'step-start', host: LONG, step: 'drain', title: 'Drain', attempt: 1 });
    events.emit({ type: 'step-progress', host: LONG, step: 'drain', count: { unit: 'migrations', done: 3, total: 8 } });
    events.emit({ type: 'step-start', host: 'compute2', step: 'drain', title: 'Drain', attempt: 1 });
    events.emit({ type: 'step-progress', host: 'compute2', step: 'drain', count: { unit: 'migrations', done: 2, total: 2 } });
    events.emit({ type: 'step-start', host: 'compute2', step: 'reboot', title: 'Reboot', attempt: 1 });
    events.emit({ type: 'step-progress', host: 'compute2', step: 'reboot', phase: 'down, waiting for ssh up' });
    const frame = out.frame;
    for (const l of frame) expect(l.length, l).toBeLessThan(80);
    expect(frame[0]).toMatch(/^batch 2\/7 · 0\/500 hosts · migrations 5\/10 · active 2$/);
    expect(frame[1]).toMatch(/^ {2}overclo…compute-0017 {2}drain {7}3\/8 migrations +\d+ms$/);
    expect(frame[2]).toMatch(/^ {2}compute2 +reboot +down, waiting for ssh up +\d+ms$/);
  });

  it('keeps ticking between events on a TTY: a reboot timer moves without any event', () => {
    vi.useFakeTimers();
    vi.setSystemTime(0);
    const events = new EngineEvents();
    const out = new FakeStream(true, 80);
    const r = new ConsoleReporter(events, { stream: out, env: {}, throttleMs: 0, colour: false });
    start(events, 1, [1]);
    events.emit({ type: 'batch-start', index: 0, batches: 1, hosts: ['c1'] });
    events.emit({ type: 'host-start', host: 'c1', batch: 0 });
    events.emit({ type: 'step-start', host: 'c1', step: 'reboot', title: 'Reboot', attempt: 1 });
    expect(out.frame[1]).toMatch(/reboot +0ms$/);
    vi.advanceTimersByTime(21_000);
    expect(out.frame[1]).toMatch(/reboot +21\.0s$/);
    const frames = out.chunks.length;
    vi.advanceTimersByTime(3_000);
    expect(out.chunks.length).toBe(frames + 3);
    expect(out.frame[1]).toMatch(/24\.0s$/);
    r.close();
    vi.advanceTimersByTime(5_000);
    expect(out.chunks.length).toBe(frames + 3);
  });

  it('on a pipe: no repaint, no ticks, one progress line per batch with hosts finished and the ETA', () => {
    vi.useFakeTimers();
    vi.setSystemTime(0);
    const events = new EngineEvents();
    const out = new FakeStream(false);
    new ConsoleReporter(events, { stream: out, env: {} });
    start(events, 6, [1, 5]);
    events.emit({ type: 'batch-start', index: 0, batches: 2, hosts: ['c1'] });
    events.emit({ type: 'host-start', host: 'c1', batch: 0 });
    events.emit({ type: 'step-start', host: 'c1', step: 'reboot', title: 'Reboot', attempt: 1 });
    events.emit({ type: 'step-progress', host: 'c1', step: 'reboot', phase: 'waiting for ssh down' });
    const before = out.chunks.length;
    vi.advanceTimersByTime(600_000);
    expect(out.chunks.length).toBe(before);
    events.emit({ type: 'host-end', host: 'c1', result: 'changed', durationMs: 600_000 });
    events.emit({ type: 'batch-end', index: 0, failed: 0, unreachable: 0, size: 1, stopReason: null });
    events.emit({ type: 'batch-start', index: 1, batches: 2, hosts: ['c2', 'c3', 'c4', 'c5', 'c6'] });
    expect(out.text).not.toMatch(/\x1b\[/);
    expect(out.text.split('\n')).toContain('batch 1/2: 1 host · 0/6 hosts');
    // One round of 10 minutes learnt from batch 1; batch 2 (5 hosts, forks 50) is one round.
    expect(out.text.split('\n')).toContain('batch 2/2: 5 hosts · 1/6 hosts · ETA 10m00s');
  });

  it('1,000 hosts in flight: no MaxListenersExceededWarning, and the view stays within 80 columns', async () => {
    const warnings: string[] = [];
    const onWarning = (w: Error): void => {
      warnings.push(`${w.name}: ${w.message}`);
    };
    process.on('warning', onWarning);
    try {
      const cancel = new CancelController();
      const events = new EngineEvents();
      const out = new FakeStream(true, 80);
      const reporter = new ConsoleReporter(events, { stream: out, env: {}, throttleMs: 20 });
      const calls: Calls = { log: [] };
      // Every host waits on the controller's own signal at once, as the Nova client's requests do.
      const step = flagStep('drain', calls, {
        apply: async (ctx) => {
          ctx.progress?.({ count: { unit: 'migrations', done: 0, total: 1 } });
          await sleep(20, cancel.hard);
          await sleep(5, ctx.signal);
          ctx.progress?.({ count: { unit: 'migrations', done: 1, total: 1 } });
        },
      });
      const summary = await runFleet({
        runId: 'r', mode: 'apply', hosts: hosts(1000, 'compute-with-a-long-name-'), steps: planned(step), forks: 1000, cancel, events,
        transportFactory: (h) => new MemoryTransport(h.name), gatherFacts: async (t) => fakeFacts(t.host),
      });
      reporter.close();
      await new Promise((r) => setImmediate(r));
      expect(summary.changed).toBe(1000);
      expect(warnings).toEqual([]);
      const frames = out.chunks.filter((c) => c.includes('active'));
      expect(frames.length).toBeGreaterThan(0);
      for (const f of frames) for (const l of f.replace(/\r?\x1b\[\d*A?\x1b\[J/g, '').split('\n')) expect(l.replace(/\x1b\[[0-9;]*m/g, '').length).toBeLessThan(80);
      expect(out.text).toMatch(/migrations \d+\/\d+/);
    } finally {
      process.off('warning', onWarning);
    }
  });
});
