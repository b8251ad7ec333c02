// JUnit XML format: one testsuite for the report's kind, one testcase per host and check/step, for CI dashboards.
import { escapeXml, escapeXmlAttr } from './escape.js';
import type { HostReport, Report, StepReport } from './model.js';
import { isNotAttempted } from './status.js';

type Outcome = { kind: 'pass' } | { kind: 'failure' | 'error' | 'skipped'; message: string; body?: string };

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

function stepOutcome(s: StepReport, kind: Report['kind'], host: HostReport): Outcome {
  if (s.status === 'failed') return { kind: 'failure', message: s.error ?? `step ${s.id} failed`, body: stepOutput(s) };
  // Unknown is neither a pass nor a finding about the host: the check could not be made (JUnit's error).
  if (s.status === 'unknown') return { kind: 'error', message: s.error ?? `step ${s.id}: evidence could not be read`, body: stepOutput(s) };
  if (isNotAttempted(s.status)) return { kind: 'skipped', message: `${s.status}${host.error && s.status !== 'skipped' ? `: ${host.error}` : ''}` };
  // In a sweep a pending change is drift: the host is not compliant. In a plan it is the expected output.
  if (s.status === 'would-change' && kind === 'sweep') {
    return { kind: 'failure', message: `not compliant: ${s.changes.map((c) => c.summary).join('; ') || s.id}`, body: stepOutput(s) };
  }
  return { kind: 'pass' };
}

function hostCases(h: HostReport, kind: Report['kind']): TestCase[] {
  const cases: TestCase[] = [];
  for (const c of h.checks) {
    const outcome: Outcome = c.ok ? { kind: 'pass' } : c.detail.startsWith('unknown:') ? { kind: 'error', message: c.detail } : { kind: 'failure', message: c.detail };
    cases.push({ classname: h.name, name: c.name, seconds: 0, outcome, out: c.detail });
  }
  for (const s of h.steps) {
    cases.push({ classname: h.name, name: `step ${s.id}`, seconds: seconds(s.durationMs), outcome: stepOutcome(s, kind, h), out: stepOutput(s) });
  }
  const reason = h.error ?? h.status;
  // A host-level outcome nothing above shows (unreachable before any step, a failure outside the steps) gets its own case.
  const shown = cases.some((c) => c.outcome.kind !== 'pass');
  if (isNotAttempted(h.status) && !shown) cases.push({ classname: h.name, name: 'host', seconds: 0, outcome: { kind: 'skipped', message: `${h.status}: ${reason}` } });
  else if (h.status === 'failed' && !cases.some((c) => c.outcome.kind === 'failure')) {
    cases.push({ classname: h.name, name: 'host', seconds: 0, outcome: { kind: 'error', message: reason } });
  } else if (cases.length === 0) cases.push({ classname: h.name, name: 'host', seconds: 0, outcome: { kind: 'pass' }, out: h.status });
  return cases;
}

function renderCase(c: TestCase): string {
  const open = `    <testcase classname="${escapeXmlAttr(c.classname)}" name="${escapeXmlAttr(c.name)}" time="${c.seconds}"`;
  const inner: string[] = [];
  const o = c.outcome;
  if (o.kind === 'skipped') inner.push(`      <skipped message="${escapeXmlAttr(o.message)}"/>`);
  else if (o.kind !== 'pass') {
    const type = o.kind === 'failure' ? 'NotMitigated' : 'HostError';
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
  const counts = `tests="${cases.length}" failures="${n('failure')}" errors="${n('error')}" skipped="${n('skipped')}" time="${seconds(report.durationMs)}"`;
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
    `<testsuites name="mds-orchestrate" ${counts}>`,
    `  <testsuite name="${suiteName}" id="0" package="mds-orchestrate" hostname="${escapeXmlAttr(opts.hostname ?? 'localhost')}" timestamp="${escapeXmlAttr(report.startedAt.replace(/(\.\d+)?Z$/, ''))}" ${counts}>`,
    '    <properties>',
    ...props,
    '    </properties>',
    ...cases.map(renderCase),
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
