// The compact plan: hosts grouped by what would change (counts summed, names folded), problems one line each, 80 columns.
import { describe, expect, it } from 'vitest';
import { PLAIN } from '../../../src/report/console-format.js';
import type { HostReport, Report, StepReport } from '../../../src/report/model.js';
import { compactPlanLines, groupPlan } from '../../../src/report/plan-compact.js';
import { planView, reportLines } from '../../../src/report/plan-text.js';
import { summarizeHosts } from '../../../src/report/summary.js';
import type { Change } from '../../../src/steps/changes.js';

const pkg = (name: string): Change => ({ kind: 'package-update', summary: `${name} old -> new`, data: { name, installed: '1', minimum: '2', available: '2' } });
const migrate = (i: number): Change => ({ kind: 'migrate-instance', summary: `live-migrate vm${i}`, data: { serverId: `s${i}`, name: `vm${i}`, projectId: null, flavor: null } });
const disable: Change = { kind: 'disable-service', summary: 'disable nova-compute', data: { serviceId: 'svc' } };
const reboot: Change = { kind: 'reboot', summary: 'reboot: kernel', data: { reasons: [] } };

function host(name: string, status: HostReport['status'], steps: StepReport[] = [], error?: string): HostReport {
  return {
    name, address: '127.0.0.1', novaHost: name, availabilityZone: null, aggregate: null, status, steps, checks: [], rebootReasons: [],
    packagesBelowMinimum: [], guestsNeedingColdBoot: [], warnings: [], ...(error ? { error } : {}),
  };
}

const step = (id: string, changes: Change[]): StepReport => ({ id, status: changes.length ? 'would-change' : 'ok', changes, notes: [] });

function plan(hosts: HostReport[]): Report {
  return {
    schemaVersion: 1, kind: 'plan', tool: { name: 'mds-orchestrate', version: '0' }, runId: 'r-plan', playbook: 'p.yaml',
    startedAt: '', finishedAt: '', durationMs: 0, summary: summarizeHosts(hosts), hosts,
  };
}

/** 500 hosts: 412 need the whole workflow (1 to 3 instances each), 40 only a reboot, 40 nothing, 5 unreachable, 3 refused. */
function fleet(): Report {
  const name = (i: number): string => `compute${String(i).padStart(3, '0')}.dc1.example.com`;
  const hosts: HostReport[] = [];
  for (let i = 1; i <= 500; i++) {
    if (i <= 412) {
      const n = (i % 3) + 1;
      hosts.push(host(name(i), 'would-change', [
        step('update-packages', [pkg('kernel'), pkg('microcode_ctl')]),
        step('drain', [disable, ...Array.from({ length: n }, (_, k) => migrate(i * 10 + k))]),
        step('reboot', [reboot]),
      ]));
    } else if (i <= 452) hosts.push(host(name(i), 'would-change', [step('update-packages', []), step('reboot', [reboot])]));
    else if (i <= 492) hosts.push(host(name(i), 'ok', [step('update-packages', [])]));
    else if (i <= 497) hosts.push(host(name(i), 'unreachable', [], 'connect ECONNREFUSED 127.0.0.1:22'));
    else hosts.push(host(name(i), 'refused', [{ id: 'drain', status: 'refused', changes: [], notes: [], error: 'cannot drain: vm1 is ERROR' }]));
  }
  return plan(hosts);
}

describe('groupPlan', () => {
  it('groups hosts by what would change, summing the instances to move, largest group first', () => {
    const g = groupPlan(fleet());
    expect(g.groups.map((x) => [x.hosts.length, x.what])).toEqual([
      // (i % 3) + 1 instances for i = 1..412: 138 hosts with 2 (i%3=1), 137 with 3, 137 with 1
      [412, `update kernel, microcode_ctl; disable nova-compute; live-migrate ${138 * 2 + 137 * 3 + 137 * 1} instances; reboot`],
      [40, 'reboot'],
    ]);
    expect(g.unchanged).toHaveLength(40);
    expect(g.attention.map((h) => h.status)).toEqual([...Array(5).fill('unreachable'), ...Array(3).fill('refused')]);
  });

  it('keeps hosts apart when they change different packages', () => {
    const g = groupPlan(plan([
      host('a1', 'would-change', [step('update-packages', [pkg('kernel')])]),
      host('a2', 'would-change', [step('update-packages', [pkg('libvirt')])]),
      host('a3', 'would-change', [step('update-packages', [pkg('kernel')])]),
    ]));
    expect(g.groups).toEqual([{ what: 'update kernel', hosts: ['a1', 'a3'] }, { what: 'update libvirt', hosts: ['a2'] }]);
  });
});

describe('compactPlanLines', () => {
  it('reads at 500 hosts: a few lines, every one within 80 columns, names folded, each problem host on its own line', () => {
    const lines = compactPlanLines(fleet(), PLAIN, 80);
    for (const l of lines) expect(l.length, l).toBeLessThanOrEqual(80);
    expect(lines.length).toBeLessThan(25);
    const text = lines.join('\n');
    expect(text).toContain('412 hosts  update kernel, microcode_ctl; disable nova-compute;');
    expect(text).toContain('compute[001:412].dc1.example.com');
    expect(text).toContain('compute[453:492].dc1.example.com');
    expect(text).toMatch(/compute493\.dc1\.example\.com\s+unreachable\s+connect ECONNREFUSED/);
    expect(text).toMatch(/compute498\.dc1\.example\.com\s+refused\s+drain: cannot drain: vm1 is ERROR/);
    expect(text).toContain('Needs attention (8 hosts)');
    expect(text).toContain('plan --full');
  });

  it('never cuts the hint to the per-host detail: with warnings and guests it takes its own line', () => {
    const r = fleet();
    const hosts = r.hosts.map((h, i) => (i < 1 ? { ...h, warnings: ['SMT vulnerable'] } : i < 57 ? { ...h, guestsNeedingColdBoot: [{ uuid: `u${i}`, name: `vm${i}`, host: h.name, projectId: 'p' }] } : h));
    const lines = compactPlanLines({ ...r, hosts }, PLAIN, 80);
    for (const l of lines) expect(l.length, l).toBeLessThanOrEqual(80);
    expect(lines).toContain('1 host with warnings, 56 guests need a cold boot;');
    expect(lines).toContain('per-host detail: plan --full, or the --json/--markdown report');
    expect(lines.join('\n')).not.toContain('…');
  });

  it('the full view stays for small plans and on request; compact above 20 hosts or on request', () => {
    expect(planView(20)).toBe('full');
    expect(planView(21)).toBe('compact');
    expect(planView(500, { full: true })).toBe('full');
    expect(planView(3, { compact: true })).toBe('compact');
    const full = reportLines(fleet(), PLAIN, 'full').join('\n');
    const compact = reportLines(fleet(), PLAIN, 'compact').join('\n');
    expect(full).toContain('live-migrate vm20');
    expect(compact).not.toContain('live-migrate vm20');
    // Both end with the one fleet summary line.
    expect(full.split('\n').at(-1)).toMatch(/^plan r-plan: 500 hosts, 452 would change.*guests need a cold boot$/);
    const tail = compact.split('\n').slice(-2);
    expect(tail[0]).toMatch(/^plan r-plan: 500 hosts, 452 would change/);
    expect(tail[1]).toMatch(/^ {2}.*guests need a cold boot$/);
    for (const l of compact.split('\n')) expect(l.length, l).toBeLessThanOrEqual(80);
  });
});
