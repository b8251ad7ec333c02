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

describe('parseIniValue reads Python literals as ast.literal_eval does', () => {
  it('single-quoted dicts and lists, tuples, nested values, escapes and concatenation', () => {
    expect(parseIniValue("{'a': 1, 'b': [True, None, 'x']}")).toEqual({ a: 1, b: [true, null, 'x'] });
    expect(parseIniValue("['x', \"y\", -2, 1e3, 0x1F, 0o17, 0b11, 1_000]")).toEqual(['x', 'y', -2, 1000, 31, 15, 3, 1000]);
    expect(parseIniValue("(1, 'a')")).toEqual([1, 'a']);
    expect(parseIniValue('(5)')).toBe(5);
    expect(parseIniValue("'a\\tb' 'c'")).toBe('a\tb' + 'c');
    expect(parseIniValue("r'a\\tb'")).toBe('a\\tb');
    expect(parseIniValue("'''tri'ple'''")).toBe("tri'ple");
    expect(parseIniValue("{1: 'one', True: 'yes'}")).toEqual({ 1: 'one', true: 'yes' });
    expect(parseIniValue("[1, 2, # comment\n 3]")).toEqual([1, 2, 3]);
  });

  it('keeps the text of what is not a literal', () => {
    for (const s of ['yes', '007', '10.0.0.1', 'foo()', ' 1', "'open", '[1, 2', 'a=b', 'foo # bar']) {
      expect(parseIniValue(s), s).toBe(s);
    }
  });

  it('refuses what Python reads but Ansible cannot use: sets, bytes, complex numbers, Ellipsis', () => {
    for (const s of ["{'a', 'b'}", "b'bytes'", '1j', '[1, 2j]', 'set()', '...']) expect(() => parseIniValue(s), s).toThrow(/Ansible cannot turn into a variable/);
  });
});
