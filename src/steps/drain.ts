// Step drain: disable the compute service (reason names this run) and live-migrate every running instance away.
import PQueue from 'p-queue';
import { z } from 'zod';
import type { Server } from '../openstack/types.js';
import { sleep } from '../util/sleep.js';
import { assessCapacity } from './capacity.js';
import { disruptiveEvidence, rebootEvidence, refuseWithoutEvidence, requireEvidence } from './evidence-rules.js';
import { changesOf } from './changes.js';
import { novaConfEditBlocked } from './cpu-flags.js';
import { CommandFailedError, PreconditionError, RefusedError } from './errors.js';
import { isFinishedMigration, migrateAway } from './live-migration.js';
import { createTargetPicker } from './migration-target.js';
import { computeServiceOf, disableReason, PLANNED_DISABLE_REASON, disabledByOwnRun, disabledByUs, foreignDisableHint, requireNova } from './nova-service.js';
import { duration } from './params.js';
import { rebootReasons } from './reboot-reasons.js';
import type { Diff, Step, StepContext } from './types.js';

export const drainParams = z.strictObject({
  migration_timeout: duration.default(900_000),
  parallel_per_host: z.number().int().min(1).max(20).default(2),
  /** Fleet-wide live-migration slots; read by the runner's coordinator. */
  parallel_fleet: z.number().int().min(1).max(200).default(10),
  retries: z.number().int().min(0).max(10).default(2),
  poll_interval: duration.default(2000),
  /** Instance states that do not block a drain (they stay on the host, so the host is not rebooted while they run). */
  allow_states: z.array(z.enum(['ERROR', 'PAUSED', 'SUSPENDED'])).default([]),
  capacity_check: z.boolean().default(true),
});
export type DrainParams = z.infer<typeof drainParams>;

interface DrainCheckpoint {
  /** Instances we asked Nova to move, so a rerun waits for them instead of calling them stuck. */
  started: string[];
}

const MOVABLE = (s: Server) => s.status === 'ACTIVE' && !s.taskState;

async function check(ctx: StepContext<DrainParams>): Promise<Diff> {
  const diff: Diff = { step: 'drain', changes: [], notes: [] };
  const facts = await ctx.facts();
  requireEvidence(facts, rebootEvidence(facts), 'whether a reboot is due', ctx.host);
  const reasons = rebootReasons(facts, false);
  if (reasons.length === 0) {
    diff.notes.push('no reboot is due, so the host stays in service');
    return diff;
  }
  // Draining for a reboot that would then be refused (guest list or nova.conf unreadable) only disrupts: refuse now.
  refuseWithoutEvidence(facts, disruptiveEvidence(facts), `drain ${ctx.host.name} for a reboot`, ctx.host);
  // cpu-flags runs after the drain: an edit it could not make would leave the host emptied for nothing.
  const blocked = novaConfEditBlocked(facts, 'md-clear');
  if (blocked) throw new PreconditionError(`not draining ${ctx.host.name}: the nova.conf edit that follows would fail: ${blocked}`);
  const nova = requireNova(ctx.nova, 'drain');
  const host = ctx.host.novaHost;
  const svc = await computeServiceOf(nova, host);
  if (svc.status === 'enabled') {
    diff.changes.push({ kind: 'disable-service', summary: `disable nova-compute on ${host} (reason: "${PLANNED_DISABLE_REASON}")`, data: { serviceId: svc.id } });
  } else if (disabledByUs(svc) && svc.disabledReason !== disableReason(ctx.runId)) {
    // Another controller's disable is not ours to re-stamp: its run may still be draining or waiting on this host.
    if (!disabledByOwnRun(svc, ctx)) throw new RefusedError(`not draining ${host}: another run of this tool holds its compute service: ${foreignDisableHint(svc)}`);
    // An earlier run of this state directory disabled it and stopped (a crash, a refused reboot): this run re-drains and
    // takes it over, so the reboot's last look finds it disabled by the run that is about to reboot.
    diff.changes.push({ kind: 'disable-service', summary: `take over the disable of nova-compute on ${host} from an earlier run (reason: "${PLANNED_DISABLE_REASON}")`, data: { serviceId: svc.id } });
  } else if (!disabledByUs(svc)) {
    diff.notes.push(`nova-compute on ${host} was disabled by someone else ("${svc.disabledReason ?? ''}"): it stays disabled and will not be re-enabled`);
  }

  const servers = await nova.listServers({ host });
  const ours = new Set(ctx.checkpoint.get<DrainCheckpoint>()?.started ?? []);
  const blockers: string[] = [];
  const toMove: Server[] = [];
  for (const s of servers) {
    if (MOVABLE(s)) toMove.push(s);
    else if (s.taskState === 'migrating' && ours.has(s.id)) {
      diff.changes.push({ kind: 'await-migration', summary: `wait for the live migration of ${s.name} (${s.id}) started earlier`, data: { serverId: s.id } });
    } else if (s.status === 'SHUTOFF' && !s.taskState) {
      diff.notes.push(`instance ${s.name} (${s.id}) is SHUTOFF: left in place (it is not running, so the reboot does not touch it)`);
    } else if (ctx.params.allow_states.includes(s.status as 'ERROR') && !s.taskState) {
      diff.notes.push(`instance ${s.name} (${s.id}) is ${s.status}: allowed by the playbook, left in place`);
    } else {
      blockers.push(`${s.name} (${s.id}) is ${s.status}${s.taskState ? ` with task state ${s.taskState}` : ''}`);
    }
  }
  if (blockers.length) {
    throw new RefusedError(`cannot drain ${host}: ${blockers.join('; ')} (allow these states with drain.allow_states, or fix them first)`);
  }
  if (toMove.length && ctx.params.capacity_check) {
    const verdict = await assessCapacity(nova, host, toMove);
    if (!verdict.ok) throw new RefusedError(`not drained: ${verdict.reason}`);
    diff.notes.push(...verdict.notes);
  }
  for (const s of toMove) {
    const flavor = s.flavor ? ` (${s.flavor.vcpus} vCPU, ${s.flavor.ramMb} MB)` : '';
    diff.changes.push({ kind: 'migrate-instance', summary: `live-migrate ${s.name} (${s.id})${flavor}`, data: { serverId: s.id, name: s.name, projectId: s.projectId, flavor: s.flavor ?? null } });
  }
  diff.notes.push(...reasons.map((r) => `reboot due: ${r.message}`));
  return diff;
}

