// The HTML timeline and before → after: one row per started host, folded by batch, spans with migrations and reboots.
import { describe, expect, it } from 'vitest';
import { renderHtml } from '../../../src/report/html.js';
import { renderTimeline } from '../../../src/report/html-timeline.js';
import { buildReport } from '../../helpers/report-fixture.js';
import { fleetRunReport, fleetShape } from '../../helpers/fleet-report.js';

const count = (text: string, re: RegExp): number => text.match(new RegExp(re.source, 'g'))?.length ?? 0;

describe('HTML timeline', () => {
  const n = 40;
  const shape = fleetShape(n);
  const report = fleetRunReport(n, shape);
  const html = renderHtml(report);
  const timeline = html.split('<section id="timeline">')[1]!.split('</section>')[0]!;

  it('has one batch fold per batch and one row per host, each fold counting its hosts', () => {
    expect(count(timeline, /<details class="tl-batch"/)).toBe(shape.batches.length);
    const folds = [...timeline.matchAll(/<details class="tl-batch" data-batch="(\d+)" data-hosts="(\d+)"/g)].map((m) => [Number(m[1]), Number(m[2])]);
    expect(folds).toEqual(shape.batches.map((size, i) => [i + 1, size]));
    expect(count(timeline, /<div class="tl-row s-/)).toBe(n);
    expect(timeline).toContain(`Batch 3/${shape.batches.length} · ${shape.batches[2]} hosts`);
  });

  it('draws each step span, marks the live migrations and the reboots, and the failed steps', () => {
    const reachable = [...Array(n).keys()].filter((i) => !shape.unreachable.has(i));
    const migrating = reachable.filter((i) => shape.migrations(i) > 0);
    const rebooted = reachable.filter((i) => !shape.failed.has(i) && shape.rebooted(i));
    expect(count(timeline, /<span class="tl-seg [^"]*tl-mig/)).toBe(migrating.length);
    expect(count(timeline, /<span class="tl-seg [^"]*tl-reboot/)).toBe(rebooted.length);
    expect(count(timeline, /<span class="tl-seg [^"]*tl-bad/)).toBe(shape.failed.size);
    const migrations = [...timeline.matchAll(/data-migrations="(\d+)"/g)].reduce((s, m) => s + Number(m[1]), 0);
    expect(migrations).toBe(migrating.reduce((s, i) => s + shape.migrations(i), 0));
    // Seven steps per host that ran to the end; the failed ones stop at the drain (its second step).
    expect(count(timeline, /<span class="tl-seg /)).toBe((reachable.length - shape.failed.size) * 7 + shape.failed.size * 2);
  });

  it('places spans on one time axis: later batches start further right, nothing leaves the track', () => {
    const lefts = [...timeline.matchAll(/<span class="tl-bar" style="left:([\d.]+)%;width:([\d.]+)%"/g)].map((m) => [Number(m[1]), Number(m[2])]);
    expect(lefts).toHaveLength(shape.batches.length);
    for (let i = 1; i < lefts.length; i++) expect(lefts[i]![0]).toBeGreaterThan(lefts[i - 1]![0]!);
    for (const m of timeline.matchAll(/style="left:([\d.]+)%;width:([\d.]+)%"/g)) {
      expect(Number(m[1])).toBeGreaterThanOrEqual(0);
      expect(Number(m[1]) + Number(m[2])).toBeLessThanOrEqual(100.001);
    }
  });

  it('opens the folds of batches with a problem, and only those', () => {
    const open = [...timeline.matchAll(/<details class="tl-batch" data-batch="(\d+)"[^>]*?( open)?>/g)].filter((m) => m[2]).map((m) => Number(m[1]));
    const batchOf = (i: number): number => { let s = 0; return shape.batches.findIndex((b) => (s += b) > i) + 1; };
    expect(open).toEqual([...new Set([...shape.failed, ...shape.unreachable].map(batchOf))].sort((a, b) => a - b));
  });

  it('shows before → after per host: kernel, sysfs and packages', () => {
    const section = html.split('<section id="before-after">')[1]!.split('</section>')[0]!;
    expect(count(section, /<tr data-host=/)).toBe(n - shape.unreachable.size);
    // An unfixed kernel has no sysfs mds file: n/a before, the mitigation after.
    expect(count(section, /n\/a <span class="muted">→<\/span> Mitigation: Clear CPU buffers; SMT vulnerable/)).toBe(n - shape.unreachable.size - shape.failed.size - [...Array(n).keys()].filter((i) => !shape.rebooted(i) && !shape.failed.has(i) && !shape.unreachable.has(i)).length);
    const rebootedRow = section.split('<tr data-host="c0001.example.org">')[1]!.split('</tr>')[0]!;
    expect(rebootedRow).toMatch(/3\.10\.0-957\.10\.1\.el7\.x86_64 <span class="muted">→<\/span> 3\.10\.0-957\.12\.2\.el7\.x86_64/);
    expect(rebootedRow).toMatch(/kernel 3\.10\.0-957\.10\.1\.el7 <span class="muted">→<\/span> 3\.10\.0-957\.12\.2\.el7/);
    const details = html.split('<details class="host s-changed" id="h-0" data-host="c0001.example.org" data-status="changed">')[1]!.split('</details>')[0]!;
    expect(details).toContain('<h4>Before → after</h4>');
    expect(count(details, /<tr class="changed">/)).toBeGreaterThanOrEqual(6);
  });

  it('links every section from the top of the page', () => {
    const nav = html.split('<nav class="sections">')[1]!.split('</nav>')[0]!;
    expect([...nav.matchAll(/href="#([^"]+)"/g)].map((m) => m[1])).toEqual(['fleet', 'attention', 'timeline', 'before-after', 'hosts']);
  });

  it('leaves the section out when no host was started, and for a plan or a sweep (no rollout to draw)', () => {
    const none = buildReport('run');
    expect(none.hosts.some((h) => h.timeline)).toBe(false);
    expect(renderTimeline(none)).toBe('');
    expect(renderTimeline({ ...report, kind: 'sweep' })).toBe('');
    expect(renderTimeline({ ...report, kind: 'plan' })).toBe('');
    expect(renderTimeline(report)).not.toBe('');
  });
});
