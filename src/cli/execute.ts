// Stage 2: the engine runs the prepared steps over the targets, with the console reporter and the report builder listening.
import { Fleet } from '../engine/fleet.js';
import type { RunHooks } from '../engine/host-runner.js';
import type { RunMode, RunSummary } from '../engine/events.js';
import { recheckAfterRun } from '../engine/recheck.js';
import { runFleet, type RunFleetOptions } from '../engine/runner.js';
import type { NovaApi } from '../openstack/types.js';
import { undrainedByPlan } from '../plan/plan-undrained.js';
import { readFleet, shapeRollout, type RolloutShape } from '../plan/rollout-shape.js';
import { ReportBuilder } from '../report/build.js';
import { attachConsoleReporter } from '../report/console.js';
import type { ReportKind } from '../report/model.js';
import { StateStore } from '../state/store.js';
import { migrationSlotsOf, playbookMinimums } from '../steps/registry.js';
import type { CommonOptions } from './common-options.js';
import type { Prepared, WorkflowOptions } from './prepare.js';
import { makeGatherFacts, packagesToQuery, type Session } from './session.js';

export interface ExecuteSpec {
  kind: ReportKind;
  mode: RunMode;
  hooks?: RunHooks;
  /** The Nova client the steps see (a sweep's is snapshotted); default the session's. */
  nova?: NovaApi | null;
}

export interface Executed {
  summary: RunSummary;
  builder: ReportBuilder;
  interrupted: boolean;
  /** The batches the engine ran with (null for a sweep). */
  shape: RolloutShape | null;
}

export function colourWanted(opts: CommonOptions, stream: NodeJS.WriteStream): boolean {
  return opts.color !== false && !process.env['NO_COLOR'] && stream.isTTY === true;
}

/** Rollout limits; a sweep changes nothing, so batches would only serialise it and one bad host must not stop the rest. */
function limits(p: Prepared, opts: WorkflowOptions, kind: ReportKind, shape: RolloutShape | null): Pick<RunFleetOptions, 'serial' | 'maxFailPercentage' | 'failureBudget'> {
  if (kind === 'sweep') return { maxFailPercentage: null, failureBudget: null };
  const serial = shape?.serial;
  return { ...(serial ? { serial } : {}), maxFailPercentage: opts.maxFailPercentage ?? p.playbook.maxFailPercentage ?? null, failureBudget: p.playbook.failureBudget ?? null };
}

function undrainedOf(p: Prepared): Set<string> {
  return undrainedByPlan(p.saved, p.targets.hosts, p.steps.map((s) => s.step.id));
}

/** The batches of a plan or run (serial: auto reads Placement once, here); a sweep has none. */
async function rolloutShape(p: Prepared, opts: WorkflowOptions, session: Session, kind: ReportKind): Promise<RolloutShape | null> {
  if (kind === 'sweep') return null;
  const nova = session.nova;
  return shapeRollout({
    hosts: p.targets.hosts, order: p.playbook.rolloutOrder, undrained: undrainedOf(p), serial: opts.serial ?? p.playbook.serial, failureDomains: p.playbook.failureDomains, forks: opts.forks ?? p.playbook.forks,
    fleet: () => (nova ? readFleet(nova) : Promise.reject(new Error('serial: auto needs a cloud'))),
  });
}

function fleetOptions(p: Prepared, opts: WorkflowOptions, session: Session, spec: ExecuteSpec, shape: RolloutShape | null): Omit<RunFleetOptions, 'state'> {
  const { playbook } = p;
  return {
    runId: session.runId, hosts: shape?.hosts ?? p.targets.hosts, steps: p.steps, mode: spec.mode, forks: opts.forks ?? playbook.forks,
    ...limits(p, opts, spec.kind, shape),
    transportFactory: session.transportFactory,
    gatherFacts: makeGatherFacts(packagesToQuery(playbookMinimums(p.playbookSteps))),
    hooks: spec.hooks ?? {},
    nova: spec.nova === undefined ? session.nova : spec.nova,
    fleet: seeded(new Fleet({ migrationSlots: migrationSlotsOf(p.playbookSteps, 10), failureDomainKeys: playbook.failureDomains, ...(playbook.window ? { window: playbook.window } : {}) }), spec.mode === 'apply' ? undrainedOf(p) : new Set()),
    playbook: p.playbookPath, logger: session.logger, events: session.events, cancel: session.cancel,
  };
}

/** Hosts a saved plan shows will not be drained are live-migration targets from the first batch on. */
function seeded(fleet: Fleet, undrained: ReadonlySet<string>): Fleet {
  for (const h of undrained) fleet.markRemediated(h);
  return fleet;
}

/** The state filesystem is full: no new hosts or steps (the engine stops too), and the verb exits with its own code. */
function storageFull(session: Session, path: string, err: Error): void {
  if (session.stop.storageFull) return;
  session.stop.storageFull = true;
  session.logger.error({ path, err }, 'state filesystem full');
  if (!session.cancel.graceful.aborted) session.cancel.cancel('the state filesystem is full');
  process.stderr.write(`\nmds-orchestrate: cannot write the state file ${path} (${err.message}): the filesystem is full; stopping after the steps in flight\n`);
}

export async function executePlaybook(p: Prepared, opts: WorkflowOptions, session: Session, spec: ExecuteSpec): Promise<Executed> {
  const builder = new ReportBuilder(spec.kind, session.runId, p.playbookPath, p.targets.hosts, p.steps);
  builder.listen(session.events);
  // A plan or sweep prints its own report at the end: the live view is for a terminal, and the report is the one summary.
  const printsReport = spec.mode === 'plan';
  const reporter = printsReport && !process.stdout.isTTY ? null
    : attachConsoleReporter(session.events, { stream: process.stdout, colour: colourWanted(opts, process.stdout), summary: !printsReport });
  const shape = await rolloutShape(p, opts, session, spec.kind);
  if (shape?.auto) session.logger.info({ batchSizes: shape.sizes }, 'serial: auto chose the batch sizes from Placement');
  if (shape && p.playbook.rolloutOrder === 'room' && shape.orderApplied !== 'room') {
    session.logger.warn('rollout_order: room needs a saved plan that found hosts with nothing to drain (run --plan): the inventory order is kept');
  }
  const fleet = fleetOptions(p, opts, session, spec, shape);
  const state = await StateStore.open(opts.stateDir, { onStorageFull: (path, err) => storageFull(session, path, err) });
  const summary = await runFleet({ ...fleet, state });
  reporter?.close();
  if (spec.mode === 'apply') {
    await recheckAfterRun({
      ...fleet, summary,
      onStepEnd: (e) => builder.recheck(e),
      warn: (host, message) => {
        session.logger.warn({ host }, message);
        builder.warn(host, message);
      },
    });
  }
  return { summary, builder, interrupted: summary.cancel !== null, shape };
}
