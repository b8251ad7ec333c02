// `npm run build`'s second half: the command line bundled by esbuild into dist/bundle, the entry package.json's bin names.
// Why: the tsc output is 300-odd ES modules (zod alone 95); Node resolves, reads and compiles each one at start-up, which
// cost a sweep more CPU than its first 50 hosts. One script, run through V8's code cache (launcher.ts), starts in a third.
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../util/package-root.js';
import { pinoWithoutTransports, ssh2BindingFromPackage, zodWithoutLocaleIndex } from './bundle-plugins.js';
import { renamedClasses, sourceClassNames } from './renamed-classes.js';

const outdir = join(PACKAGE_ROOT, 'dist/bundle');
// An earlier build's files would otherwise stay beside the new ones.
rmSync(outdir, { recursive: true, force: true });

const common = { bundle: true, platform: 'node', target: 'node20', legalComments: 'none', logLevel: 'warning' } as const;

// The whole command line as one CommonJS script: V8 can cache the bytecode of a script (vm.Script), not of an ES module
// graph on Node 20. Verbs still load their code only when used: V8 compiles a function the first time it runs.
const cli = await build({
  ...common,
  entryPoints: [join(PACKAGE_ROOT, 'dist/cli/main.js')],
  outfile: join(outdir, 'cli.cjs'),
  format: 'cjs',
  // ssh2's optional native parts (cpu-features, its crypto binding, both tried in a try/catch) stay Node's to load.
  external: ['cpu-features'],
  // No keepNames: it wraps every function the program creates in a __name() call. Error classes name themselves
  // after their constructor (util/errors.ts), so a renamed class fails the build below instead.
  // Whitespace only (names stay, the source map maps back): every start reads and decodes the whole file.
  minifyWhitespace: true,
  sourcemap: true,
  // A CommonJS script has no import.meta; util/package-root.ts walks up from this file's own URL instead.
  define: { 'import.meta.url': '__mdsModuleUrl' },
  banner: { js: "var __mdsModuleUrl = require('node:url').pathToFileURL(__filename).href;" },
  plugins: [zodWithoutLocaleIndex, pinoWithoutTransports, ssh2BindingFromPackage],
});

// The launcher: a small CommonJS script that compiles cli.cjs through the per-user code cache (compile-cache.ts). Not an
// ES module: Node would start its ES module loader for it, and build an ES module facade of every built-in it imports.
// package.json's bin keeps its name, main.js; the package.json beside it (no name: package-root.ts passes it by) makes
// Node load main.js as CommonJS.
writeFileSync(join(outdir, 'package.json'), `${JSON.stringify({ type: 'commonjs' })}\n`);
const launcher = await build({
  ...common,
  entryPoints: [join(PACKAGE_ROOT, 'dist/build/launcher.js')],
  outfile: join(outdir, 'main.js'),
  format: 'cjs',
  // As in cli.cjs: the launcher finds cli.cjs beside its own file.
  banner: { js: "var __mdsModuleUrl = require('node:url').pathToFileURL(__filename).href;" },
  define: { 'import.meta.url': '__mdsModuleUrl', __MDS_CLI_SHA256: JSON.stringify(createHash('sha256').update(readFileSync(join(outdir, 'cli.cjs'))).digest('hex')) },
});
if (cli.errors.length > 0 || launcher.errors.length > 0) process.exit(1);
const renamed = renamedClasses(readFileSync(join(outdir, 'cli.cjs'), 'utf8'), sourceClassNames(join(PACKAGE_ROOT, 'src')));
if (renamed.length > 0) {
  process.stderr.write(`bundle: esbuild renamed classes whose names the program uses (rename one of each colliding pair): ${renamed.join(', ')}\n`);
  process.exit(1);
}
