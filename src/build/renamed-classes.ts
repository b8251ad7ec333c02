// Build check: the bundler renamed none of our classes, so an error's name (util/errors.ts) is still its class's name.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Every class name declared in the TypeScript sources under `srcDir`. */
export function sourceClassNames(srcDir: string): Set<string> {
  const names = new Set<string>();
  for (const rel of readdirSync(srcDir, { recursive: true, encoding: 'utf8' })) {
    const path = join(srcDir, rel);
    if (!rel.endsWith('.ts') || !statSync(path).isFile()) continue;
    for (const m of readFileSync(path, 'utf8').matchAll(/\bclass\s+([A-Za-z_$][\w$]*)/g)) names.add(m[1]!);
  }
  return names;
}

/**
 * The classes of `ours` that the bundle declares under another name: esbuild gives a top-level symbol that collides
 * with another module's a numeric suffix (ConfigError2), and the class's `name` follows. Without esbuild's keepNames
 * (which wraps every function and closure the program creates in a `__name()` call, about 2% of a sweep's CPU) that
 * would silently change error names in messages and logs, so the build refuses instead.
 */
export function renamedClasses(bundle: string, ours: ReadonlySet<string>): string[] {
  const renamed = new Set<string>();
  // Both forms esbuild writes: a declaration, and a class expression that takes its variable's name (how it bundles a
  // CommonJS module's classes); a suffixed name in either is a renamed class.
  for (const m of bundle.matchAll(/(?:\bclass\s+([A-Za-z_$][\w$]*?)(\d+)\b|\b([A-Za-z_$][\w$]*?)(\d+)\s*=\s*class\b)/g)) {
    const base = m[1] ?? m[3]!;
    const suffix = m[2] ?? m[4]!;
    if (ours.has(base) && !ours.has(`${base}${suffix}`)) renamed.add(`${base} (bundled as ${base}${suffix})`);
  }
  return [...renamed].sort();
}
