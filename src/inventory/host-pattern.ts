// Ansible host patterns (hosts:, --limit): unions, :& intersections, :! exclusions, globs, ~regex, [n] slices, @file.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../util/errors.js';
import type { SourceLocation } from '../util/errors.js';
import { globToRegExp } from './fnmatch.js';

/** What patterns are matched against; host lists are in inventory order. */
export interface PatternUniverse {
  hostNames(): readonly string[];
  groupNames(): readonly string[];
  groupHosts(group: string): readonly string[];
}

export interface PatternOptions {
  /** Where the pattern was written (playbook hosts: line, or the CLI option); default "--limit". */
  location?: SourceLocation;
  field?: string;
  /** Directory @file paths are relative to; default the current directory. */
  cwd?: string;
}

const SUBSCRIPT = /^(.+)\[(?:(-?\d+)|(\d+)([:-])(\d*))\]$/;
const IPV6 = /^[0-9A-Fa-f]*:[0-9A-Fa-f]*:[0-9A-Fa-f:.]*$/;

/** Ansible's split_host_pattern: commas if any, else colons outside [brackets]; a bare IPv6 address stays whole. */
export function splitHostPattern(pattern: string | readonly string[]): string[] {
  if (typeof pattern !== 'string') return pattern.flatMap((p) => splitHostPattern(p));
  let parts: string[];
  if (pattern.includes(',')) parts = pattern.split(',');
  else if (IPV6.test(pattern.trim())) parts = [pattern];
  else parts = pattern.match(/(?:[^\s:[\]]|\[[^\]]*\])+/g) ?? [];
  return parts.map((p) => p.trim()).filter((p) => p !== '');
}

/** Ansible's order: plain terms (unions) first, then &intersections, then !exclusions; no plain term means 'all'. */
export function orderPatterns(terms: readonly string[]): string[] {
  const plain = terms.filter((t) => !t.startsWith('&') && !t.startsWith('!'));
  const and = terms.filter((t) => t.startsWith('&'));
  const not = terms.filter((t) => t.startsWith('!'));
  return [...(plain.length === 0 ? ['all'] : plain), ...and, ...not];
}

function fail(opts: PatternOptions, problem: string): never {
  throw new ConfigError(opts.location ?? { file: '--limit' }, opts.field ?? 'hosts', problem);
}

/** `@file` terms are replaced by the file's lines (one pattern per line; blank lines ignored), as --limit @file does. */
function expandFileTerms(terms: string[], opts: PatternOptions): string[] {
  const out: string[] = [];
  for (const t of terms) {
    if (!t.startsWith('@')) {
      out.push(t);
      continue;
    }
    const file = path.resolve(opts.cwd ?? process.cwd(), t.slice(1));
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      fail(opts, `cannot read limit file ${file} (from pattern "${t}")`);
    }
    out.push(...splitHostPattern(text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '')));
  }
  return out;
}

function matchTerm(u: PatternUniverse, term: string, opts: PatternOptions): string[] {
  const regexTerm = term.startsWith('~');
  let expr = term;
  let sub: [number, number | undefined] | undefined;
  const m = regexTerm ? null : SUBSCRIPT.exec(term);
  if (m) {
    expr = m[1]!;
    sub = m[2] !== undefined ? [Number(m[2]), undefined] : [Number(m[3]), m[5] === '' ? -1 : Number(m[5])];
  }
  let re: RegExp;
  try {
    // Ansible anchors regexes at the start only (re.match), globs at both ends.
    re = regexTerm ? new RegExp(`^(?:${expr.slice(1)})`) : globToRegExp(expr);
  } catch {
    fail(opts, `invalid regular expression in host pattern "${term}"`);
  }
  const groups = u.groupNames().filter((g) => re.test(g));
  let hosts: string[] = groups.flatMap((g) => [...u.groupHosts(g)]);
  if (groups.length === 0 || regexTerm || /[.?*[]/.test(expr)) hosts = [...hosts, ...u.hostNames().filter((h) => re.test(h))];
  if (groups.length === 0 && hosts.length === 0) fail(opts, `host pattern "${term}" matches no host and no group in the inventory`);
  hosts = [...new Set(hosts)];
  if (!sub) return hosts;
  const [start, end] = sub;
  if (end === undefined) {
    const h = hosts[start < 0 ? hosts.length + start : start];
    if (h === undefined) fail(opts, `host pattern "${term}": index ${start} is out of range (${expr} has ${hosts.length} hosts)`);
    return [h];
  }
  const last = end === -1 ? hosts.length - 1 : end;
  if (start >= hosts.length) fail(opts, `host pattern "${term}": start ${start} is out of range (${expr} has ${hosts.length} hosts)`);
  return hosts.slice(start, last + 1);
}

/** Host names selected by a pattern, in Ansible's order; an unknown term or an empty result is a ConfigError. */
export function selectHostNames(u: PatternUniverse, pattern: string | readonly string[], opts: PatternOptions = {}): string[] {
  const text = typeof pattern === 'string' ? pattern : pattern.join(',');
  const terms = orderPatterns(expandFileTerms(splitHostPattern(pattern), opts));
  let result: string[] = [];
  let hosts: Set<string> | undefined;
  for (const raw of terms) {
    const op = raw[0] === '&' || raw[0] === '!' ? raw[0] : '';
    const term = op === '' ? raw : raw.slice(1);
    if (term === '') fail(opts, `empty term after "${op}" in host pattern "${text}"`);
    hosts ??= new Set(u.hostNames());
    // Ansible's _evaluate_patterns: a term that is exactly a host's name is that host, before any group of the same
    // name is looked at (only for plain terms: "&x" and "!x" are never host names, so they go through the groups).
    const matched = op === '' && hosts.has(raw) ? [raw]
      : term === 'all' || term === '*' ? [...u.hostNames()] : matchTerm(u, term, opts);
    if (op === '!') {
      const drop = new Set(matched);
      result = result.filter((h) => !drop.has(h));
    } else if (op === '&') {
      const keep = new Set(matched);
      result = result.filter((h) => keep.has(h));
    } else {
      const have = new Set(result);
      for (const h of matched) if (!have.has(h)) have.add(h) && result.push(h);
    }
  }
  if (result.length === 0) fail(opts, `host pattern "${text}" selects no hosts`);
  return result;
}
