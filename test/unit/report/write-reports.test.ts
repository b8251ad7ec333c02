// Tests writeReports/writeReportFile: every requested format lands on disk atomically with private modes.
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { renderGuestsCsv, renderGuestsJson, renderJson, renderPrometheus, writeReportFile, writeReports } from '../../../src/report/index.js';
import { buildReport } from '../../helpers/report-fixture.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mds-reports-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('writeReports', () => {
  it('writes each requested format: 0600 files, the textfile 0644 for node_exporter, in a new directory it can enter (0755)', async () => {
    const out = join(dir, 'reports');
    const report = buildReport('sweep');
    const paths = {
      json: join(out, 'r.json'), junit: join(out, 'r.xml'), html: join(out, 'r.html'), markdown: join(out, 'r.md'), prometheus: join(out, 'mds.prom'),
      guestsCsv: join(out, 'guests.csv'), guestsJson: join(out, 'guests.json'),
    };
    const written = await writeReports(report, paths);
    expect(written.sort()).toEqual(Object.values(paths).sort());
    expect((await stat(out)).mode & 0o777).toBe(0o755);
    for (const p of written) expect((await stat(p)).mode & 0o777, p).toBe(p === paths.prometheus ? 0o644 : 0o600);
    expect(await readFile(paths.json, 'utf8')).toBe(renderJson(report));
    expect(await readFile(paths.prometheus, 'utf8')).toBe(renderPrometheus(report));
    expect(await readFile(paths.junit, 'utf8')).toMatch(/^<\?xml/);
    expect(await readFile(paths.html, 'utf8')).toMatch(/^<!DOCTYPE html>/);
    expect(await readFile(paths.markdown, 'utf8')).toMatch(/^## MDS compliance sweep/);
    expect(await readFile(paths.guestsCsv, 'utf8')).toBe(renderGuestsCsv(report));
    expect(await readFile(paths.guestsCsv, 'utf8')).toContain('p-7,legacy-vm,9a9a9a9a-0000-4000-8000-000000000009,');
    expect(await readFile(paths.guestsJson, 'utf8')).toBe(renderGuestsJson(report));
    // No temp file is left behind for node_exporter or anyone else to see.
    expect((await readdir(out)).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it('writes only the formats given and can open the textfile to node_exporter', async () => {
    const written = await writeReports(buildReport('sweep'), { prometheus: join(dir, 'mds.prom') }, { prometheusMode: 0o644 });
    expect(written).toEqual([join(dir, 'mds.prom')]);
    expect(await readdir(dir)).toEqual(['mds.prom']);
    expect((await stat(join(dir, 'mds.prom'))).mode & 0o777).toBe(0o644);
  });

  it('keeps the other reports in a new directory private (0700) when no textfile is written there', async () => {
    const out = join(dir, 'private', 'deeper');
    const written = await writeReports(buildReport('run'), { json: join(out, 'r.json') });
    expect((await stat(out)).mode & 0o777).toBe(0o700);
    expect((await stat(join(dir, 'private'))).mode & 0o777).toBe(0o700);
    expect((await stat(written[0]!)).mode & 0o777).toBe(0o600);
  });

  it('makes every directory it creates for the textfile 0755 and leaves an existing one as it is', async () => {
    await writeReports(buildReport('sweep'), { prometheus: join(dir, 'a', 'b', 'mds.prom') });
    expect((await stat(join(dir, 'a'))).mode & 0o777).toBe(0o755);
    expect((await stat(join(dir, 'a', 'b'))).mode & 0o777).toBe(0o755);
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
  });

  it('refuses two formats on one path before writing anything', async () => {
    const p = join(dir, 'same');
    await expect(writeReports(buildReport('run'), { json: p, html: p })).rejects.toThrow(/same output path/);
    expect(await readdir(dir)).toEqual([]);
  });
});

describe('writeReportFile', () => {
  it('replaces an existing file whole', async () => {
    const p = join(dir, 'x.prom');
    await writeReportFile(p, 'old\n');
    await writeReportFile(p, 'new\n');
    expect(await readFile(p, 'utf8')).toBe('new\n');
    expect(await readdir(dir)).toEqual(['x.prom']);
  });
});
