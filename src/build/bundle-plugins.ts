// The esbuild plugins of the bundle (bundle.ts): what it leaves out of zod and pino, and where ssh2's binding is found.
import type { Plugin } from 'esbuild';

/**
 * zod's `z` namespace re-exports every locale (`z.locales`, about 300 KB of messages in 50 languages); a namespace
 * object cannot be tree-shaken, so the index of locales is replaced by an empty module. The English messages stay:
 * zod's schemas import locales/en.js directly, and this tool never calls z.config(z.locales.xx()).
 */
export const zodWithoutLocaleIndex: Plugin = {
  name: 'zod-without-locale-index',
  setup(b) {
    b.onResolve({ filter: /locales\/index\.js$/ }, (a) => (a.importer.includes('/node_modules/zod/') ? { path: 'zod-locale-index', namespace: 'mds-empty' } : undefined));
    b.onLoad({ filter: /.*/, namespace: 'mds-empty' }, () => ({ contents: 'export {};', loader: 'js' }));
  },
};

/** What the bundle's pino.transport() throws: util/logger.ts writes to its own destination and names no transport. */
export const PINO_TRANSPORT_LEFT_OUT = 'mds-orchestrate: pino transports are not part of this build (src/build/bundle.ts)';

/**
 * pino's transports run a destination in a worker thread (thread-stream); this tool never names one (util/logger.ts
 * hands pino a stream of its own), yet pino loads them, and Node's worker_threads with them, at start-up. In the bundle
 * pino's lib/transport.js is a function that throws, and the one value pino takes from worker_threads, isMainThread, is
 * true: the bundle is the command line, which main.js runs as the process's main script, and nothing in it starts a
 * worker thread (test/unit/build/bundle.test.ts holds both).
 */
export const pinoWithoutTransports: Plugin = {
  name: 'pino-without-transports',
  setup(b) {
    const fromPino = (a: { importer: string }) => /\/node_modules\/pino\/(pino|lib\/tools)\.js$/.test(a.importer);
    b.onResolve({ filter: /^\.\/(lib\/)?transport$/ }, (a) => (fromPino(a) ? { path: 'pino-transport', namespace: 'mds-pino' } : undefined));
    b.onResolve({ filter: /^worker_threads$/ }, (a) => (fromPino(a) ? { path: 'pino-worker-threads', namespace: 'mds-pino' } : undefined));
    b.onLoad({ filter: /^pino-transport$/, namespace: 'mds-pino' }, () => ({
      contents: `module.exports = function transport() { throw new Error(${JSON.stringify(PINO_TRANSPORT_LEFT_OUT)}); };`,
      loader: 'js',
    }));
    b.onLoad({ filter: /^pino-worker-threads$/, namespace: 'mds-pino' }, () => ({
      contents: 'module.exports = { isMainThread: true };',
      loader: 'js',
    }));
  },
};

/**
 * ssh2 requires its optional crypto binding by a path relative to its own lib folder, built only where npm ran ssh2's
 * install script: from the bundle it is asked for by package path, so a host that built it still finds it.
 */
export const ssh2BindingFromPackage: Plugin = {
  name: 'ssh2-binding-from-package',
  setup(b) {
    b.onResolve({ filter: /sshcrypto\.node$/ }, (a) => (a.importer.includes('/node_modules/ssh2/') ? { path: 'ssh2/lib/protocol/crypto/build/Release/sshcrypto.node', external: true } : undefined));
  },
};
