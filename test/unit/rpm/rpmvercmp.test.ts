// rpmvercmp: segment rules (numeric/alpha, leading zeros, separators, ~ and ^) on our own cases.
import { describe, expect, it } from 'vitest';
import { rpmvercmp } from '../../../src/rpm/rpmvercmp.js';

const cases: [string, string, -1 | 0 | 1][] = [
  ['3.10.0', '3.10.0', 0],
  ['3.10.0', '3.9.9', 1],
  ['957.10.1.el7', '957.12.2.el7', -1],
  ['1160.2.1.el7', '1160.11.1.el7', -1], // a lexicographic sort gets this one wrong
  ['007', '7', 0], // leading zeros dropped
  ['10.0001', '10.1', 0],
  ['12345678901234567890', '12345678901234567891', -1], // longer than any integer type
  ['1a', '1', 1], // characters left over win
  ['1', '1a', -1],
  ['2a', '2.0', -1], // alpha segment is older than numeric
  ['el7_6', 'el7', 1],
  ['el7', 'el7_6', -1],
  ['20180807a', '20180807', 1],
  ['A', 'a', -1], // ASCII, case-sensitive
  ['2_0', '2.0', 0], // separators differ only
  ['1.0~rc1', '1.0', -1],
  ['1.0~rc1', '1.0~rc2', -1],
  ['1.0~~', '1.0~', -1],
  ['1.0^git1', '1.0', 1],
  ['1.0^git1', '1.0.1', -1],
  ['1.0^', '1.0^git1', -1],
  ['1.0~rc1^git1', '1.0~rc1', 1],
  ['1.é', '1.ü', 0], // non-ASCII is a separator
  ['1.xé', '1.x', 0],
];

describe('rpmvercmp', () => {
  it.each(cases)('%s vs %s = %i', (a, b, want) => {
    expect(rpmvercmp(a, b)).toBe(want);
    expect(rpmvercmp(b, a)).toBe(want === 0 ? 0 : -want);
  });
});
