// Tests the compact JSON Schema validator in test/helpers: it must accept valid documents and reject each kind of bad one.
import { describe, expect, it } from 'vitest';
import { validateJsonSchema } from '../../helpers/json-schema.js';

const schema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  type: 'object',
  required: ['id', 'kind', 'items'],
  additionalProperties: false,
  properties: {
    id: { type: 'integer' },
    kind: { enum: ['a', 'b'] },
    version: { const: 1 },
    name: { type: ['string', 'null'] },
    items: { type: 'array', items: { $ref: '#/$defs/item' } },
    tags: { type: 'object', additionalProperties: { type: 'boolean' } },
    anything: {},
  },
  $defs: {
    item: { type: 'object', required: ['n'], additionalProperties: false, properties: { n: { type: 'number' } } },
  },
};

const good = { id: 3, kind: 'a', version: 1, name: null, items: [{ n: 1.5 }], tags: { x: true }, anything: [1, { z: 2 }] };

describe('validateJsonSchema', () => {
  it('accepts a valid document', () => {
    expect(validateJsonSchema(schema, good)).toEqual([]);
  });

  it.each([
    ['a wrong type', { ...good, id: 'three' }, '/id: expected integer'],
    ['a fraction where an integer is wanted', { ...good, id: 1.5 }, '/id: expected integer'],
    ['a missing required property', { kind: 'a', items: [] }, 'missing required property id'],
    ['an unexpected property', { ...good, extra: 1 }, 'unexpected property extra'],
    ['a value outside the enum', { ...good, kind: 'c' }, '/kind: "c" is not one of'],
    ['a const mismatch', { ...good, version: 2 }, '/version: expected 1'],
    ['a bad item through $ref', { ...good, items: [{ n: 1 }, { n: 'x' }] }, '/items/1/n: expected number'],
    ['an extra property inside a $ref target', { ...good, items: [{ n: 1, m: 2 }] }, '/items/0: unexpected property m'],
    ['a bad additionalProperties value', { ...good, tags: { x: 'yes' } }, '/tags/x: expected boolean'],
    ['null where only string or null is fine but a number came', { ...good, name: 5 }, '/name: expected string or null'],
    ['an array where an object is wanted', [], ': expected object'],
    ['NaN as a number', { ...good, items: [{ n: NaN }] }, '/items/0/n: expected number'],
  ])('rejects %s', (_what, doc, message) => {
    const errors = validateJsonSchema(schema, doc);
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.join('\n')).toContain(message);
  });

  it('compares const and enum values deeply', () => {
    const s = { const: { a: [1, 2] } };
    expect(validateJsonSchema(s, { a: [1, 2] })).toEqual([]);
    expect(validateJsonSchema(s, { a: [2, 1] })).not.toEqual([]);
  });

  it('refuses keywords it does not implement instead of ignoring them', () => {
    expect(() => validateJsonSchema({ type: 'string', minLength: 3 }, 'ab')).toThrow(/unsupported schema keyword minLength/);
    expect(() => validateJsonSchema({ $ref: 'other.json#/x' }, 1)).toThrow(/unsupported \$ref/);
    expect(() => validateJsonSchema({ $ref: '#/$defs/missing', $defs: {} }, 1)).toThrow(/unresolved/);
  });

  it('treats false as rejecting everything and true as accepting everything', () => {
    expect(validateJsonSchema({ type: 'object', properties: { x: false } }, { x: 1 })).toEqual(['/x: not allowed']);
    expect(validateJsonSchema(true, { x: 1 })).toEqual([]);
  });
});
