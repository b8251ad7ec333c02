// Simulates Nova live migrations over time, as the conductor and nova-compute run them: the record appears after the
// 202 (accepted), the scheduler picks a target, the source compute queues it (one at a time per host by default), then
// preparing -> running -> post-migrating -> completed; faults, aborts and interruptions end it in error or cancelled.
import { ApiError, conflict, notFound } from './api-error.js';
import type { FaultStore } from './faults.js';
import { HostSlots } from './live-migration-slots.js';
import { UNFINISHED, novaTime } from './model.js';
import type { InstanceRec, MigrationRec } from './model.js';
import { chooseTarget } from './scheduler.js';
import type { TokenInfo } from './tokens.js';
import type { CloudWorld } from './world.js';

export interface LiveMigrateRequest {
  host: string | null;
  /** Skip the scheduler's filters (explicit host before 2.30, or force=true in 2.30-2.67). */
  forced: boolean;
  /** Before 2.34 the conductor was called synchronously: the record and the pre-checks happen inside the API call. */
  synchronousPrecheck: boolean;
}

// Fractions of the configured migration time, counted from the moment the source compute starts the job.
const PREPARE = 0.1;
const POST = 0.9;

export class MigrationEngine {
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly slots: HostSlots;

  constructor(private readonly world: CloudWorld, private readonly faults: FaultStore) {
    this.slots = new HostSlots(() => world.cfg.maxConcurrentLiveMigrations);
  }

  /**
   * The API's part: the instance takes task_state migrating now; the conductor creates the migration record after the
   * 202 (from 2.34, where the call is a cast), so a client never finds it inside its own POST.
   */
  start(inst: InstanceRec, req: LiveMigrateRequest, token: TokenInfo, requestedBy: string | null = null): void {
    const w = this.world;
    if (req.synchronousPrecheck) {
      const m = this.create(inst, token, req.host, requestedBy);
      const choice = chooseTarget(w, inst, req.host, req.forced);
      if (!choice.ok) {
        w.setMigrationStatus(m, 'error');
        throw new ApiError(400, choice.reason);
      }
      m.destCompute = choice.host;
      w.setInstance(inst, inst.vmState, 'migrating', inst.powerState);
      this.after(this.conductorMs(), () => this.queue(m, inst));
      return;
    }
    w.setInstance(inst, inst.vmState, 'migrating', inst.powerState);
    this.after(1, () => {
      if (inst.taskState !== 'migrating') return;
      const m = this.create(inst, token, req.host, requestedBy);
      this.after(this.conductorMs(), () => {
        if (m.status !== 'accepted') return;
        const choice = chooseTarget(w, inst, req.host, req.forced);
        if (!choice.ok) return this.rollback(m, inst, 'error');
        m.destCompute = choice.host;
        w.bumpGeneration(choice.host);
        this.queue(m, inst);
      });
    });
  }

  private create(inst: InstanceRec, token: TokenInfo, requestedHost: string | null, requestedBy: string | null): MigrationRec {
    const w = this.world;
    const stamp = novaTime(w.now());
    const m: MigrationRec = {
      id: w.nextMigrationId(), uuid: w.rng.uuid(), instanceUuid: inst.uuid, sourceCompute: inst.host, destCompute: null, requestedHost,
      status: 'accepted', migrationType: 'live-migration', userId: token.userId, projectId: token.projectId ?? '',
      createdAt: stamp, updatedAt: stamp, flavorId: inst.flavorId, requestedBy,
    };
    w.migrations.push(m);
    w.events.emit('migration-status', m);
    return m;
  }

  /** The conductor's checks and the scheduler's pick take a tenth of the migration time (at most 50 ms). */
  private conductorMs(): number {
    return Math.max(1, Math.min(50, Math.round(this.world.migrationMs * 0.1)));
  }

  /** The source compute's live_migration(): queued, then the job starts when the host has a free slot. */
  private queue(m: MigrationRec, inst: InstanceRec): void {
    if (m.status !== 'accepted') return;
    this.world.setMigrationStatus(m, 'queued');
    this.slots.acquire(m.sourceCompute, m.id, () => this.run(m, inst));
  }

  private run(m: MigrationRec, inst: InstanceRec): void {
    const w = this.world;
    if (m.status !== 'queued') return this.slots.release(m.sourceCompute, m.id);
    const total = w.migrationMs;
    const outcome = this.faults.migrationOutcome(inst);
    w.setMigrationStatus(m, 'preparing');
    this.after(Math.round(total * PREPARE), () => {
      if (m.status !== 'preparing') return;
      w.setMigrationStatus(m, 'running');
      this.after(Math.round(total * (POST - PREPARE)), () => {
        if (m.status !== 'running' || outcome === 'hang') return;
        if (outcome === 'fail') return this.rollback(m, inst, 'error');
        w.setMigrationStatus(m, 'post-migrating');
        this.after(Math.round(total * (1 - POST)), () => {
          if (m.status === 'post-migrating') this.complete(m, inst);
        });
      });
    });
  }

  private complete(m: MigrationRec, inst: InstanceRec): void {
    const w = this.world;
    const source = inst.host;
    inst.host = m.destCompute!;
    w.setInstance(inst, inst.vmState, null, inst.powerState);
    w.setMigrationStatus(m, 'completed');
    this.slots.release(m.sourceCompute, m.id);
    w.emitGuests(source);
    w.emitGuests(inst.host);
  }

  /** The guest keeps running on the source, as after Nova's rollback; the destination's claim is dropped. */
  private rollback(m: MigrationRec, inst: InstanceRec, status: 'error' | 'cancelled'): void {
    this.world.setInstance(inst, inst.vmState, null, inst.powerState);
    this.world.setMigrationStatus(m, status);
    this.slots.release(m.sourceCompute, m.id);
  }

  /**
   * DELETE /servers/{id}/migrations/{mid} (2.24), nova/compute/api.py live_migrate_abort: the instance must be
   * migrating (409), the migration must be this instance's (404), and running — or queued/preparing from 2.65 (400).
   */
  abort(inst: InstanceRec, migrationId: string, mv: number): void {
    if (inst.taskState !== 'migrating') {
      // Real Nova's words here (the contract suite reads them): the task-state check names no state.
      throw conflict(`Instance ${inst.uuid} is in an invalid state for 'abort live migration'`);
    }
    const m = this.world.migrations.find((x) => String(x.id) === migrationId && x.instanceUuid === inst.uuid);
    if (!m) throw notFound(`Migration ${migrationId} not found for instance ${inst.uuid}`);
    const abortable = m.status === 'running' || (mv >= 65 && (m.status === 'queued' || m.status === 'preparing'));
    if (!abortable) {
      throw new ApiError(400, `Migration ${m.id} state of instance ${inst.uuid} is ${m.status}. Cannot abort live migration while the migration is in this state.`);
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
    this.slots.release(m.sourceCompute, m.id);
  }

  inFlightTouching(host: string): MigrationRec[] {
    return this.world.migrations.filter((m) => UNFINISHED.has(m.status) && (m.sourceCompute === host || m.destCompute === host));
  }

  close(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.slots.clear();
  }

  private after(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
  }
}
