// Tests the pure trend reading: transitions, the one-line story of a host, and the host order of trend rows.
import { describe, expect, it } from 'vitest';
import type { TrendPoint } from '../../../src/report/model.js';
import { describeTrend, hostTransitions, trendHostNames } from '../../../src/report/trend.js';

const trend: TrendPoint[] = [
  { runId: 'r1', at: '2026-03-01T00:00:00Z', hosts: { a: 'drift', b: 'ok' } },
  { runId: 'r2', at: '2026-03-02T00:00:00Z', hosts: { a: 'drift', b: 'unreachable', c: 'ok' } },
  { runId: 'r3', at: '2026-03-03T00:00:00Z', hosts: { a: 'ok', c: 'ok' } },
  { runId: 'r4', at: '2026-03-04T00:00:00Z', hosts: { a: 'ok', b: 'ok', c: 'ok' } },
];

describe('trend', () => {
  it('finds each status change, passing over sweeps a host was not in', () => {
    expect(hostTransitions(trend, 'a')).toEqual([{ from: 'drift', to: 'ok', runId: 'r3', at: '2026-03-03T00:00:00Z' }]);
    expect(hostTransitions(trend, 'b').map((t) => `${t.from}>${t.to}@${t.runId}`)).toEqual(['ok>unreachable@r2', 'unreachable>ok@r4']);
    expect(hostTransitions(trend, 'c')).toEqual([]);
  });

  it('describes a host in one line', () => {
    expect(describeTrend(trend, 'a')).toBe('a: not compliant → compliant at sweep r3 (2026-03-03T00:00:00Z)');
    expect(describeTrend(trend, 'b')).toBe('b: compliant → unreachable at sweep r2 (2026-03-02T00:00:00Z); unreachable → compliant at sweep r4 (2026-03-04T00:00:00Z)');
    expect(describeTrend(trend, 'c')).toBe('c: compliant in all 3 sweeps since 2026-03-02T00:00:00Z');
    expect(describeTrend(trend.slice(0, 1), 'a')).toBe('a: not compliant at sweep r1 (2026-03-01T00:00:00Z)');
    expect(describeTrend(trend, 'zzz')).toBe('zzz: no sweep history');
    expect(describeTrend([{ runId: 'r', at: 't', hosts: {} }], 'constructor')).toBe('constructor: no sweep history');
  });

  it('lists trend hosts with the preferred ones first, then the rest by name', () => {
    expect(trendHostNames(trend, ['c', 'x', 'a'])).toEqual(['c', 'a', 'b']);
    expect(trendHostNames([])).toEqual([]);
  });
});
