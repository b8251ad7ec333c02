// runFleet end to end over the in-memory transport: step flow, batches, limits, state, resume, cancellation.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CancelController } from '../../../src/engine/cancel.js';
import { EngineEvents, type EngineEvent } from '../../../src/engine/events.js';
import { Fleet } from '../../../src/engine/fleet.js';
import { runFleet, type RunFleetOptions } from '../../../src/engine/runner.js';
import { StateStore } from '../../../src/state/store.js';
import { DeferredError } from '../../../src/steps/types.js';
import { MemoryTransport } from '../../../src/transport/memory-transport.js';
import { AbortedError, UnreachableError } from '../../../src/transport/types.js';
import { RefusedError } from '../../../src/steps/errors.js';
import { deferred, diff, fakeFacts, flagStep, host, hosts, planned, type Calls } from './fixtures.js';

function base(over: Partial<RunFleetOptions> & Pick<RunFleetOptions, 'hosts' | 'steps'>): RunFleetOptions & { events: EngineEvents; seen: EngineEvent[] } {
  const events = new EngineEvents();
  const seen: EngineEvent[] = [];
  events.onAny((e) => seen.push(e));
  return {
    runId: 'run-1',
    mode: 'apply',
    forks: 4,
    transportFactory: (h) => new MemoryTransport(h.name),
    gatherFacts: async (t) => fakeFacts(t.host),
    events,
    seen,
    ...over,
  };
}

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), 'engine-test-'));
  dirs.push(d);
  return d;
}

describe('runFleet: steps on one host', () => {
  it('runs steps in order: check, apply, verify (check again); second run is all ok', async () => {
    const calls: Calls = { log: [] };
    const a = flagStep('a', calls);
    const b = flagStep('b', calls);
    const s = await runFleet(base({ hosts: [host('h1')], steps: planned(a, b) }));
    expect(calls.log).toEqual(['h1:a:check', 'h1:a:apply', 'h1:a:check', 'h1:b:check', 'h1:b:apply', 'h1:b:check']);
    expect(s.changed).toBe(1);
    expect(s.hosts[0]!.changedSteps).toEqual(['a', 'b']);
    calls.log.length = 0;
    const again = await runFleet(base({ hosts: [host('h1')], steps: planned(a, b) }));
    expect(calls.log).toEqual(['h1:a:check', 'h1:b:check']);
    expect(again.changed).toBe(0);
    expect(again.done).toBe(1);
  });

  it('after a failed step the remaining steps are skipped and the host is failed', async () => {
    const calls: Calls = { log: [] };
    const a = flagStep('a', calls, { apply: () => { throw new Error('yum exploded'); } });
    const b = flagStep('b', calls);
    const opts = base({ hosts: [host('h1'), host('h2')], steps: planned(a, b), serial: null });
    const s = await runFleet(opts);
    expect(calls.log.filter((l) => l.includes(':b:'))).toEqual([]);
    expect(s.failed).toBe(2);
    expect(s.hosts[0]).toMatchObject({ result: 'failed', step: 'a', error: 'yum exploded' });
    const ends = opts.seen.filter((e) => e.type === 'step-end' && e.host === 'h1').map((e) => e.type === 'step-end' && `${e.step}:${e.status}`);
    expect(ends).toEqual(['a:failed', 'b:skipped']);
  });

  it('plan mode runs check() only and never apply()', async () => {
    const calls: Calls = { log: [] };
    const a = flagStep('a', calls);
    const b = flagStep('b', calls, { initiallyDone: () => true });
    const opts = base({ hosts: hosts(3), steps: planned(a, b), mode: 'plan' });
    const s = await runFleet(opts);
    expect(calls.log.some((l) => l.endsWith(':apply'))).toBe(false);
    expect(s.wouldChange).toBe(3);
    expect(s.changed).toBe(0);
    const statuses = opts.seen.flatMap((e) => (e.type === 'step-end' ? [`${e.step}:${e.status}`] : []));
    expect(new Set(statuses)).toEqual(new Set(['a:would-change', 'b:ok']));
  });

  it('a verify that still finds changes fails the step with the leftover diff', async () => {
    const calls: Calls = { log: [] };
    const a = flagStep('a', calls, { verify: () => diff('a', 'md-clear still missing') });
    const b = flagStep('b', calls);
    const opts = base({ hosts: [host('h1')], steps: planned(a, b) });
    const s = await runFleet(opts);
    expect(s.failed).toBe(1);
    expect(s.hosts[0]!.error).toContain('md-clear still missing');
    const end = opts.seen.find((e) => e.type === 'step-end' && e.step === 'a');
    expect(end).toMatchObject({ status: 'failed', diff: { changes: [{ summary: 'md-clear still missing' }] } });
    expect(calls.log).not.toContain('h1:b:check');
  });

  it('DeferredError defers the host: remaining steps not run, not counted as failed', async () => {
    const calls: Calls = { log: [] };
    const a = flagStep('a', calls, { check: () => { throw new DeferredError('failure domain busy'); } });
    const b = flagStep('b', calls);
    const s = await runFleet(base({ hosts: hosts(2), steps: planned(a, b), serial: 1, maxFailPercentage: 0 }));
    expect(s).toMatchObject({ deferred: 2, failed: 0, stopReason: null });
    expect(calls.log.some((l) => l.includes(':b:'))).toBe(false);
  });

  it('a disruptive step outside the maintenance window is deferred before apply', async () => {
    const calls: Calls = { log: [] };
    const fleet = new Fleet({ window: { start: '22:00', end: '06:00', timezone: 'UTC' }, now: () => new Date('2024-05-01T12:00:00Z') });
    const reboot = flagStep('reboot', calls, { disruptive: true });
    const s = await runFleet(base({ hosts: [host('h1')], steps: planned(reboot), fleet }));
    expect(s.hosts[0]).toMatchObject({ result: 'deferred', step: 'reboot' });
    expect(calls.log).toEqual(['h1:reboot:check']);
  });

  it('an unreachable host is unreachable, never failed, and its steps never run', async () => {
    const calls: Calls = { log: [] };
    const s = await runFleet(base({
      hosts: hosts(3),
      steps: planned(flagStep('a', calls)),
      transportFactory: (h) => new MemoryTransport(h.name, { unreachable: h.name === 'h2' }),
    }));
    expect(s).toMatchObject({ unreachable: 1, failed: 0, changed: 2 });
    expect(calls.log.some((l) => l.startsWith('h2:'))).toBe(false);
  });

  it('gathers facts once per host, again only after apply or refreshFacts()', async () => {
    const calls: Calls = { log: [] };
    let gathers = 0;
    const a = flagStep('a', calls, { initiallyDone: () => true, check: async (ctx) => { await ctx.facts(); await ctx.facts(); return undefined; } });
    const b = flagStep('b', calls, { check: async (ctx) => { await ctx.facts(); return undefined; } });
    await runFleet(base({ hosts: [host('h1')], steps: planned(a, b), gatherFacts: async (t) => { gathers++; return fakeFacts(t.host); } }));
    // 1 up front, 1 for b's verify after its apply.
    expect(gathers).toBe(2);
  });
});

