// Renders the HTML report in real headless Chromium: the DOM it builds and the screenshot it paints show the fleet.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STATUS_COLOURS } from '../../src/report/html-style.js';
import { writeReports } from '../../src/report/index.js';
import type { HostStatus, Report } from '../../src/report/model.js';
import { countColour, decodePng, isPng } from '../helpers/png.js';
import { fleetRunReport, fleetShape } from '../helpers/fleet-report.js';
import { buildReport, FAILURE_REASON, HOSTILE_NOTE, UNREACHABLE_REASON } from '../helpers/report-fixture.js';

// CHROMIUM_BIN lets CI point at another build; Debian's package installs /usr/bin/chromium.
const CHROMIUM = process.env.CHROMIUM_BIN ?? '/usr/bin/chromium';
const HAVE_CHROMIUM = existsSync(CHROMIUM);
const SKIP_REASON = `skipped: ${CHROMIUM} is not installed (Debian: apt-get install -y chromium)`;
if (!HAVE_CHROMIUM) console.warn(`report-html-chromium: ${SKIP_REASON}`);

let work: string;
const started: number[] = [];

/**
 * Runs Chromium in its own process group so that, whatever happens, the whole group (browser, zygote, renderers)
 * is killed by its id afterwards; returns stdout.
 */
async function chromium(args: string[], url: string): Promise<string> {
  return (await chromiumWithLog(args, url)).out;
}

