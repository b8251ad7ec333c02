// Tests the JUnit format by parsing it back with fast-xml-parser and checking the common JUnit XSD shape and the counts.
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { classNameOf, renderJunit } from '../../../src/report/junit.js';
import { jenkinsJunitProblems } from '../../helpers/junit-schema.js';
import type { Report } from '../../../src/report/model.js';
import { buildReport, FAILURE_REASON, HOSTILE_NOTE, UNREACHABLE_REASON } from '../../helpers/report-fixture.js';

type Node = Record<string, unknown>;
const asArray = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

function parse(xml: string): { suites: Node; suite: Node; cases: Node[] } {
  expect(XMLValidator.validate(xml)).toBe(true);
  const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@_', parseAttributeValue: false, htmlEntities: true, isArray: (name) => name === 'testcase' || name === 'property' });
  const doc = parser.parse(xml) as Node;
  const suites = doc.testsuites as Node;
  const suite = asArray(suites.testsuite as Node | Node[]);
  expect(suite).toHaveLength(1);
  return { suites, suite: suite[0]!, cases: asArray(suite[0]!.testcase as Node[]) };
}

/** Cases of a host, whatever the report's kind (the class name is "<kind>.<host with its dots as _>"). */
const ofHost = (x: Node, host: string): boolean => String(x['@_classname']).replace(/^(plan|run|sweep)\./, '') === host.replace(/\./g, '_');

function findCase(cases: Node[], host: string, name: string): Node {
  const c = cases.find((x) => ofHost(x, host) && x['@_name'] === name);
  if (!c) throw new Error(`no testcase ${host} / ${name}`);
  return c;
}

