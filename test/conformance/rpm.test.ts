// Conformance: rpm's own version-comparison and EVR-parsing cases, and real uname -r strings (leapp tests).
import { describe, expect, it } from 'vitest';
import { compareEvr, parseEvr, rpmvercmp } from '../../src/rpm/index.js';
import { kernelPackageNames, parseUnameR } from '../../src/rpm/uname-r.js';
import { haveFixtures, tsv } from './fixtures-dir.js';

const nil = (v: string | undefined) => (v === '(nil)' ? null : v);

describe.runIf(haveFixtures)('rpm fixtures', () => {
  for (const file of ['rpmvercmp/rpmvercmp-cases.tsv', 'rpmvercmp/rpmvercmp-oddities-commented-out.tsv']) {
    it(`rpmvercmp agrees with every row of ${file}`, () => {
      const rows = tsv(file);
      expect(rows.length).toBeGreaterThan(10);
      const wrong = rows.filter((r) => rpmvercmp(r['a'] ?? '', r['b'] ?? '') !== Number(r['expected']));
      expect(wrong).toEqual([]);
    });
  }

  it('compareEvr agrees with every row of evr-cases.tsv', () => {
    const rows = tsv('rpmvercmp/evr-cases.tsv');
    expect(rows.length).toBeGreaterThan(10);
    const wrong = rows.filter((r) => compareEvr(parseEvr(r['a'] ?? ''), parseEvr(r['b'] ?? '')) !== Number(r['expected']));
    expect(wrong).toEqual([]);
  });

  it('parseEvr splits every row of evr-parse-cases.tsv as rpm does', () => {
    const rows = tsv('rpmvercmp/evr-parse-cases.tsv');
    expect(rows.length).toBeGreaterThan(3);
    for (const r of rows) {
      expect(parseEvr(r['evr'] ?? ''), r['evr']).toEqual({ epoch: nil(r['epoch']), version: r['version'], release: nil(r['release']) });
    }
  });

  it('parseUnameR gets kernel type and page size of every uname-r-cases.tsv row', () => {
    const rows = tsv('rpm/uname-r-cases.tsv');
    expect(rows.length).toBeGreaterThan(5);
    for (const r of rows) {
      const k = parseUnameR(r['uname_r'] ?? '');
      expect(k, r['uname_r']).not.toBeNull();
      expect(k?.kernelType.toUpperCase(), r['uname_r']).toBe(r['kernel_type']);
      if (r['page_size']) expect(k?.pageSize.toUpperCase(), r['uname_r']).toBe(r['page_size']);
    }
  });

  it('names the providing package of every uname-r-to-package.tsv row', () => {
    const rows = tsv('rpm/uname-r-to-package.tsv');
    expect(rows.length).toBeGreaterThan(3);
    for (const r of rows) {
      const k = parseUnameR(r['uname_r'] ?? '');
      if (!k) throw new Error(`unparsed ${r['uname_r']}`);
      expect(`${kernelPackageNames(k)[0]}-${k.version}-${k.release}.${k.arch}.rpm`).toBe(r['providing_package_nevra']);
    }
  });
});