describe('runFleet: batches and failure limits', () => {
  const failing = (names: string[], calls: Calls) => flagStep('a', calls, { apply: (ctx) => { if (names.includes(ctx.host.name)) throw new Error('boom'); } });

  it('runs batches in order with serial', async () => {
    const calls: Calls = { log: [] };
    const opts = base({ hosts: hosts(5), steps: planned(flagStep('a', calls)), serial: [1, 2] });
    await runFleet(opts);
    const batches = opts.seen.flatMap((e) => (e.type === 'batch-start' ? [e.hosts] : []));
    expect(batches).toEqual([['h1'], ['h2', 'h3'], ['h4', 'h5']]);
  });

  it('max_fail_percentage equal to the share of failures does not stop the run', async () => {
    const calls: Calls = { log: [] };
    const s = await runFleet(base({ hosts: hosts(8), steps: planned(failing(['h1'], calls)), serial: 4, maxFailPercentage: 25 }));
    expect(s.stopReason).toBeNull();
    expect(s.notStarted).toBe(0);
    expect(s.failed).toBe(1);
  });

  it('max_fail_percentage exceeded stops further batches; unreachable hosts count', async () => {
    const calls: Calls = { log: [] };
    const opts = base({
      hosts: hosts(8),
      steps: planned(failing(['h1'], calls)),
      serial: 4,
      maxFailPercentage: 25,
      transportFactory: (h) => new MemoryTransport(h.name, { unreachable: h.name === 'h2' }),
    });
    const s = await runFleet(opts);
    expect(s).toMatchObject({ failed: 1, unreachable: 1, notStarted: 4 });
    expect(s.stopReason).toMatch(/max_fail_percentage 25% exceeded in batch 1: 2 of 4/);
    expect(opts.seen.filter((e) => e.type === 'batch-start')).toHaveLength(1);
    expect(s.hosts.filter((h) => h.notStarted === 'failure-limit').map((h) => h.host)).toEqual(['h5', 'h6', 'h7', 'h8']);
  });

  it('a dry run is never stopped by failure limits: past an unreachable batch 1, every other host is planned', async () => {
    const calls: Calls = { log: [] };
    const opts = base({
      mode: 'plan', hosts: hosts(6), steps: planned(flagStep('a', calls)), serial: [1, 5], maxFailPercentage: 0, failureBudget: 0,
      transportFactory: (h) => new MemoryTransport(h.name, { unreachable: h.name === 'h1' || h.name === 'h3' }),
    });
    const s = await runFleet(opts);
    expect(s).toMatchObject({ unreachable: 2, wouldChange: 4, notStarted: 0, stopReason: null });
    expect(opts.seen.filter((e) => e.type === 'batch-start')).toHaveLength(2);
    // The same rollout applied stops after batch 1, as the limits say.
    const applied = await runFleet({ ...opts, mode: 'apply' });
    expect(applied).toMatchObject({ unreachable: 1, notStarted: 5 });
  });

  it('a whole batch failing stops the run even without max_fail_percentage (as Ansible)', async () => {
    const calls: Calls = { log: [] };
    const s = await runFleet(base({ hosts: hosts(4), steps: planned(failing(['h1', 'h2'], calls)), serial: 2 }));
    expect(s.stopReason).toMatch(/every host of batch 1/);
    expect(s.notStarted).toBe(2);
  });

  it('the run-wide failure budget stops new hosts once exceeded', async () => {
    const calls: Calls = { log: [] };
    const s = await runFleet(base({ hosts: hosts(6), steps: planned(failing(['h1', 'h3'], calls)), serial: 2, forks: 1, failureBudget: 1 }));
    expect(s.stopReason).toMatch(/failure budget 1 exceeded: 2 of 6/);
    expect(s.hosts.map((h) => h.result ?? h.notStarted)).toEqual(['failed', 'changed', 'failed', 'failure-limit', 'failure-limit', 'failure-limit']);
  });

  it('a percentage failure budget is a share of all hosts', async () => {
    const calls: Calls = { log: [] };
    const within = await runFleet(base({ hosts: hosts(10), steps: planned(failing(['h1'], calls)), serial: 2, failureBudget: '10%' }));
    expect(within.stopReason).toBeNull();
    const over = await runFleet(base({ hosts: hosts(10), steps: planned(failing(['h1', 'h3'], calls)), serial: 2, failureBudget: '10%' }));
    expect(over.stopReason).toMatch(/failure budget 10% exceeded/);
    expect(over.notStarted).toBe(6);
  });

  it('never runs more hosts at once than forks', async () => {
    let running = 0;
    let peak = 0;
    const calls: Calls = { log: [] };
    const slow = flagStep('a', calls, { apply: async () => { running++; peak = Math.max(peak, running); await new Promise((r) => setTimeout(r, 2)); running--; } });
    await runFleet(base({ hosts: hosts(20), steps: planned(slow), forks: 3 }));
    expect(peak).toBe(3);
  });
});

