// Tests the HTML page as text: self-contained, one tile per host, grouped, escaped, diffs coloured, trend shown.
import { describe, expect, it } from 'vitest';
import { renderHtml } from '../../../src/report/html.js';
import { renderDiff } from '../../../src/report/html-host.js';
import { MAX_TREND_COLUMNS, trendWithCurrent } from '../../../src/report/html-trend.js';
import type { TrendPoint } from '../../../src/report/model.js';
import { buildReport, FAILURE_REASON, FIXTURE_TREND, HOSTILE_NOTE } from '../../helpers/report-fixture.js';

const count = (text: string, re: RegExp): number => text.match(new RegExp(re.source, 'g'))?.length ?? 0;

describe('renderHtml', () => {
  const report = buildReport('run');
  const html = renderHtml(report);

  it('is one self-contained file that cannot fetch anything', () => {
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src 'none';`);
    expect(html).not.toMatch(/<link\b|\bsrc\s*=|url\(|@import|@font-face/i);
    // The only URL is the SVG namespace name, which is an identifier, not a fetch.
    expect(html.match(/https?:\/\/[^"'\s<]+/g) ?? []).toEqual([]);
    const hrefs = html.match(/href="[^"]*"/g) ?? [];
    expect(hrefs.length).toBeGreaterThan(0);
    expect(hrefs.every((h) => h.startsWith('href="#'))).toBe(true);
    expect(count(html, /<script>/)).toBe(1);
  });

  it('draws one tile per host in the colour class of its status', () => {
    expect(count(html, /<a class="tile /)).toBe(report.hosts.length);
    for (const h of report.hosts) expect(html).toContain(`<a class="tile s-${h.status}" href="#h-${report.hosts.indexOf(h)}" data-host="${h.name}" data-status="${h.status}"`);
  });

  it('groups tiles by availability zone and aggregate, hosts without either last', () => {
    const groups = [...html.matchAll(/<div class="group" data-az="([^"]*)" data-aggregate="([^"]*)">/g)].map((m) => `${m[1]}/${m[2]}`);
    expect(groups).toEqual(['az1/agg-a', 'az2/agg-b', 'az3/', '/']);
    const az2 = html.split('data-az="az2"')[1]!.split('<div class="group"')[0]!;
    expect(count(az2, /<a class="tile /)).toBe(2);
  });

  it('shows summary counts, a legend of every status and why the run stopped', () => {
    expect(html).toContain('<div class="count s-failed" data-count="failed"><b>1</b><span>failed</span></div>');
    expect(html).toContain('<div class="count" data-count="hosts"><b>6</b>');
    for (const s of ['failed', 'unreachable', 'drift', 'would-change', 'deferred', 'skipped', 'changed', 'ok']) expect(html).toContain(`<span class="s-${s}"><i class="sw"></i>`);
    expect(html).toContain('Stopped early:</b> failure budget exceeded');
  });

  it('lists hosts needing attention with their reason outside the collapsed details', () => {
    const attention = html.split('<section id="attention">')[1]!.split('</section>')[0]!;
    expect(attention).toContain(FAILURE_REASON);
    expect(attention).toContain('connect ECONNREFUSED 127.0.0.1:2204');
    expect(count(attention, /<li /)).toBe(4);
  });

  it('has one collapsible details block per host with steps, checks, guests and warnings', () => {
    expect(count(html, /<details class="host /)).toBe(report.hosts.length);
    const c06 = html.split('data-host="compute06" data-status="drift">')[1]!.split('</details>')[0]!;
    expect(c06).toContain('Guests needing a cold boot');
    expect(c06).toContain('9a9a9a9a-0000-4000-8000-000000000009');
    const c01 = html.split('<details class="host s-changed" id="h-0"')[1]!.split('</details>')[0]!;
    expect(c01).toContain('<code class="kind">migrate-instance</code> live-migrate web-1');
    expect(c01).toContain('<span class="add">+cpu_model_extra_flags = pcid,md-clear</span>');
    expect(c01).toContain('<span class="del">-cpu_model_extra_flags = pcid</span>');
    expect(c01).toContain('<td>nova-conf</td><td><span class="ok-yes">pass</span></td>');
  });

  it('escapes every value, so a note cannot add markup', () => {
    expect(html).not.toContain(HOSTILE_NOTE);
    expect(html).toContain('operator said: &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &quot;quotes&quot; &#39;single&#39;');
    const r = buildReport('run');
    r.hosts[0] = { ...r.hosts[0]!, name: '<img onerror=x>"', availabilityZone: '"><b>' };
    const out = renderHtml(r);
    expect(out).not.toContain('<img');
    expect(out).toContain('data-az="&quot;&gt;&lt;b&gt;"');
    expect(count(out, /<b>/)).toBe(count(renderHtml(buildReport('run')), /<b>/));
    expect(out).toContain('data-host="&lt;img onerror=x&gt;&quot;"');
  });

  it('shows no trend section without history', () => {
    expect(html).not.toContain('id="trend"');
  });
});

describe('the HTML trend', () => {
  const sweep = buildReport('sweep');
  const html = renderHtml(sweep);
  const trend = html.split('<section id="trend">')[1]!.split('</section>')[0]!;

  it('adds the current sweep as the newest column', () => {
    const points = trendWithCurrent(sweep);
    expect(points).toHaveLength(FIXTURE_TREND.length + 1);
    expect(points[points.length - 1]!.runId).toBe(sweep.runId);
    expect(trendWithCurrent({ ...sweep, trend: [...FIXTURE_TREND, { runId: sweep.runId, at: sweep.finishedAt, hosts: {} }] })).toHaveLength(FIXTURE_TREND.length + 1);
  });

  it('has a row per host, a cell per sweep, and says how each host changed', () => {
    expect(count(trend, /<tr data-host=/)).toBe(6);
    const c01 = trend.split('<tr data-host="compute01">')[1]!.split('</tr>')[0]!;
    expect([...c01.matchAll(/data-status="([^"]+)"/g)].map((m) => m[1])).toEqual(['drift', 'drift', 'ok', 'ok']);
    expect(c01).toContain('not compliant → compliant at sweep sweep-2026-03-15');
    const c05 = trend.split('<tr data-host="compute05">')[1]!.split('</tr>')[0]!;
    expect(count(c05, /class="cell absent"/)).toBe(2);
  });

  it('draws stacked bars per sweep in an inline SVG', () => {
    expect(count(trend, /<svg /)).toBe(1);
    expect(trend).toContain('<title>sweep-2026-03-08 (2026-03-08T02:00:00.000Z): 1 unreachable</title>');
  });

  it('cuts a long history to the newest columns', () => {
    const long: TrendPoint[] = Array.from({ length: MAX_TREND_COLUMNS + 5 }, (_, i) => ({ runId: `s${i}`, at: new Date(Date.UTC(2026, 0, 1 + i)).toISOString(), hosts: { compute01: 'ok' } }));
    const out = renderHtml({ ...sweep, trend: long });
    const section = out.split('<section id="trend">')[1]!;
    expect(section).toContain(`Showing the newest ${MAX_TREND_COLUMNS} of ${long.length + 1} sweeps.`);
    expect(section).not.toContain('title="s0"');
  });
});

describe('renderDiff', () => {
  it('colours additions, removals and hunks, and does not take file headers for changes', () => {
    const out = renderDiff('--- a\n+++ b\n@@ -1 +1 @@\n-x <old>\n+y\n same\n--- not a header\n');
    expect(out).toContain('<span class="file">--- a</span><span class="file">+++ b</span><span class="hunk">@@ -1 +1 @@</span>');
    expect(out).toContain('<span class="del">-x &lt;old&gt;</span><span class="add">+y</span> same\n');
    expect(out).toContain('<span class="del">--- not a header</span>');
  });
});
