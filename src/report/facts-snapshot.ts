// The short snapshot of a host's facts the reports show (before and after a run), packages included.
import type { HostFacts } from '../facts/types.js';
import { formatEvr, newestOf } from '../rpm/index.js';
import type { FactsSnapshot } from './model.js';

/** The newest installed version of each package the gather asked rpm about; none when rpm could not be read. */
function packageVersions(f: HostFacts): Record<string, string> | undefined {
  if (f.evidence.rpm.state !== 'read') return undefined;
  const out: Record<string, string> = {};
  for (const name of Object.keys(f.packages).sort()) {
    const installed = f.packages[name]!;
    if (installed.length) out[name] = formatEvr(newestOf(installed));
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
