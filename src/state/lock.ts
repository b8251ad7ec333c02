// The controller lock in the state dir: one controller at a time; a lock left by a dead process on this machine is taken over.
import { randomBytes } from 'node:crypto';
import { link, open, readFile, rename, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { OrchestratorError } from '../util/errors.js';
import { ensureDir, fsyncDir } from './atomic-write.js';

export interface LockInfo {
  pid: number;
  hostname: string;
  startedAt: string;
  runId: string;
}

export class LockError extends OrchestratorError {
  readonly holder: LockInfo | null;
  constructor(message: string, holder: LockInfo | null) {
    super('E_LOCKED', message);
    this.holder = holder;
  }
}

export interface LockHandle {
  path: string;
  info: LockInfo;
  /** The stale lock this controller took over, if any (reporters say so). */
  tookOver: LockInfo | null;
  release(): Promise<void>;
}

export function lockPath(stateDir: string): string {
  return join(stateDir, 'lock');
}

export async function readLock(stateDir: string): Promise<LockInfo | null> {
  try {
    return JSON.parse(await readFile(lockPath(stateDir), 'utf8')) as LockInfo;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    if (err instanceof SyntaxError) return null;
    throw err;
  }
}

export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Stale = written on this machine by a process that no longer exists. A lock from another machine is never judged. */
export function isStale(info: LockInfo): boolean {
  return info.hostname === hostname() && Number.isInteger(info.pid) && info.pid > 0 && !pidAlive(info.pid);
}

function describe(info: LockInfo): string {
  return `run ${info.runId} (pid ${info.pid} on ${info.hostname}, since ${info.startedAt})`;
}

/**
 * The lock file is written complete under a temp name and then hard-linked into place: link() fails with EEXIST
 * atomically, so a reader never sees a half-written lock.
 */
export async function acquireLock(stateDir: string, runId: string): Promise<LockHandle> {
  await ensureDir(stateDir);
  const path = lockPath(stateDir);
  const info: LockInfo = { pid: process.pid, hostname: hostname(), startedAt: new Date().toISOString(), runId };
  const temp = join(stateDir, `.lock.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const fh = await open(temp, 'wx', 0o600);
  try {
    await fh.writeFile(JSON.stringify(info) + '\n');
    await fh.sync();
  } finally {
    await fh.close();
  }
  let tookOver: LockInfo | null = null;
  try {
    for (let tries = 0; ; tries++) {
      try {
        await link(temp, path);
        break;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || tries >= 3) throw err;
      }
      const holder = await readLock(stateDir);
      if (holder === null) {
        throw new LockError(`the state dir ${stateDir} holds an unreadable lock file ${path}; if no controller runs, remove it`, null);
      }
      if (!isStale(holder)) {
        throw new LockError(`another controller holds the state dir ${stateDir}: ${describe(holder)}`, holder);
      }
      // Move the stale lock aside, then check we moved the one we judged (another controller may have won the race).
      const aside = join(stateDir, `.lock.stale.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
      await rename(path, aside).catch((err: NodeJS.ErrnoException) => {
        if (err.code !== 'ENOENT') throw err;
      });
      const moved = await readFile(aside, 'utf8').then((t) => JSON.parse(t) as LockInfo).catch(() => null);
      if (moved && JSON.stringify(moved) !== JSON.stringify(holder)) {
        await link(aside, path).catch(() => {});
        await unlink(aside).catch(() => {});
        throw new LockError(`another controller took the state dir ${stateDir} over first: ${describe(moved)}`, moved);
      }
      await unlink(aside).catch(() => {});
      tookOver = holder;
    }
  } finally {
    await unlink(temp).catch(() => {});
  }
  await fsyncDir(stateDir);
  let released = false;
  return {
    path,
    info,
    tookOver,
    async release() {
      if (released) return;
      released = true;
      const current = await readLock(stateDir);
      // Never remove a lock that is no longer ours.
      if (current && current.pid === info.pid && current.runId === info.runId && current.startedAt === info.startedAt) {
        await unlink(path).catch(() => {});
      }
    },
  };
}
