// Pure reading of the sweep trend: one host's status changes told in one line, and the host rows a trend covers.
import { compareText } from '../util/compare-text.js';
import type { HostStatus, TrendPoint } from './model.js';
import { statusLabel } from './status.js';

export interface HostTransition {
  from: HostStatus;
  to: HostStatus;
  runId: string;
  at: string;
}

/** Status changes of one host, oldest first; sweeps the host was not part of are passed over, not counted as changes. */
export function hostTransitions(trend: readonly TrendPoint[], hostName: string): HostTransition[] {
  const out: HostTransition[] = [];
  let prev: HostStatus | undefined;
  for (const p of trend) {
    const cur = Object.hasOwn(p.hosts, hostName) ? p.hosts[hostName] : undefined;
    if (cur === undefined) continue;
    if (prev !== undefined && cur !== prev) out.push({ from: prev, to: cur, runId: p.runId, at: p.at });
    prev = cur;
  }
  return out;
}

/** The story of one host without its name, e.g. "not compliant → compliant at sweep s-12 (2026-03-15T02:00:00Z)". */
export function trendStory(trend: readonly TrendPoint[], hostName: string): string {
  const seen = trend.filter((p) => Object.hasOwn(p.hosts, hostName));
  const first = seen[0];
  if (!first) return 'no sweep history';
  const label = (s: HostStatus): string => statusLabel(s, 'sweep');
  const changes = hostTransitions(seen, hostName);
  if (!changes.length) {
    const status = label(first.hosts[hostName]!);
    return seen.length === 1 ? `${status} at sweep ${first.runId} (${first.at})` : `${status} in all ${seen.length} sweeps since ${first.at}`;
  }
  return changes.map((c) => `${label(c.from)} → ${label(c.to)} at sweep ${c.runId} (${c.at})`).join('; ');
}

/** e.g. "compute03: not compliant → compliant at sweep s-12 (2026-03-15T02:00:00Z)". */
export function describeTrend(trend: readonly TrendPoint[], hostName: string): string {
  return `${hostName}: ${trendStory(trend, hostName)}`;
}

/** Every host named in the trend, those of `preferred` first in its order (the current report's hosts), then the rest by name. */
export function trendHostNames(trend: readonly TrendPoint[], preferred: readonly string[] = []): string[] {
  const all = new Set(trend.flatMap((p) => Object.keys(p.hosts)));
  const first = preferred.filter((h, i) => all.has(h) && preferred.indexOf(h) === i);
  const rest = [...all].filter((h) => !first.includes(h)).sort((a, b) => compareText(a, b));
  return [...first, ...rest];
}
