// Counts a ReportSummary from host reports, so every producer of a Report (plan, run, sweep, tests) counts the same way.
import type { HostReport, ReportSummary } from './model.js';

export function summarizeHosts(hosts: readonly HostReport[], stoppedBecause?: string): ReportSummary {
  const summary: ReportSummary = {
    hosts: hosts.length,
    ok: 0,
    changed: 0,
    wouldChange: 0,
    drift: 0,
    failed: 0,
    refused: 0,
    unknown: 0,
    unreachable: 0,
    deferred: 0,
    skipped: 0,
    guestsNeedingColdBoot: 0,
  };
  for (const h of hosts) {
    if (h.status === 'would-change') summary.wouldChange += 1;
    else summary[h.status] += 1;
    summary.guestsNeedingColdBoot += h.guestsNeedingColdBoot.length;
  }
  if (stoppedBecause !== undefined) summary.stoppedBecause = stoppedBecause;
  return summary;
}