/** The console lines Chromium logs (console.* calls, uncaught errors, CSP refusals) with --enable-logging=stderr. */
function consoleLines(stderr: string): string[] {
  return stderr.split('\n').filter((l) => /:CONSOLE[:(]/.test(l));
}

async function chromiumWithLog(args: string[], url: string): Promise<{ out: string; err: string }> {
  const profile = await mkdtemp(join(work, 'profile-'));
  const child = spawn(
    CHROMIUM,
    ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', `--user-data-dir=${profile}`, ...args, url],
    { detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  if (child.pid !== undefined) started.push(child.pid);
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const timer = setTimeout(() => killGroup(child.pid), 90_000);
  try {
    const code = await new Promise<number | null>((resolve, reject) => {
      child.on('error', reject);
      child.on('close', resolve);
    });
    if (code !== 0) throw new Error(`chromium exited ${code}: ${err.split('\n').slice(-5).join(' / ')}`);
    return { out, err };
  } finally {
    clearTimeout(timer);
    killGroup(child.pid);
  }
}

function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // ESRCH: the group has already exited.
  }
}

const count = (text: string, re: RegExp): number => text.match(new RegExp(re.source, 'g'))?.length ?? 0;

function statusCounts(report: Report): Map<HostStatus, number> {
  const m = new Map<HostStatus, number>();
  for (const h of report.hosts) m.set(h.status, (m.get(h.status) ?? 0) + 1);
  return m;
}

// Without Chromium the suite is skipped, and its title says why.
const TITLE = HAVE_CHROMIUM ? 'HTML report in headless Chromium' : `HTML report in headless Chromium (${SKIP_REASON})`;

describe.skipIf(!HAVE_CHROMIUM)(TITLE, () => {
  const run = buildReport('run');
  const sweep = buildReport('sweep');
  let runUrl: string;
  let runDom: string;
  let hashDom: string;
  let sweepDom: string;

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'mds-html-e2e-'));
    await writeReports(run, { html: join(work, 'run.html') });
    await writeReports(sweep, { html: join(work, 'sweep.html') });
    runUrl = pathToFileURL(join(work, 'run.html')).href;
    const sweepUrl = pathToFileURL(join(work, 'sweep.html')).href;
    [runDom, hashDom, sweepDom] = await Promise.all([chromium(['--dump-dom'], runUrl), chromium(['--dump-dom'], `${runUrl}#h-2`), chromium(['--dump-dom'], sweepUrl)]);
  });

  afterAll(async () => {
    for (const pid of started) killGroup(pid);
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('builds one tile per host, coloured by status, with every host name', () => {
    const dom = runDom;
    expect(dom).toContain('<h1>MDS remediation run</h1>');
    expect(count(dom, /<a class="tile /)).toBe(run.hosts.length);
    for (const [status, n] of statusCounts(run)) expect(count(dom, new RegExp(`<a class="tile s-${status}"`)), status).toBe(n);
    const names = [...dom.matchAll(/<span class="tile-name">([^<]*)<\/span>/g)].map((m) => m[1]).sort();
    expect(names).toEqual(run.hosts.map((h) => h.name).sort());
  });

  it('shows the failure and unreachable reasons outside the collapsed details', () => {
    const attention = runDom.split('<section id="attention">')[1]!.split('</section>')[0]!;
    expect(attention).toContain(FAILURE_REASON);
    expect(attention).toContain(UNREACHABLE_REASON);
  });

  it('keeps a hostile note as text: the page has only its own script', () => {
    expect(count(runDom, /<script\b/)).toBe(1);
    expect(runDom).toContain('operator said: &lt;script&gt;alert("x")&lt;/script&gt;');
    expect(runDom).not.toContain(HOSTILE_NOTE);
  });

  it('opens the host a tile links to (the inline script runs)', () => {
    const opened = [...hashDom.matchAll(/<details class="host [^"]*" id="(h-\d+)"[^>]*>/g)].filter((m) => / open=""/.test(m[0])).map((m) => m[1]);
    expect(opened).toEqual(['h-2']);
  });

  it('shows the trend of the sweep, one row per host', () => {
    const trend = sweepDom.split('<section id="trend">')[1]!.split('</section>')[0]!;
    expect(count(trend, /<tr data-host=/)).toBe(6);
    expect(count(trend, /<rect /)).toBeGreaterThan(sweep.trend!.length);
    expect(trend).toContain('not compliant → compliant at sweep sweep-2026-03-15');
  });

  it('paints a non-trivial screenshot with the status colours of the fleet', async () => {
    const png = join(work, 'run.png');
    await chromium([`--screenshot=${png}`, '--window-size=1280,1600', '--hide-scrollbars'], runUrl);
    const buf = await readFile(png);
    expect(isPng(buf)).toBe(true);
    expect(buf.length).toBeGreaterThan(20_000);
    const image = decodePng(buf);
    expect([image.width, image.height]).toEqual([1280, 1600]);
    // Tiles are about 150x64 CSS pixels: each status present in the fleet paints thousands of pixels of its colour.
    for (const status of statusCounts(run).keys()) expect(countColour(image, STATUS_COLOURS[status]), status).toBeGreaterThan(3000);
    expect(countColour(image, STATUS_COLOURS['would-change'])).toBeLessThan(3000);
  });

  describe('a 500-host run: the timeline', () => {
    const n = 500;
    const shape = fleetShape(n);
    const fleet = fleetRunReport(n, shape);
    let dom: string;
    let log: string;

    beforeAll(async () => {
      await writeReports(fleet, { html: join(work, 'fleet.html') });
      ({ out: dom, err: log } = await chromiumWithLog(['--dump-dom', '--enable-logging=stderr', '--v=0'], pathToFileURL(join(work, 'fleet.html')).href));
    }, 120_000);

    it('renders without a console message (no script error, no refused resource)', () => {
      expect(dom).toContain('<section id="timeline">');
      expect(consoleLines(log)).toEqual([]);
    });

    it('the console check sees an error when there is one', async () => {
      const { writeFile } = await import('node:fs/promises');
      await writeFile(join(work, 'broken.html'), '<!DOCTYPE html><html><body><script>missingFunction();</script></body></html>');
      const { err } = await chromiumWithLog(['--dump-dom', '--enable-logging=stderr', '--v=0'], pathToFileURL(join(work, 'broken.html')).href);
      expect(consoleLines(err).join('\n')).toMatch(/Uncaught ReferenceError: missingFunction is not defined/);
    });

    it('has one fold per batch and one row per host, with the migrations and reboots the run made', () => {
      const timeline = dom.split('<section id="timeline">')[1]!.split('</section>')[0]!;
      expect(count(timeline, /<details class="tl-batch"/)).toBe(shape.batches.length);
      expect(count(timeline, /<div class="tl-row s-/)).toBe(n);
      const names = [...timeline.matchAll(/<div class="tl-row [^"]*" data-host="([^"]+)"/g)].map((m) => m[1]).sort();
      expect(names).toEqual(fleet.hosts.map((h) => h.name).sort());
      const reachable = [...Array(n).keys()].filter((i) => !shape.unreachable.has(i));
      expect(count(timeline, /data-reboot=""/)).toBe(reachable.filter((i) => !shape.failed.has(i) && shape.rebooted(i)).length);
      const migrations = [...timeline.matchAll(/data-migrations="(\d+)"/g)].reduce((sum, m) => sum + Number(m[1]), 0);
      expect(migrations).toBe(reachable.reduce((sum, i) => sum + shape.migrations(i), 0));
      // The folds of batches with a failed or unreachable host are open, the rest closed.
      expect(count(timeline, /<details class="tl-batch"[^>]* open=""/)).toBeGreaterThan(0);
      expect(count(timeline, /<details class="tl-batch"[^>]* open=""/)).toBeLessThan(shape.batches.length);
    });
  });
});
