// The HTML report's timeline of the rollout: one row per host, folded by batch, step spans (migrations, reboots) over time.
import { compareText } from '../util/compare-text.js';
import { escapeHtml as e } from './escape.js';
import { hostAnchor } from './html-host.js';
import type { HostReport, Report, StepSpan } from './model.js';
import { statusLabel } from './status.js';

/** Step colours by the step's place in the run (reporters never name a step: the order is the playbook's). */
export const STEP_PALETTE = ['#5c6bc0', '#26a69a', '#ffb300', '#ef5350', '#8d6e63', '#42a5f5', '#ab47bc', '#78909c', '#d4e157', '#ec407a'];

const PROBLEMS = new Set(['failed', 'refused', 'unknown', 'unreachable']);

const ms = (iso: string): number => Date.parse(iso);

function clock(t: number): string {
  return new Date(t).toISOString().slice(11, 19);
}

function span(t: number): string {
  const s = Math.round(t / 1000);
  return s >= 3600 ? `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m` : s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

interface Scale {
  t0: number;
  t1: number;
}

function pos(sc: Scale, from: number, to: number): string {
  const total = Math.max(1, sc.t1 - sc.t0);
  const left = ((from - sc.t0) / total) * 100;
  // A step of a few milliseconds in a run of hours still gets a visible sliver.
  const width = Math.max(0.25, ((to - from) / total) * 100);
  return `left:${left.toFixed(3)}%;width:${Math.min(width, 100 - left).toFixed(3)}%`;
}

function segment(s: StepSpan, k: number, sc: Scale): string {
  const cls = ['tl-seg', `k-${k % STEP_PALETTE.length}`, s.reboot ? 'tl-reboot' : '', s.migrations ? 'tl-mig' : '', PROBLEMS.has(s.status) ? 'tl-bad' : ''].filter(Boolean).join(' ');
  const what = [s.migrations ? `${s.migrations} live migration${s.migrations > 1 ? 's' : ''}` : '', s.reboot ? 'rebooted' : ''].filter(Boolean).join(', ');
  const title = `${s.id}: ${s.status}, ${clock(ms(s.start))}–${clock(ms(s.end))} (${span(ms(s.end) - ms(s.start))})${what ? `, ${what}` : ''}`;
  const extra = `${s.migrations ? ` data-migrations="${s.migrations}"` : ''}${s.reboot ? ' data-reboot=""' : ''}`;
  return `<span class="${cls}" data-step="${e(s.id)}" data-status="${e(s.status)}"${extra} style="${pos(sc, ms(s.start), ms(s.end))}" title="${e(title)}"></span>`;
}

function row(h: HostReport, index: number, kind: Report['kind'], order: Map<string, number>, sc: Scale): string {
  const t = h.timeline!;
  const segs = t.steps.map((s) => segment(s, order.get(s.id) ?? 0, sc)).join('');
  return `<div class="tl-row s-${e(h.status)}" data-host="${e(h.name)}" data-status="${e(h.status)}"><a class="tl-name" href="#${hostAnchor(index)}" title="${e(`${h.name}: ${statusLabel(h.status, kind)}`)}">${e(h.name)}</a><span class="tl-track">${segs}</span></div>`;
}

function axis(sc: Scale): string {
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => `<span class="tl-tick" style="left:${(f * 100).toFixed(1)}%">${clock(sc.t0 + f * (sc.t1 - sc.t0))}</span>`);
  return `<div class="tl-row tl-axis-row"><span class="tl-name muted">UTC</span><span class="tl-track tl-axis">${ticks.join('')}</span></div>`;
}

function legend(order: Map<string, number>): string {
  const steps = [...order].map(([id, k]) => `<span><i class="sw k-${k % STEP_PALETTE.length}"></i>${e(id)}</span>`);
  return `<div class="legend tl-legend">${steps.join('')}<span><i class="sw tl-mig-sw"></i>live migrations</span><span><i class="sw tl-reboot-sw"></i>reboot</span><span><i class="sw tl-bad-sw"></i>failed, refused or unknown</span></div>`;
}

/**
 * The timeline section of a run; empty when no host was started. A plan's or sweep's times are those of reading the
 * fleet, not of a rollout: their JSON keeps them, the page does not draw them.
 */
export function renderTimeline(r: Report): string {
  if (r.kind !== 'run') return '';
  const started = r.hosts.map((h, i) => ({ h, i })).filter(({ h }) => h.timeline);
  if (!started.length) return '';
  const order = new Map<string, number>();
  for (const { h } of started) for (const s of h.timeline!.steps) if (!order.has(s.id)) order.set(s.id, order.size);
  const times = started.flatMap(({ h }) => [ms(h.timeline!.start), ...h.timeline!.steps.flatMap((s) => [ms(s.start), ms(s.end)]), ...(h.timeline!.end ? [ms(h.timeline!.end)] : [])]);
  for (const b of r.batches ?? []) times.push(ms(b.start), ...(b.end ? [ms(b.end)] : []));
  const sc: Scale = { t0: Math.min(...times), t1: Math.max(...times) };
  const byBatch = new Map<number | null, typeof started>();
  for (const x of started) {
    const list = byBatch.get(x.h.timeline!.batch) ?? [];
    list.push(x);
    byBatch.set(x.h.timeline!.batch, list);
  }
  const total = r.batches?.length ?? byBatch.size;
  const groups = [...byBatch].sort((a, b) => (a[0] ?? Infinity) - (b[0] ?? Infinity)).map(([batch, rows]) => {
    const info = r.batches?.find((b) => b.index === batch);
    const from = info ? ms(info.start) : Math.min(...rows.map(({ h }) => ms(h.timeline!.start)));
    const to = info?.end ? ms(info.end) : Math.max(...rows.map(({ h }) => ms(h.timeline!.end ?? h.timeline!.start)));
    const bad = rows.filter(({ h }) => PROBLEMS.has(h.status)).length;
    const migrations = rows.reduce((n, { h }) => n + h.timeline!.steps.reduce((m, s) => m + (s.migrations ?? 0), 0), 0);
    const reboots = rows.filter(({ h }) => h.timeline!.steps.some((s) => s.reboot)).length;
    const label = `${batch === null ? 'Outside batches' : `Batch ${batch}/${total}`} · ${rows.length} host${rows.length > 1 ? 's' : ''} · ${clock(from)} (${span(to - from)}) · ${migrations} migrations · ${reboots} reboots${bad ? ` · ${bad} with problems` : ''}`;
    const sorted = [...rows].sort((a, b) => ms(a.h.timeline!.start) - ms(b.h.timeline!.start) || compareText(a.h.name, b.h.name));
    // A batch with a problem opens by itself: that is where the reader looks first.
    return `<details class="tl-batch" data-batch="${batch ?? ''}" data-hosts="${rows.length}"${bad ? ' open' : ''}><summary><span class="tl-label">${e(label)}</span><span class="tl-track"><span class="tl-bar" style="${pos(sc, from, to)}"></span></span></summary>${sorted.map(({ h, i }) => row(h, i, r.kind, order, sc)).join('')}</details>`;
  });
  const head = `<p class="muted">${started.length} host${started.length > 1 ? 's' : ''} in ${total} batch${total > 1 ? 'es' : ''}, ${clock(sc.t0)}–${clock(sc.t1)} UTC (${span(sc.t1 - sc.t0)}); one row per host, folded by batch; hover a span for its times.</p>`;
  return `<section id="timeline"><h2>Timeline</h2>${head}${legend(order)}${axis(sc)}${groups.join('')}</section>`;
}
