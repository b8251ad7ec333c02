// Crash-safe file replacement: temp file beside the target, fsync, rename, fsync the directory (0600 files, 0700 dirs).
import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

export interface AtomicWriteOptions {
  mode?: number;
  /** Test seam: runs after the temp file is durable and before the rename (a throw here = a crash at that point). */
  beforeRename?: (tempPath: string) => void | Promise<void>;
}

/** Temp files start with '.' and end with '.tmp' so readers can skip leftovers of a crash. */
export function isTempName(name: string): boolean {
  return name.startsWith('.') && name.endsWith('.tmp');
}

export async function ensureDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
}

export async function fsyncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

interface DirSync {
  running: Promise<void> | null;
  next: Promise<void> | null;
}
const dirSyncs = new Map<string, DirSync>();

/**
 * Group commit for directory fsyncs: one fsync covers every rename done before it started, so callers arriving while
 * one runs share the next one instead of each paying for their own.
 */
export function fsyncDirGrouped(dir: string): Promise<void> {
  let st = dirSyncs.get(dir);
  if (!st) {
    st = { running: null, next: null };
    dirSyncs.set(dir, st);
  }
  const s = st;
  const start = (): Promise<void> => {
    const p: Promise<void> = fsyncDir(dir).finally(() => {
      if (s.running === p) s.running = null;
      if (!s.running && !s.next) dirSyncs.delete(dir);
    });
    s.running = p;
    return p;
  };
  if (!s.running) return start();
  s.next ??= s.running
    .catch(() => {})
    .then(() => {
      s.next = null;
      return start();
    });
  return s.next;
}

export async function writeFileAtomic(path: string, data: string | Buffer, opts: AtomicWriteOptions = {}): Promise<void> {
  const dir = dirname(path);
  const temp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const fh = await open(temp, 'wx', opts.mode ?? 0o600);
  let renamed = false;
  try {
    try {
      // The umask must not narrow a mode asked for on purpose (a 0644 textfile under umask 077 would be unreadable).
      if (opts.mode !== undefined) await fh.chmod(opts.mode);
      await fh.writeFile(data);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await opts.beforeRename?.(temp);
    await rename(temp, path);
    renamed = true;
    // Without this the rename itself may not survive a power loss.
    await fsyncDirGrouped(dir);
  } finally {
    if (!renamed) await unlink(temp).catch(() => {});
  }
}
