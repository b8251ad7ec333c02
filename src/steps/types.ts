// The step contract: check() returns a Diff (data), apply() carries it out, verify() must then find nothing left.
import type { Logger } from 'pino';
import type { z } from 'zod';
import type { HostFacts } from '../facts/types.js';
import type { HostSpec } from '../inventory/types.js';
import type { NovaApi } from '../openstack/types.js';
import type { HostReport, ReportKind } from '../report/model.js';
import type { Transport } from '../transport/types.js';
import type { Change, Finding } from './changes.js';
import type { Minimums } from './params.js';

export type { Change, Finding } from './changes.js';

export interface Diff {
  step: string;
  changes: Change[];
  /** Observations for people (warnings, reasons a change is not needed); no code reads them. */
  notes: string[];
  /** Typed observations the rest of the tool acts on (the verify checks, the guests needing a cold boot, ...). */
  findings?: Finding[];
}

/** Per host+step checkpoint data survives a crash; steps use it to resume (e.g. migrations already started). */
export interface Checkpoint {
  get<T = unknown>(): T | undefined;
  set(data: unknown): Promise<void>;
}

export interface StepContext<P = unknown> {
  host: HostSpec;
  transport: Transport;
  runId: string;
  params: P;
  /** Cached facts from the one gather exec; refreshFacts() gathers again (after a change or a reboot). */
  facts(): Promise<HostFacts>;
  refreshFacts(): Promise<HostFacts>;
  nova: NovaApi | null;
  checkpoint: Checkpoint;
  signal: AbortSignal;
  log: Logger;
  /** Warnings shown in reports (e.g. 'SMT vulnerable'). */
  warn(message: string): void;
  /** Fleet-wide coordination shared by all hosts of the run (migration slots, failure domains, windows). */
  fleet: FleetCoordinator;
  /** Tells the live view what the step is doing now (optional: contexts built outside the engine may not have it). */
  progress?(p: StepProgress): void;
  /**
   * Whether a run id is this controller's: this run, a run recorded in this state directory, or one the operator adopted
   * (--adopt-lease). A compute service disabled by any other run belongs to another controller. Absent: this run only.
   */
  isOwnRun?: (runId: string) => boolean;
}

/**
 * What a long step is doing now, for the live view: a phase, and work counted in units (live migrations done of total).
 * Each report replaces the last; keep phases short (the live view has about 30 columns for them at 80).
 */
export interface StepProgress {
  phase?: string;
  count?: { unit: string; done: number; total: number };
}

export interface FleetCoordinator {
  /** Runs fn holding one of the fleet-wide live-migration slots. */
  withMigrationSlot<T>(fn: () => Promise<T>, signal?: AbortSignal): Promise<T>;
  /** Holds the failure-domain lock of the host for the duration of fn (no two hosts of one AZ/aggregate drained at once). */
  withFailureDomain<T>(host: HostSpec, fn: () => Promise<T>, signal?: AbortSignal): Promise<T>;
  /** Whether disruptive steps may start now (maintenance window). */
  inWindow(now?: Date): boolean;
  /** Nova host names of the hosts this run found or left remediated (live-migration targets that need no second move). */
  remediatedHosts?(): ReadonlySet<string>;
  markRemediated?(novaHost: string): void;
}

/** What a sweep knows of the playbook when it picks the params of its read-only steps. */
export interface SweepContext<P = unknown> {
  /** The minimum package versions the playbook names, if any. */
  minimums: Minimums | undefined;
  /** The params the playbook itself gives this step, if it has the step. */
  own?: P | undefined;
}

/**
 * A step declares everything the engine, the CLI and the reports need to know about it, so none of them names a step:
 * adding a step touches src/steps and the playbook only.
 */
export interface Step<P = unknown> {
  /** Step id = file name = playbook key. */
  id: string;
  title: string;
  /** Disruptive steps (drain, reboot) are gated by the maintenance window and failure domains. */
  disruptive: boolean;
  /** A plan or run of a playbook with this step needs the Nova API (a cloud must be configured). */
  needsNova: boolean;
  params: z.ZodType<P>;
  /** Read-only steps make up a sweep; this gives their params there (a sweep has no playbook steps of its own). */
  sweep?(ctx: SweepContext<P>): P;
  /** The minimum package versions these params name: the facts gather asks rpm about them, a sweep checks them. */
  minimums?(params: P): Minimums | undefined;
  /** Fills this step's share of the host report from its typed diff (checks, packages, guests, ...). */
  report?(diff: Diff, host: HostReport, kind: ReportKind): void;
  /**
   * After report(): this step's share that rests on the gathered facts, for every host whose facts were read, whether or
   * not the step left a diff (it did not run, or could not read its evidence): a check never made says unknown.
   */
  reportFacts?(host: HostReport, facts: HostFacts, kind: ReportKind, params: P): void;
  /** Fleet-wide live migrations these params allow at once (the run's coordinator takes the first step that says). */
  migrationSlots?(params: P): number;
  /** Checked again on the hosts that finished once the whole run is over: later hosts' work changes what it found. */
  recheckAfterRun?: boolean;
  /**
   * A run that stopped while this step was running may find the host down (rebooting): a resumed run keeps trying to
   * connect for this long before calling the host unreachable.
   */
  resumeConnectWaitMs?(params: P): number;
  check(ctx: StepContext<P>): Promise<Diff>;
  apply(ctx: StepContext<P>, diff: Diff): Promise<void>;
  /** Defaults to check(): must return no changes after apply. */
  verify?(ctx: StepContext<P>): Promise<Diff>;
  /**
   * In a plan, the host's facts as they would be after apply(), so the checks of later steps see what earlier steps
   * would change (updated packages make a reboot due; an edited nova.conf is already edited). Pure, no I/O.
   */
  project?(facts: HostFacts, diff: Diff, params: P): HostFacts;
}

/** Moved to ./errors.ts with the other outcomes; re-exported for the callers that still import it from here. */
export { DeferredError } from './errors.js';

/** A step with its params already parsed by the playbook loader. */
export interface PlannedStep {
  step: Step<any>;
  params: unknown;
}
