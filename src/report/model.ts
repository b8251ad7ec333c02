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

export interface HostReport {
  name: string;
  address: string;
  novaHost: string;
  availabilityZone: string | null;
  aggregate: string | null;
  status: HostStatus;
  error?: string;
  /** A short snapshot of the facts that matter to people; absent when the host was unreachable. */
  facts?: {
    os: string;
    kernelRunning: string;
    bootId: string;
    cpuVendor: string;
    mds: string | null;
    tsxAsyncAbort: string | null;
    mmioStaleData: string | null;
    /**
     * The deployment layout (issue 15): its name, whether detected or set by the inventory, one line of where its parts
     * are, and what decided it; null when it could not be decided (the reason is `unknownReason`).
     */
    layout?: { name: string; source: 'detected' | 'inventory'; summary: string; basis: string[] } | null;
    /** Why the layout is unknown, when it is. */
    layoutUnknown?: string;
  };
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
}
