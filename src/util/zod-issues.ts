// Turns zod issues into ConfigErrors that name the YAML position, the field path and what was expected.
import type { z } from 'zod';
import { ConfigError } from './errors.js';
import { formatPath, locate } from './yaml-positions.js';
import type { ParsedYaml, PathSegment } from './yaml-positions.js';

type Issue = z.core.$ZodIssue;

const SECRET_FIELD = /pass(word|phrase)?|secret|token|credential|private_?key/i;

/** A short rendering of a user value for messages; secrets (by field name) are never echoed. */
export function describeValue(value: unknown, path: readonly PropertyKey[] = []): string {
  if (path.some((p) => typeof p === 'string' && SECRET_FIELD.test(p))) return 'a value (not shown: secret field)';
  if (value === null || value === undefined) return 'nothing (empty value)';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  const text = JSON.stringify(value) ?? String(value);
  return `${typeof value === 'string' ? 'string ' : ''}${text.length > 60 ? `${text.slice(0, 57)}...` : text}`;
}

function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  let cur = data;
  for (const seg of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[seg];
  }
  return cur;
}

/** The sub-schema at a data path, for listing the allowed keys of a strict object. Best effort: undefined if unknown. */
function schemaAt(schema: z.ZodType | undefined, path: readonly PropertyKey[]): z.ZodType | undefined {
  let cur: unknown = schema;
  for (let i = 0; i <= path.length; i++) {
    for (let guard = 0; guard < 16; guard++) {
      const def = (cur as { _zod?: { def?: Record<string, unknown> } } | undefined)?._zod?.def;
      if (!def) return undefined;
      const inner = def['innerType'] ?? (def['type'] === 'pipe' ? def['in'] : undefined);
      if (inner === undefined) break;
      cur = inner;
    }
    if (i === path.length) break;
    const def = (cur as { _zod: { def: Record<string, unknown> } })._zod.def;
    const seg = path[i];
    if (def['type'] === 'object') cur = (def['shape'] as Record<string, unknown>)[String(seg)];
    else if (def['type'] === 'array') cur = def['element'];
    else if (def['type'] === 'record') cur = def['valueType'];
    else return undefined;
  }
  return cur as z.ZodType | undefined;
}

function allowedKeys(schema: z.ZodType | undefined, path: readonly PropertyKey[]): string[] | undefined {
  const s = schemaAt(schema, path) as { _zod?: { def?: { type?: string; shape?: Record<string, unknown> } } } | undefined;
  const def = s?._zod?.def;
  return def?.type === 'object' && def.shape ? Object.keys(def.shape) : undefined;
}

function expectedText(issue: Issue, data: unknown): string {
  const got = describeValue(valueAt(data, issue.path), issue.path);
  switch (issue.code) {
    case 'invalid_type':
      if (valueAt(data, issue.path) === undefined) return `a value is required (expected ${issue.expected})`;
      return `expected ${issue.expected}, got ${got}`;
    case 'invalid_value':
      return `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}, got ${got}`;
    case 'invalid_union': {
      if (issue.message && issue.message !== 'Invalid input') return issue.message;
      const branches = issue.errors.map((errs) => errs.map((e) => e.message.replace(/^Invalid input: /, '')).join('; '));
      return `no accepted form matched (got ${got}): ${branches.join(' | ')}`;
    }
    case 'invalid_format':
      return /^Invalid /.test(issue.message) ? `expected a valid ${issue.format}, got ${got}` : issue.message;
    case 'too_small':
    case 'too_big': {
      if (!/^Too (small|big)/.test(issue.message)) return issue.message;
      const bound = issue.code === 'too_small' ? issue.minimum : issue.maximum;
      const cmp = issue.code === 'too_small' ? (issue.inclusive ? '>=' : '>') : issue.inclusive ? '<=' : '<';
      if (issue.origin === 'array') return `expected ${issue.code === 'too_small' ? 'at least' : 'at most'} ${String(bound)} item(s), got ${Array.isArray(valueAt(data, issue.path)) ? (valueAt(data, issue.path) as unknown[]).length : got}`;
      if (issue.origin === 'number' || issue.origin === 'int' || issue.origin === 'bigint') return `expected a number ${cmp} ${String(bound)}, got ${got}`;
      return issue.message;
    }
    default:
      return issue.message.replace(/^Invalid input: /, '');
  }
}

/**
 * Maps issues to positioned errors. `basePath` prefixes issue paths when the schema validated only part of the
 * document (e.g. one step's params), so positions and field names stay those of the whole file.
 */
export function issuesToConfigErrors(
  issues: readonly Issue[],
  parsed: ParsedYaml,
  data: unknown,
  opts: { schema?: z.ZodType; basePath?: readonly PathSegment[] } = {},
): ConfigError[] {
  const base = opts.basePath ?? [];
  const out: ConfigError[] = [];
  for (const issue of issues) {
    const rel = issue.path.map((p) => (typeof p === 'number' ? p : String(p)));
    const full = [...base, ...rel];
    if (issue.code === 'unrecognized_keys') {
      const allowed = allowedKeys(opts.schema, rel);
      for (const key of issue.keys) {
        const hint = allowed === undefined ? '' : allowed.length === 0 ? '; no keys are accepted here' : `; expected one of: ${allowed.join(', ')}`;
        out.push(new ConfigError(locate(parsed, [...full, key], { atKey: true }), formatPath([...full, key]), `unknown key${hint}`));
      }
      continue;
    }
    const missing = valueAt(data, issue.path) === undefined;
    out.push(new ConfigError(locate(parsed, full, { atKey: missing }), formatPath(full) || '(document)', expectedText(issue, data)));
  }
  return out;
}
