// JUnit XML (valid against Jenkins' JUnit schema): one testsuite for the report's kind, one testcase per host and check/step.
import { escapeXml, escapeXmlAttr } from './escape.js';
import type { HostReport, Report, StepReport } from './model.js';
import { isCompliant, isNotAttempted } from './status.js';

/** `type` names the outcome for dashboards: a refusal and an unreadable verdict are not the same as a failed check. */
type Outcome = { kind: 'pass' } | { kind: 'failure' | 'error' | 'skipped'; message: string; body?: string; type?: string };

interface TestCase {
  classname: string;
  name: string;
  seconds: number;
  outcome: Outcome;
  out?: string;
}

function seconds(ms: number | undefined): number {
  return ms === undefined ? 0 : Math.round(ms) / 1000;
}

function stepOutput(s: StepReport): string | undefined {
  const lines = [...s.changes.map((c) => `${c.kind}: ${c.summary}`), ...s.notes.map((n) => `note: ${n}`)];
  return lines.length ? lines.join('\n') : undefined;
}

/** The reason an unreachable host or step is an error: CI must not go green over a host nobody could look at. */
function unreachable(message: string): Outcome {
  return { kind: 'error', type: 'Unreachable', message: `unreachable: ${message}` };
}

function stepOutcome(s: StepReport, kind: Report['kind'], host: HostReport): Outcome {
  if (s.status === 'unreachable') return unreachable(s.error ?? host.error ?? `step ${s.id} lost the host`);
  if (s.status === 'failed') return { kind: 'failure', message: s.error ?? `step ${s.id} failed`, body: stepOutput(s) };
  // Refused: left untouched on purpose, and not remediated: a failure, typed so it reads apart from a broken check.
  if (s.status === 'refused') return { kind: 'failure', type: 'Refused', message: `refused: ${s.error ?? `step ${s.id} refused`}`, body: stepOutput(s) };
  // Unknown: the check could not be judged at all, which JUnit calls an error (not a failure of the thing tested).
  if (s.status === 'unknown') return { kind: 'error', type: 'UnknownEvidence', message: `unknown: ${s.error ?? `step ${s.id} could not read its evidence`}`, body: stepOutput(s) };
  if (isNotAttempted(s.status)) return { kind: 'skipped', message: `${s.status}${host.error && s.status !== 'skipped' ? `: ${host.error}` : ''}` };
  // In a sweep a pending change is drift: the host is not compliant. In a plan it is the expected output.
  if (s.status === 'would-change' && kind === 'sweep') {
    return { kind: 'failure', message: `not compliant: ${s.changes.map((c) => c.summary).join('; ') || s.id}`, body: stepOutput(s) };
  }
  return { kind: 'pass' };
}

/**
 * CI tools split a class name at its last dot (package.Class): an FQDN would file compute01.example.com under a
 * package "compute01.example" as class "com". The kind is the package, the host the class, its dots kept apart.
 */
export function classNameOf(kind: Report['kind'], host: string): string {
  return `${kind}.${host.replace(/\./g, '_')}`;
}

