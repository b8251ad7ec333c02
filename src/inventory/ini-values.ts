// INI inventory lexing as Ansible does it: POSIX shlex words (quotes, backslashes, # comments) and Python-literal values.
import { NotALiteral, pythonLiteral } from './python-literal.js';

export interface Token {
  text: string;
  /** 0-based offset of the token's first character in the line. */
  start: number;
}

export class LexError extends Error {
  readonly code = 'E_INI_LEX';
}

/** shlex.split(line, comments=True) in POSIX mode, keeping where each word starts. */
export function shlexSplit(line: string): Token[] {
  const tokens: Token[] = [];
  let cur = '';
  let inToken = false;
  let start = 0;
  let i = 0;
  const begin = (): void => {
    if (!inToken) {
      inToken = true;
      cur = '';
      start = i;
    }
  };
  while (i < line.length) {
    const ch = line[i]!;
    if (/\s/.test(ch)) {
      if (inToken) tokens.push({ text: cur, start });
      inToken = false;
      i++;
    } else if (ch === '#') {
      break; // shlex ends the line at '#' even inside a word
    } else if (ch === "'") {
      begin();
      const close = line.indexOf("'", i + 1);
      if (close === -1) throw new LexError(`no closing quotation (') in: ${line}`);
      cur += line.slice(i + 1, close);
      i = close + 1;
    } else if (ch === '"') {
      begin();
      i++;
      for (;;) {
        if (i >= line.length) throw new LexError(`no closing quotation (") in: ${line}`);
        const c = line[i]!;
        if (c === '"') break;
        const next = line[i + 1];
        if (c === '\\' && next !== undefined && '"\\$`'.includes(next)) {
          cur += next;
          i += 2;
        } else {
          cur += c;
          i++;
        }
      }
      i++;
    } else if (ch === '\\') {
      begin();
      cur += line[i + 1] ?? '';
      i += 2;
    } else {
      begin();
      cur += ch;
      i++;
    }
  }
  if (inToken) tokens.push({ text: cur, start });
  return tokens;
}

function literal(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: pythonLiteral(text) };
  } catch (err) {
    if (err instanceof NotALiteral) return { ok: false };
    throw err;
  }
}

/**
 * Like Ansible's ast.literal_eval fallback: a Python literal (22, 1.5, True, None, 'quoted') becomes that value,
 * anything else stays the string as written. A trailing "# comment" is dropped only when the rest is a literal,
 * because that is what literal_eval does.
 */
export function parseIniValue(raw: string): unknown {
  const v = literal(raw);
  return v.ok ? v.value : raw;
}
