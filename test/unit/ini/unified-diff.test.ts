// unifiedDiff: diff -u headers, hunk ranges, context merging and missing-newline markers.
import { describe, expect, it } from 'vitest';
import { unifiedDiff } from '../../../src/ini/unified-diff.js';

const lines = (n: number) => Array.from({ length: n }, (_, i) => `l${i + 1}`).join('\n') + '\n';

describe('unifiedDiff', () => {
  it('is empty for equal texts', () => {
    expect(unifiedDiff('a\n', 'a\n', 'f')).toBe('');
  });

  it('prints one hunk with three lines of context', () => {
    const after = lines(10).replace('l5\n', 'L5\n');
    expect(unifiedDiff(lines(10), after, '/etc/nova/nova.conf')).toBe(
      ['--- /etc/nova/nova.conf', '+++ /etc/nova/nova.conf', '@@ -2,7 +2,7 @@', ' l2', ' l3', ' l4', '-l5', '+L5', ' l6', ' l7', ' l8', ''].join('\n'),
    );
  });

  it('splits changes more than six unchanged lines apart into two hunks', () => {
    const after = lines(20).replace('l2\n', 'X\n').replace('l18\n', 'Y\n');
    const out = unifiedDiff(lines(20), after, 'f');
    expect(out.match(/^@@ .* @@$/gm)).toEqual(['@@ -1,5 +1,5 @@', '@@ -15,6 +15,6 @@']);
  });

  it('merges changes six unchanged lines apart into one hunk', () => {
    const after = lines(20).replace('l5\n', 'X\n').replace('l12\n', 'Y\n');
    expect(unifiedDiff(lines(20), after, 'f').match(/^@@ .* @@$/gm)).toEqual(['@@ -2,14 +2,14 @@']);
  });

  it('shows an insertion and an empty old file as diff -u does', () => {
    expect(unifiedDiff('a\nb\n', 'a\nx\nb\n', 'f')).toBe('--- f\n+++ f\n@@ -1,2 +1,3 @@\n a\n+x\n b\n');
    expect(unifiedDiff('', 'a\n', 'f')).toBe('--- f\n+++ f\n@@ -0,0 +1 @@\n+a\n');
  });

  it('marks a last line without newline', () => {
    expect(unifiedDiff('a\nb', 'a\nb\n', 'f')).toBe('--- f\n+++ f\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+b\n');
  });
});
