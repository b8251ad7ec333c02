// HTML format: one self-contained page (inline CSS/JS/SVG, no fetches) with the fleet as status tiles by AZ/aggregate.
import { compareText } from '../util/compare-text.js';
import { escapeHtml as e } from './escape.js';
import { badge, beforeAfterRows, hostAnchor, renderHostDetails } from './html-host.js';
import { renderTimeline } from './html-timeline.js';
import { HTML_CSS } from './html-style.js';
import { renderTrend } from './html-trend.js';
import type { HostReport, HostStatus, Report } from './model.js';
import { HOST_STATUS_ORDER, statusLabel } from './status.js';

const TITLES: Record<Report['kind'], string> = { plan: 'MDS remediation plan', run: 'MDS remediation run', sweep: 'MDS compliance sweep' };

/** The page may not load anything: the CSP makes a stray URL in a note inert even if escaping ever failed. */
const CSP = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:";

// Opens the host a tile links to, and offers expand/collapse all; the page works without it.
const SCRIPT = `(function(){function openHash(){var id=location.hash.slice(1);var d=id&&document.getElementById(id);if(d&&d.tagName==='DETAILS')d.open=true;}
window.addEventListener('hashchange',openHash);openHash();
document.querySelectorAll('[data-toggle]').forEach(function(b){b.addEventListener('click',function(){var o=b.getAttribute('data-toggle')==='open';document.querySelectorAll('details.host').forEach(function(d){d.open=o;});});});})();`;

interface Group {
  az: string | null;
  aggregate: string | null;
  hosts: { host: HostReport; index: number }[];
}

function groups(hosts: readonly HostReport[]): Group[] {
  const map = new Map<string, Group>();
  hosts.forEach((host, index) => {
    const key = JSON.stringify([host.availabilityZone, host.aggregate]);
    const g = map.get(key) ?? { az: host.availabilityZone, aggregate: host.aggregate, hosts: [] };
    g.hosts.push({ host, index });
    map.set(key, g);
  });
  // Named zones first, alphabetically; hosts without a zone or aggregate last.
  const cmp = (a: string | null, b: string | null): number => (a === b ? 0 : a === null ? 1 : b === null ? -1 : compareText(a, b));
  return [...map.values()].sort((a, b) => cmp(a.az, b.az) || cmp(a.aggregate, b.aggregate));
}

function tile(h: HostReport, index: number, kind: Report['kind']): string {
  const flags = [
    h.rebootReasons.length ? 'reboot due' : '',
    h.guestsNeedingColdBoot.length ? `${h.guestsNeedingColdBoot.length} cold boot${h.guestsNeedingColdBoot.length > 1 ? 's' : ''}` : '',
  ].filter(Boolean);
  const title = `${h.name}: ${statusLabel(h.status, kind)}${h.error ? ` (${h.error})` : ''}`;
  return [
    `<a class="tile s-${e(h.status)}" href="#${hostAnchor(index)}" data-host="${e(h.name)}" data-status="${e(h.status)}" title="${e(title)}">`,
    `<span class="tile-name">${e(h.name)}</span><span class="tile-status">${e(statusLabel(h.status, kind))}</span>`,
    flags.length ? `<span class="tile-flags">${e(flags.join(' · '))}</span>` : '',
    '</a>',
  ].join('');
}

function fleet(r: Report): string {
  const body = groups(r.hosts)
    .map((g) => {
      const label = `${g.az === null ? 'No availability zone' : `AZ ${g.az}`} · ${g.aggregate === null ? 'no aggregate' : `aggregate ${g.aggregate}`}`;
      const sorted = [...g.hosts].sort((a, b) => compareText(a.host.name, b.host.name));
      return `<div class="group" data-az="${e(g.az ?? '')}" data-aggregate="${e(g.aggregate ?? '')}"><h3>${e(label)} <span class="muted">(${g.hosts.length})</span></h3><div class="tiles">${sorted.map((x) => tile(x.host, x.index, r.kind)).join('')}</div></div>`;
    })
    .join('');
  return `<section id="fleet"><h2>Fleet</h2>${legend(r.kind)}${body || '<p class="muted">No hosts.</p>'}</section>`;
}

function legend(kind: Report['kind']): string {
  return `<div class="legend">${HOST_STATUS_ORDER.map((s) => `<span class="s-${s}"><i class="sw"></i>${e(statusLabel(s, kind))}</span>`).join('')}</div>`;
}

function counts(r: Report): string {
  const s = r.summary;
  const items: [string, number, HostStatus | null][] = [
    ['hosts', s.hosts, null],
    [statusLabel('ok', r.kind), s.ok, 'ok'],
    ['changed', s.changed, 'changed'],
    ['would change', s.wouldChange, 'would-change'],
    ['not compliant', s.drift, 'drift'],
    ['failed', s.failed, 'failed'],
    ['refused', s.refused, 'refused'],
    ['unknown', s.unknown, 'unknown'],
    ['unreachable', s.unreachable, 'unreachable'],
    ['deferred', s.deferred, 'deferred'],
    ['skipped', s.skipped, 'skipped'],
    ['guests needing a cold boot', s.guestsNeedingColdBoot, null],
  ];
  const shown = items.filter(([label, n, st]) => st === null || n > 0 || label === 'failed');
  return `<div class="counts" id="summary">${shown.map(([label, n, st]) => `<div class="count${st ? ` s-${st}` : ''}" data-count="${e(st ?? label)}"><b>${n}</b><span>${e(label)}</span></div>`).join('')}</div>`;
}

