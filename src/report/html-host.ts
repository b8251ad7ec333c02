// The HTML report's per-host <details>: facts, steps with changes, nova.conf diffs, notes, checks, guests, warnings.
import { changesOf } from '../steps/changes.js';
import { escapeHtml as e } from './escape.js';
import type { HostReport, Report, StepReport } from './model.js';
import { statusLabel } from './status.js';

export function badge(status: string, label: string): string {
  return `<span class="badge s-${e(status)}">${e(label)}</span>`;
}

/** Unified diff lines coloured by their first character; headers before hunks, so '---'/'+++' are not removals/additions. */
export function renderDiff(diff: string): string {
  const lines = diff.replace(/\n$/, '').split('\n');
  let inHunk = false;
  const out = lines.map((line) => {
    let cls = '';
    if (line.startsWith('@@')) {
      inHunk = true;
      cls = 'hunk';
    } else if (!inHunk && (line.startsWith('---') || line.startsWith('+++'))) cls = 'file';
    else if (line.startsWith('+')) cls = 'add';
    else if (line.startsWith('-')) cls = 'del';
    return cls ? `<span class="${cls}">${e(line)}</span>` : `${e(line)}\n`;
  });
  return `<pre class="diff">${out.join('')}</pre>`;
}

function list(cls: string, items: string[]): string {
  return items.length ? `<ul class="${cls}">${items.map((i) => `<li>${i}</li>`).join('')}</ul>` : '';
}

function seconds(ms: number | undefined): string {
  return ms === undefined ? '' : ` <span class="muted">${(ms / 1000).toFixed(1)}s</span>`;
}

function renderStep(s: StepReport): string {
  const changes = s.changes.map((c) => `<code class="kind">${e(c.kind)}</code> ${e(c.summary)}`);
  const diffs = changesOf(s.changes, 'nova-conf-edit').map((c) => renderDiff(c.data.diff));
  return [
    `<div class="step" data-step="${e(s.id)}"><h5>${e(s.id)} ${badge(s.status, s.status)}${seconds(s.durationMs)}</h5>`,
    s.error ? `<div class="error">${e(s.error)}</div>` : '',
    list('changes', changes),
    diffs.join(''),
    list('notes', s.notes.map(e)),
    '</div>',
  ].join('');
}

function table(head: string[], rows: string[][]): string {
  if (!rows.length) return '';
  return `<table><thead><tr>${head.map((h) => `<th>${e(h)}</th>`).join('')}</tr></thead><tbody>${rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('')}</tbody></table>`;
}

function section(title: string, body: string): string {
  return body ? `<h4>${e(title)}</h4>${body}` : '';
}

function factsTable(h: HostReport): string {
  const f = h.facts;
  if (!f) return '';
  const rows: [string, string | null][] = [
    ['OS', f.os],
    ['Running kernel', f.kernelRunning],
    ['CPU vendor', f.cpuVendor],
    ['MDS (sysfs)', f.mds],
    ['TSX async abort', f.tsxAsyncAbort],
    ['MMIO stale data', f.mmioStaleData],
    ['Boot id', f.bootId],
    // The deployment layout and what decided it (probes, or the inventory's variables), or why it is unknown.
    ...(f.layout ? [['Layout', `${f.layout.summary}${f.layout.basis.length ? `; from ${f.layout.basis.join(', ')}` : ''}`] as [string, string]] : []),
    ...(f.layoutUnknown ? [['Layout', `unknown: ${f.layoutUnknown}`] as [string, string]] : []),
  ];
  return table(['Fact', 'Value'], rows.map(([k, v]) => [e(k), v === null ? '<span class="muted">n/a</span>' : e(v)]));
}

export function hostAnchor(index: number): string {
  return `h-${index}`;
}

export function renderHostDetails(h: HostReport, index: number, kind: Report['kind']): string {
  const where = [h.availabilityZone ?? 'no AZ', h.aggregate ?? 'no aggregate', h.address, h.novaHost].map(e).join(' · ');
  const body = [
    h.error ? `<div class="error host-error">${e(h.error)}</div>` : '',
    section('Facts', factsTable(h)),
    section('Steps', h.steps.map(renderStep).join('')),
    section('Checks', table(['Check', 'Result', 'Detail'], h.checks.map((c) => [e(c.name), c.ok ? '<span class="ok-yes">pass</span>' : c.unknown ? '<span class="ok-unknown">unknown</span>' : '<span class="ok-no">fail</span>', e(c.detail)]))),
    section('Reboot required because', list('notes', h.rebootReasons.map(e))),
    section('Packages below minimum', table(['Package', 'Installed', 'Minimum'], h.packagesBelowMinimum.map((p) => [e(p.name), e(p.installed ?? 'not installed'), e(p.minimum)]))),
    section('Guests needing a cold boot', table(['Instance', 'UUID', 'Project'], h.guestsNeedingColdBoot.map((g) => [e(g.name), `<code>${e(g.uuid)}</code>`, e(g.projectId ?? '-')]))),
    section('Warnings', list('notes', h.warnings.map(e))),
  ].join('');
  return [
    `<details class="host s-${e(h.status)}" id="${hostAnchor(index)}" data-host="${e(h.name)}" data-status="${e(h.status)}">`,
    `<summary><span class="name">${e(h.name)}</span>${badge(h.status, statusLabel(h.status, kind))}<span class="muted">${where}</span></summary>`,
    `<div class="body">${body || '<p class="muted">Nothing recorded.</p>'}</div>`,
    '</details>',
  ].join('');
}
