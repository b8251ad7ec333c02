// Sweep history on disk: one small JSON file per sweep (its TrendPoint), the newest N (and, if asked, the recent) kept, read back as a trend.
import { readdir, readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { isTempName } from '../state/atomic-write.js';
import { OrchestratorError } from '../util/errors.js';
import type { HostStatus, Report, TrendPoint } from './model.js';
import { writeReportFile } from './write.js';

export { describeTrend } from './trend.js';

/*
 * Why one file per sweep rather than one file rewritten: appending is a single atomic create, so two controllers
 * (or a sweep racing a manual run) can never lose each other's point in a read-modify-write; a damaged file costs
 * one point, not the history; pruning is deleting the oldest names. Names start with the UTC time, so name order
 * is time order and listing needs no parsing.
 */

const FORMAT = 'mds-orchestrate-sweep-point';
const HOST_STATUSES = ['ok', 'changed', 'would-change', 'drift', 'failed', 'refused', 'unknown', 'unreachable', 'deferred', 'skipped'] as const satisfies readonly HostStatus[];
const NAME = /^sweep-(\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d(?:\.\d+)?Z)--(.+)\.json$/;

const pointFile = z.object({
  format: z.literal(FORMAT),
  version: z.literal(1),
  runId: z.string().min(1),
  at: z.string().min(1),
  hosts: z.record(z.string(), z.enum(HOST_STATUSES)),
});

export class HistoryError extends OrchestratorError {
  constructor(message: string, cause?: unknown) {
    super('E_HISTORY', message, { cause });
  }
}

function fileName(point: TrendPoint): string {
  const when = new Date(point.at);
  if (Number.isNaN(when.getTime())) throw new HistoryError(`sweep ${point.runId} has no valid finish time (${JSON.stringify(point.at)})`);
  return `sweep-${when.toISOString().replace(/:/g, '-')}--${encodeURIComponent(point.runId)}.json`;
}

async function historyFiles(dir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new HistoryError(`cannot list the sweep history in ${dir}`, err);
  }
  return names.filter((n) => !isTempName(n) && NAME.test(n)).sort();
}

/** The point a sweep adds to the history: every host's status, at the time the sweep finished. */
export function trendPointOf(report: Report): TrendPoint {
  const hosts: Record<string, HostStatus> = {};
  for (const h of report.hosts) hosts[h.name] = h.status;
  return { runId: report.runId, at: report.finishedAt, hosts };
}

/** When the sweep a history file holds finished, from its name (names carry the time, so pruning reads no file). */
function fileTime(name: string): number {
  const stamp = NAME.exec(name)?.[1];
  return stamp ? Date.parse(stamp.replace(/T(\d\d)-(\d\d)-(\d\d)/, 'T$1:$2:$3')) : NaN;
}

/** Files older than `maxAgeMs` before `now` (none when no age is set). */
function tooOld(files: readonly string[], maxAgeMs: number | undefined, now: number): string[] {
  if (maxAgeMs === undefined) return [];
  return files.filter((f) => now - fileTime(f) > maxAgeMs);
}

export interface HistoryLimits {
  /** Forget sweeps that finished longer ago than this. */
  maxAgeMs?: number;
  now?: number;
}

/**
 * Records a sweep and prunes the history to the newest `keep` sweeps, and to those younger than `limits.maxAgeMs`.
 * Appending the same run again replaces its point. Returns the file written.
 */
export async function appendSweep(dir: string, report: Report, keep: number, limits: HistoryLimits = {}): Promise<string> {
  if (!Number.isInteger(keep) || keep < 1) throw new HistoryError(`keep must be a whole number of sweeps, at least 1 (got ${keep})`);
  if (report.kind !== 'sweep') throw new HistoryError(`only sweep reports go into the sweep history (got a ${report.kind} report, run ${report.runId})`);
  const point = trendPointOf(report);
  const name = fileName(point);
  const path = join(dir, name);
  await writeReportFile(path, `${JSON.stringify({ format: FORMAT, version: 1, ...point })}\n`);
  const files = await historyFiles(dir);
  const sameRun = files.filter((f) => f !== name && NAME.exec(f)?.[2] === encodeURIComponent(point.runId));
  const rest = files.filter((f) => !sameRun.includes(f));
  const old = new Set([...rest.slice(0, Math.max(0, rest.length - keep)), ...tooOld(rest.filter((f) => f !== name), limits.maxAgeMs, limits.now ?? Date.now())]);
  const stale = [...sameRun, ...old];
  // Another controller pruning at the same moment may have removed a file first: that is the outcome we wanted.
  await Promise.all(stale.map((f) => unlink(join(dir, f)).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'ENOENT') throw new HistoryError(`cannot prune ${join(dir, f)}`, err);
  })));
  return path;
}

export interface LoadTrendOptions {
  /** Told about each history file that could not be read or is not a sweep point; it is left out of the trend. */
  onSkip?: (file: string, reason: string) => void;
  /** Leave out sweeps older than this (what the next append prunes). */
  maxAgeMs?: number;
  now?: number;
}

/** The newest `limit` sweeps, oldest first; an absent directory is an empty history. */
export async function loadTrend(dir: string, limit: number, opts: LoadTrendOptions = {}): Promise<TrendPoint[]> {
  if (!Number.isInteger(limit) || limit < 0) throw new HistoryError(`limit must be a whole number, 0 or more (got ${limit})`);
  const old = new Set(tooOld(await historyFiles(dir), opts.maxAgeMs, opts.now ?? Date.now()));
  const files = (await historyFiles(dir)).filter((f) => !old.has(f));
  const points: TrendPoint[] = [];
  for (let i = files.length - 1; i >= 0 && points.length < limit; i -= 1) {
    const file = join(dir, files[i]!);
    let parsed: unknown;
    try {
      parsed = JSON.parse(await readFile(file, 'utf8'));
    } catch (err) {
      // Pruned by another controller between readdir and read: not damage, just gone.
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') opts.onSkip?.(file, err instanceof SyntaxError ? `not JSON: ${err.message}` : String(err));
      continue;
    }
    const ok = pointFile.safeParse(parsed);
    if (!ok.success) {
      opts.onSkip?.(file, ok.error.issues.map((iss) => `${iss.path.join('.') || '(root)'}: ${iss.message}`).join('; '));
      continue;
    }
    points.push({ runId: ok.data.runId, at: ok.data.at, hosts: ok.data.hosts });
  }
  return points.reverse();
}
