// Simulates Nova live migrations over time: accepted -> preparing -> running -> post-migrating -> completed, faults and aborts.
import { ApiError } from './api-error.js';
import type { FaultStore } from './faults.js';
import { IN_PROGRESS, novaTime } from './model.js';
import type { InstanceRec, MigrationRec, MigrationStatus } from './model.js';
import { chooseTarget } from './scheduler.js';
import type { TokenInfo } from './tokens.js';
import type { CloudWorld } from './world.js';

export interface LiveMigrateRequest {
  host: string | null;
  /** Skip the scheduler's filters (explicit host before 2.30, or force=true in 2.30-2.67). */
  forced: boolean;
  /** Before 2.34 the pre-checks ran inside the API call, so their failure is the call's 400. */
  synchronousPrecheck: boolean;
}

// Fractions of the configured migration time at which each phase begins.
const PHASES: [MigrationStatus, MigrationStatus, number][] = [
  ['accepted', 'preparing', 0.1],
  ['preparing', 'running', 0.2],
  ['running', 'post-migrating', 0.9],
  ['post-migrating', 'completed', 1],
];

export class MigrationEngine {
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(private readonly world: CloudWorld, private readonly faults: FaultStore) {}

  start(inst: InstanceRec, req: LiveMigrateRequest, token: TokenInfo): MigrationRec {
    const w = this.world;
    const stamp = novaTime(w.now());
    const m: MigrationRec = {
      id: w.nextMigrationId(), uuid: w.rng.uuid(), instanceUuid: inst.uuid, sourceCompute: inst.host, destCompute: null,
      status: 'accepted', migrationType: 'live-migration', userId: token.userId, projectId: token.projectId ?? '',
      createdAt: stamp, updatedAt: stamp, flavorId: inst.flavorId,
    };
    w.migrations.push(m);
    if (req.synchronousPrecheck) {
      const choice = chooseTarget(w, inst, req.host, req.forced);
      if (!choice.ok) {
        w.setMigrationStatus(m, 'error');
        throw new ApiError(400, choice.reason);
      }
      m.destCompute = choice.host;
    }
    w.setInstance(inst, inst.vmState, 'migrating', inst.powerState);
    const total = w.migrationMs;
    let elapsed = 0;
    const outcome = this.faults.migrationOutcome(inst);
    const step = (i: number): void => {
      const phase = PHASES[i];
      if (!phase) return;
      const [from, to, at] = phase;
      const wait = Math.max(0, Math.round(total * at) - elapsed);
      elapsed += wait;
      this.after(wait, () => {
        if (m.status !== from) return; // aborted, interrupted or forced meanwhile
        if (from === 'accepted' && !this.schedule(m, inst, req)) return;
        if (from === 'running' && outcome === 'hang') return;
        if (from === 'running' && outcome === 'fail') return this.rollback(m, inst, 'error');
        if (to === 'completed') return this.complete(m, inst);
        w.setMigrationStatus(m, to);
        step(i + 1);
      });
    };
    step(0);
    return m;
  }

  /** The scheduler's pick, made asynchronously like the conductor does from 2.34 on. */
  private schedule(m: MigrationRec, inst: InstanceRec, req: LiveMigrateRequest): boolean {
    if (m.destCompute !== null) return true;
    const choice = chooseTarget(this.world, inst, req.host, req.forced);
    if (!choice.ok) {
      this.rollback(m, inst, 'error');
      return false;
    }
    m.destCompute = choice.host;
    return true;
  }

  private complete(m: MigrationRec, inst: InstanceRec): void {
    const w = this.world;
    const source = inst.host;
    inst.host = m.destCompute!;
    w.setInstance(inst, inst.vmState, null, inst.powerState);
    w.setMigrationStatus(m, 'completed');
    w.emitGuests(source);
    w.emitGuests(inst.host);
  }

  /** The guest keeps running on the source, as after Nova's rollback. */
  private rollback(m: MigrationRec, inst: InstanceRec, status: 'error' | 'cancelled'): void {
    this.world.setInstance(inst, inst.vmState, null, inst.powerState);
    this.world.setMigrationStatus(m, status);
  }

  /** DELETE /servers/{id}/migrations/{mid} (2.24; queued/preparing abortable from 2.65). */
  abort(m: MigrationRec, inst: InstanceRec, mv: number): void {
    const abortable = m.status === 'running' || (mv >= 65 && (m.status === 'queued' || m.status === 'preparing'));
    if (!abortable) {
      throw new ApiError(400, `Migration ${m.id} state of instance ${inst.uuid} is ${m.status}. Cannot abort live migration ${m.id}.`);
    }
    this.rollback(m, inst, 'cancelled');
  }

  /** POST /servers/{id}/migrations/{mid}/action force_complete (2.22): a running migration ends now, hung or not. */
  forceComplete(m: MigrationRec, inst: InstanceRec): void {
    if (m.status !== 'running') {
      throw new ApiError(400, `Migration ${m.id} state of instance ${inst.uuid} is ${m.status}. Cannot force complete while the migration is in this state.`);
    }
    this.complete(m, inst);
  }

  /** A host in the migration went down: the migration fails and the instance is left in ERROR. */
  interrupt(m: MigrationRec, inst: InstanceRec): void {
    this.world.setInstance(inst, 'error', null, inst.powerState);
    this.world.setMigrationStatus(m, 'error');
  }

  inFlightTouching(host: string): MigrationRec[] {
    return this.world.migrations.filter((m) => (m.status === 'accepted' || IN_PROGRESS.has(m.status))
      && (m.sourceCompute === host || m.destCompute === host));
  }

  close(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  private after(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
  }
}
