// The schedule a plan prints: batch i/N as the engine would cut them, failure domains that serialise, the window, 80 columns.
import { describe, expect, it } from 'vitest';
import { splitBatches } from '../../../src/engine/batches.js';
import type { HostSpec } from '../../../src/inventory/types.js';
import { buildSchedule } from '../../../src/plan/schedule.js';
import { PLAIN } from '../../../src/report/console-format.js';
import { scheduleLines } from '../../../src/report/plan-schedule-text.js';

function hosts(n: number, az = (i: number): string | null => `az${(i % 3) + 1}`): HostSpec[] {
  return Array.from({ length: n }, (_, i) => {
    const name = `compute${String(i + 1).padStart(3, '0')}.example.com`;
    const zone = az(i);
    return { name, address: name, port: 22, user: 'root', become: false, novaHost: name, groups: ['all'], vars: zone ? { availability_zone: zone } : {} };
  });
}

describe('buildSchedule', () => {
  it('cuts the batches the engine cuts, in inventory order', () => {
    const list = hosts(500);
    const s = buildSchedule({ hosts: list, serial: [1, 5, '20%'], forks: 50, failureDomainKeys: [], window: null });
    expect(s.batches.map((b) => b.hosts.length)).toEqual([1, 5, 100, 100, 100, 100, 94]);
    expect(s.batches.map((b) => b.hosts)).toEqual(splitBatches(list, [1, 5, '20%']).map((b) => b.map((h) => h.name)));
    expect(s.batches[2]!.rounds).toBe(2); // 100 hosts, 50 at once
    expect(s.inWindowNow).toBeNull();
  });

  it('counts the hosts a failure domain makes go one after another', () => {
    const s = buildSchedule({ hosts: hosts(30), serial: [1, 29], forks: 50, failureDomainKeys: ['availability_zone'], window: null });
    expect(s.batches[0]!.sharedDomains).toEqual([]);
    expect(s.batches[1]!.sharedDomains.map((d) => [d.key, d.hosts.length])).toEqual([
      ['availability_zone=az2', 10], ['availability_zone=az3', 10], ['availability_zone=az1', 9],
    ]);
    expect(s.batches[1]!.rounds).toBe(10);
    // Hosts without the key are free to run at once.
    const none = buildSchedule({ hosts: hosts(30, () => null), serial: [30], forks: 50, failureDomainKeys: ['availability_zone'], window: null });
    expect(none.batches[0]!.rounds).toBe(1);
  });

  it('says whether the maintenance window is open now', () => {
    const w = { start: '22:00', end: '06:00', timezone: 'UTC' };
    expect(buildSchedule({ hosts: hosts(2), serial: null, forks: 5, failureDomainKeys: [], window: w, now: new Date('2026-12-07T03:00:00Z') }).inWindowNow).toBe(true);
    expect(buildSchedule({ hosts: hosts(2), serial: null, forks: 5, failureDomainKeys: [], window: w, now: new Date('2026-12-07T12:00:00Z') }).inWindowNow).toBe(false);
  });
});

describe('scheduleLines', () => {
  it('names the hosts of every batch, folded, within 80 columns, and the domains, window and exit code', () => {
    const s = buildSchedule({
      hosts: hosts(500), serial: [1, 5, '20%'], forks: 50, failureDomainKeys: ['availability_zone'],
      window: { start: '22:00', end: '06:00', timezone: 'UTC' }, now: new Date('2026-12-07T12:00:00Z'),
    });
    const lines = scheduleLines(s, PLAIN, { width: 80, changing: new Set(['compute001.example.com']) });
    for (const l of lines) expect(l.length, l).toBeLessThanOrEqual(80);
    const text = lines.join('\n');
    expect(text).toContain('Schedule of a run: 7 batches, up to 50 hosts at once in a batch');
    expect(text).toContain('  batch 1/7    1 host, 1 to change: compute001.example.com');
    expect(text).toContain('  batch 3/7  100 hosts, 0 to change: compute[007:106].example.com');
    expect(lines[lines.indexOf('  batch 3/7  100 hosts, 0 to change: compute[007:106].example.com') + 1]).toBe('      one at a time per domain: az1 34, az2 33, az3 33');
    expect(text).toContain('  failure domains (availability_zone): within a batch, the hosts of one domain\n    are drained and rebooted one at a time');
    expect(text).toContain('  window 22:00–06:00 UTC, closed now: a host that reaches a disruptive step');
    expect(text).toContain('deferred (exit 7)');
  });

  it('folds the middle of a long schedule and keeps the last batch', () => {
    const s = buildSchedule({ hosts: hosts(500), serial: [1, 5, '5%'], forks: 50, failureDomainKeys: [], window: null });
    expect(s.batches).toHaveLength(22);
    const lines = scheduleLines(s, PLAIN);
    expect(lines.filter((l) => /^\s+batch \d+\/22/.test(l))).toHaveLength(11);
    expect(lines.join('\n')).toContain('… batches 11–21: 25 hosts each, 275 in all');
    expect(lines.at(-1)).toMatch(/^ {2}batch 22\/22\s+19 hosts: compute\[482:500\]\.example\.com$/);
  });
});
