// `status` leads with the newest record: after a sweep, that sweep's verdicts; the run's rows under the run's own header.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadStatusView, statusLines } from '../../../src/cli/status-view.js';
import { appendSweep } from '../../../src/report/history.js';
import { StateStore } from '../../../src/state/store.js';
import { buildReport } from '../../helpers/report-fixture.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function stateWithRun(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'status-view-'));
  dirs.push(dir);
  const store = await StateStore.open(dir);
  await store.saveRun({ version: 1, runId: 'run-1', playbook: 'p.yaml', mode: 'apply', startedAt: '2026-03-01T01:00:00.000Z', finishedAt: '2026-03-01T02:00:00.000Z', result: 'completed', stopReason: null, hosts: 2, counts: null });
  for (const host of ['c01', 'c02']) {
    await store.saveHost({ version: 1, host, runId: 'run-1', status: 'changed', currentStep: null, startedAt: '2026-03-01T01:00:00.000Z', endedAt: '2026-03-01T01:30:00.000Z', error: null, steps: { drain: { status: 'done', outcome: 'changed', startedAt: '', endedAt: '', attempt: 1, checkpoint: null, error: null, diff: [] } } });
  }
  return dir;
}

async function addSweep(dir: string, runId: string, at: string): Promise<void> {
  const report = { ...buildReport('sweep'), runId, startedAt: at, finishedAt: at };
  await appendSweep(join(dir, 'sweeps'), report, 10);
  const store = await StateStore.open(dir);
  await store.saveRun({ version: 1, runId, playbook: 'p.yaml', mode: 'plan', startedAt: at, finishedAt: at, result: 'completed', stopReason: null, hosts: report.hosts.length, counts: null });
}

describe('status view', () => {
  it('after a sweep, shows that sweep first with its verdicts, then the run under its own header', async () => {
    const dir = await stateWithRun();
    await addSweep(dir, 'sweep-9', '2026-03-02T03:00:00.000Z');
    const v = await loadStatusView(dir);
    expect(v.newest).toBe('sweep');
    expect(v.sweep?.runId).toBe('sweep-9');
    expect(v.lastRun?.runId).toBe('run-1');
    const text = statusLines(v).join('\n');
    expect(text.split('\n')[0]).toMatch(/^last sweep sweep-9 finished 2026-03-02T03:00:00.000Z: 6 hosts \(/);
    const sweepPart = text.split('last run')[0]!;
    // Every host of the sweep with its verdict, worst first; none of the run's rows under the sweep's header.
    expect(sweepPart).toMatch(/^HOST\s+VERDICT$/m);
    expect(sweepPart.match(/^\S+\s+(compliant|not compliant|failed|unknown|unreachable|refused|deferred|skipped)$/gm)).toHaveLength(6);
    expect(sweepPart).not.toMatch(/^c01\s/m);
    expect(text).toMatch(/^last run run-1 \(apply, completed\)/m);
    expect(text).toMatch(/^c01\s+changed\s+-\s+drain:changed$/m);
  });

  it('after a run, leads with the run; an older sweep is one line, not a table that reads as now', async () => {
    const dir = await stateWithRun();
    await addSweep(dir, 'sweep-0', '2026-02-28T03:00:00.000Z');
    const store = await StateStore.open(dir);
    await store.saveRun({ version: 1, runId: 'run-2', playbook: 'p.yaml', mode: 'apply', startedAt: '2026-03-03T01:00:00.000Z', finishedAt: null, result: 'running', stopReason: null, hosts: 2, counts: null });
    const v = await loadStatusView(dir);
    expect(v.newest).toBe('run');
    const lines = statusLines(v);
    expect(lines[0]).toBe('last run run-2 (apply, running) started 2026-03-03T01:00:00.000Z');
    // The rows are run-1's records: each says so.
    expect(lines.find((l) => l.startsWith('c01'))).toMatch(/\(run run-1\)$/);
    expect(lines.filter((l) => l.startsWith('last sweep'))).toEqual([expect.stringMatching(/older than the last run/)]);
    expect(lines.some((l) => /^HOST\s+VERDICT/.test(l))).toBe(false);
  });

  it('says a newest plan changed nothing, and shows the run rows under the run', async () => {
    const dir = await stateWithRun();
    const store = await StateStore.open(dir);
    await store.saveRun({ version: 1, runId: 'plan-1', playbook: 'p.yaml', mode: 'plan', startedAt: '2026-03-04T01:00:00.000Z', finishedAt: '2026-03-04T01:01:00.000Z', result: 'completed', stopReason: null, hosts: 2, counts: null });
    const lines = statusLines(await loadStatusView(dir));
    expect(lines[0]).toMatch(/^last plan plan-1 \(a dry run: it changed nothing\)/);
    expect(lines).toContain('last run run-1 (apply, completed) started 2026-03-01T01:00:00.000Z, finished 2026-03-01T02:00:00.000Z');
  });

  it('an empty state directory says so', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'status-view-'));
    dirs.push(dir);
    expect(statusLines(await loadStatusView(dir))).toEqual([`no run recorded in ${dir}`]);
  });
});
