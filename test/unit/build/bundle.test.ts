// The shipped entry (package.json's bin: the esbuild bundle) answers exactly as tsc's module tree does: version, bad input.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { Script } from 'node:vm';
import { afterAll, describe, expect, it } from 'vitest';

const REPO = resolve(import.meta.dirname, '../../..');
const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string; bin: Record<string, string> };
const BUNDLE = join(REPO, pkg.bin['mds-orchestrate']!);
const MODULES = join(REPO, 'dist/cli/main.js');
const dir = mkdtempSync(join(tmpdir(), 'bundle-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function cli(entry: string, args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [entry, ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('the bundled command line', () => {
  it('is what package.json installs, and was built (npm run build)', () => {
    expect(pkg.bin['mds-orchestrate']).toBe('dist/bundle/main.js');
    expect(existsSync(BUNDLE)).toBe(true);
    expect(readFileSync(BUNDLE, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
    expect(existsSync(join(REPO, 'dist/bundle/cli.cjs'))).toBe(true);
  });

  it('starts as a CommonJS script, not an ES module (no ES module loader at start-up), under its package.json name', () => {
    // Node picks the loader by the nearest package.json's type; the one beside main.js has no name, so package-root.ts
    // still finds the project's own.
    expect(JSON.parse(readFileSync(join(dirname(BUNDLE), 'package.json'), 'utf8'))).toEqual({ type: 'commonjs' });
    // A script cannot hold import or export declarations: this throws for an ES module.
    expect(() => new Script(readFileSync(BUNDLE, 'utf8'), { filename: BUNDLE })).not.toThrow();
  });

  it('keeps a code cache per verb for this user, and answers the same with it, without it, and with it off', () => {
    const cacheHome = join(dir, 'cache');
    const env = { ...process.env, XDG_CACHE_HOME: cacheHome };
    const run = (extra: NodeJS.ProcessEnv = {}) => execFileSync(process.execPath, [BUNDLE, 'hosts', '--help'], { encoding: 'utf8', env: { ...env, ...extra } });
    const first = run();
    const files = readdirSync(join(cacheHome, 'mds-orchestrate'));
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^cli-[0-9a-f]{20}-hosts\.v8$/);
    expect(run()).toBe(first);
    expect(run({ MDS_COMPILE_CACHE: 'off' })).toBe(first);
    expect(readdirSync(join(cacheHome, 'mds-orchestrate'))).toEqual(files);
  });

  it('prints the version from package.json wherever it sits', () => {
    expect(execFileSync(process.execPath, [BUNDLE, '--version'], { encoding: 'utf8' }).trim()).toBe(pkg.version);
  });

  it('reports bad input byte for byte as the module build does (through its cache too), with zod English messages (its locale index is left out)', () => {
    writeFileSync(join(dir, 'inv.yaml'), 'all:\n  children:\n    compute:\n      hosts:\n        c1: {ansible_host: 127.0.0.1}\n');
    const books = {
      'types.yaml': 'name: {a: 1}\nhosts: all\nsteps:\n  - reboot: {delay: true, extra_key: 1}\n',
      'values.yaml': 'name: x\nhosts: all\nserial: banana\nsteps:\n  - nothing-such: {}\n',
    };
    for (const [name, text] of Object.entries(books)) {
      writeFileSync(join(dir, name), text);
      const ours = cli(BUNDLE, ['plan', name, '-i', 'inv.yaml']);
      expect(ours).toEqual(cli(MODULES, ['plan', name, '-i', 'inv.yaml']));
      expect(ours.code).toBe(4);
    }
    expect(cli(BUNDLE, ['plan', 'types.yaml', '-i', 'inv.yaml']).stderr).toContain('types.yaml:4:21: steps[0].reboot.delay: expected number, got true');
    // The German message of the same zod error would be here had the locale index been bundled.
    const shipped = readFileSync(join(REPO, 'dist/bundle/cli.cjs'), 'utf8');
    expect(shipped).toContain('Invalid input');
    expect(shipped).not.toContain('Ungültige Eingabe');
  });
});
