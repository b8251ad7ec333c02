// The report module's public face: the renderers, the history, and writeReports to write several formats at once.
import { dirname } from 'node:path';
import { renderHtml } from './html.js';
import { renderJson } from './json.js';
import { renderJunit, type JunitOptions } from './junit.js';
import { renderMarkdown } from './markdown.js';
import type { Report } from './model.js';
import { renderPrometheus } from './prometheus.js';
import { renderGuestsCsv, renderGuestsJson } from './tenants.js';
import { makeDir, writeReportFile } from './write.js';

export { renderHtml } from './html.js';
export { renderJson } from './json.js';
export { REPORT_JSON_SCHEMA } from './json-schema.js';
export { renderJunit, type JunitOptions } from './junit.js';
export { renderMarkdown } from './markdown.js';
export { renderPrometheus } from './prometheus.js';
export { appendSweep, loadTrend, trendPointOf, HistoryError, type LoadTrendOptions } from './history.js';
export { describeTrend, hostTransitions, type HostTransition } from './trend.js';
export { summarizeHosts } from './summary.js';
export { migrationLines, migrationsOf } from './migrations.js';
export { renderGuestsCsv, renderGuestsJson, tenantLines, tenantProjects, type TenantProject } from './tenants.js';
export { writeReportFile, type WriteReportOptions } from './write.js';

/** guestsCsv and guestsJson: the tenants' list alone (guests needing a cold boot, by project), for the notice to tenants. */
export type ReportFormat = 'json' | 'junit' | 'html' | 'markdown' | 'prometheus' | 'guestsCsv' | 'guestsJson';
export type ReportPaths = Partial<Record<ReportFormat, string>>;

export interface WriteReportsOptions {
  junit?: JunitOptions;
  /** File mode of the Prometheus textfile; default 0644, as node_exporter (not root) reads it. */
  prometheusMode?: number;
}

/**
 * node_exporter runs as its own user: the textfile is 0644 and a directory made for it 0755, made before the other
 * reports' (a 0700 directory made first would hide the textfile). It holds host names and gauges, never a secret.
 */
const PROMETHEUS_FILE_MODE = 0o644;
const PROMETHEUS_DIR_MODE = 0o755;

const RENDERERS: Record<ReportFormat, (r: Report, o: WriteReportsOptions) => string> = {
  json: (r) => renderJson(r),
  junit: (r, o) => renderJunit(r, o.junit),
  html: (r) => renderHtml(r),
  markdown: (r) => renderMarkdown(r),
  prometheus: (r) => renderPrometheus(r),
  guestsCsv: (r) => renderGuestsCsv(r),
  guestsJson: (r) => renderGuestsJson(r),
};

/**
 * Renders every format that has a path and writes each atomically. All are rendered before any is written,
 * so a renderer bug leaves every old file in place. Returns the paths written, in the order given.
 */
export async function writeReports(report: Report, paths: ReportPaths, opts: WriteReportsOptions = {}): Promise<string[]> {
  const jobs = (Object.keys(RENDERERS) as ReportFormat[])
    .filter((f) => paths[f] !== undefined)
    .map((f) => ({ format: f, path: paths[f]!, content: RENDERERS[f](report, opts) }));
  const targets = new Set(jobs.map((j) => j.path));
  if (targets.size !== jobs.length) throw new Error('two report formats were given the same output path');
  if (paths.prometheus !== undefined) await makeDir(dirname(paths.prometheus), PROMETHEUS_DIR_MODE);
  await Promise.all(jobs.map((j) => writeReportFile(j.path, j.content, j.format === 'prometheus' ? { mode: opts.prometheusMode ?? PROMETHEUS_FILE_MODE, dirMode: PROMETHEUS_DIR_MODE } : {})));
  return jobs.map((j) => j.path);
}
