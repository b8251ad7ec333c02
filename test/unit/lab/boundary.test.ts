// The lab's edge: src/lab imports only general utilities, only the lab command and the rehearsal's one import site import src/lab, and no lab export shares a product name.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const REPO = path.resolve(import.meta.dirname, '../../..');

/** What src/lab may import from the rest of src: general utilities with no product knowledge (errors, durations, yaml helpers). */
const LAB_MAY_IMPORT = ['src/util/'];
/**
 * The only product files that may import src/lab: the `lab` command (and its daemon entry), `lab demo`, and the
 * rehearsal's single import site (issue 18: simulated hosts built from the lab's host model, its cloud model in process).
 */
const REHEARSE_LAB_SITE = 'src/rehearse/lab-model.ts';
const LAB_ENTRY_POINTS = ['src/cli/commands/lab.ts', 'src/cli/commands/demo.ts', REHEARSE_LAB_SITE];
/** The only file of src that knows where the fake compute host's files are. */
const HOST_FILES_RESOLVER = 'src/lab/compute-host-files.ts';

function sourceFiles(dir: string): string[] {
  return readdirSync(path.join(REPO, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = `${dir}/${e.name}`;
    if (e.isDirectory()) return sourceFiles(rel);
    return e.name.endsWith('.ts') ? [rel] : [];
  });
}

/** Every module a file imports or re-exports, static or dynamic, as a repository path (relative ones) or a bare name. */
function importsOf(file: string): string[] {
  const text = readFileSync(path.join(REPO, file), 'utf8');
  const specs = [
    ...text.matchAll(/^\s*(?:import|export)\s[^;]*?\sfrom\s+'([^']+)'/gms),
    ...text.matchAll(/^\s*import\s+'([^']+)'/gm),
    ...text.matchAll(/\bimport\(\s*'([^']+)'\s*\)/g),
  ].map((m) => m[1]!);
  return specs.map((s) => (s.startsWith('.') ? path.posix.join(path.posix.dirname(file), s).replace(/\.js$/, '.ts') : s));
}

function exportedNames(file: string): string[] {
  const text = readFileSync(path.join(REPO, file), 'utf8');
  const declared = [...text.matchAll(/^export\s+(?:declare\s+)?(?:default\s+)?(?:async\s+)?(?:abstract\s+)?(?:function\*?|class|const|let|var|interface|type|enum)\s+([A-Za-z_$][\w$]*)/gm)]
    .map((m) => m[1]!);
  const listed = [...text.matchAll(/^export\s+(?:type\s+)?\{([^}]*)\}/gm)]
    .flatMap((m) => m[1]!.split(',').map((p) => p.trim().replace(/^type\s+/, '').split(/\s+as\s+/).pop()!.trim()).filter(Boolean));
  return [...declared, ...listed];
}

const all = sourceFiles('src');
const lab = all.filter((f) => f.startsWith('src/lab/'));
const product = all.filter((f) => !f.startsWith('src/lab/'));

describe('the lab boundary', () => {
  it('finds the imports it checks (the scan is not vacuous)', () => {
    expect(lab.length).toBeGreaterThan(40);
    expect(importsOf('src/cli/commands/lab.ts')).toContain('src/lab/lab-config.ts');
    expect(importsOf('src/cli/commands/lab.ts')).toContain('src/lab/daemon.ts');
    expect(importsOf('src/lab/host/errors.ts')).toContain('src/util/errors.ts');
  });

  it('src/lab imports nothing of the product but general utilities', () => {
    const outside = lab.flatMap((f) => importsOf(f)
      .filter((s) => s.startsWith('src/') && !s.startsWith('src/lab/') && !LAB_MAY_IMPORT.some((ok) => s.startsWith(ok)))
      .map((s) => `${f} imports ${s}`));
    expect(outside).toEqual([]);
  });

  it('only the lab command, the demo and src/rehearse/lab-model.ts import src/lab', () => {
    const importers = product.flatMap((f) => importsOf(f).filter((s) => s.startsWith('src/lab/')).map((s) => `${f} imports ${s}`))
      .filter((line) => !LAB_ENTRY_POINTS.some((ok) => line.startsWith(`${ok} `)));
    expect(importers).toEqual([]);
  });

  it('src/rehearse reaches the lab only through lab-model.ts, and nothing outside src/rehearse imports that site', () => {
    expect(importsOf('src/rehearse/sim-host.ts')).toContain(REHEARSE_LAB_SITE);
    expect(importsOf(REHEARSE_LAB_SITE).some((s) => s.startsWith('src/lab/cloud/'))).toBe(true);
    const outside = product.filter((f) => !f.startsWith('src/rehearse/'))
      .flatMap((f) => importsOf(f).filter((s) => s === REHEARSE_LAB_SITE).map(() => `${f} imports ${REHEARSE_LAB_SITE}`));
    expect(outside).toEqual([]);
  });

  it('no name the lab exports is also a name the product exports', () => {
    // The rehearsal's import site passes the lab's own names through: they are the lab's, not the product's.
    const productNames = new Set(product.filter((f) => f !== REHEARSE_LAB_SITE).flatMap(exportedNames));
    expect(productNames.has('SimHost')).toBe(true);
    expect(productNames.has('Fleet')).toBe(true);
    const clashes = lab.flatMap((f) => exportedNames(f).filter((n) => productNames.has(n)).map((n) => `${f}: ${n}`));
    expect(clashes).toEqual([]);
  });

  it('the fake compute host folder is named in one resolver only', () => {
    const naming = all.filter((f) => f !== HOST_FILES_RESOLVER && /['"`/]docker\//.test(readFileSync(path.join(REPO, f), 'utf8')));
    expect(naming).toEqual([]);
  });
});
