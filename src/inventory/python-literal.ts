// Python's ast.literal_eval for the values an INI inventory holds: strings, numbers, True/False/None, lists, tuples, dicts.
// Anything else (names, calls, sets, bytes, complex numbers) is "not a literal" and the caller keeps the text as written.

export class NotALiteral extends Error {}

/** A literal Python reads but Ansible cannot use (ansible-inventory fails on it): a set, bytes, a complex number. */
export class UnusableLiteral extends Error {}

const FAIL = (): never => {
  throw new NotALiteral();
};

/** Reads one Python expression; throws NotALiteral for anything literal_eval would refuse or this does not support. */
export function pythonLiteral(text: string): unknown {
  const r = new Reader(text);
  r.skipSpace(true);
  if (r.peekSpaceAtStart) FAIL(); // literal_eval of " x" is an IndentationError
  const v = r.value();
  r.skipSpace(true);
  if (!r.done()) FAIL();
  return v;
}

class Reader {
  private i = 0;
  private depth = 0;
  readonly peekSpaceAtStart: boolean;

  constructor(private readonly s: string) {
    this.peekSpaceAtStart = /^[ \t]/.test(s);
  }

  done(): boolean {
    return this.i >= this.s.length;
  }

  /** Blanks and a `# comment` to the end of the line; newlines only inside brackets. */
  skipSpace(allowNewline: boolean): void {
    for (;;) {
      const c = this.s[this.i];
      if (c === ' ' || c === '\t' || c === '\f' || ((c === '\n' || c === '\r') && (allowNewline || this.depth > 0))) this.i++;
      else if (c === '#') {
        while (this.i < this.s.length && this.s[this.i] !== '\n') this.i++;
      } else if (c === '\\' && this.s[this.i + 1] === '\n') this.i += 2;
      else return;
    }
  }

