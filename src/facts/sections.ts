// The gather output framing: begin/end marker lines around each section, carrying a per-run nonce and the exit code.

export const MARKER_PREFIX = '@@mds-orchestrate:';

/** Text of one section and how its command ended; `rc` is null when the output stops inside the section. */
export interface Section {
  body: string;
  rc: number | null;
}

export function beginMarker(nonce: string, name: string): string {
  return `${MARKER_PREFIX}${nonce}:begin:${name}@@`;
}
export function endMarkerPrefix(nonce: string, name: string): string {
  return `${MARKER_PREFIX}${nonce}:end:${name}:`;
}
export function doneMarker(nonce: string): string {
  return `${MARKER_PREFIX}${nonce}:done@@`;
}

export interface SplitOutput {
  sections: Map<string, Section>;
  /** The final marker was seen: the whole script ran and its output was not cut short. */
  complete: boolean;
  nonce: string | null;
}

/** The first begin marker at the start of a line: it carries the nonce. */
const FIRST_BEGIN = new RegExp(`(?:^|\\n)${MARKER_PREFIX.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}([a-z0-9]+):begin:`);
/** After a begin marker's prefix: the section name and the end of the marker line. */
const BEGIN_NAME = /([a-z0-9_-]+)@@\n/y;
/** After an end marker's prefix: the exit status and the end of the marker line (or of the output). */
const END_TAIL = /(\d+)@@(?:\n|$)/y;

/**
 * Cuts gather output into sections. The nonce comes from the first begin marker (the script prints it before any
 * command runs), and only markers with that nonce count, so a file that happens to contain marker-like lines (a
 * nova.conf, a guest name) cannot end a section early. The end marker is preceded by a newline the script adds;
 * it is removed, so a body is exactly the command's stdout ("" for an empty file).
 */
export function splitSections(output: string): SplitOutput {
  const sections = new Map<string, Section>();
  const first = FIRST_BEGIN.exec(output);
  const nonce = first?.[1] ?? null;
  if (nonce === null) return { sections, complete: false, nonce };
  // Plain string searches, not a regex per nonce: the regex's leading (?:^|\n) made it test every byte of every body.
  const beginPrefix = `${MARKER_PREFIX}${nonce}:begin:`;
  let pos = 0;
  for (;;) {
    const begin = nextBegin(output, beginPrefix, pos);
    if (begin === null) break;
    const { name, bodyStart } = begin;
    const endPrefix = `\n${endMarkerPrefix(nonce, name)}`;
    const endAt = output.indexOf(endPrefix, bodyStart);
    if (endAt < 0) {
      sections.set(name, { body: output.slice(bodyStart), rc: null });
      return { sections, complete: false, nonce };
    }
    END_TAIL.lastIndex = endAt + endPrefix.length;
    const tail = END_TAIL.exec(output);
    const rc = tail ? Number(tail[1]) : null;
    sections.set(name, { body: output.slice(bodyStart, endAt), rc });
    pos = endAt + endPrefix.length + (tail ? tail[0].length - 1 : 0);
  }
  return { sections, complete: output.includes(`\n${doneMarker(nonce)}`) || output.startsWith(doneMarker(nonce)), nonce };
}

/**
 * The first begin marker line at or after `from` (at the start of the output or after a newline): what the regex
 * `(?:^|\n)<prefix>([a-z0-9_-]+)@@\n` with lastIndex `from` finds, a candidate that is not a whole marker line skipped.
 */
function nextBegin(output: string, prefix: string, from: number): { name: string; bodyStart: number } | null {
  if (from === 0 && output.startsWith(prefix)) {
    const found = nameAt(output, prefix.length);
    if (found) return found;
  }
  const linePrefix = `\n${prefix}`;
  for (let at = from; ;) {
    const j = output.indexOf(linePrefix, at);
    if (j < 0) return null;
    const found = nameAt(output, j + linePrefix.length);
    if (found) return found;
    at = j + 1;
  }
}

/** The section name and the end of its begin marker line, when `at` (just after a begin prefix) starts one. */
function nameAt(output: string, at: number): { name: string; bodyStart: number } | null {
  BEGIN_NAME.lastIndex = at;
  const m = BEGIN_NAME.exec(output);
  return m ? { name: m[1] ?? '', bodyStart: BEGIN_NAME.lastIndex } : null;
}
