// Records what a rehearsal shows: batches, hosts drained at once, migrations, capacity left per batch, step times, safety.
import type { EngineEvents, RunSummary } from '../engine/events.js';
import type { CloudSim } from './cloud-sim.js';
import type { DurationSettings } from './durations.js';
import type { NovaObserver } from './in-process-nova.js';
import type { HostRec, LabConfig } from './lab-model.js';
import type { LowerBound } from './lower-bound.js';
import type { SimHost } from './sim-host.js';

export interface Capacity {
  /** Free vCPU and RAM on the hosts the scheduler may use (enabled and up), and as a share of the whole fleet's. */
  vcpus: number;
  ramMb: number;
  vcpusPct: number;
  ramPct: number;
}

export interface BatchFigures {
  index: number;
  hosts: number;
  startMs: number;
  durationMs: number;
  failed: number;
  drainedPeak: number;
  migrations: number;
  capacityAtStart: Capacity;
  capacityMin: Capacity;
}

export interface RehearsalResult {
  playbook: string;
  settings: {
    serial: unknown; forks: number; parallelPerHost: number;
    /** nova-compute's max_concurrent_live_migrations (0: no limit): what a source host runs at once, the rest queued. */
    novaPerHost: number;
    parallelFleet: number; durations: DurationSettings;
  };
  fleet: { hosts: number; instances: number; activeInstances: number; vcpus: number; ramMb: number; spareAtStart: Capacity };
  makespanMs: number;
  lowerBound: LowerBound;
  /** makespan / lower bound. */
  ratio: number;
  batches: BatchFigures[];
  peakDrained: number;
  migrations: { started: number; completed: number; failed: number; instancesMoved: number; perMovedInstance: number; perActiveInstance: number };
  /** The engine's own outcomes (src/engine/outcome.ts): a refused drain or unknown evidence is not a completed host either. */
  outcome: {
    changed: number; ok: number; failed: number; refused: number; unknown: number; unreachable: number; deferred: number;
    cancelled: number; notStarted: number; stopReason: string | null;
  };
  failures: { host: string; result: string | null; step?: string; error?: string }[];
  rebooted: number;
  /** The lab's audit: reboots with instances, interrupted migrations, services enabled by another user. Must be empty. */
  audit: { kind: string; host: string; detail: string }[];
  stepMedianMs: Record<string, number>;
  cost: { wallMs: number; timersFired: number; novaCalls: number; execs: number; connects: number };
}

export interface ResultInput {
  playbook: string;
  lab: LabConfig;
  summary: RunSummary;
  bound: LowerBound;
  hosts: Map<string, SimHost>;
  /** Reboots each host had before this run (a second run over the same fleet counts only its own). */
  rebootsBefore: Map<string, number>;
  cost: RehearsalResult['cost'];
  settings: RehearsalResult['settings'];
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)]! : 0;
}

/** A host's room as Placement counts it (and the scheduler with it): (total - reserved) * allocation ratio. */
function placementVcpus(h: HostRec): number {
  return h.vcpus * h.cpuAllocationRatio;
}
function placementRamMb(h: HostRec): number {
  return (h.ramMb - h.reservedHostMemoryMb) * h.ramAllocationRatio;
}

/** Hosts that did not end ok or changed for a reason other than deferral (which is the window's, not a fault). */
export function hostsNotDone(o: RehearsalResult['outcome']): number {
  return o.failed + o.refused + o.unknown + o.unreachable + o.cancelled + o.notStarted;
}

export class RehearsalRecorder {
  private readonly drained = new Set<string>();
  private peakDrained = 0;
  private started = 0;
  private completed = 0;
  private failedMigrations = 0;
  private readonly moved = new Set<string>();
  private readonly batches: BatchFigures[] = [];
  private current: BatchFigures | null = null;
  private t0 = 0;
  private t1 = 0;
  private readonly stepTimes = new Map<string, number[]>();
  private readonly total: { vcpus: number; ramMb: number };
  private readonly activeAtStart: number;
  private readonly spareAtStart: Capacity;

  constructor(private readonly sim: CloudSim) {
    let vcpus = 0;
    let ramMb = 0;
    for (const h of sim.world.hosts.values()) {
      vcpus += placementVcpus(h);
      ramMb += placementRamMb(h);
    }
    this.total = { vcpus, ramMb };
    this.activeAtStart = [...sim.world.instances.values()].filter((i) => i.vmState === 'active').length;
    this.spareAtStart = this.capacity();
    sim.world.events.on('migration-status', (m) => {
      if (m.status === 'completed') {
        this.completed++;
        this.moved.add(m.instanceUuid);
        this.sample();
      } else if (m.status === 'error' || m.status === 'failed' || m.status === 'cancelled') this.failedMigrations++;
    });
  }

