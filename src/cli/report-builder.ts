// Builds the Report (src/report/model.ts) of a plan, run or sweep by listening to engine events and the facts gathered.
import type { HostFacts } from '../facts/types.js';
import type { HostSpec } from '../inventory/types.js';
import type { EngineEvent, EngineEvents, HostResult } from '../engine/events.js';
import type { CheckReport, GuestReport, HostReport, HostStatus, Report, ReportSummary, StepReport } from '../report/model.js';
import { REPORT_SCHEMA_VERSION } from '../report/model.js';
import type { GuestNeedingColdBoot } from '../steps/guests.js';
import { rebootReasons } from '../steps/reboot-reasons.js';
import type { PackageShortfall } from '../steps/update-packages.js';
import type { VerifyFinding } from '../steps/verify.js';
import type { EvidenceKey } from '../facts/evidence.js';
import { missingEvidence, rebootEvidence } from '../steps/evidence-rules.js';
import { VERSION } from './version.js';

function str(v: unknown): string | null {
  return typeof v === 'string' ? v : null;
}

export class ReportBuilder {
  private readonly hosts = new Map<string, HostReport>();
  private readonly facts = new Map<string, HostFacts>();
  private readonly started = new Date();
  private stoppedBecause: string | undefined;

  constructor(private readonly kind: Report['kind'], private readonly runId: string, private readonly playbook: string | null, specs: HostSpec[]) {
    for (const h of specs) {
      this.hosts.set(h.name, {
        name: h.name, address: h.address, novaHost: h.novaHost,
        availabilityZone: str(h.vars['availability_zone']), aggregate: str(h.vars['aggregate']),
        status: 'skipped', steps: [], checks: [], rebootReasons: [], packagesBelowMinimum: [], guestsNeedingColdBoot: [], warnings: [],
      });
    }
  }

  /** Remembers the newest facts of each host (wrap the runner's gatherFacts with this). */
  recordFacts(host: string, facts: HostFacts): void {
    this.facts.set(host, facts);
  }

  listen(events: EngineEvents): void {
    events.onAny((e) => this.onEvent(e));
  }

  private onEvent(e: EngineEvent): void {
    switch (e.type) {
      case 'step-end': {
        const h = this.hosts.get(e.host);
        if (!h) return;
        const status = e.status === 'aborted' ? 'failed' : e.status;
        const step: StepReport = { id: e.step, status, changes: e.diff?.changes ?? [], notes: e.diff?.notes ?? [], durationMs: Math.round(e.durationMs) };
        if (e.diff?.data !== undefined) step.data = e.diff.data;
        if (e.error) step.error = e.error;
        h.steps = h.steps.filter((s) => s.id !== e.step).concat(step);
        this.absorbStepData(h, step);
        return;
      }
      case 'host-end': {
        const h = this.hosts.get(e.host);
        if (!h) return;
        h.status = this.hostStatus(e.result);
        if (e.error) h.error = e.step ? `${e.step}: ${e.error}` : e.error;
        return;
      }
      case 'host-not-started': {
        const h = this.hosts.get(e.host);
        if (h) h.error = e.reason === 'cancelled' ? 'not started: the run was cancelled' : 'not started: the failure limit was reached';
        return;
      }
      case 'warning': {
        const h = e.host ? this.hosts.get(e.host) : undefined;
        if (h && !h.warnings.includes(e.message)) h.warnings.push(e.message);
        return;
      }
      case 'run-end':
        if (e.summary.stopReason) this.stoppedBecause = e.summary.stopReason;
        return;
      default:
    }
  }

  private hostStatus(result: HostResult): HostStatus {
    if (result === 'cancelled') return 'skipped';
    if (this.kind === 'sweep' && result === 'would-change') return 'drift';
    return result;
  }