describe('runFleet: state, resume and cancellation', () => {
  it('records every host and step; resume re-checks a done step and hands back the checkpoint', async () => {
    const dir = tmp();
    const store = await StateStore.open(dir);
    const calls: Calls = { log: [] };
    const a = flagStep('a', calls);
    let crash = true;
    const seenCheckpoints: unknown[] = [];
    const b = flagStep('b', calls, {
      apply: async (ctx) => {
        seenCheckpoints.push(ctx.checkpoint.get());
        await ctx.checkpoint.set({ migrated: ['vm-1'] });
        if (crash) throw new Error('connection lost mid-drain');
      },
    });
    const first = await runFleet(base({ hosts: [host('h1')], steps: planned(a, b), state: store }));
    expect(first.failed).toBe(1);
    const rec1 = await store.loadHost('h1');
    expect(rec1).toMatchObject({ status: 'failed', runId: 'run-1', steps: { a: { status: 'done', outcome: 'changed', attempt: 1 }, b: { status: 'failed', checkpoint: { migrated: ['vm-1'] }, error: 'connection lost mid-drain' } } });

    crash = false;
    calls.log.length = 0;
    const second = await runFleet(base({ runId: 'run-2', hosts: [host('h1')], steps: planned(a, b), state: store }));
    expect(second.changed).toBe(1);
    expect(calls.log[0]).toBe('h1:a:check');
    expect(seenCheckpoints).toEqual([undefined, { migrated: ['vm-1'] }]);
    const rec2 = await store.loadHost('h1');
    expect(rec2).toMatchObject({ status: 'changed', runId: 'run-2', steps: { a: { status: 'done', outcome: 'ok', attempt: 2 }, b: { status: 'done', attempt: 2, checkpoint: null } } });
    expect(await store.loadRun('run-2')).toMatchObject({ result: 'completed', counts: { changed: 1 } });
  });

  it('plan mode leaves the recorded progress untouched', async () => {
    const dir = tmp();
    const store = await StateStore.open(dir);
    const calls: Calls = { log: [] };
    await runFleet(base({ hosts: [host('h1')], steps: planned(flagStep('a', calls, { apply: () => { throw new Error('x'); } })), state: store }));
    const before = await store.loadHost('h1');
    await runFleet(base({ runId: 'plan-1', mode: 'plan', hosts: [host('h1')], steps: planned(flagStep('a', calls)), state: store }));
    expect(await store.loadHost('h1')).toEqual(before);
    expect(await store.loadRun('plan-1')).toMatchObject({ mode: 'plan', result: 'completed' });
  });

  it('graceful cancel lets the in-flight step finish, starts nothing new, and saves state', async () => {
    const dir = tmp();
    const store = await StateStore.open(dir);
    const cancel = new CancelController();
    const calls: Calls = { log: [] };
    const gate = deferred<void>();
    const entered = deferred<void>();
    const a = flagStep('a', calls, { apply: async () => { entered.resolve(); await gate.promise; } });
    const b = flagStep('b', calls);
    const p = runFleet(base({ hosts: hosts(3), steps: planned(a, b), forks: 1, cancel, state: store }));
    await entered.promise;
    expect(cancel.cancel()).toBe('graceful');
    gate.resolve();
    const s = await p;
    expect(calls.log).toEqual(['h1:a:check', 'h1:a:apply', 'h1:a:check']);
    expect(s).toMatchObject({ cancel: 'graceful', cancelled: 1, notStarted: 2 });
    expect(s.hosts.slice(1).map((h) => h.notStarted)).toEqual(['cancelled', 'cancelled']);
    expect(await store.loadHost('h1')).toMatchObject({ status: 'cancelled', steps: { a: { status: 'done' } } });
    expect((await store.loadHost('h1'))!.steps.b).toBeUndefined();
    expect(await store.loadRun('run-1')).toMatchObject({ result: 'cancelled' });
  });

  it('hard cancel aborts the in-flight step through its signal and still saves state', async () => {
    const dir = tmp();
    const store = await StateStore.open(dir);
    const cancel = new CancelController();
    const calls: Calls = { log: [] };
    const entered = deferred<void>();
    let sawAbort = false;
    const a = flagStep('a', calls, {
      apply: (ctx) =>
        new Promise<void>((_, reject) => {
          entered.resolve();
          ctx.signal.addEventListener('abort', () => { sawAbort = true; reject(new AbortedError()); });
        }),
    });
    const p = runFleet(base({ hosts: hosts(2), steps: planned(a), forks: 1, cancel, state: store }));
    await entered.promise;
    cancel.cancel();
    expect(cancel.cancel()).toBe('hard');
    const s = await p;
    expect(sawAbort).toBe(true);
    expect(s).toMatchObject({ cancel: 'hard', cancelled: 1, notStarted: 1, failed: 0 });
    expect(await store.loadHost('h1')).toMatchObject({ status: 'cancelled', steps: { a: { status: 'aborted' } } });
  });
});

