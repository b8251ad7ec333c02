// YAML parsing that keeps positions: syntax errors as ConfigErrors, and the file:line:column of any node by its path.
import { isAlias, isMap, isNode, isPair, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import type { Document, Node, Pair } from 'yaml';
import { ConfigError } from './errors.js';
import { pyyamlScalarTags } from './pyyaml-scalars.js';
import type { SourceLocation } from './errors.js';

export type PathSegment = string | number;

export interface ParsedYaml {
  file: string;
  doc: Document.Parsed;
  lines: LineCounter;
}

export interface ParseYamlOptions {
  /** '1.1' resolves plain scalars as Ansible's PyYAML does (yes/no booleans, 1:30 sexagesimal); '1.2' (default) does not. */
  version?: '1.1' | '1.2';
}

/** Parses one YAML (or JSON) document; returns the syntax problems instead of throwing so callers can collect them. */
export function parseYaml(text: string, file: string, opts: ParseYamlOptions = {}): { parsed: ParsedYaml; errors: ConfigError[] } {
  const lines = new LineCounter();
  const doc = parseDocument(text, {
    lineCounter: lines,
    uniqueKeys: true,
    merge: true,
    prettyErrors: false,
    version: opts.version ?? '1.2',
    ...(opts.version === '1.1' ? { customTags: pyyamlScalarTags } : {}),
  });
  const parsed: ParsedYaml = { file, doc, lines };
  // yaml places DUPLICATE_KEY at the end of the previous entry; the repeated key itself is what the reader must find.
  const errors = doc.errors
    .filter((e) => e.code !== 'DUPLICATE_KEY')
    .map((e) => new ConfigError({ file, ...offsetPosition(parsed, e.pos[0]) }, undefined, `invalid YAML: ${cleanYamlMessage(e.message)}`));
  if (doc.errors.some((e) => e.code === 'DUPLICATE_KEY')) errors.push(...duplicateKeys(parsed, doc.contents, []));
  errors.sort((a, b) => (a.location.line ?? 0) - (b.location.line ?? 0));
  return { parsed, errors };
}

function duplicateKeys(parsed: ParsedYaml, node: unknown, path: PathSegment[]): ConfigError[] {
  const out: ConfigError[] = [];
  if (isMap(node)) {
    const seen = new Map<string, unknown>();
    for (const pair of node.items) {
      const key = keyText(pair);
      if (key === undefined) continue;
      const first = seen.get(key);
      if (first !== undefined && key !== '<<') {
        const firstLine = nodeLocation(parsed, first).line;
        out.push(new ConfigError(nodeLocation(parsed, pair.key), formatPath([...path, key]), `duplicate key "${key}" (first written on line ${firstLine}): each key may appear only once in a mapping`));
      } else seen.set(key, pair.key);
      out.push(...duplicateKeys(parsed, pair.value, [...path, key]));
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, i) => out.push(...duplicateKeys(parsed, item, [...path, i])));
  }
  return out;
}

function cleanYamlMessage(message: string): string {
  const first = message.split('\n')[0] ?? message;
  return first.replace(/ at line \d+, column \d+:?$/, '').trim();
}

export function offsetPosition(parsed: ParsedYaml, offset: number): { line: number; column: number } {
  const p = parsed.lines.linePos(offset);
  return { line: p.line, column: p.col };
}

/** Where a node starts; the file's first line when the node is unknown (an empty document). */
export function nodeLocation(parsed: ParsedYaml, node: unknown): SourceLocation {
  if (isNode(node) && node.range) return { file: parsed.file, ...offsetPosition(parsed, node.range[0]) };
  return { file: parsed.file, line: 1, column: 1 };
}

function deref(parsed: ParsedYaml, node: unknown): unknown {
  let n = node;
  for (let i = 0; i < 64 && isAlias(n); i++) n = n.resolve(parsed.doc);
  return n;
}

function keyText(pair: Pair): string | undefined {
  const k = pair.key;
  // yaml represents the merge key `<<` by a Symbol value.
  if (isScalar(k)) return typeof k.value === 'symbol' ? (k.value.description ?? '<<') : String(k.value);
  if (k === null || k === undefined) return undefined;
  return String(k);
}

/** The pair for `key` in a mapping node, looking through `<<` merge keys as YAML 1.1 merges do. */
export function findPair(parsed: ParsedYaml, mapNode: unknown, key: string, depth = 0): Pair | undefined {
  const map = deref(parsed, mapNode);
  if (!isMap(map) || depth > 16) return undefined;
  let merged: Pair | undefined;
  for (const pair of map.items) {
    const k = keyText(pair);
    if (k === key) return pair;
    if (k === '<<' && merged === undefined) {
      const src = deref(parsed, pair.value);
      const sources = isSeq(src) ? src.items : [src];
      for (const s of sources) {
        merged = findPair(parsed, s, key, depth + 1);
        if (merged) break;
      }
    }
  }
  return merged;
}

