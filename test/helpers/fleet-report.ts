// A run report of N hosts built by the real ReportBuilder from engine events with chosen times: batches, steps, migrations, reboots.
import type { EngineEvent, EngineEvents, EventInput } from '../../src/engine/events.js';
import type { HostSpec } from '../../src/inventory/types.js';
import { ReportBuilder } from '../../src/report/build.js';
import type { Report } from '../../src/report/model.js';
import type { Change } from '../../src/steps/changes.js';
import { hostFacts } from './host-facts.js';

const STEPS = ['update-packages', 'drain', 'cpu-flags', 'reboot', 'verify', 'restore', 'guests'];
const T0 = Date.parse('2026-03-22T02:00:00.000Z');

export interface FleetShape {
  /** Batch sizes, as the engine splits serial [1, 5, "20%"]. */
  batches: number[];
  /** Hosts that fail at the drain, and hosts never reached. */
  failed: Set<number>;
  unreachable: Set<number>;
  /** Live migrations the drain of host i made. */
  migrations: (i: number) => number;
  /** Hosts whose run rebooted them. */
  rebooted: (i: number) => boolean;
}

export function fleetShape(n: number): FleetShape {
  const batches: number[] = [];
  let left = n;
  for (const size of [1, 5]) if (left > 0) { batches.push(Math.min(size, left)); left -= size; }
  const fifth = Math.max(1, Math.ceil(n / 5));
  while (left > 0) { batches.push(Math.min(fifth, left)); left -= fifth; }
  return {
    batches,
    failed: new Set(n > 50 ? [57, 311] : [3]),
    unreachable: new Set(n > 50 ? [123] : [4]),
    migrations: (i) => i % 4,
    rebooted: (i) => i % 10 !== 9,
  };
}

function migrate(i: number, k: number): Change {
  const id = `00000000-0000-4000-8000-${String(i * 10 + k).padStart(12, '0')}`;
  return { kind: 'migrate-instance', summary: `live-migrate vm-${i}-${k} (${id})`, data: { serverId: id, name: `vm-${i}-${k}`, projectId: 'p-1', flavor: null } };
}

/** Hosts c0001..cNNNN, remediated batch by batch; the builder sees the events a real run emits, at chosen times. */
export function fleetRunReport(n: number, shape: FleetShape = fleetShape(n)): Report {
  const specs: HostSpec[] = Array.from({ length: n }, (_, i) => ({ name: `c${String(i + 1).padStart(4, '0')}.example.org`, address: `10.0.${i >> 8}.${i & 255}`, port: 22, user: 'root', become: false, novaHost: `c${i + 1}`, groups: ['all'], vars: {} }));
  const listeners: ((e: EngineEvent) => void)[] = [];
  const events = {
    onAny: (fn: (e: EngineEvent) => void) => { listeners.push(fn); return () => {}; },
    onTypes: (types: readonly string[], fn: (e: EngineEvent) => void) => { listeners.push((e) => { if (types.includes(e.type)) fn(e); }); return () => {}; },
  } as unknown as EngineEvents;
  const builder = new ReportBuilder('run', 'run-fleet', 'playbooks/remediate.yaml', specs, []);
  builder.listen(events);
  const emit = (time: number, e: EventInput): void => { for (const fn of listeners) fn({ ...e, time } as EngineEvent); };

  let clock = T0;
  let next = 0;
  shape.batches.forEach((size, b) => {
    const hosts = specs.slice(next, next + size);
    emit(clock, { type: 'batch-start', index: b, batches: shape.batches.length, hosts: hosts.map((h) => h.name) });
    let batchEnd = clock;
    hosts.forEach((h, j) => {
      const i = next + j;
      let t = clock + (j % 50) * 200;
      emit(t, { type: 'host-start', host: h.name, batch: b });
      if (shape.unreachable.has(i)) {
        emit(t + 10_000, { type: 'host-end', host: h.name, result: 'unreachable', error: 'connect ETIMEDOUT', durationMs: 10_000 });
        batchEnd = Math.max(batchEnd, t + 10_000);
        return;
      }
      emit(t + 500, { type: 'facts', host: h.name, facts: hostFacts({ hostname: h.name, stage: 'unfixed' }) });
      let result: 'changed' | 'failed' = 'changed';
      for (const step of STEPS) {
        const changes: Change[] = [];
        let dur = 3_000;
        if (step === 'update-packages') dur = 60_000 + (i % 7) * 5_000;
        if (step === 'drain') {
          for (let k = 0; k < shape.migrations(i); k++) changes.push(migrate(i, k));
          dur = 5_000 + changes.length * 20_000;
        }
        if (step === 'reboot' && shape.rebooted(i)) {
          changes.push({ kind: 'reboot', summary: 'reboot: a newer kernel is installed', data: { reasons: [] } });
          dur = 240_000 + (i % 5) * 10_000;
        }
        emit(t, { type: 'step-start', host: h.name, step, title: step, attempt: 1 });
        t += dur;
        const failed = step === 'drain' && shape.failed.has(i);
        if (step === 'reboot' && changes.length) emit(t - 1_000, { type: 'facts', host: h.name, facts: hostFacts({ hostname: h.name, stage: 'fixed', bootId: `boot-${i}` }) });
        emit(t, { type: 'step-end', host: h.name, step, status: failed ? 'failed' : changes.length ? 'changed' : 'ok', diff: { step, changes, notes: [] }, ...(failed ? { error: 'live migration of vm failed' } : {}), durationMs: dur });
        if (failed) { result = 'failed'; break; }
      }
      emit(t, { type: 'host-end', host: h.name, result, ...(result === 'failed' ? { step: 'drain', error: 'live migration of vm failed' } : {}), durationMs: t - clock });
      batchEnd = Math.max(batchEnd, t);
    });
    emit(batchEnd, { type: 'batch-end', index: b, failed: 0, unreachable: 0, size, stopReason: null });
    clock = batchEnd + 1_000;
    next += size;
  });
  return builder.finish();
}
