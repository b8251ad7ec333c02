// Step verify: the host is mitigated (sysfs, dmesg, domcapabilities, kernel, packages, nova.conf) or says why not.
import { z } from 'zod';
import type { HostFacts } from '../facts/types.js';
import type { EvidenceKey } from '../facts/evidence.js';
import { classifyDmesgLine, effectiveCpuMode, extraFlagSetting, mdClearExposed, parseVulnerability, SOURCE_LABEL } from '../facts/index.js';
import { UnknownEvidenceError } from './errors.js';
import { fixFor, missingEvidence } from './evidence-rules.js';
import { packageRules } from './package-rules.js';
import { findingOf, type VerifyFinding, type VerifyStatus } from './changes.js';
import { packageSources, shortfallsOf } from './package-sources.js';
import { durableKnob, flagsWith } from '../layout/durable-knob.js';
import { minimums } from './params.js';
import type { CheckReport } from '../report/model.js';
import type { Change, Diff, Step, StepContext } from './types.js';

/** The flaws verify can judge; each is a sysfs file the kernel writes, mitigated by the same CPU-buffer clearing. */
export const VULNERABILITIES = ['mds', 'tsx_async_abort', 'mmio_stale_data'] as const;
export type Vulnerability = (typeof VULNERABILITIES)[number];

export const verifyParams = z.strictObject({
  minimums: minimums.optional(),
  /** Report "SMT vulnerable" as a warning (the MDS mitigation is active, but SMT siblings still share buffers). */
  warn_smt: z.boolean().default(true),
  /** Flaws whose state decides the verdict (drift when not mitigated, unknown when unreadable). */
  judge: z.array(z.enum(VULNERABILITIES)).min(1).default(['mds']),
  /** Flaws only shown in the notes, whatever their state. */
  report: z.array(z.enum(VULNERABILITIES)).default(['tsx_async_abort', 'mmio_stale_data']),
});
export type VerifyParams = z.infer<typeof verifyParams>;
type Judging = Pick<VerifyParams, 'judge' | 'report'>;

export type { VerifyFinding, VerifyStatus } from './changes.js';

const SIBLINGS = {
  tsx_async_abort: { key: 'sysfs-tsx_async_abort', field: 'tsxAsyncAbort' },
  mmio_stale_data: { key: 'sysfs-mmio_stale_data', field: 'mmioStaleData' },
} as const;

function finding(check: VerifyFinding['check'], status: VerifyStatus, detail: string, extra: Partial<VerifyFinding> = {}): VerifyFinding {
  return { check, ok: status === 'ok', status, detail, ...extra };
}

function unknownFinding(check: VerifyFinding['check'], facts: HostFacts, keys: EvidenceKey[]): VerifyFinding | null {
  const missing = missingEvidence(facts, keys);
  if (missing.length === 0) return null;
  return finding(check, 'unknown', `unknown: could not read ${missing.map((m) => m.text).join(', ')}`, { evidence: missing.map((m) => m.key) });
}

/**
 * The kernel log only corroborates: sysfs says what the running kernel does now. A mitigated host whose boot-time
 * line is nowhere to be found any more (the ring wrapped, no journal or /var/log/dmesg has it) is compliant, with a note.
 */
function kernelLogFinding(facts: HostFacts): VerifyFinding {
  const sysfsMitigated = facts.mds.kind === 'mitigated';
  const line = facts.dmesgMds.find((l) => l.startsWith('MDS: '));
  const log = facts.kernelLog;
  const where = log.mdsSource ? SOURCE_LABEL[log.mdsSource] : null;
  if (line !== undefined) {
    const kind = classifyDmesgLine(line).kind;
    if (kind === 'mitigated') return finding('dmesg', 'ok', `${line} (${where})`);
    if (sysfsMitigated) {
      return finding('dmesg', 'ok', `${line} (${where})`, { note: `the kernel log (${where}) says "${line}" but sysfs mds now says "${facts.sysfs.mds?.trim()}": sysfs is authoritative` });
    }
    return finding('dmesg', 'drift', `${line} (${where})`);
  }
  const tried = log.tried.map((t) => (t.provenance.state === 'read' ? SOURCE_LABEL[t.source] : t.provenance.reason)).join(', ');
  const why = log.ringWrapped
    ? `the ring buffer has wrapped (its oldest line is after boot) and no other log has the boot-time MDS: line (tried ${tried})`
    : `no MDS: line in the kernel log (tried ${tried})`;
  if (sysfsMitigated) return finding('dmesg', 'ok', why, { note: `${why}; sysfs mds is authoritative and says "${facts.sysfs.mds?.trim()}"` });
  return finding('dmesg', 'drift', why);
}

