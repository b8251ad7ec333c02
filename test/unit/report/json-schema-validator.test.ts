// The test helper's JSON Schema validation (Ajv, strict): pointers to each violation, and a broken schema is an error.
import { describe, expect, it } from 'vitest';
import { validateJsonSchema } from '../../helpers/json-schema.js';

describe('validateJsonSchema', () => {
  const schema = {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    type: 'object',
    required: ['n', 'items'],
    additionalProperties: false,
    properties: { n: { type: 'integer' }, items: { type: 'array', items: { $ref: '#/$defs/item' } } },
    $defs: { item: { enum: ['a', 'b'] } },
  };

  it('accepts a valid document', () => {
    expect(validateJsonSchema(schema, { n: 1, items: ['a', 'b'] })).toEqual([]);
  });

  it('names every violation by JSON pointer', () => {
    expect(validateJsonSchema(schema, { n: 1.5, items: ['a', 'c'], x: true }).sort()).toEqual([
      '/: must NOT have additional properties (x)',
      '/items/1: must be equal to one of the allowed values',
      '/n: must be integer',
    ]);
  });

  it('refuses a schema with an unknown keyword instead of ignoring it (strict)', () => {
    expect(() => validateJsonSchema({ type: 'string', minLenght: 3 }, 'ab')).toThrow(/unknown keyword/);
  });
});
