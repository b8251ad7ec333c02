// getOption / readIni: oslo.config's reading rules (last value wins, merged sections, continuation, quotes).
import { describe, expect, it } from 'vitest';
import { getOption, readIni, readIniSection } from '../../../src/ini/read.js';

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

describe('readIniSection', () => {
  /** A small deterministic generator, so a failure names its seed. */
  function rng(seed: number): () => number {
    let s = seed >>> 0;
    return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
  }
  const LINES = [
    '[libvirt]', '[LIBVIRT]', '[DEFAULT]', '[default]', '[x]', '[]', '[libvirt', ' [libvirt]', '\t[x]', '[libvirt]  ', '[libvirt]\r',
    'cpu_mode = custom', 'cpu_mode: host-model', 'host = "c1"', "k = 'v'", 'k = "', 'k=', '=v', 'a : b = c', 'k = v\r', 'K = 1',
    '  continued', '\tmore', '   ', '', '#cpu_mode = x', ';k = 2', 'junk', '\r',
  ];
  it('finds what readIni finds for the section, on 3000 generated files', () => {
    for (let seed = 1; seed <= 3000; seed++) {
      const r = rng(seed);
      const lines = Array.from({ length: Math.floor(r() * 14) }, () => LINES[Math.floor(r() * LINES.length)]!);
      const text = lines.join(r() < 0.3 ? '\r\n' : '\n') + (r() < 0.5 ? '\n' : '');
      for (const section of ['libvirt', 'DEFAULT', 'x']) {
        const want = readIni(text).get(section === 'DEFAULT' ? section : section.toLowerCase());
        expect({ seed, section, got: readIniSection(text, section) }).toEqual({ seed, section, got: want });
      }
    }
  });
});
