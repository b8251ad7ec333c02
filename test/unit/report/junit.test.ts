// Tests the JUnit format by parsing it back with fast-xml-parser and checking the common JUnit XSD shape and the counts.
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { renderJunit } from '../../../src/report/junit.js';
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

function findCase(cases: Node[], host: string, name: string): Node {
  const c = cases.find((x) => x['@_classname'] === host && x['@_name'] === name);
  if (!c) throw new Error(`no testcase ${host} / ${name}`);
  return c;
}

describe('renderJunit', () => {
  it.each<Report['kind']>(['plan', 'run', 'sweep'])('%s: testsuites/testsuite carry the XSD attributes with consistent counts', (kind) => {
    const { suites, suite, cases } = parse(renderJunit(buildReport(kind)));
    for (const el of [suites, suite]) {
      for (const attr of ['tests', 'failures', 'errors', 'skipped', 'time']) expect(el[`@_${attr}`], attr).toMatch(/^\d+(\.\d+)?$/);
    }
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

  it('reports unreachable and deferred hosts as skipped, never as failed', () => {
    const { cases } = parse(renderJunit(buildReport('run')));
    const unreachable = cases.filter((c) => c['@_classname'] === 'compute04');
    expect(unreachable).toHaveLength(1);
    expect((unreachable[0]!.skipped as Node)['@_message']).toBe(`unreachable: ${UNREACHABLE_REASON}`);
    expect(unreachable[0]!.failure).toBeUndefined();
    const deferred = findCase(cases, 'compute05', 'step drain');
    expect((deferred.skipped as Node)['@_message']).toMatch(/^deferred: outside the maintenance window/);
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
});
