// What the `status` verb shows: per host its last run, current step and step statuses; reads without taking the lock.
import { compareText } from '../util/compare-text.js';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { isTempName } from './atomic-write.js';
import { isStale, readLock, type LockInfo } from './lock.js';
import type { HostRecord, HostRecordStatus, RunRecord, StepRecordStatus } from './records.js';
import { hostsDir, readJson, runsDir } from './store.js';

export interface HostStatus {
  host: string;
  lastRun: string;
  status: HostRecordStatus;
  currentStep: string | null;
  startedAt: string;
  endedAt: string | null;
  error: string | null;
  steps: { id: string; status: StepRecordStatus; outcome?: 'ok' | 'changed'; attempt: number; error: string | null }[];
}

export interface FleetStatus {
  stateDir: string;
  lock: (LockInfo & { stale: boolean }) | null;
  /** Newest first. */
  runs: RunRecord[];
  hosts: HostStatus[];
}

async function jsonFiles(dir: string): Promise<string[]> {
  const names = await readdir(dir).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return [] as string[];
    throw err;
  });
  // Leftover temp files are what a crash mid-write leaves: never state.
  return names.filter((n) => n.endsWith('.json') && !isTempName(n)).sort();
}

export async function readStatus(stateDir: string): Promise<FleetStatus> {
  const lock = await readLock(stateDir);
  const runs: RunRecord[] = [];
  for (const f of await jsonFiles(runsDir(stateDir))) {
    const r = await readJson<RunRecord>(join(runsDir(stateDir), f));
    if (r) runs.push(r);
  }
  runs.sort((a, b) => compareText(b.startedAt, a.startedAt));
  const hosts: HostStatus[] = [];
  for (const f of await jsonFiles(hostsDir(stateDir))) {
    const h = await readJson<HostRecord>(join(hostsDir(stateDir), f));
    if (!h) continue;
    hosts.push({
      host: h.host,
      lastRun: h.runId,
      status: h.status,
      currentStep: h.currentStep,
      startedAt: h.startedAt,
      endedAt: h.endedAt,
      error: h.error,
      steps: Object.entries(h.steps).map(([id, s]) => ({ id, status: s.status, outcome: s.outcome, attempt: s.attempt, error: s.error })),
    });
  }
  hosts.sort((a, b) => compareText(a.host, b.host));
  return { stateDir, lock: lock ? { ...lock, stale: isStale(lock) } : null, runs, hosts };
}
