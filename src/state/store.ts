// The per-host and per-run state store: JSON records written atomically on every transition, writes coalesced per file.
import { statSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { OrchestratorError } from '../util/errors.js';
import { ensureDir, isTempName, writeFileAtomic } from './atomic-write.js';
import { hostFileName, hostFromFileName, type HostRecord, type RunRecord } from './records.js';

export class StateError extends OrchestratorError {
  constructor(message: string, cause?: unknown) {
    super('E_STATE', message, { cause });
  }
}

interface Slot {
  latest: string | null;
  running: Promise<void> | null;
}

export function hostsDir(stateDir: string): string {
  return join(stateDir, 'hosts');
}

export function runsDir(stateDir: string): string {
  return join(stateDir, 'runs');
}

export async function readJson<T>(path: string): Promise<T | null> {
  let text: string;
  try {
    // Most reads are of hosts with no record yet (every host of a first run or sweep): a failed open costs an error
    // object and its stack per host, a stat that may answer "no entry" costs neither. Any other error (EACCES) still
    // throws, and a file that vanishes before the read is still null.
    if (statSync(path, { throwIfNoEntry: false }) === undefined) return null;
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new StateError(`cannot read ${path}: ${(err as Error).message}`, err);
  }
  try {
    return JSON.parse(text) as T;
  } catch (err) {
    throw new StateError(`state file ${path} is not valid JSON (edited by hand?): ${(err as Error).message}`, err);
  }
}

export interface StateStoreOptions {
  /** Told when a write fails because the filesystem is full or over quota (the write still rejects). */
  onStorageFull?: (path: string, err: Error) => void;
}

export class StateStore {
  private readonly slots = new Map<string, Slot>();

  private constructor(readonly dir: string, private readonly opts: StateStoreOptions) {}

  /** Creates the state layout (0700). The caller holds the lock (see lock.ts) before writing. */
  static async open(dir: string, opts: StateStoreOptions = {}): Promise<StateStore> {
    await ensureDir(dir);
    await ensureDir(hostsDir(dir));
    await ensureDir(runsDir(dir));
    await ensureDir(join(dir, 'logs'));
    return new StateStore(dir, opts);
  }

  hostPath(host: string): string {
    return join(hostsDir(this.dir), hostFileName(host));
  }

  runPath(runId: string): string {
    return join(runsDir(this.dir), `${encodeURIComponent(runId)}.json`);
  }

  loadHost(host: string): Promise<HostRecord | null> {
    return readJson<HostRecord>(this.hostPath(host));
  }

  loadRun(runId: string): Promise<RunRecord | null> {
    return readJson<RunRecord>(this.runPath(runId));
  }

  async listHosts(): Promise<string[]> {
    const names = await readdir(hostsDir(this.dir)).catch(() => [] as string[]);
    return names.filter((n) => n.endsWith('.json') && !isTempName(n)).map(hostFromFileName);
  }

  /** Resolves once a snapshot at least as new as this one is on disk. */
  saveHost(record: HostRecord): Promise<void> {
    return this.save(this.hostPath(record.host), record);
  }

  saveRun(record: RunRecord): Promise<void> {
    return this.save(this.runPath(record.runId), record);
  }

  /** Waits for every pending write (end of run). */
  async flush(): Promise<void> {
    await Promise.all([...this.slots.values()].map((s) => s.running).filter(Boolean));
  }

  private save(path: string, value: unknown): Promise<void> {
    let slot = this.slots.get(path);
    if (!slot) {
      slot = { latest: null, running: null };
      this.slots.set(path, slot);
    }
    // Snapshot now: the caller keeps mutating its record after this call.
    slot.latest = `${JSON.stringify(value, null, 1)}\n`;
    slot.running ??= this.drain(path, slot);
    return slot.running;
  }

  private async drain(path: string, slot: Slot): Promise<void> {
    try {
      while (slot.latest !== null) {
        const data = slot.latest;
        slot.latest = null;
        await writeFileAtomic(path, data);
      }
    } catch (err) {
      slot.latest = null;
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOSPC' || code === 'EDQUOT') this.opts.onStorageFull?.(path, err as Error);
      throw new StateError(`cannot write state file ${path}: ${(err as Error).message}`, err);
    } finally {
      slot.running = null;
      this.slots.delete(path);
    }
  }
}
