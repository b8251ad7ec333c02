// `npm run build`'s second half: the command line bundled by esbuild into dist/bundle, the entry package.json's bin names.
// Why: the tsc output is 300-odd ES modules (zod alone 95); Node resolves, reads and compiles each one at start-up, which
// cost a sweep more CPU than its first 50 hosts. One entry and a few shared chunks start in about half the time.
import { build, type Plugin } from 'esbuild';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../util/package-root.js';

/**
 * zod's `z` namespace re-exports every locale (`z.locales`, about 300 KB of messages in 50 languages); a namespace
 * object cannot be tree-shaken, so the index of locales is replaced by an empty module. The English messages stay:
 * zod's schemas import locales/en.js directly, and this tool never calls z.config(z.locales.xx()).
 */
const zodWithoutLocaleIndex: Plugin = {
  name: 'zod-without-locale-index',
  setup(b) {
    b.onResolve({ filter: /locales\/index\.js$/ }, (a) => (a.importer.includes('/node_modules/zod/') ? { path: 'zod-locale-index', namespace: 'mds-empty' } : undefined));
    b.onLoad({ filter: /.*/, namespace: 'mds-empty' }, () => ({ contents: 'export {};', loader: 'js' }));
  },
};

const outdir = join(PACKAGE_ROOT, 'dist/bundle');
// Chunk names carry a content hash: an earlier build's chunks would otherwise stay beside the new ones.
rmSync(outdir, { recursive: true, force: true });

const result = await build({
  entryPoints: [join(PACKAGE_ROOT, 'dist/cli/main.js')],
  outdir,
  bundle: true,
  // Verbs are imported when used; splitting keeps that: a sweep never compiles the lab or the rehearsal.
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // ssh2 loads an optional native addon (cpu-features) by a computed require: left to Node's own loader.
  external: ['ssh2', 'cpu-features'],
  // Error classes name themselves after their constructor (util/errors.ts); the bundler must not rename them.
  keepNames: true,
  sourcemap: true,
  legalComments: 'none',
  logLevel: 'warning',
  // The CommonJS dependencies (commander, pino) call require(); an ES module has none until it makes one.
  banner: { js: "import { createRequire as __mdsCreateRequire } from 'node:module'; const require = __mdsCreateRequire(import.meta.url);" },
  plugins: [zodWithoutLocaleIndex],
});
if (result.errors.length > 0) process.exit(1);
