// The shipped JSON Schemas: equal to what the code generates, valid for Ajv (strict), agreeing with the playbook loader.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parsePlaybook } from '../../../src/playbook/load-playbook.js';
import { PLAYBOOK_SCHEMA_FILE } from '../../../src/playbook/json-schema.js';
import { REPORT_SCHEMA_FILE } from '../../../src/report/json-schema.js';
import { stepSchemas } from '../../../src/steps/registry.js';
import { fleetRunReport } from '../../helpers/fleet-report.js';
import { jsonSchemaErrors, validateJsonSchema } from '../../helpers/json-schema.js';
import { buildReport } from '../../helpers/report-fixture.js';
import { schemaFiles } from '../../schemas/schema-files.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const read = (path: string): string => readFileSync(join(ROOT, path), 'utf8');
const playbookSchema = JSON.parse(read(PLAYBOOK_SCHEMA_FILE)) as object;
const reportSchema = JSON.parse(read(REPORT_SCHEMA_FILE)) as object;
const SHIPPED = ['playbooks/remediate.yaml', 'test/fixtures/playbooks/fast-remediate.yaml'];

/** Does the loader accept it (true), or its error text. */
function loaderVerdict(text: string): true | string {
  try {
    parsePlaybook(text, 'pb.yaml', stepSchemas());
    return true;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

describe('schema files', () => {
  it('are what the code generates (regenerate: npx tsx test/schemas/write-schemas.ts)', () => {
    for (const [path, content] of Object.entries(schemaFiles())) expect(read(path), path).toBe(content);
  });
});

describe('playbook schema', () => {
  it.each(SHIPPED)('%s validates, names the schema in its yaml-language-server modeline, and loads', (path) => {
    const text = read(path);
    expect(validateJsonSchema(playbookSchema, parse(text))).toEqual([]);
    const modeline = /^# yaml-language-server: \$schema=(\S+)$/m.exec(text);
    expect(modeline, 'modeline').not.toBeNull();
    expect(resolve(dirname(join(ROOT, path)), modeline![1]!)).toBe(join(ROOT, PLAYBOOK_SCHEMA_FILE));
    expect(loaderVerdict(text)).toBe(true);
  });

  it('fails a broken playbook at the path of the broken value', () => {
    const pb = parse(read('playbooks/remediate.yaml')) as { steps: Record<string, Record<string, unknown>>[]; forkz?: number };
    pb.steps[1]!['drain']!['parallel_per_host'] = 'two';
    const errors = jsonSchemaErrors(playbookSchema, pb);
    expect(errors.map((e) => e.instancePath)).toContain('/steps/1/drain/parallel_per_host');
    expect(errors.every((e) => e.instancePath.startsWith('/steps/1'))).toBe(true);
  });

  it('fails an unknown top-level key and an unknown step param by name', () => {
    const pb = parse(read('playbooks/remediate.yaml')) as Record<string, unknown> & { steps: Record<string, Record<string, unknown>>[] };
    pb['forkz'] = 5;
    pb.steps[3]!['reboot']!['timout'] = '5m';
    const errors = validateJsonSchema(playbookSchema, pb);
    expect(errors).toContain('/: must NOT have additional properties (forkz)');
    expect(errors).toContain('/steps/3/reboot: must NOT have additional properties (timout)');
  });

  // Each case: what the loader says, the schema says too (the loader stays the authority on ranges it checks in code).
  const CASES: [string, string, boolean][] = [
    ['a step id alone and an empty step', 'name: t\nsteps:\n  - verify\n  - cpu-flags:\n', true],
    ['durations in every form', 'name: t\nsteps:\n  - reboot: {timeout: 20m, stable_for: 10, backoff: "500ms"}\n', true],
    ['serial as a list of counts and percentages', 'name: t\nserial: [1, "5", "20%"]\nfailure_budget: 0\nsteps: [verify]\n', true],
    ['a template for a number', 'name: t\nvars: {n: 3}\nsteps:\n  - drain: {parallel_per_host: "{{ n }}"}\n', true],
    ['a template for the minimums', 'name: t\nvars: {m: {el7: {kernel: 3.10.0-957.12.2.el7}}}\nsteps:\n  - verify: {minimums: "{{ m }}"}\n', true],
    ['an unknown step', 'name: t\nsteps:\n  - dran: {}\n', false],
    ['two keys in one step', 'name: t\nsteps:\n  - {drain: {}, reboot: {}}\n', false],
    ['a bad duration', 'name: t\nsteps:\n  - reboot: {timeout: soon}\n', false],
    ['a bad batch size', 'name: t\nserial: 0\nsteps: [verify]\n', false],
    ['a bad window time', 'name: t\nwindow: {start: "25:00", end: "06:00"}\nsteps: [verify]\n', false],
    ['a bad package version', 'name: t\nsteps:\n  - verify: {minimums: {el7: {kernel: "3.10 beta"}}}\n', false],
    ['no steps', 'name: t\nsteps: []\n', false],
    ['no name', 'steps: [verify]\n', false],
  ];
  it.each(CASES)('agrees with the loader on %s', (_label, text, valid) => {
    expect(loaderVerdict(text) === true, String(loaderVerdict(text))).toBe(valid);
    expect(validateJsonSchema(playbookSchema, parse(text)).length === 0).toBe(valid);
  });
});

describe('report schema', () => {
  it.each(['plan', 'run', 'sweep'] as const)('a %s report validates', (kind) => {
    expect(validateJsonSchema(reportSchema, buildReport(kind))).toEqual([]);
  });

  it('a run report built from engine events validates: facts before and after, timeline, batches', () => {
    const report = JSON.parse(JSON.stringify(fleetRunReport(30))) as { hosts: { before?: unknown; timeline?: unknown }[]; batches?: unknown[] };
    expect(report.batches?.length).toBeGreaterThan(0);
    expect(report.hosts.filter((h) => h.before && h.timeline).length).toBeGreaterThan(0);
    expect(validateJsonSchema(reportSchema, report)).toEqual([]);
  });

  it('fails a report whose host has a status no report writes, at that host', () => {
    const report = JSON.parse(JSON.stringify(buildReport('run'))) as { hosts: { status: string }[] };
    report.hosts[2]!.status = 'fine';
    expect(validateJsonSchema(reportSchema, report)).toContain('/hosts/2/status: must be equal to one of the allowed values');
  });
});
