// JSON Schema validation with a real validator (Ajv, strict; draft-07 or 2020-12 as the schema says): violations as 'json-pointer: problem'.
import { Ajv } from 'ajv';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';

const compiled = new WeakMap<object, ValidateFunction>();

/** One Ajv per schema; strict mode makes an unknown keyword or a contradictory schema an error, never silently ignored. */
export function compileJsonSchema(schema: object): ValidateFunction {
  let validate = compiled.get(schema);
  if (!validate) {
    const draft7 = String((schema as { $schema?: unknown }).$schema ?? '').includes('draft-07');
    const options = { strict: true, allErrors: true, allowUnionTypes: true };
    validate = (draft7 ? new Ajv(options) : new Ajv2020(options)).compile(schema);
    compiled.set(schema, validate);
  }
  return validate;
}

function describe(e: ErrorObject): string {
  const extra = e.keyword === 'additionalProperties' ? ` (${String((e.params as { additionalProperty: string }).additionalProperty)})` : '';
  return `${e.instancePath || '/'}: ${e.message ?? e.keyword}${extra}`;
}

/** Every violation as 'json-pointer: problem'; empty when the value is valid. */
export function validateJsonSchema(schema: object, value: unknown): string[] {
  const validate = compileJsonSchema(schema);
  return validate(value) ? [] : (validate.errors ?? []).map(describe);
}

/** The raw errors, for tests that look at the path and keyword of each. */
export function jsonSchemaErrors(schema: object, value: unknown): ErrorObject[] {
  const validate = compileJsonSchema(schema);
  return validate(value) ? [] : [...(validate.errors ?? [])];
}