  /** Free room on enabled, up hosts as Placement counts it: where the scheduler can still send instances. */
  capacity(): Capacity {
    const w = this.sim.world;
    let vcpus = 0;
    let ramMb = 0;
    for (const h of w.hosts.values()) {
      const svc = w.computeService(h.name);
      if (!svc || svc.status !== 'enabled' || !w.isUp(svc)) continue;
      const u = w.usage(h.name);
      vcpus += Math.max(0, placementVcpus(h) - u.vcpus);
      ramMb += Math.max(0, placementRamMb(h) - u.ramMb);
    }
    return { vcpus, ramMb, vcpusPct: (100 * vcpus) / this.total.vcpus, ramPct: (100 * ramMb) / this.total.ramMb };
  }

  /** Called whenever the room can shrink: a disable, a completed migration, a host going down. */
  sample(): void {
    const b = this.current;
    if (!b) return;
    const c = this.capacity();
    if (c.ramMb < b.capacityMin.ramMb) b.capacityMin = c;
  }

  novaObserver(): NovaObserver {
    return {
      serviceStatus: (host, status) => {
        if (status === 'disabled') this.drained.add(host);
        else this.drained.delete(host);
        this.peakDrained = Math.max(this.peakDrained, this.drained.size);
        if (this.current) this.current.drainedPeak = Math.max(this.current.drainedPeak, this.drained.size);
        this.sample();
      },
      liveMigrate: () => {
        this.started++;
        if (this.current) this.current.migrations++;
      },
    };
  }

  listen(events: EngineEvents): void {
    events.on('batch-start', (e) => {
      const c = this.capacity();
      this.current = { index: e.index, hosts: e.hosts.length, startMs: Date.now() - this.t0, durationMs: 0, failed: 0, drainedPeak: this.drained.size, migrations: 0, capacityAtStart: c, capacityMin: c };
      this.batches.push(this.current);
    });
    events.on('batch-end', (e) => {
      const b = this.batches.find((x) => x.index === e.index);
      if (b) {
        b.durationMs = Date.now() - this.t0 - b.startMs;
        b.failed = e.failed + e.unreachable;
      }
      this.current = null;
    });
    events.on('step-end', (e) => {
      if (e.status === 'changed' || e.status === 'ok') this.stepTimes.set(e.step, [...(this.stepTimes.get(e.step) ?? []), e.durationMs]);
    });
  }

  start(): void {
    this.t0 = Date.now();
  }

  end(): void {
    this.t1 = Date.now();
  }

  result(r: ResultInput): RehearsalResult {
    const makespanMs = this.t1 - this.t0;
    const s = r.summary;
    const audit = this.sim.world.auditRecords().map((a) => ({ kind: a.kind, host: a.host, detail: a.detail }));
    return {
      playbook: r.playbook,
      settings: r.settings,
      fleet: { hosts: r.lab.hosts.length, instances: this.sim.world.instances.size, activeInstances: this.activeAtStart, ...this.total, spareAtStart: this.spareAtStart },
      makespanMs,
      lowerBound: r.bound,
      ratio: r.bound.totalMs > 0 ? makespanMs / r.bound.totalMs : 0,
      batches: this.batches,
      peakDrained: this.peakDrained,
      migrations: {
        started: this.started, completed: this.completed, failed: this.failedMigrations, instancesMoved: this.moved.size,
        perMovedInstance: this.moved.size ? this.completed / this.moved.size : 0,
        perActiveInstance: this.activeAtStart ? this.completed / this.activeAtStart : 0,
      },
      outcome: {
        changed: s.changed, ok: s.ok, failed: s.failed, refused: s.refused, unknown: s.unknown, unreachable: s.unreachable,
        deferred: s.deferred, cancelled: s.cancelled, notStarted: s.notStarted, stopReason: s.stopReason,
      },
      failures: s.hosts.filter((h) => h.result !== null && !['ok', 'changed', 'would-change'].includes(h.result))
        .map((h) => ({ host: h.host, result: h.result, step: h.step, error: h.error })),
      rebooted: [...r.hosts.values()].filter((h) => h.reboots > (r.rebootsBefore.get(h.name) ?? 0)).length,
      audit,
      stepMedianMs: Object.fromEntries([...this.stepTimes].map(([k, v]) => [k, median(v)])),
      cost: r.cost,
    };
  }
}
