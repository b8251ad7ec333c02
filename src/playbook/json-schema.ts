// The playbook's JSON Schema (draft-07, which every yaml-language-server reads), generated from the zod schemas the loader uses.
import { z } from 'zod';
import { duration } from '../util/duration.js';
import type { StepSchemas } from './load-playbook.js';
import { playbookSchema, serialSchema } from './schema.js';

type Json = Record<string, unknown>;

/** Where the committed file lives, relative to the repository root (test/schemas/write-schemas.ts writes it). */
export const PLAYBOOK_SCHEMA_FILE = 'playbooks/schema/playbook.schema.json';

/** A lone "{{ name }}" takes the var's value and type (src/playbook/interpolate.ts): any step param may be one. */
const TEMPLATE: Json = { type: 'string', pattern: '\\{\\{.*\\}\\}', description: 'a "{{ var }}" template, replaced by the value of a playbook var' };

const DURATION: Json = {
  anyOf: [
    { type: 'number', minimum: 0, description: 'seconds' },
    { type: 'string', pattern: '^\\s*\\d+(\\.\\d+)?\\s*(ms|s|m|h)?\\s*$', description: 'a duration such as 30s, 15m, 1h or 500ms' },
  ],
};

/** A count >= min or "N%"; the loader checks the range of a percentage, a pattern cannot. */
function countOrPercent(min: number): Json {
  return {
    anyOf: [
      { type: 'integer', minimum: min },
      { type: 'string', pattern: '^\\s*\\d+(\\.\\d+)?\\s*%\\s*$', description: `a percentage "N%" (${min}..100)` },
      { type: 'string', pattern: '^\\s*\\d+\\s*$' },
    ],
  };
}

/** The parts zod cannot say (they are transforms): written here as what the transforms accept. */
function override(ctx: { zodSchema: unknown; jsonSchema: Json }): void {
  if (ctx.zodSchema === duration) replace(ctx.jsonSchema, DURATION);
  else if (ctx.zodSchema === serialSchema) replace(ctx.jsonSchema, { anyOf: [countOrPercent(1), { type: 'array', minItems: 1, items: countOrPercent(1) }] });
}

function replace(target: Json, by: Json): void {
  const keep = Object.fromEntries(Object.entries(target).filter(([k]) => k === 'default' || k === 'description'));
  for (const k of Object.keys(target)) delete target[k];
  Object.assign(target, by, keep);
}

function toJson(schema: z.ZodType): Json {
  const out = z.toJSONSchema(schema, { target: 'draft-7', io: 'input', unrepresentable: 'any', override }) as Json;
  delete out['$schema'];
  return out;
}

/** Every typed value in step params may also be a template: each leaf and object that is not a plain string says so. */
function allowTemplates(s: Json, wrap = true): Json {
  const out: Json = { ...s };
  if (s['properties']) out['properties'] = Object.fromEntries(Object.entries(s['properties'] as Record<string, Json>).map(([k, v]) => [k, allowTemplates(v)]));
  if (s['additionalProperties'] && typeof s['additionalProperties'] === 'object') out['additionalProperties'] = allowTemplates(s['additionalProperties'] as Json);
  if (s['items'] && typeof s['items'] === 'object') out['items'] = allowTemplates(s['items'] as Json);
  // Alternatives get the template as one more alternative, not one per branch.
  if (Array.isArray(s['anyOf'])) {
    out['anyOf'] = [...(s['anyOf'] as Json[]).map((b) => allowTemplates(b, false)), TEMPLATE];
    return out;
  }
  const plainString = s['type'] === 'string' && !s['pattern'] && !s['enum'] && !('const' in s);
  if (!wrap || plainString || Object.keys(s).length === 0) return out;
  const { default: dflt, description, ...rest } = out;
  return { anyOf: [rest, TEMPLATE], ...(dflt !== undefined ? { default: dflt } : {}), ...(description ? { description } : {}) };
}

/** One list item of steps: a step id alone, or a one-key mapping from the id to its params (null = none). */
function stepItem(stepSchemas: StepSchemas): Json {
  const ids = Object.keys(stepSchemas);
  const forms = ids.map((id) => ({
    type: 'object',
    title: id,
    properties: { [id]: { anyOf: [allowTemplates(toJson(stepSchemas[id]!)), { type: 'null' }] } },
    required: [id],
    additionalProperties: false,
  }));
  return { anyOf: [{ type: 'string', enum: ids }, ...forms] };
}

export function playbookJsonSchema(stepSchemas: StepSchemas): Json {
  const top = toJson(playbookSchema);
  const props = top['properties'] as Record<string, Json>;
  replace(props['failure_budget']!, countOrPercent(0));
  props['steps'] = { ...props['steps'], items: stepItem(stepSchemas) };
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: 'https://mds-orchestrate.invalid/schema/playbook.schema.json',
    title: 'mds-orchestrate playbook',
    description: 'Generated from the zod schemas in src/playbook and src/steps by test/schemas/write-schemas.ts; do not edit by hand.',
    ...top,
  };
}
