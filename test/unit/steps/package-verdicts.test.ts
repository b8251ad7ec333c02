// shortfallsOf remembers verdicts on frozen (shared) package lists: the same answers as on a list judged afresh.
import { describe, expect, it } from 'vitest';
import { deepFreeze } from '../../../src/facts/memo.js';
import type { InstalledPackage } from '../../../src/facts/types.js';
import { packageRules, RPM_RULES } from '../../../src/steps/package-rules.js';
import { shortfallsOf, type PackageLook } from '../../../src/steps/package-sources.js';

const pkg = (name: string, epoch: string | null, version: string, release: string | null): InstalledPackage => ({ name, epoch, version, release, arch: 'x86_64' });
const kernels = [pkg('kernel', null, '3.10.0', '957.el7'), pkg('kernel', null, '3.10.0', '957.12.2.el7')];
const look = (installed: InstalledPackage[], minimum: string, where: 'host' | 'image' = 'host'): PackageLook => ({ name: 'kernel', minimum, where, installedAs: 'kernel', installed });
const DEB = packageRules({ os: { id: 'ubuntu', versionId: '18.04', dist: 'ubuntu1804', prettyName: 'Ubuntu', packaging: 'deb' } });

describe('shortfallsOf on shared package lists', () => {
  it('judges a frozen list as it judges the same list afresh, for each minimum and each set of rules', () => {
    const frozen = deepFreeze(structuredClone(kernels));
    for (const minimum of ['3.10.0-957.12.2.el7', '3.10.0-957.12.3.el7', '0:3.10.0-957.el7', '3.10.0', '1:3.10.0-1.el7', '3.10.1']) {
      for (const rules of [RPM_RULES, DEB]) {
        const afresh = shortfallsOf([look(structuredClone(kernels), minimum)], rules);
        expect(shortfallsOf([look(frozen, minimum)], rules)).toEqual(afresh);
        expect(shortfallsOf([look(frozen, minimum)], rules)).toEqual(afresh);
      }
    }
    // Asked twice with different minimums: each answer is its own.
    expect(shortfallsOf([look(frozen, '3.10.0-957.12.3.el7')], RPM_RULES)).toEqual([{ name: 'kernel', installed: '3.10.0-957.12.2.el7', minimum: '3.10.0-957.12.3.el7', available: null }]);
    expect(shortfallsOf([look(frozen, '3.10.0-957.12.2.el7')], RPM_RULES)).toEqual([]);
  });

  it('judges a list that is not frozen afresh each time: facts built by hand may change between calls', () => {
    const list = structuredClone(kernels);
    expect(shortfallsOf([look(list, '3.10.0-957.12.3.el7')], RPM_RULES)).toHaveLength(1);
    list.push(pkg('kernel', null, '3.10.0', '957.12.3.el7'));
    expect(shortfallsOf([look(list, '3.10.0-957.12.3.el7')], RPM_RULES)).toEqual([]);
  });

  it('keeps an empty frozen list below every minimum: nothing installed is never ok', () => {
    expect(shortfallsOf([look(deepFreeze([]), '1.0')], RPM_RULES)).toEqual([{ name: 'kernel', installed: null, minimum: '1.0', available: null }]);
  });
});