/** The node at a path (keys and sequence indexes); undefined when the path leaves the document. */
export function nodeAt(parsed: ParsedYaml, path: readonly PathSegment[]): { node: unknown; keyNode?: unknown } | undefined {
  let node: unknown = parsed.doc.contents;
  let keyNode: unknown;
  for (const seg of path) {
    const cur = deref(parsed, node);
    if (isSeq(cur) && typeof seg === 'number') {
      node = cur.items[seg];
      keyNode = undefined;
      if (node === undefined) return undefined;
    } else if (isMap(cur)) {
      const pair = findPair(parsed, cur, String(seg));
      if (!pair) return undefined;
      node = pair.value;
      keyNode = pair.key;
    } else {
      return undefined;
    }
  }
  return { node, keyNode };
}

/**
 * Location of the deepest node along `path` that exists. With `atKey`, points at the key rather than its value
 * (what a reader wants for "unknown key" or for a value left empty).
 */
export function locate(parsed: ParsedYaml, path: readonly PathSegment[], opts: { atKey?: boolean } = {}): SourceLocation {
  for (let n = path.length; n >= 0; n--) {
    const found = nodeAt(parsed, path.slice(0, n));
    if (!found) continue;
    const valueHasPos = isNode(found.node) && found.node.range !== undefined && found.node.range !== null;
    const preferKey = (opts.atKey === true && n === path.length) || !valueHasPos;
    if (preferKey && isNode(found.keyNode)) return nodeLocation(parsed, found.keyNode);
    if (valueHasPos) return nodeLocation(parsed, found.node);
    if (isPair(found.node)) return nodeLocation(parsed, found.node.key);
  }
  return { file: parsed.file, line: 1, column: 1 };
}

/** `steps[2].reboot.timeout`: how a field is named in messages. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else {
      const s = String(seg);
      const plain = /^[A-Za-z_][A-Za-z0-9_-]*$/.test(s);
      out += plain ? (out === '' ? s : `.${s}`) : `[${JSON.stringify(s)}]`;
    }
  }
  return out;
}

export interface MapEntry {
  key: string;
  keyNode: unknown;
  /** The value node (aliases resolved); null/undefined for `key:` with nothing after it. */
  value: unknown;
}

/** A mapping's entries in order, with `<<` merges expanded (own keys override merged ones); undefined if not a mapping. */
export function mapEntries(parsed: ParsedYaml, node: unknown, depth = 0): MapEntry[] | undefined {
  const map = deref(parsed, node);
  if (!isMap(map)) return undefined;
  const own: MapEntry[] = [];
  const merged: MapEntry[] = [];
  for (const pair of map.items) {
    const key = keyText(pair);
    if (key === undefined) continue;
    if (key === '<<' && depth < 16) {
      const src = deref(parsed, pair.value);
      for (const s of isSeq(src) ? src.items : [src]) merged.push(...(mapEntries(parsed, s, depth + 1) ?? []));
      continue;
    }
    own.push({ key, keyNode: pair.key, value: deref(parsed, pair.value) });
  }
  const ownKeys = new Set(own.map((e) => e.key));
  const seen = new Set<string>();
  const fromMerge = merged.filter((e) => !ownKeys.has(e.key) && !seen.has(e.key) && seen.add(e.key));
  return [...fromMerge, ...own];
}

/** Items of a sequence node (aliases resolved); undefined if not a sequence. */
export function seqItems(parsed: ParsedYaml, node: unknown): unknown[] | undefined {
  const seq = deref(parsed, node);
  return isSeq(seq) ? seq.items.map((i) => deref(parsed, i)) : undefined;
}

/** Plain JS value of a node (scalars, mappings, sequences); null for an empty value. */
export function toPlain(parsed: ParsedYaml, node: unknown): unknown {
  const n = deref(parsed, node);
  if (n === null || n === undefined) return null;
  if (isNode(n)) return n.toJS(parsed.doc, { maxAliasCount: 1000 }) as unknown;
  return n;
}

export function isEmptyNode(parsed: ParsedYaml, node: unknown): boolean {
  const n = deref(parsed, node);
  return n === null || n === undefined || (isScalar(n) && n.value === null);
}

/** "a mapping" / "a list" / "string \"x\"": how a node is named when it has the wrong shape. */
export function describeNode(parsed: ParsedYaml, node: unknown): string {
  const n = deref(parsed, node);
  if (isMap(n)) return 'a mapping';
  if (isSeq(n)) return 'a list';
  if (isScalar(n)) return n.value === null ? 'nothing' : `${typeof n.value === 'string' ? 'string ' : ''}${JSON.stringify(n.value)}`;
  return 'nothing';
}
