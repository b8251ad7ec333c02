// Host names folded into ranges for the compact plan, and cut for the live view without losing what tells them apart.
import { describe, expect, it } from 'vitest';
import { foldedList, foldHostNames, shortHostName } from '../../../src/report/fold-hosts.js';

const range = (from: number, to: number, f: (i: number) => string): string[] => Array.from({ length: to - from + 1 }, (_, i) => f(from + i));

describe('foldHostNames', () => {
  it('folds consecutive numbers that share a prefix, a suffix and a width into one range per run', () => {
    const names = [...range(1, 40, (i) => `compute${String(i).padStart(3, '0')}.example.com`), ...range(42, 50, (i) => `compute${String(i).padStart(3, '0')}.example.com`)];
    expect(foldHostNames(names)).toEqual(['compute[001:040].example.com', 'compute[042:050].example.com']);
  });

  it('keeps a single host, names without digits, and hosts of other prefixes apart, in sorted order', () => {
    expect(foldHostNames(['ctl', 'compute7', 'gpu1', 'gpu2', 'gpu3', 'compute9'])).toEqual(['compute7', 'compute9', 'ctl', 'gpu[1:3]']);
  });

  it('numbers in the first DNS label tell hosts apart, not those of the domain', () => {
    expect(foldHostNames(['n1.dc2.example', 'n2.dc2.example', 'n1.dc3.example'])).toEqual(['n[1:2].dc2.example', 'n1.dc3.example']);
  });

  it('writes runs as one Ansible range would list them: padded ranges keep their width, natural ones cross widths', () => {
    expect(foldHostNames(['compute9', 'compute10', 'compute11'])).toEqual(['compute[9:11]']);
    expect(foldHostNames(range(1, 12, (i) => `c${String(i).padStart(2, '0')}`))).toEqual(['c[01:12]']);
    // c09 is padded, c10 after it would be [09:10] (09, 10); c9 and c09 are two hosts, not one.
    expect(foldHostNames(['c9', 'c09', 'c10'])).toEqual(['c9', 'c[09:10]']);
    expect(foldHostNames(['c099', 'c100', 'c0100'])).toEqual(['c[099:100]', 'c0100']);
  });
});

describe('foldedList', () => {
  it('fits the width and counts the hosts it leaves out', () => {
    const names = range(1, 300, (i) => `node${i * 2}.example.com`); // no two consecutive: 300 tokens
    const text = foldedList(names, 60);
    expect(text.length).toBeLessThanOrEqual(60);
    const shown = text.split(', ').filter((t) => t.startsWith('node')).length;
    expect(text).toMatch(new RegExp(`… \\+${300 - shown} more$`));
  });

  it('shows everything when it fits', () => {
    expect(foldedList(['a1', 'a2', 'b'], 80)).toBe('a[1:2], b');
  });
});

describe('shortHostName', () => {
  it('keeps a name that fits, else its first label, else the end of the label where the number is', () => {
    expect(shortHostName('compute01', 24)).toBe('compute01');
    expect(shortHostName('compute0017.rack12.dc1.example.com', 24)).toBe('compute0017…');
    const cut = shortHostName('overcloud-novacompute-0017.localdomain', 16);
    expect(cut).toHaveLength(16);
    expect(cut.endsWith('-0017')).toBe(true);
  });
});
