// Tests the strict Prometheus text parser in test/helpers, so the prometheus format tests can trust it to catch mistakes.
import { describe, expect, it } from 'vitest';
import { parsePrometheusText, sampleValue } from '../../helpers/prometheus-text.js';

const good = [
  '# HELP up_total A help text with \\\\ and \\n escapes.',
  '# TYPE up_total gauge',
  'up_total{host="a\\"b",az="x\\\\y\\nz"} 1',
  'up_total{host="c"} 0.5',
  '# a plain comment',
  '# HELP t seconds',
  '# TYPE t gauge',
  't 1.7e9',
  'nan_metric NaN',
  '',
].join('\n');

describe('parsePrometheusText', () => {
  it('parses families, unescapes label values and HELP text', () => {
    const f = parsePrometheusText(good);
    expect(f.get('up_total')?.help).toBe('A help text with \\ and \n escapes.');
    expect(f.get('up_total')?.type).toBe('gauge');
    expect(sampleValue(f, 'up_total', { host: 'a"b', az: 'x\\y\nz' })).toBe(1);
    expect(sampleValue(f, 'up_total', { host: 'c' })).toBe(0.5);
    expect(sampleValue(f, 't', {})).toBe(1.7e9);
    expect(Number.isNaN(sampleValue(f, 'nan_metric', {}))).toBe(true);
  });

  it.each([
    ['a duplicate series', 'm{a="1"} 1\nm{a="1"} 2\n', /duplicate series/],
    ['a duplicate series with labels reordered', 'm{a="1",b="2"} 1\nm{b="2",a="1"} 2\n', /duplicate series/],
    ['TYPE after samples', 'm 1\n# TYPE m gauge\n', /after its samples/],
    ['a second HELP', '# HELP m x\n# HELP m y\nm 1\n', /second HELP/],
    ['an unknown TYPE', '# TYPE m thing\n', /unknown type/],
    ['a metric split by another', 'm 1\nn 1\nm{a="x"} 1\n', /appears again/],
    ['a bad metric name', '1m 1\n', /bad metric name/],
    ['a bad label escape', 'm{a="\\t"} 1\n', /bad escape/],
    ['an unterminated label value', 'm{a="x} 1\n', /unterminated|expected/],
    ['a bad value', 'm one\n', /bad sample value/],
    ['a timestamp', 'm 1 1700000000000\n', /timestamp/],
    ['a missing final line feed', 'm 1', /line feed/],
    ['a bad HELP escape', '# HELP m a\\tb\n', /bad escape/],
    ['a reserved label name', 'm{__name__="x"} 1\n', /reserved/],
  ])('rejects %s', (_what, text, err) => {
    expect(() => parsePrometheusText(text)).toThrow(err);
  });
});
