// setOption: a line-preserving edit of one INI option, the way Ansible's ini_file edits (every other byte kept).
import { classify, dominantEol, entryValue, joinLines, layout, normalizeSection, splitLines, type Entry, type Line, type SectionSpan } from './lines.js';

/** Where an option lives in a file, as the editor sees it. */
export type OptionSite =
  | { kind: 'active'; entry: Entry }
  | { kind: 'commented'; line: number; sep: number }
  | { kind: 'absent-key'; section: SectionSpan }
  | { kind: 'absent-section' };

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Finds the line to edit. With duplicates, the LAST active assignment in any same-named section is the one oslo uses,
 * so it is the one edited; earlier duplicates stay untouched (they were already dead config).
 * Without an active one, the first commented-out `#key = ...` / `;key=...` of the section is reused (like ini_file),
 * preferring `#key` over `# key` (see below).
 */
export function locateOption(lines: readonly Line[], section: string, key: string): OptionSite {
  const name = normalizeSection(section);
  const { sections, entries } = layout(lines);
  const mine = sections.filter((s) => s.name === name);
  if (mine.length === 0) return { kind: 'absent-section' };
  const active = entries.filter((e) => e.section === name && e.key === key);
  const last = active[active.length - 1];
  if (last) return { kind: 'active', entry: last };
  // oslo's sample writes the commented default as `#key = ...`; an indented `#     key = x` is usually an example inside
  // the help text above it, so a tight match anywhere in the section wins over a loose one.
  const tight = new RegExp(`^[ \\t]*[#;]${escapeRegExp(key)}[ \\t]*[=:]`);
  const loose = new RegExp(`^[ \\t]*[#;][ \\t]*${escapeRegExp(key)}[ \\t]*[=:]`);
  for (const commented of [tight, loose]) {
    for (const span of mine) {
      for (let i = span.header + 1; i < span.end; i++) {
        const m = commented.exec(lines[i]?.text ?? '');
        if (m) return { kind: 'commented', line: i, sep: m[0].length - 1 };
      }
    }
  }
  const target = mine[mine.length - 1];
  return target ? { kind: 'absent-key', section: target } : { kind: 'absent-section' };
}

/** Spacing around the separator of an assignment line: `key = v` -> {before: ' ', after: ' '}. */
export function assignmentSpacing(text: string, sep: number): { before: string; after: string } {
  const before = /[ \t]*$/.exec(text.slice(0, sep))?.[0] ?? '';
  const after = /^[ \t]*/.exec(text.slice(sep + 1))?.[0] ?? '';
  return { before, after };
}

/** The spacing style new lines copy: the most common in the section, else in the file, else ` = `. */
function houseStyle(lines: readonly Line[], section: SectionSpan | null): { before: string; after: string } {
  const { entries } = layout(lines);
  const pick = (e: Entry | undefined) => {
    const text = lines[e?.first ?? -1]?.text ?? '';
    const c = classify(text);
    if (c.kind !== 'assignment') return null;
    const s = assignmentSpacing(text, c.sep);
    // Normalise to one of the two common styles so an odd alignment (`key    = v`) is not copied.
    return s.before === '' ? { before: '', after: s.after === '' ? '' : ' ' } : { before: ' ', after: ' ' };
  };
  const styles = entries.filter((e) => section === null || (e.first > section.header && e.first < section.end)).map(pick);
  const counts = new Map<string, { before: string; after: string; n: number }>();
  for (const s of styles) {
    if (!s) continue;
    const key = `${s.before}=${s.after}`;
    const c = counts.get(key) ?? { ...s, n: 0 };
    c.n++;
    counts.set(key, c);
  }
  // The most common style wins; Map order makes the first-seen style win a tie.
  const best = [...counts.values()].reduce<{ before: string; after: string; n: number } | null>((a, b) => (a === null || b.n > a.n ? b : a), null);
  if (best) return { before: best.before, after: best.after };
  return section === null ? { before: ' ', after: ' ' } : houseStyle(lines, null);
}

