// Reusable loader: read a YAML file, validate it with a zod schema, report every problem with file:line:column.
import { readFile } from 'node:fs/promises';
import type { z } from 'zod';
import { ConfigError, ConfigErrors } from './errors.js';
import { parseYaml } from './yaml-positions.js';
import type { ParsedYaml, ParseYamlOptions } from './yaml-positions.js';
import { issuesToConfigErrors } from './zod-issues.js';

/** Throws nothing for no errors, the error itself for one, ConfigErrors for several. */
export function throwCollected(errors: readonly ConfigError[]): void {
  if (errors.length === 1) throw errors[0]!;
  if (errors.length > 1) throw new ConfigErrors([...errors]);
}

export async function readConfigFile(file: string, field?: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'file not found' : code === 'EISDIR' ? 'is a directory, expected a file' : `cannot read file (${code ?? 'error'})`;
    throw new ConfigError({ file }, field, why, { cause: err });
  }
}

/** Parses text; throws the syntax errors; returns the parsed document and its plain JS value. */
export function parseYamlOrThrow(text: string, file: string, opts: ParseYamlOptions = {}): { parsed: ParsedYaml; data: unknown } {
  const { parsed, errors } = parseYaml(text, file, opts);
  throwCollected(errors);
  return { parsed, data: parsed.doc.toJS({ maxAliasCount: 1000 }) as unknown };
}

export function validateYamlText<S extends z.ZodType>(text: string, file: string, schema: S, opts: ParseYamlOptions = {}): z.output<S> {
  const { parsed, data } = parseYamlOrThrow(text, file, opts);
  const result = schema.safeParse(data);
  if (!result.success) throwCollected(issuesToConfigErrors(result.error.issues, parsed, data, { schema }));
  return (result as { data: z.output<S> }).data;
}

/** Reads and validates one YAML file; errors name the file, line, column and field (e.g. `clouds.lab.auth.auth_url`). */
export async function validateYamlFile<S extends z.ZodType>(file: string, schema: S, opts: ParseYamlOptions = {}): Promise<z.output<S>> {
  return validateYamlText(await readConfigFile(file), file, schema, opts);
}