/** Rounds of "move what is movable, wait for what is moving" before a drain gives up on a host that keeps filling. */
const MAX_ROUNDS = 10;

async function apply(ctx: StepContext<DrainParams>, diff: Diff): Promise<void> {
  const nova = requireNova(ctx.nova, 'drain');
  const host = ctx.host.novaHost;
  const [disable] = changesOf(diff.changes, 'disable-service');
  if (disable) {
    ctx.progress?.({ phase: 'disabling nova-compute' });
    await nova.setServiceStatus(disable.data.serviceId, 'disabled', disableReason(ctx.runId));
    ctx.log.info({ host }, 'compute service disabled');
  }
  const cp: DrainCheckpoint = { started: [...(ctx.checkpoint.get<DrainCheckpoint>()?.started ?? [])] };
  const policy = { timeoutMs: ctx.params.migration_timeout, retries: ctx.params.retries, pollMs: ctx.params.poll_interval };
  const failures: string[] = [];
  // Fixed hosts first: an instance sent to a host this run already remediated never has to move again.
  const pickTarget = createTargetPicker(nova, () => ctx.fleet.remediatedHosts?.() ?? new Set<string>(), host);

  // The live view's count: instances moved of those this drain set out to move (arrivals during the drain add to both).
  const moved = { unit: 'migrations', done: 0, total: 0 };
  const moveAll = async (ids: { serverId: string; resume: boolean }[]): Promise<void> => {
    moved.total += ids.length;
    ctx.progress?.({ count: { ...moved } });
    const queue = new PQueue({ concurrency: ctx.params.parallel_per_host });
    for (const { serverId, resume } of ids) {
      void queue.add(async () => {
        try {
          await ctx.fleet.withMigrationSlot(async () => {
            const server = await nova.getServer(serverId);
            if (!resume) {
              cp.started.push(serverId);
              await ctx.checkpoint.set(cp);
            }
            const attempts = await migrateAway(nova, server, host, policy, ctx.signal, resume, pickTarget);
            ctx.log.info({ serverId, attempts }, 'instance migrated');
            moved.done++;
            ctx.progress?.({ count: { ...moved } });
          }, ctx.signal);
        } catch (err) {
          failures.push(err instanceof Error ? err.message : String(err));
        }
      });
    }
    await queue.onIdle();
  };

  await moveAll([
    ...changesOf(diff.changes, 'migrate-instance').map((c) => ({ serverId: c.data.serverId, resume: false })),
    ...changesOf(diff.changes, 'await-migration').map((c) => ({ serverId: c.data.serverId, resume: true })),
  ]);
  if (failures.length) throw new CommandFailedError(`drain of ${host} incomplete: ${failures.join('; ')}`);

  // Hosts of one batch drain side by side: a migration the scheduler aimed here before our disable lands after it.
  // Those instances are moved on too, so the host is empty when the reboot step looks.
  ctx.progress?.({ phase: 'checking it is empty', count: { ...moved } });
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const servers = await nova.listServers({ host });
    const movable = servers.filter(MOVABLE);
    const moving = servers.filter((s) => s.taskState === 'migrating');
    const incoming = (await nova.listMigrations({ host, migrationType: 'live-migration' }))
      .filter((m) => m.destCompute === host && !isFinishedMigration(m.status));
    if (movable.length === 0 && moving.length === 0 && incoming.length === 0) return;
    if (movable.length) {
      ctx.log.info({ instances: movable.map((s) => s.id) }, 'instances arrived during the drain; moving them on');
      await moveAll(movable.map((s) => ({ serverId: s.id, resume: false })));
      if (failures.length) throw new CommandFailedError(`drain of ${host} incomplete: ${failures.join('; ')}`);
    } else {
      await sleep(ctx.params.poll_interval, ctx.signal);
    }
  }
  throw new CommandFailedError(`drain of ${host} incomplete: instances kept arriving for ${MAX_ROUNDS} rounds`);
}

export const drain: Step<DrainParams> = {
  id: 'drain',
  title: 'Disable the compute service and live-migrate running instances away',
  disruptive: true,
  needsNova: true,
  params: drainParams,
  migrationSlots: (params) => params.parallel_fleet,
  check,
  apply,
};