describe('runFleet: declared outcomes and hooks', () => {
  it('a refusal ends the host as refused, says so per step, skips the later steps and counts apart from failed', async () => {
    const calls: Calls = { log: [] };
    const a = flagStep('a', calls, { apply: () => { throw new RefusedError('refusing: an operator disabled it'); } });
    const b = flagStep('b', calls);
    const o = base({ hosts: [host('h1'), host('h2')], steps: planned(a, b), forks: 1 });
    const s = await runFleet(o);
    expect(s).toMatchObject({ refused: 2, failed: 0 });
    expect(s.hosts[0]).toMatchObject({ result: 'refused', step: 'a', error: 'refusing: an operator disabled it' });
    const ends = o.seen.filter((e) => e.type === 'step-end' && e.host === 'h1').map((e) => (e as { step: string; status: string }).step + ':' + (e as { status: string }).status);
    expect(ends).toEqual(['a:refused', 'b:skipped']);
    expect(calls.log.filter((l) => l.endsWith(':b:check'))).toEqual([]);
  });

  it('the firstFacts hook sees the first facts before any step; a refusal there leaves the host untouched', async () => {
    const calls: Calls = { log: [] };
    const a = flagStep('a', calls);
    const seen: string[] = [];
    const s = await runFleet(base({
      hosts: [host('h1'), host('h2')], steps: planned(a),
      hooks: { firstFacts: async (h, facts) => { seen.push(`${h.name}:${facts.hostname}`); if (h.name === 'h2') throw new RefusedError('refused: the host changed since the plan'); } },
    }));
    expect(seen.sort()).toEqual(['h1:h1', 'h2:h2']);
    expect(s.hosts.map((h) => h.result)).toEqual(['changed', 'refused']);
    expect(calls.log.some((l) => l.startsWith('h2:'))).toBe(false);
  });

  it("the identity a firstFacts hook returns is the host's Nova name for every step, the report and the end hook", async () => {
    const calls: Calls = { log: [] };
    const names: string[] = [];
    const a = flagStep('a', calls, { check: (ctx) => { names.push(ctx.host.novaHost); return undefined; } });
    const ended: string[] = [];
    const o = base({
      hosts: [host('h1')], steps: planned(a),
      hooks: {
        firstFacts: async (h) => ({ novaHost: `${h.name}.localdomain`, basis: '[DEFAULT] host' }),
        hostEnd: async (h, result, transport) => { ended.push(`${h.novaHost}:${result}:${transport === null ? 'none' : 'open'}`); },
      },
    });
    await runFleet(o);
    expect(names.length).toBeGreaterThan(0);
    expect(new Set(names)).toEqual(new Set(['h1.localdomain']));
    expect(o.seen.filter((e) => e.type === 'nova-host')).toEqual([expect.objectContaining({ host: 'h1', novaHost: 'h1.localdomain', basis: '[DEFAULT] host' })]);
    expect(ended).toEqual(['h1.localdomain:changed:open']);
  });

  it('an end hook that throws is a warning, not a change of the host\'s outcome', async () => {
    const calls: Calls = { log: [] };
    const o = base({ hosts: [host('h1')], steps: planned(flagStep('a', calls)), hooks: { hostEnd: async () => { throw new Error('lease: permission denied'); } } });
    const s = await runFleet(o);
    expect(s.hosts[0]).toMatchObject({ result: 'changed' });
    expect(o.seen.filter((e) => e.type === 'warning').map((e) => (e as { message: string }).message)).toEqual(['after the host finished: lease: permission denied']);
  });

  it('facts reach listeners as engine events, every gather', async () => {
    const calls: Calls = { log: [] };
    const o = base({ hosts: [host('h1')], steps: planned(flagStep('a', calls)) });
    await runFleet(o);
    // The first gather, then the one after apply (verify looks at fresh facts).
    expect(o.seen.filter((e) => e.type === 'facts').length).toBeGreaterThanOrEqual(1);
  });

  it('a resumed run waits for a host the last run left inside a step that declares resumeConnectWaitMs', async () => {
    const store = await StateStore.open(tmp());
    const calls: Calls = { log: [] };
    const boot = { ...flagStep('boot', calls, { disruptive: false }), resumeConnectWaitMs: () => 60_000 };
    await store.saveHost({ version: 1, host: 'h1', runId: 'old', status: 'running', currentStep: 'boot', startedAt: 'x', endedAt: null, error: null, steps: { boot: { status: 'running', startedAt: 'x', endedAt: null, attempt: 1, checkpoint: null, error: null, diff: [] } } });
    let refusals = 1;
    class Booting extends MemoryTransport {
      override async connect(signal?: AbortSignal): Promise<void> {
        if (refusals-- > 0) throw new UnreachableError('connect ECONNREFUSED (booting)');
        return super.connect(signal);
      }
    }
    const s = await runFleet(base({ hosts: [host('h1'), host('h2')], steps: planned(boot), state: store, transportFactory: (h) => (h.name === 'h1' ? new Booting(h.name) : new MemoryTransport(h.name)) }));
    expect(s.hosts[0]).toMatchObject({ result: 'changed' });
    expect(refusals).toBe(-1);
    // Without a step left running, a refused connection is unreachable at once.
    refusals = 1;
    const again = await runFleet(base({ hosts: [host('h2')], steps: planned(boot), state: store, transportFactory: (h) => new Booting(h.name) }));
    expect(again.hosts[0]).toMatchObject({ result: 'unreachable' });
  });
});
