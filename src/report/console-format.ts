// Terminal rendering helpers for the console reporter: colours (TTY only, never under NO_COLOR), widths, tables.

export interface Palette {
  red(s: string): string;
  green(s: string): string;
  yellow(s: string): string;
  cyan(s: string): string;
  dim(s: string): string;
  bold(s: string): string;
}

const wrap = (open: number, close: number) => (s: string) => `\x1b[${open}m${s}\x1b[${close}m`;

export const COLOURS: Palette = { red: wrap(31, 39), green: wrap(32, 39), yellow: wrap(33, 39), cyan: wrap(36, 39), dim: wrap(2, 22), bold: wrap(1, 22) };
const id = (s: string): string => s;
export const PLAIN: Palette = { red: id, green: id, yellow: id, cyan: id, dim: id, bold: id };

/** https://no-color.org: any non-empty NO_COLOR disables colour, whatever else says. */
export function useColour(isTTY: boolean, env: Record<string, string | undefined>, requested?: boolean): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  return requested ?? isTTY;
}

// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;]*[A-Za-z]/g;

export function visibleLength(s: string): number {
  return s.replace(ANSI, '').length;
}

/** Cuts a line to the terminal width so it never wraps (wrapped lines would break the cursor arithmetic of redraws). */
export function fit(s: string, width: number): string {
  if (visibleLength(s) <= width) return s;
  const plain = s.replace(ANSI, '');
  return `${plain.slice(0, Math.max(0, width - 1))}…`;
}

export function padEnd(s: string, width: number): string {
  return s + ' '.repeat(Math.max(0, width - visibleLength(s)));
}

export function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(visibleLength(h), ...rows.map((r) => visibleLength(r[i] ?? ''))));
  const line = (cells: string[]): string => cells.map((c, i) => (i === cells.length - 1 ? c : padEnd(c, widths[i]!))).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(Math.floor(s % 60)).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

export const CURSOR = {
  /** Moves up n lines to column 0 and clears from there to the end of the screen. */
  eraseUp: (n: number): string => (n > 0 ? `\r\x1b[${n}A\x1b[J` : '\r\x1b[J'),
};