/** Replaces the value part of an assignment line, keeping its key, separator, spacing and trailing blanks. */
export function withValue(text: string, sep: number, value: string): string {
  const head = text.slice(0, sep + 1);
  const rest = text.slice(sep + 1);
  const lead = /^[ \t]*/.exec(rest)?.[0] ?? '';
  const body = rest.slice(lead.length);
  const trail = body === '' ? '' : (/[ \t]*$/.exec(body)?.[0] ?? '');
  // `key =` with an empty value: give the new value the space the key side already has.
  const gap = lead !== '' || value === '' ? lead : /[ \t]$/.test(text.slice(0, sep)) ? ' ' : '';
  return head + gap + value + trail;
}

/**
 * Where a new key goes in a section: after its last line that is not blank, and not part of a comment block that
 * sits directly on top of the next section header (that block documents the next section).
 */
export function appendIndex(lines: readonly Line[], span: SectionSpan): number {
  const blank = (i: number) => classify(lines[i]?.text ?? '').kind === 'blank';
  const comment = (i: number) => classify(lines[i]?.text ?? '').kind === 'comment';
  let i = span.end;
  if (span.end < lines.length) {
    let j = span.end;
    while (j - 1 > span.header && comment(j - 1)) j--;
    if (j < span.end && (j - 1 === span.header || blank(j - 1))) i = j;
  }
  while (i - 1 > span.header && blank(i - 1)) i--;
  return i;
}

/** Inserts new lines before index `at`, giving a preceding line that lacks an ending one (only where needed). */
export function insertLines(lines: Line[], at: number, texts: string[]): void {
  const eol = dominantEol(lines);
  const prev = lines[at - 1];
  const newLines = texts.map((text) => ({ text, eol }));
  if (prev && prev.eol === '') {
    // Appending after a last line without an ending: it needs one now, and the file keeps ending without one.
    prev.eol = eol;
    const tail = newLines[newLines.length - 1];
    if (tail) tail.eol = '';
  }
  lines.splice(at, 0, ...newLines);
}

/** Appends `[section]` with the given lines at the end of the file, separated by one blank line. */
export function appendSection(lines: Line[], section: string, texts: string[]): void {
  const block = [`[${section}]`, ...texts];
  const last = lines[lines.length - 1];
  if (last && classify(last.text).kind !== 'blank') block.unshift('');
  insertLines(lines, lines.length, block);
}

/**
 * Sets `key = value` in `[section]`: replaces the active assignment in place (the last one, if duplicated), else a
 * commented-out `#key=...` line in place, else appends the key at the end of the section, else appends the section.
 * Returns the text unchanged when the option already has this value.
 */
export function setOption(text: string, section: string, key: string, value: string): string {
  const lines = splitLines(text);
  const site = locateOption(lines, section, key);
  switch (site.kind) {
    case 'active': {
      if (entryValue(lines, site.entry) === value) return text;
      const line = lines[site.entry.first];
      const c = classify(line?.text ?? '');
      if (!line || c.kind !== 'assignment') return text;
      line.text = withValue(line.text, c.sep, value);
      // A multi-line value is replaced as a whole.
      lines.splice(site.entry.first + 1, site.entry.last - site.entry.first);
      break;
    }
    case 'commented': {
      const line = lines[site.line];
      if (!line) return text;
      const { before, after } = assignmentSpacing(line.text, site.sep);
      // `#key =` shows nothing after the separator: give the value the space the key side has.
      line.text = `${key}${before}=${after === '' && before !== '' ? ' ' : after}${value}`;
      break;
    }
    case 'absent-key': {
      const { before, after } = houseStyle(lines, site.section);
      insertLines(lines, appendIndex(lines, site.section), [`${key}${before}=${after}${value}`]);
      break;
    }
    case 'absent-section': {
      const { before, after } = houseStyle(lines, null);
      appendSection(lines, section, [`${key}${before}=${after}${value}`]);
      break;
    }
  }
  return joinLines(lines);
}
