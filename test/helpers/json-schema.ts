// A compact JSON Schema validator for the subset the report schema uses (type, properties, required,
// additionalProperties, items, enum, const, $ref to $defs); any other keyword throws, so nothing is silently ignored.

type Schema = boolean | { [k: string]: unknown };

const ANNOTATIONS = new Set(['$schema', '$id', 'title', 'description', '$defs', 'definitions', '$comment']);
const SUPPORTED = new Set(['type', 'properties', 'required', 'additionalProperties', 'items', 'enum', 'const', '$ref']);

function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

function matchesType(v: unknown, t: string): boolean {
  switch (t) {
    case 'integer':
      return typeof v === 'number' && Number.isInteger(v);
    case 'number':
      return typeof v === 'number' && Number.isFinite(v);
    case 'object':
    case 'array':
    case 'string':
    case 'boolean':
    case 'null':
      return typeOf(v) === t;
    default:
      throw new Error(`unsupported type ${JSON.stringify(t)}`);
  }
}

/** Deep equality of JSON values (enum and const compare by value, not identity). */
function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeOf(a) !== typeOf(b) || typeof a !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) return a.length === (b as unknown[]).length && a.every((x, i) => jsonEqual(x, (b as unknown[])[i]));
  const ka = Object.keys(a);
  const kb = Object.keys(b as object);
  return ka.length === kb.length && ka.every((k) => jsonEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

function resolveRef(root: Schema, ref: string): Schema {
  const m = /^#\/(\$defs|definitions)\/([^/]+)$/.exec(ref);
  if (!m || typeof root !== 'object') throw new Error(`unsupported $ref ${ref}`);
  const defs = root[m[1]!] as Record<string, Schema> | undefined;
  const target = defs?.[m[2]!];
  if (target === undefined) throw new Error(`unresolved $ref ${ref}`);
  return target;
}

function pointer(path: string, key: string | number): string {
  return `${path}/${String(key).replace(/~/g, '~0').replace(/\//g, '~1')}`;
}

function check(root: Schema, schema: Schema, value: unknown, path: string, errors: string[]): void {
  if (schema === true) return;
  if (schema === false) {
    errors.push(`${path || '/'}: not allowed`);
    return;
  }
  for (const key of Object.keys(schema)) {
    if (!SUPPORTED.has(key) && !ANNOTATIONS.has(key)) throw new Error(`unsupported schema keyword ${key} at ${path || '/'}`);
  }
  const at = path || '/';
  if (typeof schema.$ref === 'string') check(root, resolveRef(root, schema.$ref), value, path, errors);
  if (schema.type !== undefined) {
    const types = Array.isArray(schema.type) ? (schema.type as string[]) : [schema.type as string];
    if (!types.some((t) => matchesType(value, t))) {
      errors.push(`${at}: expected ${types.join(' or ')}, got ${typeOf(value)}`);
      return;
    }
  }
  if ('const' in schema && !jsonEqual(value, schema.const)) errors.push(`${at}: expected ${JSON.stringify(schema.const)}`);
  if (Array.isArray(schema.enum) && !schema.enum.some((e) => jsonEqual(e, value))) {
    errors.push(`${at}: ${JSON.stringify(value)} is not one of ${JSON.stringify(schema.enum)}`);
  }
  if (typeOf(value) === 'object') {
    const obj = value as Record<string, unknown>;
    const props = (schema.properties ?? {}) as Record<string, Schema>;
    for (const req of (schema.required ?? []) as string[]) {
      if (!Object.hasOwn(obj, req)) errors.push(`${at}: missing required property ${req}`);
    }
    for (const [k, v] of Object.entries(obj)) {
      const sub = props[k];
      if (sub !== undefined) check(root, sub, v, pointer(path, k), errors);
      else if (schema.additionalProperties !== undefined) {
        if (schema.additionalProperties === false) errors.push(`${at}: unexpected property ${k}`);
        else check(root, schema.additionalProperties as Schema, v, pointer(path, k), errors);
      }
    }
  }
  if (Array.isArray(value) && schema.items !== undefined) {
    value.forEach((item, i) => check(root, schema.items as Schema, item, pointer(path, i), errors));
  }
}

/** Every violation as 'json-pointer: problem'; empty when the value is valid. */
export function validateJsonSchema(schema: unknown, value: unknown): string[] {
  const errors: string[] = [];
  check(schema as Schema, schema as Schema, value, '', errors);
  return errors;
}
