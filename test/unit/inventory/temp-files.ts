// Test helper: writes small inventory/playbook trees into a temp dir and checks positioned ConfigErrors.
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'vitest';
import { ConfigError, ConfigErrors } from '../../../src/util/errors.js';

const dirs: string[] = [];

/** Creates files (relative path → content) under a fresh temp dir; returns the dir. */
export function writeTree(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mds-inv-'));
  dirs.push(dir);
  for (const [rel, content] of Object.entries(files)) {
    const full = path.join(dir, rel);
    mkdirSync(path.dirname(full), { recursive: true });
    writeFileSync(full, content);
  }
  return dir;
}

export function cleanupTrees(): void {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
}

/** Every ConfigError inside what was thrown (a lone ConfigError or a ConfigErrors bundle). */
export function configErrorsOf(err: unknown): ConfigError[] {
  if (err instanceof ConfigErrors) return err.errors;
  if (err instanceof ConfigError) return [err];
  throw new Error(`expected a ConfigError, got: ${String(err)}`);
}

export async function catchConfigErrors(fn: () => unknown): Promise<ConfigError[]> {
  try {
    await fn();
  } catch (err) {
    return configErrorsOf(err);
  }
  throw new Error('expected a ConfigError, but nothing was thrown');
}

/** Asserts one of the errors is at file:line (and column when given), names the field and says `text`. */
export function expectErrorAt(errors: ConfigError[], want: { file: string; line: number; column?: number; field: string; text: RegExp | string }): ConfigError {
  const hit = errors.find((e) => e.location.file === want.file && e.location.line === want.line && e.field === want.field);
  expect(hit, `no error at ${want.file}:${want.line} for ${want.field}; got:\n${errors.map((e) => e.message).join('\n')}`).toBeDefined();
  if (want.column !== undefined) expect(hit!.location.column).toBe(want.column);
  expect(hit!.message).toContain(`${want.file}:${want.line}:`);
  expect(hit!.message).toContain(want.field);
  if (typeof want.text === 'string') expect(hit!.message).toContain(want.text);
  else expect(hit!.message).toMatch(want.text);
  return hit!;
}
