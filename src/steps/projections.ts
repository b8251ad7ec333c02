// What a plan assumes a step leaves behind: pure functions from facts + diff to the facts after apply().
import type { HostFacts, InstalledPackage } from '../facts/types.js';
import { parseNovaLibvirt } from '../facts/index.js';
import { parseEvr } from '../rpm/index.js';
import type { Diff } from './types.js';
import type { PackageShortfall } from './update-packages.js';

/** Installs what the repositories offer: kernels beside the old ones (installonly), other packages in place. */
export function projectPackageUpdates(facts: HostFacts, diff: Diff): HostFacts {
  const packages: Record<string, InstalledPackage[]> = { ...facts.packages };
  for (const change of diff.changes) {
    const s = change.data as PackageShortfall | undefined;
    if (change.kind !== 'package-update' || !s?.available) continue;
    const current = packages[s.name] ?? [];
    const arch = current[0]?.arch ?? 'x86_64';
    const next: InstalledPackage = { name: s.name, arch, ...parseEvr(s.available) };
    packages[s.name] = s.name === 'kernel' ? [...current, next] : [next];
  }
  return { ...facts, packages };
}

/** nova.conf as the edit would leave it. */
export function projectNovaConfEdit(facts: HostFacts, diff: Diff, after: (facts: HostFacts) => string | null): HostFacts {
  if (!diff.changes.some((c) => c.kind === 'nova-conf-edit')) return facts;
  const text = after(facts);
  if (text === null) return facts;
  return { ...facts, novaConf: text, novaLibvirt: parseNovaLibvirt(text) };
}