function siblingFinding(v: 'tsx_async_abort' | 'mmio_stale_data', facts: HostFacts): VerifyFinding {
  const { key, field } = SIBLINGS[v];
  const unknown = unknownFinding(v, facts, [key]);
  if (unknown) return unknown;
  const raw = facts.sysfs[field];
  if (raw === null) {
    // Only Intel CPUs have either flaw; an older kernel lacks the file.
    if (facts.cpu.vendor === 'amd') return finding(v, 'ok', `${v}: no file; AMD CPUs are not affected`);
    return finding(v, 'drift', `${v}: no file: the running kernel predates its fix`);
  }
  const state = parseVulnerability(raw);
  const ok = state.kind === 'mitigated' || state.kind === 'not-affected';
  return finding(v, ok ? 'ok' : 'drift', `${v}: ${raw.trim()}`);
}

/** Every check, passing or not, so sweeps and JUnit reports can show each one; unreadable evidence gives 'unknown'. */
export function verifyFindings(facts: HostFacts, mins: Record<string, Record<string, string>> | undefined, judging: Judging = { judge: ['mds'], report: [] }): VerifyFinding[] {
  const out: VerifyFinding[] = [];
  // An unreadable cpuinfo leaves the vendor unknown: judged as Intel, the stricter case.
  const intel = facts.cpu.vendor !== 'amd';
  const mds = facts.mds;
  const judgeMds = judging.judge.includes('mds');
  const sysfsUnknown = unknownFinding('sysfs', facts, ['sysfs-mds']);
  if (judgeMds) {
    if (sysfsUnknown) out.push(sysfsUnknown);
    else {
      const sysfsText = facts.sysfs.mds?.trim() ?? '(no mds file: the running kernel lacks the MDS fix)';
      out.push(finding('sysfs', mds.kind === 'mitigated' || mds.kind === 'not-affected' ? 'ok' : 'drift', `mds: ${sysfsText}`));
      if (mds.kind !== 'not-affected') out.push(kernelLogFinding(facts));
    }
  }
  if (intel && mds.kind !== 'not-affected') {
    const unknown = unknownFinding('domcaps', facts, ['domcaps', 'nova-conf']);
    if (unknown) out.push(unknown);
    else {
      const exposed = facts.domcaps ? mdClearExposed(facts.novaLibvirt, facts.domcaps) : false;
      out.push(finding('domcaps', exposed ? 'ok' : 'drift', exposed ? 'guests get md-clear (domcapabilities + nova.conf)' : 'md-clear does not reach guests: not required in domcapabilities host-model or not in the custom model flags'));
    }
  }
  const wanted = mins?.[facts.os.dist];
  if (mins && !wanted) {
    out.push(unknownFinding('packages', facts, ['os-release']) ?? finding('packages', 'drift', `no minimum versions for release ${facts.os.dist}`));
  }
  if (wanted) {
    const rules = packageRules(facts);
    const rpmUnknown = unknownFinding('packages', facts, [rules.db]);
    const kernelMin = wanted['kernel'];
    if (kernelMin) {
      const running = rules.runningKernel(facts.kernelRunning);
      const ok = running !== null && rules.satisfies(running, kernelMin);
      out.push(finding('kernel', ok ? 'ok' : 'drift', `running ${facts.kernelRunning}, minimum ${kernelMin}`));
    }
    // Each package where it runs: qemu/libvirt in the container image on containerised layouts (host copies there do not run).
    const src = packageSources(facts, wanted);
    const imageUnread = src.imageUnknown !== null && src.looks.some((l) => l.where === 'image');
    if (rpmUnknown) out.push(rpmUnknown);
    else if (imageUnread) out.push(finding('packages', 'unknown', `unknown: could not read ${src.imageUnknown}`));
    else {
      const below = shortfallsOf(src.looks, rules).map((s) => {
        const inImage = src.looks.find((l) => l.installedAs === s.name)?.where === 'image';
        return `${s.name}${inImage ? ` (${src.image!.container} image)` : ''} < ${s.minimum}`;
      });
      out.push(finding('packages', below.length === 0 ? 'ok' : 'drift', below.length ? `below minimum: ${below.join(', ')}` : 'all at or above the minimums'));
    }
  }
  // AMD has no md-clear to list (cpu-flags leaves AMD hosts alone); nova reads the flags case-blind, a disable winning.
  // A nova.conf that could not be read is unknown, never "cpu_mode unset" (which would pass as the kvm default).
  if (intel) {
    const unknown = unknownFinding('nova-conf', facts, ['nova-conf']);
    if (unknown) out.push(unknown);
    else if (effectiveCpuMode(facts.novaLibvirt) === 'custom') {
      const ok = extraFlagSetting(facts.novaLibvirt) === 'enabled';
      const detail = `cpu_model_extra_flags = ${facts.novaLibvirt.extraFlags.join(',') || '(empty)'}`;
      if (ok || !facts.layout) out.push(finding('nova-conf', ok ? 'ok' : 'drift', detail));
      else {
        // Most often a deployment tool's run rewrote the file: say which knob keeps the flag (cpu-flags adds it back meanwhile).
        const knob = durableKnob(facts.layout.name, flagsWith(facts.novaLibvirt.extraFlags, 'md-clear'), facts.hostname);
        out.push(finding('nova-conf', 'drift', `${detail} in ${facts.novaConfPath}`, { note: `md-clear is missing from ${facts.novaConfPath}: if ${knob.owner} rewrote it, set ${knob.knob} (${knob.file}) so its next run keeps it` }));
      }
    }
  }
  for (const v of judging.judge) if (v !== 'mds') out.push(siblingFinding(v, facts));
  return out;
}

