// Builds the Report of a plan, run or sweep from the engine's events; each step fills its own share of the host report.
import { ENGINE_EVENT_TYPES, type EngineEvent, type EngineEventType, type EngineEvents, type EventOf, type HostResult } from '../engine/events.js';
import type { HostFacts } from '../facts/types.js';
import type { HostSpec } from '../inventory/types.js';
import type { EvidenceKey } from '../facts/evidence.js';
import { missingEvidence, rebootEvidence } from '../steps/evidence-rules.js';
import { rebootReasons } from '../steps/reboot-reasons.js';
import { layoutSummary } from '../layout/commands.js';
import type { PlannedStep } from '../steps/types.js';
import type { Diff, Step } from '../steps/types.js';
import type { HostReport, HostStatus, Report, ReportKind, StepReport } from './model.js';
import { REPORT_SCHEMA_VERSION } from './model.js';
import { migrationsOf } from './migrations.js';
import { summarizeHosts } from './summary.js';
import { factsSnapshot } from './facts-snapshot.js';
import { TimelineRecorder } from './timeline.js';
import { replaceLast } from './replace-last.js';
import { VERSION } from '../util/version.js';

function str(v: unknown): string | null {
  return typeof v === 'string' ? v : null;
}

/** The report's status of a host: a cancelled host was skipped; in a sweep a pending change is drift. */
export function hostStatusOf(result: HostResult, kind: ReportKind): HostStatus {
  if (result === 'cancelled') return 'skipped';
  if (kind === 'sweep' && result === 'would-change') return 'drift';
  return result;
}

/** Every event but a long step's progress, which is the live view's alone (a new event type reaches the report by default). */
const REPORTED_EVENTS: readonly EngineEventType[] = ENGINE_EVENT_TYPES.filter((t) => t !== 'step-progress');

export class ReportBuilder {
  private readonly hosts = new Map<string, HostReport>();
  /** The last gather of each host (after a run: the host as it is now) and the first (before any change). */
  private readonly facts = new Map<string, HostFacts>();
  private readonly firstFacts = new Map<string, HostFacts>();
  private readonly timeline = new TimelineRecorder();
  /** Per host and step: the last diff seen, whose share of the host report is filled in at finish(). */
  private readonly diffs = new Map<string, Map<string, Diff>>();
  private readonly steps: ReadonlyMap<string, Step<any>>;
  private readonly params: ReadonlyMap<string, unknown>;
  private readonly started = new Date();
  private stoppedBecause: string | undefined;

  constructor(private readonly kind: ReportKind, private readonly runId: string, private readonly playbook: string | null, specs: HostSpec[], steps: readonly PlannedStep[]) {
    this.steps = new Map(steps.map((s) => [s.step.id, s.step]));
    this.params = new Map(steps.map((s) => [s.step.id, s.params]));
    for (const h of specs) {
      this.hosts.set(h.name, {
        name: h.name, address: h.address, novaHost: h.novaHost,
        availabilityZone: str(h.vars['availability_zone']), aggregate: str(h.vars['aggregate']),
        status: 'skipped', steps: [], checks: [], rebootReasons: [], packagesBelowMinimum: [], guestsNeedingColdBoot: [], warnings: [],
      });
    }
  }

  listen(events: EngineEvents): () => void {
    // Only what the report keeps: a drain's or a reboot's progress events are the live view's alone.
    return events.onTypes(REPORTED_EVENTS, (e) => this.onEvent(e));
  }

  /** A later look at a finished host (the recheck after a run): its findings replace the ones the step found then. */
  recheck(e: EventOf<'step-end'>): void {
    if (e.diff && this.hosts.get(e.host)?.steps.some((s) => s.id === e.step)) this.remember(e.host, e.step, e.diff);
  }

  warn(host: string, message: string): void {
    const h = this.hosts.get(host);
    if (h && !h.warnings.includes(message)) h.warnings.push(message);
  }

  private remember(host: string, step: string, diff: Diff): void {
    let perHost = this.diffs.get(host);
    if (!perHost) this.diffs.set(host, (perHost = new Map()));
    perHost.set(step, diff);
  }

