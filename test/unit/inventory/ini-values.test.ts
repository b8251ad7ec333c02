import { describe, expect, it } from 'vitest';
import { parseIniValue, shlexSplit } from '../../../src/inventory/ini-values.js';

describe('shlexSplit', () => {
  it('splits words, honours quotes and backslashes, and records where each word starts', () => {
    const t = shlexSplit(`web1  note="two words" path='/a b' x=a\\ b`);
    expect(t.map((x) => x.text)).toEqual(['web1', 'note=two words', 'path=/a b', 'x=a b']);
    expect(t.map((x) => x.start)).toEqual([0, 6, 23, 35]);
  });

  it('stops at # like shlex with comments=True', () => {
    expect(shlexSplit('web1 a=1 # trailing').map((x) => x.text)).toEqual(['web1', 'a=1']);
    expect(shlexSplit('web1 pw="a#b"').map((x) => x.text)).toEqual(['web1', 'pw=a#b']);
  });

  it('throws on an unclosed quote', () => {
    expect(() => shlexSplit('web1 a="oops')).toThrow(/no closing quotation/);
  });
});

describe('parseIniValue', () => {
  it('reads Python literals as their type', () => {
    expect(parseIniValue('22')).toBe(22);
    expect(parseIniValue('1.5')).toBe(1.5);
    expect(parseIniValue('True')).toBe(true);
    expect(parseIniValue('None')).toBeNull();
    expect(parseIniValue("'quoted'")).toBe('quoted');
    expect(parseIniValue('["a", 1]')).toEqual(['a', 1]);
  });

  it('keeps everything else as the string written, including leading-zero numbers and yes', () => {
    expect(parseIniValue('yes')).toBe('yes');
    expect(parseIniValue('007')).toBe('007');
    expect(parseIniValue('10.0.0.1')).toBe('10.0.0.1');
  });

  it('drops a trailing comment only when the rest is a literal', () => {
    expect(parseIniValue('8080 # http')).toBe(8080);
    expect(parseIniValue('foo # bar')).toBe('foo # bar');
  });
});
