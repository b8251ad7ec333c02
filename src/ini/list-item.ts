// addListItem: adds one item to a comma-list option (oslo ListOpt) without disturbing the items already there.
import { classify, entryValue, joinLines, splitLines } from './lines.js';
import { locateOption, setOption } from './set-option.js';

export interface ListEditResult {
  /** The new text (the input, unchanged, when nothing was added). */
  text: string;
  changed: boolean;
  /** The item was already enabled (`item` or `+item`, any case). */
  present: boolean;
  /** `-item` is in the list: someone disabled it on purpose, so nothing was added. */
  disabled: boolean;
}

/** The items of a list value as nova reads them: split on ',', trimmed, empty ones dropped. */
export function listItems(value: string): string[] {
  return value.split(',').map((s) => s.trim()).filter((s) => s !== '');
}

/**
 * Adds `item` to the comma list `key` in `[section]`, appending it after the existing items with the list's own
 * separator style (`a, b` or `a,b`). Case-insensitive: `ITEM` or `+item` already there is "present"; `-item` is an
 * explicit opt-out and is reported as `disabled` instead of being overridden. A missing key is created by setOption.
 */
export function addListItem(text: string, section: string, key: string, item: string): ListEditResult {
  const lines = splitLines(text);
  const site = locateOption(lines, section, key);
  const want = item.trim().replace(/^\+/, '').toLowerCase();
  if (site.kind !== 'active') {
    const next = setOption(text, section, key, item);
    return { text: next, changed: next !== text, present: false, disabled: false };
  }
  const items = listItems(entryValue(lines, site.entry)).map((s) => s.toLowerCase());
  if (items.includes(`-${want}`)) return { text, changed: false, present: false, disabled: true };
  if (items.includes(want) || items.includes(`+${want}`)) return { text, changed: false, present: true, disabled: false };

  const lastIdx = site.entry.last;
  const line = lines[lastIdx];
  if (!line) return { text, changed: false, present: false, disabled: false };
  const firstLine = lastIdx === site.entry.first;
  const c = classify(line.text);
  // The part of the (last) line that holds list text: after the separator on the key line, the whole line otherwise.
  const start = firstLine && c.kind === 'assignment' ? c.sep + 1 : 0;
  const head = line.text.slice(0, start);
  const part = line.text.slice(start);
  const trail = /[ \t]*$/.exec(part)?.[0] ?? '';
  let body = part.slice(0, part.length - trail.length);
  let closeQuote = '';
  const lead = /^[ \t]*/.exec(body)?.[0] ?? '';
  const core = body.slice(lead.length);
  if (firstLine && core.length >= 2 && (core.startsWith('"') || core.startsWith("'")) && core.endsWith(core.charAt(0))) {
    closeQuote = core.charAt(0);
    body = body.slice(0, -1);
  }
  const value = entryValue(lines, site.entry);
  if (listItems(value).length === 0) {
    const next = setOption(text, section, key, closeQuote ? `${closeQuote}${item}${closeQuote}` : item);
    return { text: next, changed: next !== text, present: false, disabled: false };
  }
  // Copy the list's own separator: ", " if any existing separator has a space after it.
  const sepStyle = /,[ \t]+\S/.test(value) ? ', ' : ',';
  const joiner = /,[ \t]*$/.test(body) ? (sepStyle === ', ' && !/[ \t]$/.test(body) ? ' ' : '') : sepStyle;
  line.text = head + body + joiner + item + closeQuote + trail;
  return { text: joinLines(lines), changed: true, present: false, disabled: false };
}
