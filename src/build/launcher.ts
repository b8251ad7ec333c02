#!/usr/bin/env node
// The installed command (package.json's bin): runs the bundled command line, cli.cjs beside it, with V8's code cache.
import { readFileSync, statSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Script } from 'node:vm';
import { cachePathFor, keepCacheAtExit, readOwnCache } from './compile-cache.js';

/** The SHA-256 of cli.cjs, put here by the build (src/build/bundle.ts): hashing 2 MB at every start would cost 4 ms. */
declare const __MDS_CLI_SHA256: string | undefined;

// Node 20 has no module.enableCompileCache (22.1 has): the bundle is compiled here, as Node's own CommonJS loader would.
const file = join(dirname(fileURLToPath(import.meta.url)), 'cli.cjs');
const st = statSync(file);
const build = `${typeof __MDS_CLI_SHA256 === 'string' ? __MDS_CLI_SHA256 : 'unbundled'}:${st.size}:${st.mtimeMs}`;
// The hashbang esbuild carries over from main.ts is only valid at the very start of a script, not inside Module.wrap().
const source = readFileSync(file, 'utf8').replace(/^#!.*/, '');
const cachePath = cachePathFor(build, process.argv[2]);
const cached = cachePath === null ? undefined : readOwnCache(cachePath);
const script = new Script(Module.wrap(source), { filename: file, ...(cached === undefined ? {} : { cachedData: cached }) });
if (cachePath !== null) keepCacheAtExit(cachePath, script, cached !== undefined);
const module = { exports: {} };
(script.runInThisContext() as (...args: unknown[]) => void)(module.exports, createRequire(file), module, file, dirname(file));
