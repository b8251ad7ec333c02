// Tests the escaping helpers each format relies on to keep untrusted text (host names, notes, errors) inert.
import { describe, expect, it } from 'vitest';
import { escapeHelp, escapeHtml, escapeLabelValue, escapeMarkdown, escapeXml, escapeXmlAttr } from '../../../src/report/escape.js';

describe('escaping', () => {
  it('escapes XML markup and replaces characters XML 1.0 cannot hold', () => {
    expect(escapeXml(`<a href="x">&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&amp;&apos;&lt;/a&gt;');
    expect(escapeXml('bell\u0007 nul\u0000 ok\tline\n')).toBe('bell\uFFFD nul\uFFFD ok\tline\n');
    expect(escapeXml('lone \uD800 surrogate, pair \uD83D\uDE00')).toBe('lone \uFFFD surrogate, pair \uD83D\uDE00');
    expect(escapeXmlAttr('a\nb\tc')).toBe('a&#10;b&#9;c');
  });

  it('escapes HTML text and attributes', () => {
    expect(escapeHtml(`<script>"x" & 'y'</script>`)).toBe('&lt;script&gt;&quot;x&quot; &amp; &#39;y&#39;&lt;/script&gt;');
  });

  it('escapes Markdown so text cannot format, link or break a table row', () => {
    expect(escapeMarkdown('a|b *c* _d_ `e` [f](g) <h>\nnext')).toBe('a\\|b \\*c\\* \\_d\\_ \\`e\\` \\[f\\](g) \\<h> next');
  });

  it('escapes Prometheus label values and HELP text per the exposition format', () => {
    expect(escapeLabelValue('a\\b"c\nd')).toBe('a\\\\b\\"c\\nd');
    expect(escapeHelp('a\\b"c\nd')).toBe('a\\\\b"c\\nd');
  });
});
