// The JSON Schema files the repository ships, as generated now: path (from the repository root) → file content.
import { playbookJsonSchema, PLAYBOOK_SCHEMA_FILE } from '../../src/playbook/json-schema.js';
import { REPORT_JSON_SCHEMA, REPORT_SCHEMA_FILE } from '../../src/report/json-schema.js';
import { stepSchemas } from '../../src/steps/registry.js';

export function schemaFiles(): Record<string, string> {
  const text = (v: unknown): string => `${JSON.stringify(v, null, 2)}\n`;
  return { [PLAYBOOK_SCHEMA_FILE]: text(playbookJsonSchema(stepSchemas())), [REPORT_SCHEMA_FILE]: text(REPORT_JSON_SCHEMA) };
}
