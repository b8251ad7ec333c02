// POSIX shell quoting: shq() for one word and the sh`` tagged template that quotes every interpolated value.
import { OrchestratorError } from '../util/errors.js';

/** A value that cannot be passed through a POSIX shell word (NUL bytes cannot exist in argv). */
export class ShellQuoteError extends OrchestratorError {
  constructor(message: string) {
    super('E_SHELL_QUOTE', message);
  }
}

/** Already-quoted shell text that `sh` must splice verbatim (e.g. a nested `sh` result). */
export class ShellFragment {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

export type ShellValue = string | number | bigint | boolean | ShellFragment | readonly ShellValue[];

/** Splices trusted shell text into `sh` without quoting; only for text built by `sh`/`shq` itself. */
export function raw(text: string): ShellFragment {
  return new ShellFragment(text);
}

// '=' is left out: an unquoted NAME=value in first position would be an assignment, not a word.
const SAFE_WORD = /^[A-Za-z0-9_@%+:,./-]+$/;

/** Quotes one value as a single POSIX shell word; words made only of safe characters stay readable. */
export function shq(value: string | number | bigint | boolean): string {
  const s = String(value);
  if (s.includes('\0')) throw new ShellQuoteError('a shell argument contains a NUL byte');
  if (s === '') return "''";
  if (SAFE_WORD.test(s)) return s;
  // Inside single quotes nothing is special except the quote itself, which must close, escape, reopen.
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

function quoteValue(value: ShellValue): string {
  if (value instanceof ShellFragment) return value.text;
  if (Array.isArray(value)) return value.map((v: ShellValue) => quoteValue(v)).join(' ');
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') {
    return shq(value);
  }
  throw new ShellQuoteError(`cannot quote a value of type ${typeof value} for the shell`);
}

/** Tagged template: the literal parts are trusted shell text, every `${value}` becomes quoted word(s). */
export function sh(strings: TemplateStringsArray, ...values: ShellValue[]): string {
  let out = strings[0] ?? '';
  for (let i = 0; i < values.length; i++) {
    out += quoteValue(values[i] as ShellValue) + (strings[i + 1] ?? '');
  }
  return out;
}
