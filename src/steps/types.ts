// The step contract: check() returns a Diff (data), apply() carries it out, verify() must then find nothing left.
import type { Logger } from 'pino';
import type { z } from 'zod';
import type { HostFacts } from '../facts/types.js';
import type { HostSpec } from '../inventory/types.js';
import type { NovaApi } from '../openstack/types.js';
import type { Transport } from '../transport/types.js';

/** One typed change a step would make (or found still missing). */
export interface Change {
  kind: string;          // e.g. 'package-update', 'migrate-instance', 'nova-conf-edit', 'reboot'
  summary: string;       // one human line, no secrets
  data?: unknown;        // step-specific detail for reports and plans (JSON-serialisable)
}

export interface Diff {
  step: string;
  changes: Change[];
  /** Observations that are not changes (warnings, reasons a change is not needed). */
  notes: string[];
  /** Step-specific findings for reports (e.g. the guests that need a cold boot); JSON-serialisable. */
  data?: unknown;
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

export interface Step<P = unknown> {
  /** Step id = file name = playbook key. */
  id: string;
  title: string;
  /** Disruptive steps (drain, reboot) are gated by the maintenance window and failure domains. */
  disruptive: boolean;
  params: z.ZodType<P>;
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
