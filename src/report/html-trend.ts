// The HTML report's trend: stacked status bars per sweep (inline SVG) and a host-by-sweep status grid.
import { escapeHtml as e } from './escape.js';
import { STATUS_COLOURS } from './html-style.js';
import type { HostStatus, Report, TrendPoint } from './model.js';
import { HOST_STATUS_ORDER, statusLabel } from './status.js';
import { trendHostNames, trendStory } from './trend.js';

/** Wider trends are cut to their newest columns: the page stays readable and the JSON keeps the full history. */
export const MAX_TREND_COLUMNS = 30;

/** The past sweeps plus this report as the newest point, unless the trend already holds it. */
export function trendWithCurrent(report: Report): TrendPoint[] {
  const past = report.trend ?? [];
  if (report.kind !== 'sweep' || past.some((p) => p.runId === report.runId)) return [...past];
  const hosts: Record<string, HostStatus> = {};
  for (const h of report.hosts) hosts[h.name] = h.status;
  return [...past, { runId: report.runId, at: report.finishedAt, hosts }];
}

function bars(points: TrendPoint[]): string {
  const barW = 22;
  const gap = 8;
  const h = 90;
  const max = Math.max(1, ...points.map((p) => Object.keys(p.hosts).length));
  const rects: string[] = [];
  points.forEach((p, i) => {
    let y = h;
    const statuses = Object.values(p.hosts);
    for (const s of [...HOST_STATUS_ORDER].reverse()) {
      const n = statuses.filter((x) => x === s).length;
      if (!n) continue;
      const bh = (n / max) * h;
      y -= bh;
      rects.push(`<rect x="${i * (barW + gap)}" y="${y.toFixed(2)}" width="${barW}" height="${bh.toFixed(2)}" fill="${STATUS_COLOURS[s]}"><title>${e(`${p.runId} (${p.at}): ${n} ${statusLabel(s, 'sweep')}`)}</title></rect>`);
    }
  });
  const w = Math.max(1, points.length * (barW + gap) - gap);
  return `<svg class="trend-bars" role="img" aria-label="hosts by status per sweep" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" xmlns="http://www.w3.org/2000/svg">${rects.join('')}</svg>`;
}

export function renderTrend(report: Report): string {
  const all = trendWithCurrent(report);
  if (all.length === 0) return '';
  const points = all.slice(-MAX_TREND_COLUMNS);
  const names = trendHostNames(points, report.hosts.map((h) => h.name));
  const head = points.map((p) => `<th class="when" title="${e(p.runId)}">${e(p.at.replace(/\.\d+Z$/, 'Z').replace('T', ' '))}</th>`).join('');
  const rows = names.map((name) => {
    const cells = points
      .map((p) => {
        const s = Object.hasOwn(p.hosts, name) ? p.hosts[name] : undefined;
        return s === undefined ? '<td class="cell absent"></td>' : `<td class="cell s-${e(s)}" data-status="${e(s)}" title="${e(`${name} @ ${p.runId}: ${statusLabel(s, 'sweep')}`)}"><span></span></td>`;
      })
      .join('');
    return `<tr data-host="${e(name)}"><th>${e(name)}</th>${cells}<td class="muted">${e(trendStory(all, name))}</td></tr>`;
  });
  const cut = all.length > points.length ? `<p class="muted">Showing the newest ${points.length} of ${all.length} sweeps.</p>` : '';
  return [
    '<section id="trend"><h2>Trend over past sweeps</h2>',
    cut,
    bars(points),
    `<table class="trend"><thead><tr><th>Host</th>${head}<th>Changes</th></tr></thead><tbody>${rows.join('')}</tbody></table>`,
    '</section>',
  ].join('');
}
