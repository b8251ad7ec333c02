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

/**
 * Cuts gather output into sections. The nonce comes from the first begin marker (the script prints it before any
 * command runs), and only markers with that nonce count, so a file that happens to contain marker-like lines (a
 * nova.conf, a guest name) cannot end a section early. The end marker is preceded by a newline the script adds;
 * it is removed, so a body is exactly the command's stdout ("" for an empty file).
 */
export function splitSections(output: string): SplitOutput {
  const sections = new Map<string, Section>();
  const first = new RegExp(`(?:^|\\n)${MARKER_PREFIX.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}([a-z0-9]+):begin:`).exec(output);
  const nonce = first?.[1] ?? null;
  if (nonce === null) return { sections, complete: false, nonce };
  const beginRe = new RegExp(`(?:^|\\n)${beginMarker(nonce, '([a-z0-9_-]+)')}\\n`, 'g');
  let pos = 0;
  for (;;) {
    beginRe.lastIndex = pos;
    const m = beginRe.exec(output);
    if (!m) break;
    const name = m[1] ?? '';
    const bodyStart = m.index + m[0].length;
    const endPrefix = `\n${endMarkerPrefix(nonce, name)}`;
    const endAt = output.indexOf(endPrefix, bodyStart);
    if (endAt < 0) {
      sections.set(name, { body: output.slice(bodyStart), rc: null });
      return { sections, complete: false, nonce };
    }
    const tail = /^(\d+)@@(?:\n|$)/.exec(output.slice(endAt + endPrefix.length));
    const rc = tail ? Number(tail[1]) : null;
    sections.set(name, { body: output.slice(bodyStart, endAt), rc });
    pos = endAt + endPrefix.length + (tail ? tail[0].length - 1 : 0);
  }
  return { sections, complete: output.includes(`\n${doneMarker(nonce)}`) || output.startsWith(doneMarker(nonce)), nonce };
}
