// The per-user code cache: read only from a file this user alone could have written; written whole; keyed by build and verb.
import { chmodSync, chownSync, existsSync, linkSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cachePathFor, readOwnCache, writeOwnCache } from '../../../src/build/compile-cache.js';

const dir = mkdtempSync(join(tmpdir(), 'compile-cache-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('cachePathFor', () => {
  it('names the cache by source, Node version and verb, under XDG_CACHE_HOME; off when told', () => {
    const env = { XDG_CACHE_HOME: dir };
    const a = cachePathFor('source 1', 'sweep', env)!;
    expect(a.startsWith(join(dir, 'mds-orchestrate', 'cli-'))).toBe(true);
    expect(a.endsWith('-sweep.v8')).toBe(true);
    expect(cachePathFor('source 2', 'sweep', env)).not.toBe(a);
    expect(cachePathFor('source 1', 'run', env)).not.toBe(a);
    // Options and odd words share one cache rather than naming files after argv.
    expect(cachePathFor('source 1', '--version', env)!.endsWith('-other.v8')).toBe(true);
    expect(cachePathFor('source 1', '../../etc', env)!.endsWith('-other.v8')).toBe(true);
    expect(cachePathFor('source 1', 'sweep', { ...env, MDS_COMPILE_CACHE: 'off' })).toBeNull();
  });
});

describe('readOwnCache and writeOwnCache', () => {
  it('writes 0600 in a 0700 folder, reads it back, and drops other builds\' week-old caches, not recent ones or other verbs\'', () => {
    const root = join(dir, 'w');
    const env = { XDG_CACHE_HOME: root };
    const old = cachePathFor('old build', 'sweep', env)!;
    const other = cachePathFor('another install', 'sweep', env)!;
    const plan = cachePathFor('new build', 'plan', env)!;
    const sweep = cachePathFor('new build', 'sweep', env)!;
    writeOwnCache(old, Buffer.from('old'));
    writeOwnCache(other, Buffer.from('other'));
    const weekAgo = new Date(Date.now() - 8 * 24 * 3600_000);
    utimesSync(old, weekAgo, weekAgo);
    writeOwnCache(plan, Buffer.from('plan'));
    writeOwnCache(sweep, Buffer.from('bytecode'));
    expect(readOwnCache(sweep)?.toString()).toBe('bytecode');
    expect(statSync(sweep).mode & 0o777).toBe(0o600);
    expect(statSync(join(root, 'mds-orchestrate')).mode & 0o777).toBe(0o700);
    expect(existsSync(old)).toBe(false);
    expect(existsSync(other)).toBe(true);
    expect(existsSync(plan)).toBe(true);
    expect(readdirSync(join(root, 'mds-orchestrate')).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('never reads a cache another user could have written or swapped: group/other-writable, foreign owner, symlink, hard link', () => {
    const f = (name: string): string => {
      const p = join(dir, name);
      writeFileSync(p, 'x', { mode: 0o600 });
      return p;
    };
    const writable = f('group-writable');
    chmodSync(writable, 0o620);
    expect(readOwnCache(writable)).toBeUndefined();
    const link = join(dir, 'link');
    symlinkSync(f('target'), link);
    expect(readOwnCache(link)).toBeUndefined();
    const hard = f('hard');
    linkSync(hard, join(dir, 'hard2'));
    expect(readOwnCache(hard)).toBeUndefined();
    expect(readOwnCache(join(dir, 'absent'))).toBeUndefined();
    expect(readOwnCache(f('fine'))?.toString()).toBe('x');
    if (process.getuid?.() === 0) {
      const foreign = f('foreign');
      chownSync(foreign, 65534, 65534);
      expect(readOwnCache(foreign)).toBeUndefined();
    }
  });

  it('a cache that cannot be written leaves nothing behind and throws nothing', () => {
    const blocked = join(dir, 'blocked');
    writeFileSync(blocked, 'a file where the folder would be');
    expect(() => writeOwnCache(join(blocked, 'mds-orchestrate', 'cli-ab-sweep.v8'), Buffer.from('x'))).not.toThrow();
    mkdirSync(join(dir, 'ro'), { mode: 0o500 });
    expect(() => writeOwnCache(join(dir, 'ro', 'cli-ab-sweep.v8'), Buffer.from('x'))).not.toThrow();
  });
});
