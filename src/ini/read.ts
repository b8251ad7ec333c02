// Reading INI text the way oslo.config does: repeated sections merge, every value of a key is kept, the last one wins.
import { entryValue, layout, normalizeSection, splitLines } from './lines.js';

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
  const values = readIni(text).get(normalizeSection(section))?.get(key);
  return values === undefined ? null : (values[values.length - 1] ?? null);
}
