// Where the shared upstream fixtures live (read-only, outside the project): <repo root>/../shared/fixtures.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const FIXTURES = path.resolve(REPO_ROOT, '../shared/fixtures');
export const haveFixtures = existsSync(FIXTURES);

// Under CI a missing fixtures folder is a broken checkout, not a reason to skip: fail every suite that imports this file.
if (!haveFixtures && process.env['CI'] === 'true') {
  throw new Error(`CI=true but the shared fixtures are missing at ${FIXTURES}: the conformance suites cannot run (check out ../shared next to the repository)`);
}

export function fixture(rel: string): string {
  return readFileSync(path.join(FIXTURES, rel), 'utf8');
}

/** Rows of a TSV fixture as objects keyed by the header line; '#' lines and blank lines skipped. */
export function tsv(rel: string): Record<string, string>[] {
  const [head, ...rows] = fixture(rel).split('\n').filter((l) => l.trim() !== '' && !l.startsWith('#'));
  const cols = (head ?? '').split('\t');
  return rows.map((r) => Object.fromEntries(r.split('\t').map((v, i) => [cols[i] ?? `c${i}`, v])));
}

/** Non-empty lines of a text fixture. */
export function lines(rel: string): string[] {
  return fixture(rel).split('\n').filter((l) => l.trim() !== '');
}
