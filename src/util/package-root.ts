// Where the installed tool's own files are (package.json, playbooks, the CLI entry), whatever depth this module was built at.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

interface PackageJson {
  name?: string;
  version?: string;
  bin?: Record<string, string>;
}

/**
 * Walks up from this module to the folder whose package.json names mds-orchestrate: the answer is the same from
 * src/util under tsx, dist/util from tsc and dist/bundle from the bundler (a fixed '../..' would be right for only some).
 */
function findRoot(): { dir: string; pkg: PackageJson } {
  const from = dirname(fileURLToPath(import.meta.url));
  for (let dir = resolve(from); ; dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as PackageJson;
      if (pkg.name === 'mds-orchestrate') return { dir, pkg };
    }
    if (dirname(dir) === dir) throw new Error(`cannot find mds-orchestrate's package.json above ${from}`);
  }
}

const root = findRoot();

/** The folder holding package.json, playbooks/ and dist/. */
export const PACKAGE_ROOT: string = root.dir;
export const PACKAGE_VERSION: string = root.pkg.version ?? '0.0.0';

/** The command line's entry as installed (package.json's bin), for the verbs that start the tool again (lab daemon, demo). */
export function cliEntry(): string {
  const bin = root.pkg.bin?.['mds-orchestrate'];
  if (!bin) throw new Error(`${join(PACKAGE_ROOT, 'package.json')}: no bin entry "mds-orchestrate"`);
  return join(PACKAGE_ROOT, bin);
}
