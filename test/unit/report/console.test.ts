// Console reporter rendered to a fake stream: pipe vs TTY, NO_COLOR, throttling, summary.
import { afterEach, describe, expect, it } from 'vitest';
import { EngineEvents, type HostOutcome, type RunSummary } from '../../../src/engine/events.js';
import { ConsoleReporter, summaryLines } from '../../../src/report/console.js';
import { clearSecrets, registerSecret } from '../../../src/util/logger.js';

class FakeStream {
  chunks: string[] = [];
  constructor(
    readonly isTTY: boolean,
    readonly columns = 80,
  ) {}
  write(s: string): boolean {
    this.chunks.push(s);
    return true;
  }
  get text(): string {
    return this.chunks.join('');
  }
}

const COLOUR = /\x1b\[(3\d|1|2|22|39)m/;
const CURSOR_UP = /\x1b\[\d+A/;

function summary(hosts: HostOutcome[], over: Partial<RunSummary> = {}): RunSummary {
  const n = (r: HostOutcome['result']) => hosts.filter((h) => h.result === r).length;
  return {
    runId: 'r1', mode: 'apply', total: hosts.length, done: n('ok') + n('changed'), changed: n('changed'), wouldChange: 0,
    failed: n('failed'), unreachable: n('unreachable'), deferred: n('deferred'), cancelled: n('cancelled'),
    notStarted: hosts.filter((h) => h.result === null).length, stopReason: null, cancel: null,
    startedAt: '', endedAt: '', hosts, ...over,
  };
}

/** A small run: h1 changed, h2 failed at update-packages, h3 unreachable. */
function play(events: EngineEvents): void {
  events.emit({ type: 'run-start', runId: 'r1', mode: 'apply', hosts: 3, batchSizes: [3], forks: 50, steps: ['update-packages', 'reboot'] });
  events.emit({ type: 'batch-start', index: 0, batches: 1, hosts: ['h1', 'h2', 'h3'] });
  for (const h of ['h1', 'h2', 'h3']) events.emit({ type: 'host-start', host: h, batch: 0 });
  events.emit({ type: 'step-start', host: 'h1', step: 'update-packages', title: 'Update', attempt: 1 });
  events.emit({ type: 'step-end', host: 'h1', step: 'update-packages', status: 'changed', diff: { step: 'update-packages', changes: [{ kind: 'k', summary: 'kernel 1 -> 2' }], notes: [] }, durationMs: 5 });
  events.emit({ type: 'step-end', host: 'h1', step: 'reboot', status: 'ok', durationMs: 5 });
  events.emit({ type: 'host-end', host: 'h1', result: 'changed', durationMs: 10 });
  events.emit({ type: 'step-end', host: 'h2', step: 'update-packages', status: 'failed', error: 'yum: no space left', durationMs: 5 });
  events.emit({ type: 'step-end', host: 'h2', step: 'reboot', status: 'skipped', error: 'a previous step failed', durationMs: 0 });
  events.emit({ type: 'host-end', host: 'h2', result: 'failed', step: 'update-packages', error: 'yum: no space left', durationMs: 10 });
  events.emit({ type: 'host-end', host: 'h3', result: 'unreachable', step: 'connect', error: 'connection refused', durationMs: 1 });
  events.emit({ type: 'batch-end', index: 0, failed: 1, unreachable: 1, size: 3, stopReason: null });
  events.emit({
    type: 'run-end',
    summary: summary([
      { host: 'h1', result: 'changed', changedSteps: ['update-packages'] },
      { host: 'h2', result: 'failed', step: 'update-packages', error: 'yum: no space left', changedSteps: [] },
      { host: 'h3', result: 'unreachable', step: 'connect', error: 'connection refused', changedSteps: [] },
    ]),
  });
}

afterEach(() => clearSecrets());

describe('console reporter', () => {
  it('on a pipe: plain lines for transitions that matter, no ANSI codes, and a summary table', () => {
    const events = new EngineEvents();
    const out = new FakeStream(false);
    new ConsoleReporter(events, { stream: out, env: {} });
    play(events);
    expect(out.text).not.toMatch(/\x1b\[/);
    const lines = out.text.split('\n');
    expect(lines).toContain('h1  update-packages  changed (1 change)');
    expect(lines).toContain('h2  update-packages  FAILED: yum: no space left');
    expect(lines.some((l) => l.startsWith('h3  UNREACHABLE (connect: connection refused)'))).toBe(true);
    expect(out.text).not.toMatch(/reboot  (ok|skipped)/);
    expect(out.text).toMatch(/done\s+1\n/);
    expect(out.text).toMatch(/h2\s+failed\s+update-packages\s+yum: no space left/);
  });

  it('on a TTY: colour and a live view redrawn in place, showing active hosts and counts', () => {
    const events = new EngineEvents();
    const out = new FakeStream(true);
    new ConsoleReporter(events, { stream: out, env: {}, throttleMs: 0, now: () => 0 });
    events.emit({ type: 'run-start', runId: 'r1', mode: 'apply', hosts: 3, batchSizes: [3], forks: 50, steps: ['a'] });
    events.emit({ type: 'batch-start', index: 0, batches: 1, hosts: ['h1', 'h2'] });
    events.emit({ type: 'host-start', host: 'h1', batch: 0 });
    events.emit({ type: 'step-start', host: 'h1', step: 'drain', title: 'Drain', attempt: 1 });
    const live = out.chunks.at(-1)!;
    expect(live).toMatch(/batch 1\/1/);
    expect(live).toMatch(/h1  drain/);
    events.emit({ type: 'host-start', host: 'h2', batch: 0 });
    expect(out.chunks.at(-1)).toMatch(CURSOR_UP);
    expect(out.text).toMatch(COLOUR);
  });

  it('on a TTY keeps the live view short with 1000 active hosts', () => {
    const events = new EngineEvents();
    const out = new FakeStream(true);
    new ConsoleReporter(events, { stream: out, env: {}, throttleMs: 0, now: () => 0, maxActiveLines: 5 });
    events.emit({ type: 'run-start', runId: 'r1', mode: 'apply', hosts: 1000, batchSizes: [1000], forks: 1000, steps: ['a'] });
    for (let i = 0; i < 1000; i++) events.emit({ type: 'host-start', host: `h${i}`, batch: 0 });
    const last = out.chunks.at(-1)!;
    const drawn = last.replace(/^\r(\x1b\[\d+A)?\x1b\[J/, '').trimEnd().split('\n');
    expect(drawn).toHaveLength(7);
    expect(drawn.at(-1)).toMatch(/995 more active/);
    expect(drawn[0]).toMatch(/0\/1000 hosts/);
  });

  it('NO_COLOR on a TTY: still a live view, but no colour codes', () => {
    const events = new EngineEvents();
    const out = new FakeStream(true);
    new ConsoleReporter(events, { stream: out, env: { NO_COLOR: '1' }, throttleMs: 0, colour: true });
    play(events);
    expect(out.text).toMatch(CURSOR_UP);
    expect(out.text).not.toMatch(COLOUR);
    expect(out.text).toMatch(/h2  update-packages  FAILED/);
  });

  it('throttles redraws', () => {
    const events = new EngineEvents();
    const out = new FakeStream(true);
    const r = new ConsoleReporter(events, { stream: out, env: {}, throttleMs: 1000, now: () => 5000 });
    events.emit({ type: 'run-start', runId: 'r1', mode: 'apply', hosts: 100, batchSizes: [100], forks: 100, steps: ['a'] });
    const before = out.chunks.length;
    for (let i = 0; i < 100; i++) events.emit({ type: 'host-start', host: `h${i}`, batch: 0 });
    expect(out.chunks.length).toBe(before);
    r.close();
  });

  it('never prints a registered secret', () => {
    registerSecret('pa55word');
    const events = new EngineEvents();
    const out = new FakeStream(false);
    new ConsoleReporter(events, { stream: out, env: {} });
    events.emit({ type: 'host-end', host: 'h1', result: 'failed', step: 'x', error: 'sudo: pa55word rejected', durationMs: 1 });
    expect(out.text).toContain('[redacted]');
    expect(out.text).not.toContain('pa55word');
  });

  it('summary lists hosts not started and why the run stopped, capped for huge fleets', () => {
    const hosts: HostOutcome[] = Array.from({ length: 120 }, (_, i) => ({ host: `h${i}`, result: null, notStarted: 'failure-limit' as const, changedSteps: [] }));
    const lines = summaryLines(summary(hosts, { stopReason: 'failure budget 2 exceeded' }), undefined, 10);
    expect(lines.join('\n')).toMatch(/not started\s+120/);
    expect(lines.join('\n')).toMatch(/h0\s+not started \(failure-limit\)/);
    expect(lines.join('\n')).toMatch(/… and 110 more hosts/);
    expect(lines.at(-1)).toBe('stopped: failure budget 2 exceeded');
  });
});