  private onEvent(e: EngineEvent): void {
    this.timeline.onEvent(e);
    switch (e.type) {
      case 'facts':
        if (!this.firstFacts.has(e.host)) this.firstFacts.set(e.host, e.facts);
        this.facts.set(e.host, e.facts);
        return;
      case 'nova-host': {
        const h = this.hosts.get(e.host);
        if (h) h.novaHost = e.novaHost;
        return;
      }
      case 'step-end': {
        const h = this.hosts.get(e.host);
        if (!h) return;
        const status = e.status === 'aborted' ? 'failed' : e.status;
        const step: StepReport = { id: e.step, status, changes: e.diff?.changes ?? [], notes: e.diff?.notes ?? [], durationMs: Math.round(e.durationMs) };
        if (e.diff?.findings !== undefined) step.findings = e.diff.findings;
        if (e.error) step.error = e.error;
        replaceLast(h.steps, step);
        if (e.diff) this.remember(e.host, e.step, e.diff);
        return;
      }
      case 'host-end': {
        const h = this.hosts.get(e.host);
        if (!h) return;
        h.status = hostStatusOf(e.result, this.kind);
        if (e.error) h.error = e.step ? `${e.step}: ${e.error}` : e.error;
        return;
      }
      case 'host-not-started': {
        const h = this.hosts.get(e.host);
        if (h) h.error = e.reason === 'cancelled' ? 'not started: the run was cancelled' : 'not started: the failure limit was reached';
        return;
      }
      case 'warning':
        if (e.host) this.warn(e.host, e.message);
        return;
      case 'run-end':
        if (e.summary.stopReason) this.stoppedBecause = e.summary.stopReason;
        return;
      default:
    }
  }

  private fillFromFacts(h: HostReport, f: HostFacts): void {
    h.facts = { ...factsSnapshot(f), ...layoutSnapshot(f) };
    const first = this.firstFacts.get(h.name);
    if (this.kind === 'run' && first) h.before = factsSnapshot(first);
    h.rebootReasons = rebootReasons(f, false).map((r) => r.message);
    if (this.kind !== 'sweep') return;
    // Neither check may read "nothing found" into evidence that was never read: those are unknown, never ok.
    const unread = (keys: EvidenceKey[]): string | null => {
      const m = missingEvidence(f, keys);
      return m.length ? `unknown: could not read ${m.map((x) => x.text).join(', ')}` : null;
    };
    const rebootUnknown = unread(rebootEvidence(f));
    h.checks.push(rebootUnknown
      ? { name: 'reboot-pending', ok: false, detail: rebootUnknown, unknown: true }
      : { name: 'reboot-pending', ok: h.rebootReasons.length === 0, detail: h.rebootReasons.join('; ') || 'no reboot pending' });
  }

  finish(): Report {
    const finished = new Date();
    for (const h of this.hosts.values()) {
      for (const [id, diff] of this.diffs.get(h.name) ?? []) this.steps.get(id)?.report?.(diff, h, this.kind);
      const f = this.facts.get(h.name);
      if (f) {
        this.fillFromFacts(h, f);
        for (const step of this.steps.values()) step.reportFacts?.(h, f, this.kind, this.params.get(step.id));
      }
      const timeline = this.timeline.host(h.name);
      if (timeline) h.timeline = timeline;
    }
    const hosts = [...this.hosts.values()];
    const report: Report = {
      schemaVersion: REPORT_SCHEMA_VERSION, kind: this.kind, tool: { name: 'mds-orchestrate', version: VERSION },
      runId: this.runId, playbook: this.playbook, startedAt: this.started.toISOString(), finishedAt: finished.toISOString(),
      durationMs: finished.getTime() - this.started.getTime(), summary: summarizeHosts(hosts, this.stoppedBecause), hosts,
    };
    if (this.kind === 'run') report.migrations = migrationsOf(hosts);
    const batches = this.timeline.batchSpans();
    if (batches.length) report.batches = batches;
    return report;
  }
}

/** The layout for a report: the gather's (name, source, where its parts are, basis), or why it is unknown. */
function layoutSnapshot(f: HostFacts): Pick<NonNullable<HostReport['facts']>, 'layout' | 'layoutUnknown'> {
  if (f.layout) return { layout: { name: f.layout.name, source: f.layout.source, summary: layoutSummary(f.layout), basis: [...f.layout.basis] } };
  const p = f.evidence.layout;
  // Facts without a layout whose evidence was read are bare metal (built before layouts existed): nothing to add.
  return p.state === 'unreadable' ? { layout: null, layoutUnknown: p.reason } : {};
}
