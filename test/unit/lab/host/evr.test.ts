import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareLabEvr, labRpmvercmp } from '../../../../src/lab/host/evr.js';

describe('rpmvercmp', () => {
  it('orders the lab catalog builds', () => {
    expect(labRpmvercmp('957.12.2.el7', '957.10.1.el7')).toBe(1);
    expect(labRpmvercmp('957.el7', '957.10.1.el7')).toBe(-1);
    expect(labRpmvercmp('2.20190507.1.el8_0', '2.el8')).toBe(1);
    expect(labRpmvercmp('64.module+el8.0.0+3180+d6a3561d.2', '63.module+el8+2833+c7d6d092')).toBe(1);
  });

  it('compares epochs first, a missing epoch as 0', () => {
    expect(compareLabEvr({ epoch: '1', version: '1.0', release: '1' }, { epoch: null, version: '9.0', release: '1' })).toBe(1);
    expect(compareLabEvr({ epoch: null, version: '1.0', release: '1' }, { epoch: '0', version: '1.0', release: '1' })).toBe(0);
  });
});

const cases = path.resolve(import.meta.dirname, '../../../../../shared/fixtures/rpmvercmp/rpmvercmp-cases.tsv');
describe.runIf(existsSync(cases))('rpmvercmp conformance (rpm tests/rpmvercmp.at)', () => {
  it('agrees with every case', () => {
    const rows = readFileSync(cases, 'utf8').split('\n').slice(1).filter((l) => l.trim() !== '');
    expect(rows.length).toBeGreaterThan(50);
    for (const row of rows) {
      const [a, b, expected] = row.split('\t');
      expect(labRpmvercmp(a!, b!), `${a} vs ${b}`).toBe(Number(expected));
    }
  });
});
