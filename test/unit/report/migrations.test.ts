// Tests the count of a run's live migrations per moved instance, derived from the drain's typed changes in the report.
import { describe, expect, it } from 'vitest';
import { EngineEvents } from '../../../src/engine/events.js';
import { ReportBuilder } from '../../../src/report/build.js';
import { PLAIN } from '../../../src/report/console-format.js';
import { migrationLines, migrationsOf } from '../../../src/report/migrations.js';
import type { HostReport, StepReport } from '../../../src/report/model.js';
import type { Change } from '../../../src/steps/changes.js';
import { buildReport } from '../../helpers/report-fixture.js';
import { host } from '../engine/fixtures.js';

const migrate = (id: string, name: string, projectId: string | null = 'p-1'): Change =>
  ({ kind: 'migrate-instance', summary: `live-migrate ${name} (${id})`, data: { serverId: id, name, projectId, flavor: null } });
const awaited = (id: string): Change => ({ kind: 'await-migration', summary: `wait for ${id}`, data: { serverId: id } });

function hostWith(name: string, status: StepReport['status'], changes: Change[]): HostReport {
  const base = buildReport('run').hosts[1]!;
  return { ...base, name, steps: [{ id: 'move', status, changes, notes: [] }] };
}

describe('migrationsOf', () => {
  it('counts an instance drained from two hosts twice, and an awaited migration once', () => {
    const m = migrationsOf([
      hostWith('c1', 'changed', [migrate('a', 'web'), migrate('b', 'db'), { kind: 'disable-service', summary: 'x', data: { serviceId: 's' } }]),
      hostWith('c2', 'changed', [migrate('a', 'web'), awaited('c')]),
    ]);
    expect(m.total).toBe(4);
    expect(m.perInstance).toBe(1.33);
    expect(m.instances[0]).toEqual({ serverId: 'a', name: 'web', projectId: 'p-1', migrations: 2, fromHosts: ['c1', 'c2'] });
    expect(m.instances.find((i) => i.serverId === 'c')).toEqual({ serverId: 'c', name: null, projectId: null, migrations: 1, fromHosts: ['c2'] });
  });

  it('counts a failed step apart as unconfirmed, and pending (plan) changes not at all', () => {
    const m = migrationsOf([hostWith('c1', 'failed', [migrate('a', 'web'), migrate('b', 'db')]), hostWith('c2', 'would-change', [migrate('d', 'x')])]);
    expect(m).toEqual({ total: 0, unconfirmed: 2, perInstance: null, instances: [] });
  });

  it('says the count, the ratio and who moved more than once on the console', () => {
    const lines = migrationLines(migrationsOf([hostWith('c1', 'changed', [migrate('a', 'web')]), hostWith('c2', 'changed', [migrate('a', 'web'), migrate('b', 'db')]), hostWith('c3', 'failed', [migrate('e', 'e')])]), PLAIN);
    expect(lines[0]).toBe('live migrations: 3 for 2 instances (1.50 per moved instance)');
    expect(lines).toContain('  1 more listed by drains that failed: not confirmed, not counted');
    expect(lines).toContain('  moved 2 times: web (a) from c1, c2');
    expect(lines.some((l) => l.includes('db'))).toBe(false);
  });
});

describe('ReportBuilder and migrations', () => {
  it('a run report carries the migrations its steps recorded; a sweep report has none', () => {
    const specs = ['a', 'b'].map((n) => host(n));
    const reportOf = (kind: 'run' | 'sweep') => {
      const events = new EngineEvents();
      const builder = new ReportBuilder(kind, 'r1', null, specs, []);
      builder.listen(events);
      for (const h of specs) {
        events.emit({ type: 'step-end', host: h.name, step: 'move', status: kind === 'run' ? 'changed' : 'would-change', diff: { step: 'move', changes: [migrate('x', 'web')], notes: [] }, durationMs: 1 });
        events.emit({ type: 'host-end', host: h.name, result: kind === 'run' ? 'changed' : 'would-change', durationMs: 1 });
      }
      return builder.finish();
    };
    expect(reportOf('run').migrations).toEqual({ total: 2, unconfirmed: 0, perInstance: 2, instances: [{ serverId: 'x', name: 'web', projectId: 'p-1', migrations: 2, fromHosts: ['a', 'b'] }] });
    expect(reportOf('sweep').migrations).toBeUndefined();
  });
});
