// A validator for the rules of the Jenkins JUnit schema (xunit-plugin's junit-10.xsd), written from the schema's rules.
import { XMLParser, XMLValidator } from 'fast-xml-parser';

/*
 * What the schema allows, element by element: the attributes (required ones marked), the child elements, and whether
 * text may appear. Jenkins' JUnit plugin and xunit validate reports against it; an attribute the schema does not declare
 * (testsuites@skipped, the common mistake) makes the report invalid there.
 */
interface ElementRule {
  attrs: Record<string, 'required' | 'optional' | 'time'>;
  children: readonly string[];
  text: boolean;
}

const TEXT_ONLY: ElementRule = { attrs: {}, children: [], text: true };
const OUTCOME: ElementRule = { attrs: { type: 'optional', message: 'optional' }, children: [], text: true };

const RULES: Record<string, ElementRule> = {
  testsuites: { attrs: { name: 'optional', time: 'time', tests: 'optional', failures: 'optional', errors: 'optional' }, children: ['testsuite'], text: false },
  testsuite: {
    attrs: {
      name: 'required', tests: 'required', failures: 'required', errors: 'required', group: 'optional', time: 'time', skipped: 'optional',
      timestamp: 'optional', hostname: 'optional', id: 'optional', package: 'optional', file: 'optional', log: 'optional', url: 'optional',
    },
    children: ['testsuite', 'properties', 'testcase', 'system-out', 'system-err'],
    text: false,
  },
  properties: { attrs: {}, children: ['property'], text: false },
  property: { attrs: { name: 'required', value: 'required' }, children: [], text: false },
  testcase: {
    attrs: { name: 'required', time: 'optional', classname: 'optional', group: 'optional' },
    children: ['skipped', 'error', 'failure', 'rerunFailure', 'rerunError', 'flakyFailure', 'flakyError', 'system-out', 'system-err'],
    text: false,
  },
  failure: OUTCOME,
  error: OUTCOME,
  skipped: OUTCOME,
  'system-out': TEXT_ONLY,
  'system-err': TEXT_ONLY,
};

/** The schema's time type: digits (optionally grouped by commas in threes) and an optional fraction; no sign, no exponent. */
const SUREFIRE_TIME = /^((\d{0,3},)*\d{3}|\d{0,3})*(\.\d*)?$/;

type Ordered = Record<string, unknown> & { ':@'?: Record<string, string> };

/** Every rule the document breaks, as "path: problem"; empty when it is valid. */
export function jenkinsJunitProblems(xml: string): string[] {
  const wellFormed = XMLValidator.validate(xml);
  if (wellFormed !== true) return [`not well-formed XML: ${wellFormed.err.msg} (line ${wellFormed.err.line})`];
  const doc = new XMLParser({ preserveOrder: true, ignoreAttributes: false, attributeNamePrefix: '', parseAttributeValue: false, parseTagValue: false, trimValues: false }).parse(xml) as Ordered[];
  const problems: string[] = [];
  const roots = doc.filter((n) => !('?xml' in n) && !('#text' in n && String(n['#text']).trim() === ''));
  if (roots.length !== 1 || !('testsuites' in roots[0]! || 'testsuite' in roots[0]!)) problems.push('the root must be one testsuites or testsuite element');
  for (const r of roots) check(r, '', problems);
  return problems;
}

function check(node: Ordered, parent: string, problems: string[]): void {
  const name = Object.keys(node).find((k) => k !== ':@')!;
  if (name === '#text') return;
  const path = `${parent}/${name}`;
  const rule = RULES[name];
  if (!rule) { problems.push(`${path}: element not in the schema`); return; }
  const attrs = node[':@'] ?? {};
  for (const [a, v] of Object.entries(attrs)) {
    const kind = rule.attrs[a];
    if (!kind) problems.push(`${path}: attribute ${a} not allowed`);
    else if (kind === 'time' && !SUREFIRE_TIME.test(v)) problems.push(`${path}: time ${JSON.stringify(v)} is not a SUREFIRE_TIME`);
  }
  for (const [a, kind] of Object.entries(rule.attrs)) if (kind === 'required' && !(a in attrs)) problems.push(`${path}: required attribute ${a} missing`);
  for (const child of node[name] as Ordered[]) {
    const childName = Object.keys(child).find((k) => k !== ':@')!;
    if (childName === '#text') {
      if (!rule.text && String(child['#text']).trim() !== '') problems.push(`${path}: text not allowed`);
      continue;
    }
    if (!rule.children.includes(childName)) problems.push(`${path}: child ${childName} not allowed`);
    check(child, path, problems);
  }
}
