// Tests the sweep history on disk: append, bounded pruning, reading back a trend, damaged files, refusing non-sweeps.
import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appendSweep, describeTrend, HistoryError, loadTrend } from '../../../src/report/history.js';
import type { HostStatus, Report } from '../../../src/report/model.js';
import { buildReport } from '../../helpers/report-fixture.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mds-history-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A sweep finishing on day `day` of March 2026 with the given statuses. */
function sweep(day: number, hosts: Record<string, HostStatus>, runId = `sweep-${day}`): Report {
  const base = buildReport('sweep');
  const template = base.hosts[0]!;
  const at = new Date(Date.UTC(2026, 2, day, 2)).toISOString();
  return { ...base, runId, startedAt: at, finishedAt: at, hosts: Object.entries(hosts).map(([name, status]) => ({ ...template, name, status })) };
}

describe('sweep history', () => {
  it('appends sweeps and reads them back oldest first', async () => {
    await appendSweep(join(dir, 'h'), sweep(2, { c1: 'drift', c2: 'ok' }), 10);
    await appendSweep(join(dir, 'h'), sweep(1, { c1: 'drift' }), 10);
    await appendSweep(join(dir, 'h'), sweep(3, { c1: 'ok', c2: 'unreachable' }), 10);
    const trend = await loadTrend(join(dir, 'h'), 10);
    expect(trend.map((p) => p.runId)).toEqual(['sweep-1', 'sweep-2', 'sweep-3']);
    expect(trend[2]).toEqual({ runId: 'sweep-3', at: '2026-03-03T02:00:00.000Z', hosts: { c1: 'ok', c2: 'unreachable' } });
  });

  it('creates the directory 0700 and its files 0600', async () => {
    const path = await appendSweep(join(dir, 'new', 'h'), sweep(1, { c1: 'ok' }), 3);
    expect((await stat(join(dir, 'new', 'h'))).mode & 0o777).toBe(0o700);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
  });

  it('keeps only the newest N sweeps', async () => {
    for (let d = 1; d <= 7; d += 1) await appendSweep(dir, sweep(d, { c1: d % 2 ? 'ok' : 'drift' }), 3);
    expect(await readdir(dir)).toHaveLength(3);
    expect((await loadTrend(dir, 100)).map((p) => p.runId)).toEqual(['sweep-5', 'sweep-6', 'sweep-7']);
  });

  it('also forgets sweeps older than a maximum age, by the time in their names, counting from now', async () => {
    const day = 86_400_000;
    const now = Date.UTC(2026, 2, 10, 2);
    for (let d = 1; d <= 9; d += 1) await appendSweep(dir, sweep(d, { c1: 'ok' }), 100, { maxAgeMs: 3 * day, now });
    // Days 7, 8 and 9 are at most three days before the 10th; the other six are gone from the disk.
    expect((await readdir(dir)).sort().map((f) => f.slice(6, 16))).toEqual(['2026-03-07', '2026-03-08', '2026-03-09']);
    // The newest sweep is kept whatever its age (the point just recorded), and the count still applies.
    await appendSweep(dir, sweep(9, { c1: 'drift' }, 'late'), 2, { maxAgeMs: 1, now });
    expect((await loadTrend(dir, 100)).map((p) => p.runId)).toEqual(['late']);
  });

  it('leaves sweeps older than the maximum age out of the trend it reads', async () => {
    for (let d = 1; d <= 4; d += 1) await appendSweep(dir, sweep(d, { c1: 'ok' }), 10);
    const trend = await loadTrend(dir, 10, { maxAgeMs: 36 * 3_600_000, now: Date.UTC(2026, 2, 4, 12) });
    expect(trend.map((p) => p.runId)).toEqual(['sweep-3', 'sweep-4']);
  });

  it('limits what it reads to the newest points', async () => {
    for (let d = 1; d <= 5; d += 1) await appendSweep(dir, sweep(d, { c1: 'ok' }), 10);
    expect((await loadTrend(dir, 2)).map((p) => p.runId)).toEqual(['sweep-4', 'sweep-5']);
    expect(await loadTrend(dir, 0)).toEqual([]);
  });

  it('replaces the point when the same run is appended again', async () => {
    await appendSweep(dir, sweep(1, { c1: 'drift' }, 'r-x'), 5);
    await appendSweep(dir, sweep(2, { c1: 'ok' }, 'r-x'), 5);
    const trend = await loadTrend(dir, 5);
    expect(trend).toHaveLength(1);
    expect(trend[0]!.hosts).toEqual({ c1: 'ok' });
  });

  it('keeps run ids with path characters inside the directory', async () => {
    const path = await appendSweep(dir, sweep(1, { c1: 'ok' }, '../../etc/x'), 5);
    expect(path.startsWith(dir)).toBe(true);
    expect((await loadTrend(dir, 5))[0]!.runId).toBe('../../etc/x');
  });

  it('reads a missing directory as an empty history', async () => {
    expect(await loadTrend(join(dir, 'nope'), 5)).toEqual([]);
  });

  it('skips damaged or foreign files, says so, and still fills the limit from older points', async () => {
    for (let d = 1; d <= 3; d += 1) await appendSweep(dir, sweep(d, { c1: 'ok' }), 10);
    await writeFile(join(dir, 'sweep-2026-03-09T02-00-00.000Z--broken.json'), '{"format":');
    await writeFile(join(dir, 'sweep-2026-03-10T02-00-00.000Z--odd.json'), JSON.stringify({ format: 'mds-orchestrate-sweep-point', version: 1, runId: 'odd', at: 'x', hosts: { c1: 'purple' } }));
    await writeFile(join(dir, '.sweep-2026-03-11T02-00-00.000Z--tmp.json.1.ab.tmp'), 'half');
    await writeFile(join(dir, 'notes.txt'), 'not history');
    const skipped: string[] = [];
    const trend = await loadTrend(dir, 2, { onSkip: (file, reason) => skipped.push(`${file}: ${reason}`) });
    expect(trend.map((p) => p.runId)).toEqual(['sweep-2', 'sweep-3']);
    expect(skipped).toHaveLength(2);
    expect(skipped.join('\n')).toMatch(/broken\.json: not JSON/);
    expect(skipped.join('\n')).toMatch(/odd\.json: hosts\.c1:/);
  });

  it('refuses plan and run reports and a bad keep', async () => {
    await expect(appendSweep(dir, buildReport('run'), 5)).rejects.toThrow(/only sweep reports/);
    await expect(appendSweep(dir, sweep(1, { c1: 'ok' }), 0)).rejects.toThrow(HistoryError);
    await expect(appendSweep(dir, { ...sweep(1, { c1: 'ok' }), finishedAt: 'yesterday' }, 3)).rejects.toThrow(/no valid finish time/);
    expect(await readdir(dir)).toEqual([]);
  });

  it('tells a host\'s story across the stored sweeps', async () => {
    await appendSweep(dir, sweep(1, { compute03: 'drift' }), 10);
    await appendSweep(dir, sweep(2, { compute03: 'drift' }), 10);
    await appendSweep(dir, sweep(3, { compute03: 'ok' }), 10);
    expect(describeTrend(await loadTrend(dir, 10), 'compute03')).toBe('compute03: not compliant → compliant at sweep sweep-3 (2026-03-03T02:00:00.000Z)');
  });
});