  value(): unknown {
    this.skipSpace(false);
    const c = this.s[this.i];
    if (c === undefined) return FAIL();
    if (c === '[') return this.sequence(']');
    if (c === '(') return this.parenthesised();
    if (c === '{') return this.dict();
    if (c === '-' || c === '+') {
      this.i++;
      this.skipSpace(false);
      const n = this.number();
      return c === '-' ? -n : n;
    }
    if (/[0-9]/.test(c) || (c === '.' && !this.s.startsWith('...', this.i))) return this.number();
    const word = /^[A-Za-z_][A-Za-z0-9_]*/.exec(this.s.slice(this.i))?.[0];
    if (this.s.startsWith('...', this.i) || (word === 'set' && /^set\s*\(\s*\)/.test(this.s.slice(this.i)))) {
      throw new UnusableLiteral(`Python reads ${this.s} as ${word === 'set' ? 'a set' : 'Ellipsis'}, which Ansible cannot turn into a variable (quote it to keep it a string)`);
    }
    if (word !== undefined) {
      const prefix = /^[rRuU]$/.test(word) && /['"]/.test(this.s[this.i + word.length] ?? '');
      if (prefix) return this.strings();
      this.i += word.length;
      if (word === 'True') return true;
      if (word === 'False') return false;
      if (word === 'None') return null;
      if (/^[bB][rR]?$|^[rR][bB]$/.test(word) && /['"]/.test(this.s[this.i] ?? '')) {
        throw new UnusableLiteral(`Python reads ${this.s} as bytes, which Ansible cannot turn into a variable (quote it to keep it a string)`);
      }
      FAIL(); // a name, an f-string: not a literal
    }
    if (c === '"' || c === "'") return this.strings();
    return FAIL();
  }

  /** Adjacent string literals concatenate, as in Python. */
  private strings(): string {
    let out = '';
    for (;;) {
      out += this.string();
      const save = this.i;
      this.skipSpace(false);
      const c = this.s[this.i];
      const prefixed = /^[rRuU]['"]/.test(this.s.slice(this.i, this.i + 2));
      if (c === '"' || c === "'" || prefixed) continue;
      this.i = save;
      return out;
    }
  }

  private string(): string {
    let raw = false;
    const p = this.s[this.i];
    if (p === 'r' || p === 'R') {
      raw = true;
      this.i++;
    } else if (p === 'u' || p === 'U') this.i++;
    const q = this.s[this.i] as string;
    const triple = this.s.startsWith(q.repeat(3), this.i);
    const close = triple ? q.repeat(3) : q;
    this.i += close.length;
    let out = '';
    for (;;) {
      if (this.i >= this.s.length) FAIL();
      if (this.s.startsWith(close, this.i)) {
        this.i += close.length;
        return out;
      }
      const c = this.s[this.i] as string;
      if (!triple && (c === '\n' || c === '\r')) FAIL();
      if (c === '\\') {
        const n = this.s[this.i + 1];
        if (n === undefined) FAIL();
        if (raw) {
          out += c + n;
          this.i += 2;
          continue;
        }
        this.i += 2;
        out += this.escape(n as string);
        continue;
      }
      out += c;
      this.i++;
    }
  }

  private escape(n: string): string {
    const simple: Record<string, string> = { '\n': '', '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };
    if (n in simple) return simple[n] as string;
    const hex = (len: number): string => {
      const h = this.s.slice(this.i, this.i + len);
      if (!new RegExp(`^[0-9a-fA-F]{${len}}$`).test(h)) FAIL();
      this.i += len;
      return String.fromCodePoint(Number.parseInt(h, 16));
    };
    if (n === 'x') return hex(2);
    if (n === 'u') return hex(4);
    if (n === 'U') return hex(8);
    if (/[0-7]/.test(n)) {
      let o = n;
      while (o.length < 3 && /[0-7]/.test(this.s[this.i] ?? '')) o += this.s[this.i++];
      return String.fromCodePoint(Number.parseInt(o, 8));
    }
    if (n === 'N') FAIL(); // \N{NAME}: not supported here
    return `\\${n}`; // Python keeps an unknown escape as written
  }

  private number(): number {
    const rest = this.s.slice(this.i);
    const m = /^(0[xX](_?[0-9a-fA-F])+|0[oO](_?[0-7])+|0[bB](_?[01])+|((\d(_?\d)*)?\.\d(_?\d)*|\d(_?\d)*\.?)([eE][-+]?\d(_?\d)*)?)/.exec(rest);
    if (!m || m[0] === '' || m[0] === '.') FAIL();
    const t = m![0];
    if (/^[jJ]/.test(rest.slice(t.length))) {
      throw new UnusableLiteral(`Python reads ${this.s} as a complex number, which Ansible cannot turn into a variable (quote it to keep it a string)`);
    }
    if (/^[A-Za-z_0-9]/.test(rest.slice(t.length))) FAIL(); // 1abc
    this.i += t.length;
    const clean = t.replace(/_/g, '');
    if (/^0[xX]/.test(clean)) return Number.parseInt(clean.slice(2), 16);
    if (/^0[oO]/.test(clean)) return Number.parseInt(clean.slice(2), 8);
    if (/^0[bB]/.test(clean)) return Number.parseInt(clean.slice(2), 2);
    // Python refuses leading zeros in a decimal integer ("007"); 0.5, 00 and 0e1 are fine.
    if (/^0\d/.test(clean) && !/[.eE]/.test(clean) && !/^0+$/.test(clean)) FAIL();
    return Number(clean);
  }

  private sequence(end: string): unknown[] {
    this.i++;
    this.depth++;
    const out: unknown[] = [];
    for (;;) {
      this.skipSpace(true);
      if (this.s[this.i] === end) break;
      out.push(this.value());
      this.skipSpace(true);
      if (this.s[this.i] === ',') {
        this.i++;
        continue;
      }
      if (this.s[this.i] !== end) FAIL();
    }
    this.i++;
    this.depth--;
    return out;
  }

  /** `(x)` is x; `(x,)` and `(x, y)` are tuples, which Ansible shows as lists. */
  private parenthesised(): unknown {
    this.i++;
    this.depth++;
    this.skipSpace(true);
    if (this.s[this.i] === ')') {
      this.i++;
      this.depth--;
      return [];
    }
    const first = this.value();
    this.skipSpace(true);
    if (this.s[this.i] === ')') {
      this.i++;
      this.depth--;
      return first;
    }
    if (this.s[this.i] !== ',') FAIL();
    this.i++;
    const out: unknown[] = [first];
    for (;;) {
      this.skipSpace(true);
      if (this.s[this.i] === ')') break;
      out.push(this.value());
      this.skipSpace(true);
      if (this.s[this.i] === ',') {
        this.i++;
        continue;
      }
      if (this.s[this.i] !== ')') FAIL();
    }
    this.i++;
    this.depth--;
    return out;
  }

  private dict(): Record<string, unknown> {
    this.i++;
    this.depth++;
    const out: Record<string, unknown> = {};
    for (;;) {
      this.skipSpace(true);
      if (this.s[this.i] === '}') break;
      const k = this.value();
      this.skipSpace(true);
      if (this.s[this.i] !== ':') {
        throw new UnusableLiteral(`Python reads ${this.s} as a set, which Ansible cannot turn into a variable (quote it to keep it a string)`);
      }
      this.i++;
      const v = this.value();
      // JSON output keys are strings: Python's 1 and True keys come out as "1" and "true" in ansible-inventory.
      out[typeof k === 'string' ? k : k === null ? 'null' : typeof k === 'object' ? FAIL() : String(k)] = v;
      this.skipSpace(true);
      if (this.s[this.i] === ',') {
        this.i++;
        continue;
      }
      if (this.s[this.i] !== '}') FAIL();
    }
    this.i++;
    this.depth--;
    return out;
  }
}
