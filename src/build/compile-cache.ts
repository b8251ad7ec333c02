// V8's code cache for the bundled command line, kept per user: a file only this user could have written, or none at all.
import { createHash } from 'node:crypto';
import { closeSync, constants, fstatSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Script } from 'node:vm';

/**
 * Where this user's cache lives, or null when caching is off (MDS_COMPILE_CACHE=off) or there is no home to keep it in.
 * The name carries the build (the bundle's SHA-256 from the build, its size and mtime: an edited file is another
 * build) and the Node version, so a new build or a new Node never reads an old cache, and the verb: a cache holds
 * what its first run compiled, and a `--version` must not stand in for a sweep's.
 */
export function cachePathFor(build: string, verb: string | undefined, env: NodeJS.ProcessEnv = process.env): string | null {
  if (env['MDS_COMPILE_CACHE'] === 'off') return null;
  const base = env['XDG_CACHE_HOME'] || (homedir() ? join(homedir(), '.cache') : '');
  if (!base) return null;
  const key = createHash('sha256').update(build).update(`\0${process.version}\0${process.arch}`).digest('hex').slice(0, 20);
  const kind = verb !== undefined && /^[a-z][a-z-]{0,19}$/.test(verb) ? verb : 'other';
  return join(base, 'mds-orchestrate', `cli-${key}-${kind}.v8`);
}

/**
 * The cached bytes, only from a regular file of this user's, writable by nobody else, with one name: V8 runs what a
 * cache holds, so a file another user could have placed or changed (a sudo that kept the caller's HOME) is never read.
 * The checks are made on the opened descriptor, not the path, so nothing can be swapped in between.
 */
export function readOwnCache(path: string): Buffer | undefined {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch {
    return undefined;
  }
  try {
    const st = fstatSync(fd);
    const uid = process.getuid?.();
    if (!st.isFile() || st.nlink !== 1 || (uid !== undefined && st.uid !== uid) || (st.mode & 0o022) !== 0) return undefined;
    return readFileSync(fd);
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/**
 * Other builds' caches are removed once a week old: two installed versions used side by side keep theirs, and an
 * upgraded tool does not leave its old caches behind for ever.
 */
const STALE_AFTER_MS = 7 * 24 * 3600_000;

/** Written whole or not at all (a temporary file renamed), 0600 in a 0700 folder; stale caches of other builds are removed. */
export function writeOwnCache(path: string, data: Buffer): void {
  const dir = join(path, '..');
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    writeFileSync(tmp, data, { mode: 0o600, flag: 'wx' });
    renameSync(tmp, path);
    const key = /^cli-([0-9a-f]+)-/.exec(path.slice(dir.length + 1))?.[1];
    const stale = Date.now() - STALE_AFTER_MS;
    for (const old of readdirSync(dir)) {
      const m = /^cli-([0-9a-f]+)-[a-z-]+\.v8$/.exec(old);
      if (m && m[1] !== key && statSync(join(dir, old)).mtimeMs < stale) rmSync(join(dir, old), { force: true });
    }
  } catch {
    // A cache is only ever a speed-up: a full disk, a read-only home or a lost race leaves the tool as it was.
    try {
      rmSync(tmp, { force: true });
    } catch {
      // no folder to have left it in
    }
  }
}

/**
 * After the first run (or when V8 turned the cache down), the cache is written at exit: by then it holds the bytecode of
 * every function that run compiled, not just the top level, which is what makes the next start-up cheap.
 */
export function keepCacheAtExit(path: string, script: Script, hadCache: boolean): void {
  if (hadCache && !script.cachedDataRejected) return;
  process.once('exit', () => writeOwnCache(path, script.createCachedData()));
}