describe('renderJunit', () => {
  it.each<Report['kind']>(['plan', 'run', 'sweep'])('%s: testsuites/testsuite carry the XSD attributes with consistent counts', (kind) => {
    const { suites, suite, cases } = parse(renderJunit(buildReport(kind)));
    for (const el of [suites, suite]) {
      for (const attr of ['tests', 'failures', 'errors', 'time']) expect(el[`@_${attr}`], attr).toMatch(/^\d+(\.\d+)?$/);
    }
    expect(suite['@_skipped']).toMatch(/^\d+$/);
    for (const attr of ['name', 'timestamp', 'hostname', 'id', 'package']) expect(suite[`@_${attr}`], attr).toBeDefined();
    expect(suite['@_name']).toBe(`mds-orchestrate ${kind}`);
    expect(suite['@_timestamp']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/);
    expect(Number(suite['@_tests'])).toBe(cases.length);
    expect(Number(suite['@_failures'])).toBe(cases.filter((c) => c.failure !== undefined).length);
    expect(Number(suite['@_errors'])).toBe(cases.filter((c) => c.error !== undefined).length);
    expect(Number(suite['@_skipped'])).toBe(cases.filter((c) => c.skipped !== undefined).length);
    expect(suites['@_tests']).toBe(suite['@_tests']);
    for (const c of cases) {
      expect(typeof c['@_classname']).toBe('string');
      expect(typeof c['@_name']).toBe('string');
      expect(c['@_time']).toMatch(/^\d+(\.\d+)?$/);
    }
  });

  it('has one testcase per host and check and per host and step', () => {
    const report = buildReport('run');
    const { cases } = parse(renderJunit(report));
    for (const h of report.hosts) {
      for (const c of h.checks) findCase(cases, h.name, c.name);
      for (const s of h.steps) findCase(cases, h.name, `step ${s.id}`);
    }
    expect(findCase(cases, 'compute01', 'step reboot')['@_time']).toBe('95');
  });

  it('reports failed checks and steps as failures with their reason', () => {
    const { cases } = parse(renderJunit(buildReport('run')));
    const step = findCase(cases, 'compute03', 'step update-packages').failure as Node;
    expect(step['@_message']).toBe(FAILURE_REASON);
    const check = findCase(cases, 'compute03', 'sysfs').failure as Node;
    expect(check['@_message']).toContain('Vulnerable');
    expect(findCase(cases, 'compute02', 'sysfs').failure).toBeUndefined();
  });

  it('reports an unreachable host as an error (CI must not stay green), a deferred one as skipped', () => {
    const { suite, cases } = parse(renderJunit(buildReport('run')));
    const unreachable = cases.filter((c) => ofHost(c, 'compute04'));
    expect(unreachable).toHaveLength(1);
    const error = unreachable[0]!.error as Node;
    expect(error['@_message']).toBe(`unreachable: ${UNREACHABLE_REASON}`);
    expect(error['@_type']).toBe('Unreachable');
    expect(unreachable[0]!.skipped).toBeUndefined();
    expect(Number(suite['@_errors'])).toBeGreaterThanOrEqual(1);
    const deferred = findCase(cases, 'compute05', 'step drain');
    expect((deferred.skipped as Node)['@_message']).toMatch(/^deferred: outside the maintenance window/);
  });

  it('a step that lost its host mid-run is an error too, not a skip', () => {
    const report = buildReport('run');
    const h = report.hosts[0]!;
    report.hosts = [{ ...h, status: 'unreachable', error: 'connection lost', steps: [{ ...h.steps[0]!, status: 'unreachable', error: 'connection lost during yum' }, { ...h.steps[1]!, status: 'skipped' }] }];
    const { cases } = parse(renderJunit(report));
    expect((findCase(cases, h.name, `step ${h.steps[0]!.id}`).error as Node)['@_message']).toBe('unreachable: connection lost during yum');
    expect(cases.filter((c) => c.error !== undefined)).toHaveLength(1);
  });

  it('a compliant host whose guests await a cold boot passes, with the advice in its output', () => {
    const report = buildReport('sweep');
    const h = report.hosts.find((x) => x.status === 'ok')!;
    report.hosts = [{ ...h, checks: [...h.checks, { name: 'guests', ok: false, detail: '2 guest(s) need a cold boot' }] }];
    const { suite, cases } = parse(renderJunit(report));
    const c = findCase(cases, h.name, 'guests');
    expect(c.failure).toBeUndefined();
    expect(String(c['system-out'])).toBe('advice: 2 guest(s) need a cold boot');
    expect(suite['@_failures']).toBe('0');
    // The same check on a host that is not compliant is still a failure.
    report.hosts = [{ ...report.hosts[0]!, status: 'drift' }];
    expect(findCase(parse(renderJunit(report)).cases, h.name, 'guests').failure).toBeDefined();
  });

  it('class names do not split at the dots of an FQDN: the kind is the package, the host the class', () => {
    const report = buildReport('sweep');
    report.hosts = [{ ...report.hosts[0]!, name: 'cmp-01.rack2.example.com' }];
    const { cases } = parse(renderJunit(report));
    expect(new Set(cases.map((c) => c['@_classname']))).toEqual(new Set(['sweep.cmp-01_rack2_example_com']));
    expect(classNameOf('run', 'a.b')).toBe('run.a_b');
  });

  it('counts pending changes as failures in a sweep but not in a plan', () => {
    const sweep = parse(renderJunit(buildReport('sweep'))).cases;
    expect((findCase(sweep, 'compute06', 'step cpu-flags').failure as Node)['@_message']).toMatch(/^not compliant: add md-clear/);
    const plan = parse(renderJunit(buildReport('plan'))).cases;
    const planned = findCase(plan, 'compute01', 'step cpu-flags');
    expect(planned.failure).toBeUndefined();
    expect(String(planned['system-out'])).toContain('nova-conf-edit: add md-clear');
  });

  it('turns a host failure outside any step or check into an error testcase', () => {
    const report = buildReport('run');
    report.hosts = [{ ...report.hosts[1]!, status: 'failed', error: 'fact gathering crashed: <unexpected output>', steps: [], checks: [] }];
    const { suite, cases } = parse(renderJunit(report));
    expect(cases).toHaveLength(1);
    expect((cases[0]!.error as Node)['@_message']).toBe('fact gathering crashed: <unexpected output>');
    expect(suite['@_errors']).toBe('1');
  });

  it('escapes markup, quotes and newlines and strips characters XML cannot carry', () => {
    const report = buildReport('run');
    const h = report.hosts[2]!;
    report.hosts = [{ ...h, name: 'a<b>&"c"', steps: [{ ...h.steps[0]!, error: `line1\nline2 ${HOSTILE_NOTE}\u0007` }] }];
    const xml = renderJunit(report);
    expect(xml).not.toContain('<script>');
    expect(xml).not.toContain('\u0007');
    const { cases } = parse(xml);
    const c = findCase(cases, 'a<b>&"c"', 'step update-packages');
    expect((c.failure as Node)['@_message']).toBe(`line1\nline2 ${HOSTILE_NOTE}\uFFFD`);
  });

  it.each<Report['kind']>(['plan', 'run', 'sweep'])('%s: valid against the rules of the Jenkins JUnit schema', (kind) => {
    expect(jenkinsJunitProblems(renderJunit(buildReport(kind)))).toEqual([]);
    const hostile = buildReport(kind);
    hostile.hosts = hostile.hosts.map((h) => ({ ...h, name: `${h.name}.<x>&"y"`, error: `${HOSTILE_NOTE}\u0007` }));
    expect(jenkinsJunitProblems(renderJunit(hostile))).toEqual([]);
  });
});

describe('the Jenkins JUnit schema check', () => {
  it('finds what the schema forbids: testsuites@skipped, a missing testsuite@errors, a bad time, an unknown child', () => {
    const doc = (suites: string, suite: string, inner = '<testcase name="a"/>') =>
      `<?xml version="1.0"?><testsuites ${suites}><testsuite ${suite}>${inner}</testsuite></testsuites>`;
    expect(jenkinsJunitProblems(doc('tests="1"', 'name="s" tests="1" failures="0" errors="0" time="1.5"'))).toEqual([]);
    expect(jenkinsJunitProblems(doc('skipped="0"', 'name="s" tests="1" failures="0" errors="0"'))).toEqual(['/testsuites: attribute skipped not allowed']);
    expect(jenkinsJunitProblems(doc('', 'name="s" tests="1" failures="0"'))).toEqual(['/testsuites/testsuite: required attribute errors missing']);
    expect(jenkinsJunitProblems(doc('time="-1"', 'name="s" tests="1" failures="0" errors="0" time="1e-3"'))).toHaveLength(2);
    expect(jenkinsJunitProblems(doc('', 'name="s" tests="1" failures="0" errors="0"', '<testcase name="a"><warning/></testcase>'))).toEqual(['/testsuites/testsuite/testcase: child warning not allowed', '/testsuites/testsuite/testcase/warning: element not in the schema']);
    expect(jenkinsJunitProblems(doc('', 'name="s" tests="1" failures="0" errors="0"', '<testcase/>'))).toEqual(['/testsuites/testsuite/testcase: required attribute name missing']);
  });
});
