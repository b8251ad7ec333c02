// State store: atomic writes, host/run records, the controller lock, status, and a real SIGKILL crash.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../../../src/state/atomic-write.js';
import { acquireLock, readLock } from '../../../src/state/lock.js';
import type { HostRecord } from '../../../src/state/records.js';
import { readStatus } from '../../../src/state/status.js';
import { StateStore } from '../../../src/state/store.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), 'state-test-'));
  dirs.push(d);
  return d;
}

function record(host: string, over: Partial<HostRecord> = {}): HostRecord {
  return { version: 1, host, runId: 'r1', status: 'running', currentStep: 'drain', startedAt: '2024-05-01T00:00:00.000Z', endedAt: null, error: null, steps: {}, ...over };
}

/** A pid that certainly belongs to no process: one that just exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '0']);
  await new Promise((r) => child.on('exit', r));
  return child.pid!;
}

describe('writeFileAtomic', () => {
  it('writes with mode 0600 and replaces the old content', async () => {
    const dir = tmp();
    const p = join(dir, 'a.json');
    await writeFileAtomic(p, 'one');
    await writeFileAtomic(p, 'two');
    expect(readFileSync(p, 'utf8')).toBe('two');
    expect(statSync(p).mode & 0o777).toBe(0o600);
  });

  it('leaves the old content when the rename never happens', async () => {
    const dir = tmp();
    const p = join(dir, 'a.json');
    await writeFileAtomic(p, 'old');
    let tempSeen = '';
    await expect(
      writeFileAtomic(p, 'new', {
        beforeRename: (temp) => {
          tempSeen = readFileSync(temp, 'utf8');
          throw new Error('crash before rename');
        },
      }),
    ).rejects.toThrow('crash before rename');
    expect(tempSeen).toBe('new');
    expect(readFileSync(p, 'utf8')).toBe('old');
    expect(readdirSync(dir)).toEqual(['a.json']);
  });
});

describe('StateStore', () => {
  it('creates its dirs 0700 and round-trips host and run records', async () => {
    const dir = join(tmp(), 'state');
    const store = await StateStore.open(dir);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    await store.saveHost(record('compute-1.example'));
    await store.saveHost(record('odd/name'));
    expect(await store.loadHost('compute-1.example')).toMatchObject({ host: 'compute-1.example', currentStep: 'drain' });
    expect((await store.listHosts()).sort()).toEqual(['compute-1.example', 'odd/name']);
    expect(statSync(store.hostPath('odd/name')).mode & 0o777).toBe(0o600);
  });

  it('coalesces rapid writes and always ends with the newest snapshot', async () => {
    const store = await StateStore.open(tmp());
    const rec = record('h1');
    const writes: Promise<void>[] = [];
    for (let i = 0; i < 20; i++) {
      rec.steps.s = { status: 'running', startedAt: '', endedAt: null, attempt: i, checkpoint: null, error: null, diff: [] };
      writes.push(store.saveHost(rec));
    }
    await Promise.all(writes);
    expect((await store.loadHost('h1'))!.steps.s!.attempt).toBe(19);
  });

  it('says which file is corrupt instead of crashing on bad JSON', async () => {
    const dir = tmp();
    const store = await StateStore.open(dir);
    writeFileSync(store.hostPath('h1'), '{"version":');
    await expect(store.loadHost('h1')).rejects.toThrow(/h1\.json is not valid JSON/);
  });
});

describe('lock', () => {
  it('refuses a second controller while the first holds the lock, then frees it', async () => {
    const dir = tmp();
    const first = await acquireLock(dir, 'run-a');
    expect(first.tookOver).toBeNull();
    expect(await readLock(dir)).toMatchObject({ pid: process.pid, hostname: hostname(), runId: 'run-a' });
    await expect(acquireLock(dir, 'run-b')).rejects.toMatchObject({ code: 'E_LOCKED', message: expect.stringMatching(/another controller holds .*run run-a \(pid \d+/) });
    await first.release();
    expect(existsSync(join(dir, 'lock'))).toBe(false);
    const second = await acquireLock(dir, 'run-b');
    await second.release();
  });

  it('takes over a stale lock left by a dead process on this machine and says so', async () => {
    const dir = tmp();
    const pid = await deadPid();
    const stale = { pid, hostname: hostname(), startedAt: '2024-01-01T00:00:00.000Z', runId: 'old-run' };
    writeFileSync(join(dir, 'lock'), JSON.stringify(stale));
    const lock = await acquireLock(dir, 'new-run');
    expect(lock.tookOver).toEqual(stale);
    expect(await readLock(dir)).toMatchObject({ pid: process.pid, runId: 'new-run' });
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    await lock.release();
  });

  it('never judges a lock from another machine stale', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'lock'), JSON.stringify({ pid: await deadPid(), hostname: 'other-controller.example', startedAt: 'x', runId: 'far' }));
    await expect(acquireLock(dir, 'mine')).rejects.toMatchObject({ code: 'E_LOCKED' });
  });
});

describe('status', () => {
  it('reads hosts and runs without the lock, ignoring leftover temp files', async () => {
    const dir = tmp();
    const store = await StateStore.open(dir);
    const lock = await acquireLock(dir, 'r1');
    await store.saveHost(record('h2', { status: 'changed', currentStep: null, steps: { a: { status: 'done', outcome: 'changed', startedAt: '', endedAt: '', attempt: 1, checkpoint: null, error: null, diff: [] } } }));
    await store.saveHost(record('h1'));
    await store.saveRun({ version: 1, runId: 'r1', playbook: 'p.yml', mode: 'apply', startedAt: '2024-05-01T00:00:00Z', finishedAt: null, result: 'running', stopReason: null, hosts: 2, counts: null });
    writeFileSync(join(dir, 'hosts', '.h3.json.123.abcd.tmp'), '{"half');
    const s = await readStatus(dir);
    expect(s.lock).toMatchObject({ runId: 'r1', stale: false });
    expect(s.runs.map((r) => r.runId)).toEqual(['r1']);
    expect(s.hosts.map((h) => [h.host, h.status, h.currentStep])).toEqual([['h1', 'running', 'drain'], ['h2', 'changed', null]]);
    expect(s.hosts[1]!.steps).toEqual([{ id: 'a', status: 'done', outcome: 'changed', attempt: 1, error: null }]);
    await lock.release();
  });

  it('stays readable after the writer is killed with SIGKILL mid-write, and its lock is then stale', async () => {
    const dir = tmp();
    const script = resolve(import.meta.dirname, 'crash-writer.ts');
    const child = spawn(process.execPath, ['--import', 'tsx', script, dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    try {
      await new Promise<void>((ok, fail) => {
        child.stdout.on('data', (d: Buffer) => d.toString().includes('ready') && ok());
        child.on('exit', (code) => fail(new Error(`writer exited early (${code}): ${stderr}`)));
      });
      // Let it run through many more write cycles so the kill lands somewhere inside one.
      await new Promise((r) => setTimeout(r, 150));
    } finally {
      child.kill('SIGKILL');
      await new Promise((r) => (child.exitCode !== null || child.signalCode !== null ? r(null) : child.on('exit', r)));
    }
    const status = await readStatus(dir);
    expect(status.hosts.map((h) => h.host)).toEqual(['h0', 'h1', 'h2', 'h3', 'h4']);
    for (const h of status.hosts) expect(h.steps[0]!.attempt).toBeGreaterThanOrEqual(3);
    expect(status.lock).toMatchObject({ runId: 'crash-run', stale: true });
    const lock = await acquireLock(dir, 'after-crash');
    expect(lock.tookOver?.runId).toBe('crash-run');
    await lock.release();
  });
});
