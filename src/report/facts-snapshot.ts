// The short snapshot of a host's facts the reports show (before and after a run), packages included.
import type { HostFacts } from '../facts/types.js';
import { formatEvr } from '../rpm/index.js';
import { packageRules } from '../steps/package-rules.js';
import type { FactsSnapshot } from './model.js';

/** The newest installed version of each package the gather asked about; none when the host's package database was not read. */
function packageVersions(f: HostFacts): Record<string, string> | undefined {
  const rules = packageRules(f);
  if (f.evidence[rules.db].state !== 'read') return undefined;
  const out: Record<string, string> = {};
  for (const name of Object.keys(f.packages).sort()) {
    const installed = f.packages[name]!;
    if (installed.length) out[name] = formatEvr(rules.newest(installed));
  }
  return out;
}

export function factsSnapshot(f: HostFacts): FactsSnapshot {
  const snap: FactsSnapshot = {
    os: f.os.prettyName, kernelRunning: f.kernelRunning, bootId: f.bootId, cpuVendor: f.cpu.vendor,
    mds: f.sysfs.mds?.trim() ?? null, tsxAsyncAbort: f.sysfs.tsxAsyncAbort?.trim() ?? null, mmioStaleData: f.sysfs.mmioStaleData?.trim() ?? null,
  };
  const packages = packageVersions(f);
  if (packages) snap.packages = packages;
  return snap;
}
