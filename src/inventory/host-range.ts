// Ansible host ranges in inventory names: compute[01:40], rack[a:f], node[0:10:2], and an optional ":port" suffix.

/** A bad range; the caller turns it into a ConfigError at the host's position. */
export class HostRangeError extends Error {
  readonly code = 'E_HOST_RANGE';
}

const LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
/** Beyond this a typo (compute[1:100000]) is likelier than a real fleet. */
const MAX_EXPANSION = 100_000;

function expandOne(head: string, inner: string, tail: string, whole: string): string[] {
  const bounds = inner.split(':');
  if (bounds.length !== 2 && bounds.length !== 3) {
    throw new HostRangeError(`bad host range "${whole}": expected [begin:end] or [begin:end:step]`);
  }
  const beg = bounds[0] === '' ? '0' : bounds[0]!;
  const end = bounds[1]!;
  if (end === '') throw new HostRangeError(`bad host range "${whole}": the end value is missing`);
  let step = 1;
  if (bounds.length === 3) {
    if (!/^\d+$/.test(bounds[2]!) || Number(bounds[2]) === 0) {
      throw new HostRangeError(`bad host range "${whole}": the step must be a positive whole number, got "${bounds[2]}"`);
    }
    step = Number(bounds[2]);
  }
  const values: string[] = [];
  if (/^\d+$/.test(beg) && /^\d+$/.test(end)) {
    const padded = beg.length > 1 && beg.startsWith('0');
    if (padded && beg.length !== end.length) {
      throw new HostRangeError(`bad host range "${whole}": a zero-padded begin ("${beg}") needs an end of the same width, got "${end}"`);
    }
    const b = Number(beg);
    const e = Number(end);
    if (b > e) throw new HostRangeError(`bad host range "${whole}": begin ${beg} is greater than end ${end}`);
    if ((e - b) / step + 1 > MAX_EXPANSION) throw new HostRangeError(`bad host range "${whole}": expands to more than ${MAX_EXPANSION} hosts`);
    for (let i = b; i <= e; i += step) values.push(padded ? String(i).padStart(beg.length, '0') : String(i));
  } else if (beg.length === 1 && end.length === 1 && LETTERS.includes(beg) && LETTERS.includes(end)) {
    const b = LETTERS.indexOf(beg);
    const e = LETTERS.indexOf(end);
    if (b > e) throw new HostRangeError(`bad host range "${whole}": begin "${beg}" comes after end "${end}"`);
    for (let i = b; i <= e; i += step) values.push(LETTERS[i]!);
  } else {
    throw new HostRangeError(`bad host range "${whole}": begin and end must be both numbers or both single letters, got "${beg}" and "${end}"`);
  }
  return values.map((v) => `${head}${v}${tail}`);
}

/** Expands every [..] range in a host name (several ranges multiply). A name without brackets is returned as is. */
export function expandHostRange(name: string): string[] {
  const open = name.indexOf('[');
  const close = name.indexOf(']');
  if (open === -1 && close === -1) return [name];
  if (open === -1 || close === -1 || close < open) throw new HostRangeError(`bad host range "${name}": unbalanced [ ]`);
  const head = name.slice(0, open);
  const inner = name.slice(open + 1, close);
  const rest = name.slice(close + 1);
  const out: string[] = [];
  for (const first of expandOne(head, inner, '', name)) {
    for (const tail of expandHostRange(rest)) out.push(`${first}${tail}`);
  }
  return out;
}

/**
 * Splits "name:port" (as Ansible's inventories allow) and expands ranges. A trailing ":" without a port, or a port out
 * of range, is an error. IPv6 addresses (several colons) are kept whole unless written [addr]:port.
 */
export function expandHostPattern(pattern: string): { names: string[]; port?: number } {
  const text = pattern.trim();
  if (text === '') throw new HostRangeError('empty host name');
  if (/\s/.test(text)) throw new HostRangeError(`bad host name "${text}": whitespace is not allowed`);
  let name = text;
  let port: number | undefined;
  const bracketed = /^\[([0-9A-Fa-f:.]+)\](?::(\d+))?$/.exec(text);
  if (bracketed && bracketed[1]!.includes(':')) {
    name = bracketed[1]!;
    port = bracketed[2] === undefined ? undefined : Number(bracketed[2]);
  } else if ((text.match(/:/g) ?? []).length === 1 || /\]:[^\]]*$/.test(text)) {
    const idx = text.lastIndexOf(':');
    const before = text.slice(0, idx);
    const after = text.slice(idx + 1);
    // A colon inside brackets belongs to a range (web[1:3]), not to a port.
    const insideRange = before.lastIndexOf('[') > before.lastIndexOf(']');
    if (!insideRange) {
      if (after === '') throw new HostRangeError(`bad host "${text}": ":" must be followed by a port number`);
      if (!/^\d+$/.test(after)) throw new HostRangeError(`bad host "${text}": expected a port number after ":", got "${after}"`);
      name = before;
      port = Number(after);
    }
  }
  if (port !== undefined && (port < 1 || port > 65535)) throw new HostRangeError(`bad host "${text}": port ${port} is outside 1..65535`);
  return port === undefined ? { names: expandHostRange(name) } : { names: expandHostRange(name), port };
}
