// Folds host names into ranges (compute[001:040].example.com) so hundreds of hosts fit on one line of a plan.
import { visibleLength } from './console-format.js';

interface Parsed {
  name: string;
  prefix: string;
  digits: string;
  suffix: string;
}

/** The number that tells hosts apart: the last run of digits in the first DNS label (else in the whole name). */
function parse(name: string): Parsed | null {
  const dot = name.indexOf('.');
  const label = dot < 0 ? name : name.slice(0, dot);
  const rest = dot < 0 ? '' : name.slice(dot);
  const m = /^(.*?)(\d+)(\D*)$/.exec(label) ?? null;
  if (m) return { name, prefix: m[1]!, digits: m[2]!, suffix: m[3]! + rest };
  const w = /^(.*?)(\d+)(\D*)$/.exec(name);
  return w ? { name, prefix: w[1]!, digits: w[2]!, suffix: w[3]! } : null;
}

/** Whether `next` continues a run that started at `first` and last reached `last`, as one Ansible range would list it. */
function continues(first: Parsed, last: Parsed, next: Parsed): boolean {
  if (Number(next.digits) !== Number(last.digits) + 1) return false;
  // [01:12] lists 01..09 then 10..12, all two digits wide; [9:11] lists 9, 10, 11 with no padding.
  const padded = first.digits.length > 1 && first.digits.startsWith('0');
  return padded ? next.digits.length === first.digits.length : !next.digits.startsWith('0');
}

/**
 * Names sharing a prefix and a suffix fold into Ansible-style ranges, one token per run of consecutive numbers written
 * the way one range would write them (`compute[001:040].example.com`, `gpu[9:11]`); other names stay as they are.
 * Tokens come in sorted order.
 */
export function foldHostNames(names: readonly string[]): string[] {
  return foldTokens(names).map((t) => t.text);
}

function foldTokens(names: readonly string[]): { text: string; hosts: number }[] {
  const groups = new Map<string, Parsed[]>();
  const loose: string[] = [];
  for (const name of new Set(names)) {
    const p = parse(name);
    if (!p) {
      loose.push(name);
      continue;
    }
    const key = `${p.prefix}\0${p.suffix}`;
    const list = groups.get(key);
    if (list) list.push(p);
    else groups.set(key, [p]);
  }
  const tokens: { sort: string; n: number; text: string; hosts: number }[] = loose.map((n) => ({ sort: n, n: 0, text: n, hosts: 1 }));
  for (const list of groups.values()) {
    list.sort((a, b) => Number(a.digits) - Number(b.digits) || a.digits.length - b.digits.length);
    let start = 0;
    for (let i = 1; i <= list.length; i++) {
      if (i < list.length && continues(list[start]!, list[i - 1]!, list[i]!)) continue;
      const first = list[start]!;
      const last = list[i - 1]!;
      const text = first === last ? first.name : `${first.prefix}[${first.digits}:${last.digits}]${first.suffix}`;
      tokens.push({ sort: `${first.prefix}\0${first.suffix}`, n: Number(first.digits), text, hosts: i - start });
      start = i;
    }
  }
  tokens.sort((a, b) => (a.sort < b.sort ? -1 : a.sort > b.sort ? 1 : a.n - b.n));
  return tokens.map(({ text, hosts }) => ({ text, hosts }));
}

/** The folded names joined by ", " within `width` columns; the hosts that do not fit are counted ("… +12 more"). */
export function foldedList(names: readonly string[], width: number): string {
  const tokens = foldTokens(names);
  const more = (n: number): string => `, … +${n} more`;
  let left = tokens.reduce((n, t) => n + t.hosts, 0);
  let out = '';
  for (const t of tokens) {
    const next = out ? `${out}, ${t.text}` : t.text;
    const rest = left - t.hosts;
    if (out !== '' && visibleLength(next) + (rest ? visibleLength(more(rest)) : 0) > width) return `${out}${more(left)}`;
    out = next;
    left = rest;
  }
  return out;
}

/** A host name cut to `width` columns, keeping what tells hosts apart: the first DNS label, then its end (its number). */
export function shortHostName(name: string, width: number): string {
  if (name.length <= width) return name;
  const label = name.split('.')[0]!;
  if (label.length + 1 <= width) return `${label}…`;
  if (width <= 1) return '…';
  const tail = Math.ceil((width - 1) * 0.6);
  const head = width - 1 - tail;
  return `${label.slice(0, head)}…${label.slice(label.length - tail)}`;
}
