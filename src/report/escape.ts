// Escaping for the text formats: XML/HTML text and attributes, Markdown inline text, Prometheus label values and HELP text.

// XML 1.0 forbids these even as character references, so they are replaced rather than escaped.
const XML_INVALID = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

const XML_ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/** Safe in element text and in single- or double-quoted attributes of XML. */
export function escapeXml(value: string): string {
  return value.replace(XML_INVALID, '\uFFFD').replace(/[&<>"']/g, (c) => XML_ENTITIES[c] ?? c);
}

/** Attribute values: newlines and tabs become references so attribute-value normalisation cannot eat them. */
export function escapeXmlAttr(value: string): string {
  return escapeXml(value).replace(/\n/g, '&#10;').replace(/\r/g, '&#13;').replace(/\t/g, '&#9;');
}

/** HTML text and quoted attributes ('&#39;' rather than '&apos;', which HTML 4 readers do not know). */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => (c === "'" ? '&#39;' : (XML_ENTITIES[c] ?? c)));
}

/** Markdown inline text (also inside table cells): no markup, no raw HTML ('<' is escaped; '>' only quotes at a line start, which this text never is), no line breaks that end a table row. */
export function escapeMarkdown(value: string): string {
  return value.replace(/\r?\n/g, ' ').replace(/[\\`*_{}[\]<|#~!]/g, (c) => `\\${c}`);
}

/** Prometheus label values: only backslash, double quote and line feed are escaped (exposition format 0.0.4). */
export function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** Prometheus HELP text: backslash and line feed. */
export function escapeHelp(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}