/** Notes for the flaws reported but not judged: their state, or why it is not known. */
export function reportedNotes(facts: HostFacts, judging: Judging): string[] {
  return judging.report.filter((v) => !judging.judge.includes(v)).map((v) => {
    if (v === 'mds') return `mds: ${facts.sysfs.mds?.trim() ?? 'no file'} (reported, not judged)`;
    const f = siblingFinding(v, facts);
    return `${f.detail.startsWith(`${v}:`) ? f.detail : `${v}: ${f.detail}`} (reported, not judged)`;
  });
}

/** Used by the sweep to say the running kernel is not the newest installed one. */
export function runningKernelIsNewest(facts: HostFacts): boolean {
  const kernels = facts.packages['kernel'] ?? [];
  const rules = packageRules(facts);
  const running = rules.runningKernel(facts.kernelRunning);
  return kernels.length === 0 || running === null || rules.compare(rules.newest(kernels), running) <= 0;
}

async function check(ctx: StepContext<VerifyParams>): Promise<Diff> {
  const facts = await ctx.facts();
  const findings = verifyFindings(facts, ctx.params.minimums, ctx.params);
  const smt = facts.mds.kind === 'mitigated' ? facts.mds.smt : null;
  if (ctx.params.warn_smt && smt && /vulnerable/i.test(smt)) ctx.warn(`MDS mitigated but SMT ${smt}: disable SMT where guests are untrusted`);
  const changes: Change[] = findings.filter((f) => f.status === 'drift').map((f) => ({ kind: 'not-mitigated', summary: `${f.check}: ${f.detail}`, data: f }));
  const notes = [
    ...findings.filter((f) => f.status === 'ok').map((f) => `${f.check}: ${f.detail}`),
    ...findings.flatMap((f) => (f.note ? [`note: ${f.note}`] : [])),
    ...reportedNotes(facts, ctx.params),
  ];
  const diff: Diff = { step: 'verify', changes, notes, findings: [{ kind: 'checks', checks: findings }] };
  // Unknown outranks drift: a host we could not fully read is reported as such, with what was found beside it.
  const unknown = findings.filter((f) => f.status === 'unknown');
  if (unknown.length) {
    const keys = [...new Set(unknown.flatMap((f) => f.evidence ?? []))];
    const drift = changes.length ? `; also not mitigated: ${changes.map((c) => c.summary).join('; ')}` : '';
    throw new UnknownEvidenceError(keys, `verdict unknown: ${unknown.map((f) => `${f.check} ${f.detail}`).join('; ')}${drift}`, fixFor(facts, ctx.host, keys), {}, diff);
  }
  return diff;
}

async function apply(_ctx: StepContext<VerifyParams>, diff: Diff): Promise<void> {
  // Verification cannot fix anything by itself: what is still wrong after the earlier steps fails the host.
  throw new Error(`not mitigated: ${diff.changes.map((c) => c.summary).join('; ')}`);
}

/** A finding as the report's check: a note rides in the detail, an unknown one is marked so (JUnit's error, not a failure). */
function checkReport(f: VerifyFinding): CheckReport {
  if (f.status === 'unknown') return { name: f.check, ok: false, detail: f.detail, unknown: true };
  return { name: f.check, ok: f.ok, detail: f.note ? `${f.detail} (note: ${f.note})` : f.detail };
}

export const verify: Step<VerifyParams> = {
  id: 'verify',
  title: 'Verify the mitigation: sysfs, kernel log, domcapabilities, kernel, packages, nova.conf',
  disruptive: false,
  needsNova: false,
  params: verifyParams,
  // The playbook's own verify settings (which flaws it judges) hold for its sweep too.
  sweep: ({ minimums, own }) => own ?? verifyParams.parse(minimums ? { minimums } : {}),
  minimums: (params) => params.minimums,
  report(diff, host) {
    const checks = findingOf(diff.findings, 'checks')?.checks;
    if (checks) host.checks = [...checks.map((f) => checkReport(f)), ...host.checks.filter((c) => !checks.some((f) => f.check === c.name))];
  },
  check,
  apply,
};
