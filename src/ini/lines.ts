// The line model shared by the INI reader and editor: lines with their own line endings, classified as oslo.config reads them.

export interface Line {
  /** The line without its ending. */
  text: string;
  /** '\n', '\r\n' or '' (only the last line can lack an ending). */
  eol: string;
}

export type LineKind =
  | { kind: 'blank' }
  | { kind: 'comment' }
  | { kind: 'section'; name: string }
  /** A line that starts with a space or tab: continues the value above it (oslo iniparser). */
  | { kind: 'continuation' }
  | { kind: 'assignment'; key: string; /** index of '=' or ':' */ sep: number }
  | { kind: 'invalid' };

/** Splits text into lines keeping each ending, so joining `text + eol` gives back the exact input. */
export function splitLines(text: string): Line[] {
  if (text === '') return [];
  const out: Line[] = [];
  let start = 0;
  while (start < text.length) {
    const nl = text.indexOf('\n', start);
    if (nl < 0) {
      out.push({ text: text.slice(start), eol: '' });
      break;
    }
    const crlf = nl > start && text.charCodeAt(nl - 1) === 0x0d;
    out.push({ text: text.slice(start, crlf ? nl - 1 : nl), eol: crlf ? '\r\n' : '\n' });
    start = nl + 1;
  }
  return out;
}

export function joinLines(lines: readonly Line[]): string {
  return lines.map((l) => l.text + l.eol).join('');
}

/** The ending new lines get: the file's first ending, '\n' for a file that has none. */
export function dominantEol(lines: readonly Line[]): string {
  return lines.find((l) => l.eol !== '')?.eol ?? '\n';
}

/** oslo.config lower-cases group names, except DEFAULT (cfg._normalize_group_name). */
export function normalizeSection(name: string): string {
  return name === 'DEFAULT' ? name : name.toLowerCase();
}

/** Classifies one line exactly as oslo_config/iniparser.py does (keys are case-sensitive there). */
export function classify(text: string): LineKind {
  const t = text.trimEnd();
  if (t === '') return { kind: 'blank' };
  if (t.startsWith(' ') || t.startsWith('\t')) return { kind: 'continuation' };
  if (t.startsWith('[')) {
    if (!t.endsWith(']') || t.length <= 2) return { kind: 'invalid' };
    return { kind: 'section', name: t.slice(1, -1) };
  }
  if (t.startsWith('#') || t.startsWith(';')) return { kind: 'comment' };
  const colon = t.indexOf(':');
  const equal = t.indexOf('=');
  if (colon < 0 && equal < 0) return { kind: 'invalid' };
  const sep = colon < 0 || (equal >= 0 && equal < colon) ? equal : colon;
  const key = t.slice(0, sep).trim();
  if (key === '') return { kind: 'invalid' };
  return { kind: 'assignment', key, sep };
}

/** One `key = value` entry: its first line and the continuation lines that extend its value. */
export interface Entry {
  section: string; // normalized
  key: string;
  /** Index of the key line. */
  first: number;
  /** Index of the last line of the value (== first without continuation lines). */
  last: number;
}

export interface SectionSpan {
  name: string; // normalized
  /** Index of the header line. */
  header: number;
  /** Index one past the section's last line (the next header, or the line count). */
  end: number;
}

export interface Layout {
  sections: SectionSpan[];
  entries: Entry[];
}

/** Sections and entries of a file, in file order. Entries before any header are dropped (oslo rejects them). */
export function layout(lines: readonly Line[]): Layout {
  const sections: SectionSpan[] = [];
  const entries: Entry[] = [];
  let current: SectionSpan | null = null;
  let open: Entry | null = null;
  lines.forEach((line, i) => {
    const c = classify(line.text);
    if (c.kind === 'continuation') {
      if (open) open.last = i;
      return;
    }
    // A blank line ends a multi-line value; any other line starts something new.
    open = null;
    if (c.kind === 'section') {
      if (current) current.end = i;
      current = { name: normalizeSection(c.name), header: i, end: lines.length };
      sections.push(current);
    } else if (c.kind === 'assignment' && current) {
      open = { section: current.name, key: c.key, first: i, last: i };
      entries.push(open);
    }
  });
  return { sections, entries };
}

/** The raw value of an entry as oslo assembles it: first-line value, stripped, continuation lines joined by '\n'. */
export function entryValue(lines: readonly Line[], entry: Entry): string {
  const first = lines[entry.first]?.text.trimEnd() ?? '';
  const c = classify(first);
  const parts = [c.kind === 'assignment' ? first.slice(c.sep + 1).trim() : ''];
  for (let i = entry.first + 1; i <= entry.last; i++) parts.push((lines[i]?.text ?? '').trim());
  return joinValue(parts);
}

/** An entry's value from its parts (the first line's value, then each continuation line, all trimmed). */
export function joinValue(parts: string[]): string {
  // oslo strips one pair of matching quotes from the first line's value (even a lone quote character).
  const v0 = parts[0] ?? '';
  if (v0 !== '' && (v0.startsWith('"') || v0.startsWith("'")) && v0.endsWith(v0.charAt(0))) parts[0] = v0.slice(1, -1);
  return parts.join('\n');
}
