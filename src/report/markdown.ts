// Markdown summary for a change ticket: fleet counts, host table, what changed, failures with reasons, cold boots.
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

function problems(r: Report): string[] {
  const out: string[] = [];
  for (const h of r.hosts) {
    if (!['failed', 'refused', 'unknown', 'unreachable', 'drift', 'deferred'].includes(h.status)) continue;
    const reasons = [
      ...(h.error ? [h.error] : []),
      ...h.steps.filter((s) => (s.status === 'failed' || s.status === 'refused' || s.status === 'unknown') && s.error).map((s) => `${s.id}: ${s.error}`).filter((r) => r !== h.error),
      ...h.checks.filter((c) => !c.ok).map((c) => `${c.name}: ${c.detail}`),
    ];
    out.push(`- **${md(h.name)}** (${md(statusLabel(h.status, r.kind))}): ${reasons.length ? md(reasons[0]!) : 'no reason recorded'}`);
    for (const more of reasons.slice(1)) out.push(`  - ${md(more)}`);
  }
  return out;
}

export function renderMarkdown(report: Report): string {
  const r = report;
  const hosts = [...r.hosts].sort((a, b) => HOST_STATUS_ORDER.indexOf(a.status) - HOST_STATUS_ORDER.indexOf(b.status) || a.name.localeCompare(b.name));
  const lines: string[] = [
    `## ${TITLES[r.kind]}: ${md(r.runId)}`,
    '',
    `${md(r.tool.name)} ${md(r.tool.version)}, playbook ${r.playbook ? `\`${r.playbook.replace(/`/g, "'")}\`` : '(none)'}, ${md(r.startedAt)} to ${md(r.finishedAt)} (${duration(r.durationMs)})`,
    '',
  ];
  if (r.summary.stoppedBecause) lines.push(`> **Stopped early:** ${md(r.summary.stoppedBecause)}`, '');
  lines.push(...counts(r), '', '### Hosts', '');
  lines.push(...table(['Host', 'AZ', 'Aggregate', 'Status', 'Changes', 'Reboot needed', 'Cold boots'], hosts.map((h) => hostRow(h, r.kind))), '');
  const changed = changesSection(r);
  lines.push(r.kind === 'plan' ? '### What would change' : r.kind === 'sweep' ? '### What is missing' : '### What changed', '');
  lines.push(...(changed.length ? changed : ['Nothing.']), '');
  const bad = problems(r);
  if (bad.length) lines.push('### Failures and hosts needing attention', '', ...bad, '');
  const guests = r.hosts.flatMap((h) => h.guestsNeedingColdBoot);
  if (guests.length) {
    lines.push('### Guests needing a cold boot', '', 'These instances keep a CPU model without md-clear until they are stopped and started (a reboot from inside the guest is not enough).', '');
    lines.push(...table(['Instance', 'UUID', 'Host', 'Project'], guests.map((g) => [md(g.name), md(g.uuid), md(g.host), md(g.projectId ?? '-')])), '');
  }
  return lines.join('\n');
}
