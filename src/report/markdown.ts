// Markdown summary for a change ticket: fleet counts, host table, what changed, failures with reasons, cold boots.
import { compareText } from '../util/compare-text.js';
import { changesOf } from '../steps/changes.js';
import { escapeMarkdown as md } from './escape.js';
import type { HostReport, Report } from './model.js';
import { HOST_STATUS_ORDER, statusLabel } from './status.js';

const TITLES: Record<Report['kind'], string> = { plan: 'MDS remediation plan', run: 'MDS remediation run', sweep: 'MDS compliance sweep' };

function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h ? `${h}h ${m}m ${s % 60}s` : m ? `${m}m ${s % 60}s` : `${s}s`;
}

/** A fence longer than any backtick run inside, so a diff can never close its own code block. */
function fenced(lang: string, body: string): string[] {
  const longest = Math.max(2, ...Array.from(body.matchAll(/`+/g), (m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  return [`${fence}${lang}`, ...body.replace(/\n$/, '').split('\n'), fence];
}

function table(head: string[], rows: string[][]): string[] {
  return [`| ${head.join(' | ')} |`, `| ${head.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${r.join(' | ')} |`)];
}

function counts(r: Report): string[] {
  const s = r.summary;
  const cols: [string, number][] = [
    ['Hosts', s.hosts],
    [r.kind === 'sweep' ? 'Compliant' : 'OK', s.ok],
    ['Changed', s.changed],
    ['Would change', s.wouldChange],
    ['Not compliant', s.drift],
    ['Failed', s.failed],
    ['Refused', s.refused],
    ['Unknown', s.unknown],
    ['Unreachable', s.unreachable],
    ['Deferred', s.deferred],
    ['Skipped', s.skipped],
    ['Guests needing a cold boot', s.guestsNeedingColdBoot],
  ];
  const shown = cols.filter(([label, n], i) => i === 0 || n > 0 || label === 'Failed');
  return table(shown.map(([l]) => l), [shown.map(([, n]) => String(n))]);
}

function hostRow(h: HostReport, kind: Report['kind']): string[] {
  const changes = h.steps.reduce((n, s) => n + s.changes.length, 0);
  return [
    md(h.name),
    md(h.availabilityZone ?? '-'),
    md(h.aggregate ?? '-'),
    `**${md(statusLabel(h.status, kind))}**`,
    String(changes),
    h.rebootReasons.length ? 'yes' : 'no',
    String(h.guestsNeedingColdBoot.length),
  ];
}

function changesSection(r: Report): string[] {
  const out: string[] = [];
  for (const h of r.hosts) {
    const steps = h.steps.filter((s) => s.changes.length);
    if (!steps.length) continue;
    out.push(`- **${md(h.name)}** (${md(statusLabel(h.status, r.kind))})`);
    for (const s of steps) {
      for (const c of s.changes) out.push(`  - ${md(s.id)}: ${md(c.summary)}`);
      for (const c of changesOf(s.changes, 'nova-conf-edit')) out.push('', ...fenced('diff', c.data.diff).map((l) => `    ${l}`), '');
    }
  }
  return out;
}

/** Every reason a host needs attention, most specific first (its error, then failing steps, then failed checks). */
function reasonsOf(h: HostReport): string[] {
  const out = [
    ...(h.error ? [h.error] : []),
    ...h.steps.filter((s) => (s.status === 'failed' || s.status === 'refused' || s.status === 'unknown') && s.error).filter((s) => s.error !== h.error).map((s) => `${s.id}: ${s.error}`).filter((r) => r !== h.error),
    ...h.checks.filter((c) => !c.ok).map((c) => `${c.name}: ${c.detail}`),
  ];
  return out.length ? out : ['no reason recorded'];
}

const ATTENTION = new Set(['failed', 'refused', 'unknown', 'unreachable', 'drift', 'deferred']);

/** The hosts that need someone, worst first: a table a ticket reader sees before any detail. */
function problems(hosts: readonly HostReport[], kind: Report['kind']): string[] {
  const bad = hosts.filter((h) => ATTENTION.has(h.status));
  if (!bad.length) return [];
  return table(['Host', 'Status', 'Reason'], bad.map((h) => [md(h.name), `**${md(statusLabel(h.status, kind))}**`, reasonsOf(h).map(md).join('<br>')]));
}

/** A folded section: GitHub, GitLab and Jira's Markdown render it closed, with the Markdown inside it rendered. */
function folded(summary: string, body: string[]): string[] {
  return ['<details>', `<summary>${summary}</summary>`, '', ...body, '', '</details>', ''];
}

function arrow(before: string | null | undefined, after: string | null | undefined): string {
  const b = before ?? 'n/a';
  const a = after ?? 'n/a';
  return b === a ? md(a) : `${md(b)} → ${md(a)}`;
}

/** Run reports: each host's kernel, MDS state and packages before and after. */
function beforeAfter(hosts: readonly HostReport[]): string[] {
  const rows = hosts.filter((h) => h.before && h.facts).map((h) => {
    const b = h.before!;
    const a = h.facts!;
    const names = [...new Set([...Object.keys(b.packages ?? {}), ...Object.keys(a.packages ?? {})])].sort();
    const changed = names.filter((n) => b.packages?.[n] !== a.packages?.[n]).map((n) => `${md(n)} ${arrow(b.packages?.[n], a.packages?.[n])}`);
    return [md(h.name), arrow(b.kernelRunning, a.kernelRunning), arrow(b.mds, a.mds), changed.join('<br>') || '-'];
  });
  return rows.length ? table(['Host', 'Running kernel', 'MDS (sysfs)', 'Packages updated'], rows) : [];
}

function guestsSection(r: Report): string[] {
  const guests = r.hosts.flatMap((h) => h.guestsNeedingColdBoot);
  if (!guests.length) return [];
  const perProject = new Map<string, number>();
  for (const g of guests) perProject.set(g.projectId ?? '-', (perProject.get(g.projectId ?? '-') ?? 0) + 1);
  const projects = [...perProject].sort((a, b) => b[1] - a[1] || compareText(a[0], b[0]));
  return [
    `### Guests needing a cold boot (${guests.length} in ${projects.length} project${projects.length > 1 ? 's' : ''})`, '',
    'These instances keep a CPU model without md-clear until they are stopped and started (a reboot from inside the guest is not enough).', '',
    ...table(['Project', 'Guests'], projects.map(([p, n]) => [md(p), String(n)])), '',
    ...folded(`Every guest (${guests.length})`, table(['Instance', 'UUID', 'Host', 'Project'], guests.map((g) => [md(g.name), md(g.uuid), md(g.host), md(g.projectId ?? '-')]))),
  ];
}

/**
 * Fit for a change ticket at 500 hosts: what a reader needs first (counts, the hosts needing attention) is open; the
 * per-host tables and the diffs are folded in <details>, the only raw HTML in the text (every other '<' is escaped).
 */
export function renderMarkdown(report: Report): string {
  const r = report;
  const hosts = [...r.hosts].sort((a, b) => HOST_STATUS_ORDER.indexOf(a.status) - HOST_STATUS_ORDER.indexOf(b.status) || compareText(a.name, b.name));
  const lines: string[] = [
    `## ${TITLES[r.kind]}: ${md(r.runId)}`,
    '',
    `${md(r.tool.name)} ${md(r.tool.version)}, playbook ${r.playbook ? `\`${r.playbook.replace(/`/g, "'")}\`` : '(none)'}, ${md(r.startedAt)} to ${md(r.finishedAt)} (${duration(r.durationMs)})${r.batches?.length ? `, ${r.batches.length} batch${r.batches.length > 1 ? 'es' : ''}` : ''}`,
    '',
  ];
  if (r.summary.stoppedBecause) lines.push(`> **Stopped early:** ${md(r.summary.stoppedBecause)}`, '');
  lines.push(...counts(r), '');
  const bad = problems(hosts, r.kind);
  lines.push('### Failures and hosts needing attention', '', ...(bad.length ? bad : ['None.']), '');
  lines.push(...guestsSection(r));
  lines.push('### Details', '');
  lines.push(...folded(`Hosts (${hosts.length})`, table(['Host', 'AZ', 'Aggregate', 'Status', 'Changes', 'Reboot needed', 'Cold boots'], hosts.map((h) => hostRow(h, r.kind)))));
  const changed = changesSection(r);
  const changedHosts = r.hosts.filter((h) => h.steps.some((s) => s.changes.length)).length;
  const title = r.kind === 'plan' ? 'What would change' : r.kind === 'sweep' ? 'What is missing' : 'What changed';
  lines.push(...folded(`${title} (${changedHosts} host${changedHosts === 1 ? '' : 's'})`, changed.length ? changed : ['Nothing.']));
  const ba = r.kind === 'run' ? beforeAfter(hosts) : [];
  if (ba.length) lines.push(...folded(`Before → after (${ba.length - 2} hosts)`, ba));
  return lines.join('\n');
}