function hostCases(h: HostReport, kind: Report['kind']): TestCase[] {
  const cases: TestCase[] = [];
  const classname = classNameOf(kind, h.name);
  for (const c of h.checks) {
    // An unknown check could not be made at all: JUnit's error, as for an unknown step. On a host found compliant, a check
    // that did not pass is advice (guests still to cold boot), not a failure of it.
    const outcome: Outcome = c.unknown ? { kind: 'error', type: 'UnknownEvidence', message: c.detail }
      : c.ok || isCompliant(h.status) ? { kind: 'pass' } : { kind: 'failure', message: c.detail };
    cases.push({ classname, name: c.name, seconds: 0, outcome, out: c.ok ? c.detail : `${isCompliant(h.status) && !c.unknown ? 'advice: ' : ''}${c.detail}` });
  }
  for (const s of h.steps) {
    cases.push({ classname, name: `step ${s.id}`, seconds: seconds(s.durationMs), outcome: stepOutcome(s, kind, h), out: stepOutput(s) });
  }
  const reason = h.error ?? h.status;
  if (h.status === 'unreachable' && !cases.some((c) => c.outcome.kind === 'error')) {
    cases.push({ classname, name: 'host', seconds: 0, outcome: unreachable(reason) });
    return cases;
  }
  // A host-level outcome nothing above shows (unreachable before any step, a failure outside the steps) gets its own case.
  const shown = cases.some((c) => c.outcome.kind !== 'pass');
  if (isNotAttempted(h.status) && !shown) cases.push({ classname, name: 'host', seconds: 0, outcome: { kind: 'skipped', message: `${h.status}: ${reason}` } });
  else if (h.status === 'failed' && !cases.some((c) => c.outcome.kind === 'failure')) {
    cases.push({ classname, name: 'host', seconds: 0, outcome: { kind: 'error', message: reason } });
  } else if (h.status === 'refused' && !shown) {
    cases.push({ classname, name: 'host', seconds: 0, outcome: { kind: 'failure', type: 'Refused', message: `refused: ${reason}` } });
  } else if (h.status === 'unknown' && !cases.some((c) => c.outcome.kind === 'error')) {
    cases.push({ classname, name: 'host', seconds: 0, outcome: { kind: 'error', type: 'UnknownEvidence', message: `unknown: ${reason}` } });
  } else if (cases.length === 0) cases.push({ classname, name: 'host', seconds: 0, outcome: { kind: 'pass' }, out: h.status });
  return cases;
}

function renderCase(c: TestCase): string {
  const open = `    <testcase classname="${escapeXmlAttr(c.classname)}" name="${escapeXmlAttr(c.name)}" time="${c.seconds}"`;
  const inner: string[] = [];
  const o = c.outcome;
  if (o.kind === 'skipped') inner.push(`      <skipped message="${escapeXmlAttr(o.message)}"/>`);
  else if (o.kind !== 'pass') {
    const type = o.type ?? (o.kind === 'failure' ? 'NotMitigated' : 'HostError');
    inner.push(`      <${o.kind} message="${escapeXmlAttr(o.message)}" type="${type}">${escapeXml(o.body ?? o.message)}</${o.kind}>`);
  }
  if (c.out !== undefined) inner.push(`      <system-out>${escapeXml(c.out)}</system-out>`);
  return inner.length ? `${open}>\n${inner.join('\n')}\n    </testcase>` : `${open}/>`;
}

export interface JunitOptions {
  /** The controller's host name for the XSD's testsuite@hostname (kept out of the renderer so it stays pure). */
  hostname?: string;
}

export function renderJunit(report: Report, opts: JunitOptions = {}): string {
  const cases = report.hosts.flatMap((h) => hostCases(h, report.kind));
  const n = (k: Outcome['kind']): number => cases.filter((c) => c.outcome.kind === k).length;
  const counts = `tests="${cases.length}" failures="${n('failure')}" errors="${n('error')}"`;
  const time = `time="${seconds(report.durationMs)}"`;
  const suiteName = escapeXmlAttr(`mds-orchestrate ${report.kind}`);
  const props = [
    ['runId', report.runId],
    ['kind', report.kind],
    ['playbook', report.playbook ?? ''],
    ['toolVersion', report.tool.version],
    ...(report.summary.stoppedBecause ? [['stoppedBecause', report.summary.stoppedBecause]] : []),
  ].map(([k, v]) => `      <property name="${escapeXmlAttr(k!)}" value="${escapeXmlAttr(v!)}"/>`);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    // The schema gives testsuites no skipped attribute (Jenkins refuses the file with one); the testsuite has it.
    `<testsuites name="mds-orchestrate" ${counts} ${time}>`,
    `  <testsuite name="${suiteName}" id="0" package="mds-orchestrate" hostname="${escapeXmlAttr(opts.hostname ?? 'localhost')}" timestamp="${escapeXmlAttr(report.startedAt.replace(/(\.\d+)?Z$/, ''))}" ${counts} skipped="${n('skipped')}" ${time}>`,
    '    <properties>',
    ...props,
    '    </properties>',
    ...cases.map(renderCase),
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
