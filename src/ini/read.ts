// Reading INI text the way oslo.config does: repeated sections merge, every value of a key is kept, the last one wins.
import { classify, entryValue, joinValue, layout, normalizeSection, splitLines } from './lines.js';

/** section (normalized) -> key -> every value in file order. */
export type IniValues = Map<string, Map<string, string[]>>;

export function readIni(text: string): IniValues {
  const lines = splitLines(text);
  const out: IniValues = new Map();
  const { sections, entries } = layout(lines);
  for (const section of sections) if (!out.has(section.name)) out.set(section.name, new Map());
  for (const entry of entries) {
    const keys = out.get(entry.section) ?? new Map<string, string[]>();
    out.set(entry.section, keys);
    const values = keys.get(entry.key) ?? [];
    values.push(entryValue(lines, entry));
    keys.set(entry.key, values);
  }
  return out;
}

/**
 * The value oslo.config would use for a single-valued option: the LAST assignment of `key` in any `[section]`
 * (sections of the same name merge; `_get_value` returns `values[-1]`). Keys are case-sensitive, section names
 * are not (except DEFAULT). Null when the key is not set.
 */
export function getOption(text: string, section: string, key: string): string | null {
  const values = readIniSection(text, section)?.get(key);
  return values === undefined ? null : (values[values.length - 1] ?? null);
}

/**
 * readIni(text).get(normalizeSection(section)), without building the rest of the file: lines of other sections are
 * only looked at for a section header. A nova.conf is mostly commented-out defaults in sections nobody asked for, and
 * each host's is read twice (the guest CPU options, Nova's [DEFAULT] host). Undefined when no such section header.
 */
export function readIniSection(text: string, section: string): Map<string, string[]> | undefined {
  const want = normalizeSection(section);
  let found: Map<string, string[]> | undefined;
  let inside = false;
  let open: { key: string; parts: string[] } | null = null;
  const close = (): void => {
    if (open === null || found === undefined) return;
    const values = found.get(open.key) ?? [];
    values.push(joinValue(open.parts));
    found.set(open.key, values);
    open = null;
  };
  for (let start = 0; start < text.length;) {
    const nl = text.indexOf('\n', start);
    const end = nl < 0 ? text.length : nl;
    // Outside the section only a header matters, and a header's first character is '['.
    if (inside || text.charCodeAt(start) === 0x5b) {
      // A '\r' left at the end changes nothing: every use of the line trims its end.
      const line = text.slice(start, end);
      const c = classify(line);
      if (c.kind === 'continuation') {
        open?.parts.push(line.trim());
      } else {
        // A blank line ends a multi-line value; any other line starts something new.
        close();
        if (c.kind === 'section') {
          inside = normalizeSection(c.name) === want;
          if (inside) found ??= new Map();
        } else if (c.kind === 'assignment' && inside) {
          open = { key: c.key, parts: [line.trimEnd().slice(c.sep + 1).trim()] };
        }
      }
    }
    if (nl < 0) break;
    start = nl + 1;
  }
  close();
  return found;
}
