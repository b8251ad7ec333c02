// Tests the Markdown ticket summary: counts, the host table, changes with the nova.conf diff, failures, cold boots, escaping.
import { describe, expect, it } from 'vitest';
import { renderMarkdown } from '../../../src/report/markdown.js';
import { buildReport, FAILURE_REASON, HOSTILE_NOTE, NOVA_CONF_DIFF, UNREACHABLE_REASON } from '../../helpers/report-fixture.js';

function tableRows(md: string, header: string): string[][] {
  const lines = md.split('\n');
  const start = lines.findIndex((l) => l.startsWith(`| ${header} |`));
  expect(start, `table ${header}`).toBeGreaterThanOrEqual(0);
  const rows: string[][] = [];
  // Cells split on '|' that is not escaped; the separator row is skipped.
  for (const l of lines.slice(start + 2)) {
    if (!l.startsWith('|')) break;
    rows.push(l.slice(1, -1).split(/(?<!\\)\|/).map((c) => c.trim()));
  }
  return rows;
}

describe('renderMarkdown', () => {
  const report = buildReport('run');
  const md = renderMarkdown(report);

  it('titles the kind and run and says why the rollout stopped', () => {
    expect(md.split('\n')[0]).toBe('## MDS remediation run: run-2026-03-22T02-00-00Z');
    expect(md).toContain('> **Stopped early:** failure budget exceeded: 1 of 6 hosts failed (max 10%)');
  });

  it('counts the fleet', () => {
    const [counts] = tableRows(md, 'Hosts');
    const header = md.split('\n').find((l) => l.startsWith('| Hosts |'))!.slice(1, -1).split('|').map((c) => c.trim());
    const byName = Object.fromEntries(header.map((h, i) => [h, counts![i]]));
    expect(byName).toMatchObject({ Hosts: '6', OK: '1', Changed: '1', Failed: '1', Unreachable: '1', Deferred: '1', 'Guests needing a cold boot': '1' });
  });

  it('lists every host once, worst status first', () => {
    const rows = tableRows(md, 'Host | AZ');
    expect(rows.map((r) => r[0]).sort()).toEqual(report.hosts.map((h) => h.name).sort());
    expect(rows[0]).toEqual(['compute03', 'az2', 'agg-b', '**failed**', '1', 'yes', '0']);
    expect(rows[rows.length - 1]![3]).toBe('**ok**');
  });

  it('puts the counts and the hosts needing attention before any detail, and folds the details', () => {
    const at = (needle: string): number => md.indexOf(needle);
    expect(at('| Hosts |')).toBeGreaterThan(0);
    expect(at('### Failures and hosts needing attention')).toBeGreaterThan(at('| Hosts |'));
    expect(at('<summary>Hosts (6)</summary>')).toBeGreaterThan(at('### Failures and hosts needing attention'));
    // Each fold opens, has a summary and a blank line (so the Markdown inside renders), and closes.
    expect(md.match(/^<details>$/gm)?.length).toBe(md.match(/^<\/details>$/gm)?.length);
    for (const m of md.matchAll(/^<summary>.*<\/summary>\n(.*)$/gm)) expect(m[1]).toBe('');
    expect(md).toContain('<summary>What changed (3 hosts)</summary>');
    // The host table is inside its fold.
    const hostFold = md.split('<summary>Hosts (6)</summary>')[1]!.split('</details>')[0]!;
    expect(hostFold).toContain('| Host | AZ |');
  });

  it('says so when no host needs attention', () => {
    const r = buildReport('run');
    r.hosts = r.hosts.filter((h) => h.status === 'ok' || h.status === 'changed');
    expect(renderMarkdown(r)).toContain('### Failures and hosts needing attention\n\nNone.');
  });

  it('shows what changed, with the nova.conf diff in a diff block', () => {
    expect(md).toContain('  - drain: live-migrate web-1');
    const block = md.split('```diff\n')[1]!.split('```')[0]!;
    expect(block.split('\n').map((l) => l.replace(/^ {4}/, '')).join('\n').trim()).toBe(NOVA_CONF_DIFF.trim());
  });

  it('gives every failed, unreachable or deferred host with its reason, worst first', () => {
    const rows = tableRows(md, 'Host | Status');
    expect(rows.map((r) => r[0])).toEqual(['compute03', 'compute04', 'compute06', 'compute05']);
    // The host's error is not repeated as its failing step's.
    expect(rows[0]![2]!.split(FAILURE_REASON.slice(0, 20).replace(/_/g, '\\_')).length).toBe(2);
    expect(rows[1]).toEqual(['compute04', '**unreachable**', UNREACHABLE_REASON]);
    expect(rows[0]![2]!.replace(/\\/g, '')).toContain(FAILURE_REASON);
    expect(rows[3]![2]).toContain('outside the maintenance window');
    expect(rows[2]![2]).toContain('guests: 1 running guest lacks md-clear');
  });

  it('lists guests needing a cold boot, counted by project, each guest folded', () => {
    expect(md).toContain('### Guests needing a cold boot (1 in 1 project)');
    expect(tableRows(md, 'Project')).toEqual([['p-7', '1']]);
    expect(md).toContain('<summary>Every guest (1)</summary>');
    const rows = tableRows(md, 'Instance');
    expect(rows).toEqual([['legacy-vm', '9a9a9a9a-0000-4000-8000-000000000009', 'compute06.cloud.example', 'p-7']]);
  });

  it('escapes markup so notes cannot inject HTML or break a table', () => {
    const r = buildReport('run');
    r.hosts[2] = { ...r.hosts[2]!, name: 'bad|<b>host</b>', error: HOSTILE_NOTE };
    const out = renderMarkdown(r);
    // Every '<' is backslash-escaped but the report's own folds and cell breaks, so no renderer sees a tag from a note.
    expect(out.replace(/<\/?(details|summary)>|<br>/g, '')).not.toMatch(/(?<!\\)</);
    expect(out).toContain('\\<script>alert');
    const row = tableRows(out, 'Host | AZ').find((cells) => cells[0]!.includes('bad'))!;
    expect(row).toHaveLength(7);
    expect(row[0]).toBe('bad\\|\\<b>host\\</b>');
  });

  it('uses a fence longer than any backtick run inside a diff', () => {
    const r = buildReport('run');
    const step = r.hosts[0]!.steps.find((s) => s.id === 'cpu-flags')!;
    step.changes[0] = { ...step.changes[0]!, data: { path: '/etc/nova/nova.conf', diff: '+x = ```y```\n' } };
    expect(renderMarkdown(r)).toContain('````diff');
  });

  it('words a sweep as compliance and a plan as intent', () => {
    expect(renderMarkdown(buildReport('sweep'))).toContain('<summary>What is missing');
    expect(renderMarkdown(buildReport('sweep'))).toContain('**compliant**');
    expect(renderMarkdown(buildReport('plan'))).toContain('<summary>What would change');
  });
});
