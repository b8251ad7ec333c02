// Tests the JSON format: real rendered reports of every kind validate against the published schema, bad ones do not.
import { describe, expect, it } from 'vitest';
import { REPORT_JSON_SCHEMA } from '../../../src/report/json-schema.js';
import { renderJson } from '../../../src/report/json.js';
import { REPORT_SCHEMA_VERSION, type Report } from '../../../src/report/model.js';
import { validateJsonSchema } from '../../helpers/json-schema.js';
import { buildReport, NOVA_CONF_DIFF } from '../../helpers/report-fixture.js';

const kinds: Report['kind'][] = ['plan', 'run', 'sweep'];

describe('renderJson', () => {
  it.each(kinds)('renders a %s report that validates against the schema', (kind) => {
    const text = renderJson(buildReport(kind));
    const doc = JSON.parse(text) as Record<string, unknown>;
    expect(validateJsonSchema(REPORT_JSON_SCHEMA, doc)).toEqual([]);
    expect(doc.kind).toBe(kind);
  });

  it('puts schemaVersion first and keeps the whole report (diffs, trend, guests)', () => {
    const report = buildReport('sweep');
    const text = renderJson(report);
    expect(Object.keys(JSON.parse(text) as object)[0]).toBe('schemaVersion');
    expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(report)));
    expect(text).toContain(JSON.stringify(NOVA_CONF_DIFF));
    expect(text.endsWith('}\n')).toBe(true);
  });

  it('always writes the current schema version', () => {
    const report = { ...buildReport('run'), schemaVersion: 99 } as unknown as Report;
    expect((JSON.parse(renderJson(report)) as { schemaVersion: number }).schemaVersion).toBe(REPORT_SCHEMA_VERSION);
  });

  it('leaves out undefined optional fields instead of writing null', () => {
    const doc = JSON.parse(renderJson(buildReport('run'))) as Report;
    const ok = doc.hosts.find((h) => h.name === 'compute02')!;
    expect('error' in ok).toBe(false);
    expect(validateJsonSchema(REPORT_JSON_SCHEMA, doc)).toEqual([]);
  });
});

describe('the migrations of a run in the JSON report', () => {
  it('says how many live migrations the run made and per moved instance, and validates', () => {
    const doc = JSON.parse(renderJson(buildReport('run'))) as Report;
    expect(doc.migrations).toEqual({
      total: 2, unconfirmed: 0, perInstance: 1,
      instances: [
        { serverId: '6f1e0c52-8c3a-4d1b-9b1e-000000000001', name: 'web-1', projectId: 'p-42', migrations: 1, fromHosts: ['compute01'] },
        { serverId: '6f1e0c52-8c3a-4d1b-9b1e-000000000002', name: 'db-1', projectId: 'p-42', migrations: 1, fromHosts: ['compute01'] },
      ],
    });
    expect(validateJsonSchema(REPORT_JSON_SCHEMA, doc)).toEqual([]);
  });
});

describe('REPORT_JSON_SCHEMA', () => {
  const valid = (): Record<string, unknown> => JSON.parse(renderJson(buildReport('sweep'))) as Record<string, unknown>;

  it.each<[string, (d: any) => void, string]>([
    ['an unknown host status', (d) => (d.hosts[0].status = 'bogus'), '/hosts/0/status'],
    ['a missing summary', (d) => delete d.summary, "/: must have required property 'summary'"],
    ['a count that is not an integer', (d) => (d.summary.failed = 0.5), '/summary/failed'],
    ['a change without a summary', (d) => delete d.hosts[0].steps[0].changes[0].summary, '/hosts/0/steps/0/changes/0'],
    ['a trend point with a bad status', (d) => (d.trend[0].hosts.compute01 = 'green'), '/trend/0/hosts/compute01'],
    ['an unknown top-level field', (d) => (d.secret = 'x'), '/: must NOT have additional properties (secret)'],
    ['another tool name', (d) => (d.tool.name = 'other'), '/tool/name'],
    ['a wrong schema version', (d) => (d.schemaVersion = 2), '/schemaVersion'],
    ['a migration count that is not an integer', (d) => (d.migrations = { total: 1.5, unconfirmed: 0, perInstance: 1, instances: [] }), '/migrations/total'],
    ['a moved instance without its hosts', (d) => (d.migrations = { total: 1, unconfirmed: 0, perInstance: 1, instances: [{ serverId: 'x', name: 'a', projectId: null, migrations: 1 }] }), 'fromHosts'],
    ['a guest without projectId', (d) => delete d.hosts[5].guestsNeedingColdBoot[0].projectId, 'projectId'],
  ])('rejects a report with %s', (_what, mutate, where) => {
    const doc = valid();
    mutate(doc);
    const errors = validateJsonSchema(REPORT_JSON_SCHEMA, doc);
    expect(errors.join('\n')).toContain(where);
  });
});