  private absorbStepData(h: HostReport, step: StepReport): void {
    const data = step.data as { findings?: VerifyFinding[]; needingColdBoot?: GuestNeedingColdBoot[] } | undefined;
    if (step.id === 'verify' && data?.findings) {
      h.checks = data.findings.map((f): CheckReport => ({ name: f.check, ok: f.ok, detail: f.status === 'unknown' || f.detail.startsWith('unknown') ? f.detail : f.note ? `${f.detail} (note: ${f.note})` : f.detail }));
    }
    if (step.id === 'guests' && data?.needingColdBoot) {
      h.guestsNeedingColdBoot = data.needingColdBoot.map((g): GuestReport => ({ uuid: g.uuid, name: g.name, host: g.host, projectId: g.projectId }));
    }
    if (step.id === 'update-packages') {
      h.packagesBelowMinimum = step.changes.filter((c) => c.kind === 'package-update')
        .map((c) => { const s = c.data as PackageShortfall; return { name: s.name, installed: s.installed, minimum: s.minimum }; });
    }
  }

  finish(): Report {
    const finished = new Date();
    for (const h of this.hosts.values()) {
      const f = this.facts.get(h.name);
      if (!f) continue;
      h.facts = {
        os: f.os.prettyName, kernelRunning: f.kernelRunning, bootId: f.bootId, cpuVendor: f.cpu.vendor,
        mds: f.sysfs.mds?.trim() ?? null, tsxAsyncAbort: f.sysfs.tsxAsyncAbort?.trim() ?? null, mmioStaleData: f.sysfs.mmioStaleData?.trim() ?? null,
      };
      h.rebootReasons = rebootReasons(f, false).map((r) => r.message);
      if (this.kind === 'sweep') {
        // Neither check may read "nothing found" into evidence that was never read.
        const unknown = (keys: EvidenceKey[]): string | null => {
          const m = missingEvidence(f, keys);
          return m.length ? `unknown: could not read ${m.map((x) => x.text).join(', ')}` : null;
        };
        const rebootUnknown = unknown(rebootEvidence(f));
        h.checks.push(rebootUnknown
          ? { name: 'reboot-pending', ok: false, detail: rebootUnknown }
          : { name: 'reboot-pending', ok: h.rebootReasons.length === 0, detail: h.rebootReasons.join('; ') || 'no reboot pending' });
        const guestsUnknown = unknown(['guests']);
        const guestsRead = h.steps.some((s) => s.id === 'guests' && s.status !== 'skipped' && s.status !== 'unknown');
        h.checks.push(guestsUnknown || !guestsRead
          ? { name: 'guests', ok: false, detail: guestsUnknown ?? 'unknown: the guests check did not run' }
          : { name: 'guests', ok: h.guestsNeedingColdBoot.length === 0, detail: h.guestsNeedingColdBoot.length ? `${h.guestsNeedingColdBoot.length} guest(s) need a cold boot` : 'no guest needs a cold boot' });
      }
    }
    const hosts = [...this.hosts.values()];
    const count = (s: HostStatus) => hosts.filter((h) => h.status === s).length;
    const summary: ReportSummary = {
      hosts: hosts.length, ok: count('ok'), changed: count('changed'), wouldChange: count('would-change'), drift: count('drift'),
      failed: count('failed'), unreachable: count('unreachable'), unknown: count('unknown'), deferred: count('deferred'), skipped: count('skipped'),
      guestsNeedingColdBoot: hosts.reduce((n, h) => n + h.guestsNeedingColdBoot.length, 0),
    };
    if (this.stoppedBecause) summary.stoppedBecause = this.stoppedBecause;
    return {
      schemaVersion: REPORT_SCHEMA_VERSION, kind: this.kind, tool: { name: 'mds-orchestrate', version: VERSION },
      runId: this.runId, playbook: this.playbook, startedAt: this.started.toISOString(), finishedAt: finished.toISOString(),
      durationMs: finished.getTime() - this.started.getTime(), summary, hosts,
    };
  }
}
