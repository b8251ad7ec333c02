// The report data model shared by plan, run and sweep; every output format (console, JSON, JUnit, HTML, ...) renders this.
import type { Change, Finding } from '../steps/changes.js';

export const REPORT_SCHEMA_VERSION = 1;

export type HostStatus =
  | 'ok'            // nothing to change (run) / compliant (sweep)
  | 'changed'       // run applied changes and verified them
  | 'would-change'  // plan: changes pending
  | 'drift'         // sweep: not compliant
  | 'failed'
  | 'refused'       // left untouched on purpose: a safety check said no (the error says why)
  | 'unknown'       // evidence a check needs could not be read: neither ok nor failed
  | 'unreachable'
  | 'deferred'      // outside the maintenance window / failure domain busy
  | 'skipped';      // not started (budget tripped, cancelled)

export type StepStatus = 'ok' | 'changed' | 'would-change' | 'failed' | 'refused' | 'unknown' | 'skipped' | 'deferred' | 'unreachable';

export type ReportKind = 'plan' | 'run' | 'sweep';

export interface StepReport {
  id: string;
  status: StepStatus;
  changes: Change[];
  notes: string[];
  findings?: Finding[];
  error?: string;
  durationMs?: number;
}

export interface CheckReport {
  /** e.g. sysfs, dmesg, domcaps, kernel, packages, nova-conf (verify's), reboot-pending, and the guests count */
  name: string;
  ok: boolean;
  detail: string;
  /** Set when the check's evidence could not be read: not ok, and not a finding of drift either. */
  unknown?: true;
}

export interface GuestReport {
  uuid: string;
  name: string;
  host: string;
  projectId: string | null;
}

/** One instance the run live-migrated, and from which hosts (in report order). */
export interface MigratedInstance {
  serverId: string;
  /** null when the run only awaited a migration an earlier, interrupted run had started. */
  name: string | null;
  projectId: string | null;
  migrations: number;
  fromHosts: string[];
}

/** The live migrations a run made (run reports only). */
export interface MigrationsReport {
  /** Migrations of steps that ended changed. */
  total: number;
  /** Migrations listed by steps that failed: some may have happened. Not in total. */
  unconfirmed: number;
  /** total / instances moved, two decimals; null when nothing moved. */
  perInstance: number | null;
  instances: MigratedInstance[];
}

/** A short snapshot of a host's facts. */
export interface FactsSnapshot {
  os: string;
  kernelRunning: string;
  bootId: string;
  cpuVendor: string;
  mds: string | null;
  tsxAsyncAbort: string | null;
  mmioStaleData: string | null;
  /** Newest installed version of each package the playbook names (kernels are installonly); absent if rpm was not read. */
  packages?: Record<string, string>;
}

/** One step's span on a host, from the engine's event times (ISO 8601). */
export interface StepSpan {
  id: string;
  status: StepStatus;
  start: string;
  end: string;
  /** Live migrations the step listed (moved, or awaited after a crash). */
  migrations?: number;
  /** The step rebooted the host. */
  reboot?: true;
}

export interface HostTimeline {
  /** 1-based batch number; null for a host run outside batches. */
  batch: number | null;
  start: string;
  end: string | null;
  steps: StepSpan[];
}

/** One rolling batch of the run, with the hosts it started. */
export interface BatchSpan {
  index: number;
  start: string;
  end: string | null;
  hosts: number;
}

export interface HostReport {
  name: string;
  address: string;
  novaHost: string;
  availabilityZone: string | null;
  aggregate: string | null;
  status: HostStatus;
  error?: string;
  /** The facts that matter to people, as last gathered (after a run: the host as it is now); absent when never read. */
  facts?: FactsSnapshot;
  /** Run reports: the same facts as first gathered, before any change (before → after). */
  before?: FactsSnapshot;
  /** When the host's work happened (batch, per-step spans); absent for a host never started. */
  timeline?: HostTimeline;
  steps: StepReport[];
  checks: CheckReport[];
  rebootReasons: string[];
  packagesBelowMinimum: { name: string; installed: string | null; minimum: string }[];
  guestsNeedingColdBoot: GuestReport[];
  warnings: string[];
}

export interface ReportSummary {
  hosts: number;
  ok: number;
  changed: number;
  wouldChange: number;
  drift: number;
  failed: number;
  refused: number;
  unknown: number;
  unreachable: number;
  deferred: number;
  skipped: number;
  guestsNeedingColdBoot: number;
  /** Why the rollout stopped early, if it did (budget tripped, cancelled). */
  stoppedBecause?: string;
}

export interface TrendPoint {
  runId: string;
  at: string;
  /** host -> status at that sweep */
  hosts: Record<string, HostStatus>;
}

export interface Report {
  schemaVersion: typeof REPORT_SCHEMA_VERSION;
  kind: ReportKind;
  tool: { name: 'mds-orchestrate'; version: string };
  runId: string;
  playbook: string | null;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  summary: ReportSummary;
  hosts: HostReport[];
  /** The live migrations the run made (run reports only). */
  migrations?: MigrationsReport;
  /** Past sweeps, oldest first (sweep reports only). */
  trend?: TrendPoint[];
  /** The rolling batches in order, with their times (absent when the engine announced none). */
  batches?: BatchSpan[];
  /** plan only: the rollout rehearsed over the plan's fleet (src/plan/rehearsed-duration.ts). */
  rehearsal?: Record<string, unknown>;
  /** plan only: the room Placement would have left once each batch drains (src/plan/batch-room.ts). */
  batchRoom?: Record<string, unknown>[];
}
