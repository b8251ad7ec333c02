// Reads the project's TypeScript sources for the architecture tests: files under a folder, with comments and strings blanked.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const SRC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../src');

export function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) out.push(...sourceFiles(full));
    else if (name.endsWith('.ts')) out.push(full);
  }
  return out;
}

/**
 * The code with comments removed and, when `blankStrings`, the insides of string and template literals blanked too (the
 * `${...}` parts of templates stay code). Newlines are kept, so line numbers still match the file.
 */
export function codeOf(text: string, blankStrings: boolean): string {
  let out = '';
  const templates: number[] = [];
  let i = 0;
  const keep = (c: string): string => (c === '\n' ? '\n' : blankStrings ? ' ' : c);
  while (i < text.length) {
    const c = text[i]!;
    const next = text[i + 1];
    if (c === '/' && next === '/') {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (c === '/' && next === '*') {
      const end = text.indexOf('*/', i + 2);
      const stop = end < 0 ? text.length : end + 2;
      out += text.slice(i, stop).replace(/[^\n]/g, ' ');
      i = stop;
    } else if (c === "'" || c === '"') {
      out += c;
      i++;
      while (i < text.length && text[i] !== c && text[i] !== '\n') {
        if (text[i] === '\\') { out += keep(text[i]!); i++; }
        out += keep(text[i]!);
        i++;
      }
      out += text[i] ?? '';
      i++;
    } else if (c === '`' || (c === '}' && templates.length && templates[templates.length - 1] === 0)) {
      if (c === '}') templates.pop();
      out += c;
      i++;
      while (i < text.length && text[i] !== '`' && !(text[i] === '$' && text[i + 1] === '{')) {
        if (text[i] === '\\') { out += keep(text[i]!); i++; }
        out += keep(text[i]!);
        i++;
      }
      if (text[i] === '$') {
        out += '${';
        i += 2;
        templates.push(0);
      } else {
        out += text[i] ?? '';
        i++;
      }
    } else {
      if (templates.length) {
        if (c === '{') templates[templates.length - 1]!++;
        else if (c === '}') templates[templates.length - 1]!--;
      }
      out += c;
      i++;
    }
  }
  return out;
}

export interface FunctionSpan {
  file: string;
  line: number;
  lines: number;
  head: string;
}

/** Where a body starts: the `{` that ends a function's header line (signatures are one line here), or an arrow's `=> {`. */
const STARTS = [
  /\bfunction\b[^\n]*\{[ \t]*$/gm,
  /=>\s*\{/g,
  // Methods of classes and object literals: name(...) { ending the line.
  /^[ \t]*(?:(?:public|private|protected|static|async|override|get|set)\s+)*[A-Za-z_$][\w$]*\s*(?:<[^>]*>)?\([^\n]*\)[^\n]*\{[ \t]*$/gm,
];

/** Every function body in `file` (declarations, expressions, arrows with a block, methods) with its length in lines. */
export function functionSpans(file: string): FunctionSpan[] {
  const code = codeOf(readFileSync(file, 'utf8'), true);
  const lineAt = (at: number): number => code.slice(0, at).split('\n').length;
  const seen = new Set<number>();
  const spans: FunctionSpan[] = [];
  for (const re of STARTS) {
    for (const m of code.matchAll(re)) {
      const open = m.index + m[0].length - 1;
      if (seen.has(open)) continue;
      seen.add(open);
      if (/^\s*(if|for|while|switch|catch|return)\b/.test(m[0])) continue;
      let depth = 0;
      let close = open;
      for (; close < code.length; close++) {
        if (code[close] === '{') depth++;
        else if (code[close] === '}' && --depth === 0) break;
      }
      const start = lineAt(m.index + m[0].search(/\S/));
      spans.push({ file, line: start, lines: lineAt(close) - start + 1, head: m[0].trim().slice(0, 60) });
    }
  }
  return spans;
}