function attention(r: Report): string {
  const items = r.hosts
    .map((h, i) => ({ h, i }))
    .filter(({ h }) => ['failed', 'refused', 'unknown', 'unreachable', 'drift', 'deferred'].includes(h.status))
    .sort((a, b) => HOST_STATUS_ORDER.indexOf(a.h.status) - HOST_STATUS_ORDER.indexOf(b.h.status))
    .map(({ h, i }) => {
      const failedChecks = h.checks.filter((c) => !c.ok).map((c) => `${c.name}: ${c.detail}`);
      const reason = h.error ?? h.steps.find((s) => s.error)?.error ?? failedChecks.join('; ');
      return `<li data-host="${e(h.name)}"><a href="#${hostAnchor(i)}">${e(h.name)}</a> ${badge(h.status, statusLabel(h.status, r.kind))} <span class="reason">${e(reason || 'no reason recorded')}</span></li>`;
    });
  return items.length ? `<section id="attention"><h2>Needs attention</h2><ul class="attention">${items.join('')}</ul></section>` : '';
}

/** Run reports: one row per host, kernel, MDS state and packages updated, before → after; folded past a screenful. */
function beforeAfter(r: Report): string {
  const rows = r.hosts.map((h, i) => ({ h, i, rows: beforeAfterRows(h) })).filter((x) => x.rows.length);
  if (!rows.length) return '';
  const pair = (b: string | null, a: string | null): string => (b === a ? e(a ?? 'n/a') : `${e(b ?? 'n/a')} <span class="muted">→</span> ${e(a ?? 'n/a')}`);
  const body = rows.map(({ h, i, rows: facts }) => {
    const get = (what: string) => facts.find((f) => f.what === what)!;
    const packages = facts.filter((f) => f.package && f.before !== f.after).map((f) => `${e(f.what)} ${pair(f.before, f.after)}`);
    return `<tr data-host="${e(h.name)}"><td><a href="#${hostAnchor(i)}">${e(h.name)}</a></td><td>${pair(get('Running kernel').before, get('Running kernel').after)}</td><td>${pair(get('MDS (sysfs)').before, get('MDS (sysfs)').after)}</td><td>${packages.join('<br>') || '<span class="muted">none</span>'}</td></tr>`;
  });
  const table = `<table class="before-after-fleet"><thead><tr><th>Host</th><th>Running kernel</th><th>MDS (sysfs)</th><th>Packages updated</th></tr></thead><tbody>${body.join('')}</tbody></table>`;
  return `<section id="before-after"><h2>Before → after</h2><details${rows.length <= 20 ? ' open' : ''}><summary>${rows.length} host${rows.length > 1 ? 's' : ''}</summary>${table}</details></section>`;
}

/** Links to the sections present: at 500 hosts the tiles alone fill several screens. */
function nav(sections: string[]): string {
  const links = sections
    .map((html) => /^<section id="([^"]+)"><h2>([^<]+)<\/h2>/.exec(html))
    .filter((m) => m !== null)
    .map((m) => `<a href="#${m[1]}">${m[2]}</a>`);
  return `<nav class="sections">${links.join(' · ')}</nav>`;
}

export function renderHtml(report: Report): string {
  const r = report;
  const title = `${TITLES[r.kind]} ${r.runId}`;
  const details = r.hosts.map((h, i) => renderHostDetails(h, i, r.kind)).join('');
  const sections = [fleet(r), attention(r), renderTimeline(r), beforeAfter(r), renderTrend(r)];
  return [
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${CSP}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${e(title)}</title><style>${HTML_CSS}</style></head><body>`,
    `<header><h1>${e(TITLES[r.kind])}</h1><div class="meta">run <code>${e(r.runId)}</code> · playbook <code>${e(r.playbook ?? '(none)')}</code> · ${e(r.startedAt)} → ${e(r.finishedAt)} (${e((r.durationMs / 1000).toFixed(0))}s) · ${e(r.tool.name)} ${e(r.tool.version)}</div></header>`,
    r.summary.stoppedBecause ? `<div class="stopped"><b>Stopped early:</b> ${e(r.summary.stoppedBecause)}</div>` : '',
    counts(r),
    nav([...sections, '<section id="hosts"><h2>Hosts</h2>']),
    ...sections,
    `<section id="hosts"><h2>Hosts</h2><div class="buttons"><button type="button" data-toggle="open">Expand all</button><button type="button" data-toggle="close">Collapse all</button></div>${details}</section>`,
    `<footer>Generated by ${e(r.tool.name)} ${e(r.tool.version)} · report schema ${r.schemaVersion}</footer>`,
    `<script>${SCRIPT}</script>`,
    '</body></html>',
    '',
  ].join('\n');
}
