// getOption / readIni: oslo.config's reading rules (last value wins, merged sections, continuation, quotes).
import { describe, expect, it } from 'vitest';
import { getOption, readIni } from '../../../src/ini/read.js';

describe('getOption', () => {
  it('returns the last value of a duplicated key across repeated sections', () => {
    const text = '[libvirt]\ncpu_mode = a\n[x]\ncpu_mode = other\n[Libvirt]\ncpu_mode = b\n';
    expect(getOption(text, 'libvirt', 'cpu_mode')).toBe('b');
    expect(readIni(text).get('libvirt')?.get('cpu_mode')).toEqual(['a', 'b']);
  });
  it('keeps DEFAULT distinct from [default] and keys case-sensitive', () => {
    expect(getOption('[default]\na = 1\n', 'DEFAULT', 'a')).toBeNull();
    expect(getOption('[DEFAULT]\nA = 1\n', 'DEFAULT', 'a')).toBeNull();
    expect(getOption('[DEFAULT]\na = 1\n', 'DEFAULT', 'a')).toBe('1');
  });
  it('reads ":" separators, quotes, continuation lines, and no inline comments', () => {
    expect(getOption('[a]\nk: v\n', 'a', 'k')).toBe('v');
    expect(getOption('[a]\nk = "v w"\n', 'a', 'k')).toBe('v w');
    expect(getOption('[a]\nk = x,\n  y\n\n  z\n', 'a', 'k')).toBe('x,\ny');
    expect(getOption('[a]\nk = v # not a comment\n', 'a', 'k')).toBe('v # not a comment');
  });
  it('ignores comments, including commented-out keys', () => {
    expect(getOption('[a]\n#k = 1\n;k = 2\n', 'a', 'k')).toBeNull();
  });
});
