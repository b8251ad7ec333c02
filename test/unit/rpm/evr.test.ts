// EVR parsing, rpmverCmp-style comparison, formatting and newestOf.
import { describe, expect, it } from 'vitest';
import { EvrError, compareEvr, formatEvr, newestOf, parseEvr } from '../../../src/rpm/evr.js';

describe('parseEvr', () => {
  it('splits epoch, version and release', () => {
    expect(parseEvr('2:2.1-47.2.el7_6')).toEqual({ epoch: '2', version: '2.1', release: '47.2.el7_6' });
    expect(parseEvr('3.10.0-957.el7')).toEqual({ epoch: null, version: '3.10.0', release: '957.el7' });
    expect(parseEvr('1.0')).toEqual({ epoch: null, version: '1.0', release: null });
    expect(parseEvr('10:2.12.0')).toEqual({ epoch: '10', version: '2.12.0', release: null });
  });
  it('takes the release after the LAST dash', () => {
    expect(parseEvr('1.0-beta-3')).toEqual({ epoch: null, version: '1.0-beta', release: '3' });
  });
  it('turns an empty epoch into "0" and keeps a non-digit prefix in the version', () => {
    expect(parseEvr(':1.0-1')).toEqual({ epoch: '0', version: '1.0', release: '1' });
    expect(parseEvr('a:1.0')).toEqual({ epoch: null, version: 'a:1.0', release: null });
  });
  it('rejects an empty version', () => {
    expect(() => parseEvr('')).toThrow(EvrError);
    expect(() => parseEvr('3:-1')).toThrow(EvrError);
  });
});

describe('compareEvr', () => {
  const c = (a: string, b: string) => compareEvr(parseEvr(a), parseEvr(b));
  it('treats a missing epoch as 0', () => {
    expect(c('0:1.0-1', '1.0-1')).toBe(0);
    expect(c('1:1.0-1', '9.0-1')).toBe(1);
  });
  it('ranks a missing release below any release, and two missing as equal', () => {
    expect(c('2.1', '2.1-1')).toBe(-1);
    expect(c('2.1-1', '2.1')).toBe(1);
    expect(c('2.1', '2.1')).toBe(0);
  });
  it('compares release after version', () => {
    expect(c('3.10.0-957.12.2.el7', '3.10.0-957.10.1.el7')).toBe(1);
    expect(c('3.10.0-1062.el7', '3.10.0-957.12.2.el7')).toBe(1);
  });
});

describe('formatEvr', () => {
  it('prints only the parts present', () => {
    expect(formatEvr({ epoch: '2', version: '2.1', release: '29.el7' })).toBe('2:2.1-29.el7');
    expect(formatEvr({ epoch: null, version: '2.1', release: null })).toBe('2.1');
    expect(formatEvr({ epoch: '0', version: '1', release: '1' })).toBe('0:1-1');
  });
  it('round-trips through parseEvr', () => {
    for (const s of ['2:2.1-29.el7', '1.0', '4:20180807a-2.20190507.1.el8_0']) expect(formatEvr(parseEvr(s))).toBe(s);
  });
});

describe('newestOf', () => {
  it('picks by rpm order, not by text order', () => {
    const pkgs = ['3.10.0-1160.2.1.el7', '3.10.0-1160.11.1.el7', '3.10.0-957.el7'].map((s) => ({ ...parseEvr(s), name: 'kernel', arch: 'x86_64' }));
    expect(formatEvr(newestOf(pkgs))).toBe('3.10.0-1160.11.1.el7');
  });
  it('keeps the first of equals and throws on an empty list', () => {
    const a = { epoch: '0', version: '1', release: '1' };
    const b = { epoch: null, version: '1', release: '1' };
    expect(newestOf([a, b])).toBe(a);
    expect(() => newestOf([])).toThrow(EvrError);
  });
});
