// Shapes of the persisted state: one record per host (its steps, checkpoints, errors) and one per run.

export type StepRecordStatus =
  | 'running'
  | 'done'          // compliant after check (ok) or after apply+verify (changed)
  | 'would-change'  // plan mode only
  | 'failed'
  | 'refused'       // a safety check left the host untouched
  | 'unknown'       // evidence could not be read
  | 'deferred'
  | 'skipped'
  | 'aborted';      // a hard cancel or crash stopped it mid-way: outcome unknown

export type HostRecordStatus =
  | 'running'
  | 'ok'
  | 'changed'
  | 'would-change'
  | 'failed'
  | 'refused'
  | 'unknown'
  | 'unreachable'
  | 'deferred'
  | 'cancelled';

export interface StepRecord {
  status: StepRecordStatus;
  /** 'ok' or 'changed' once done. */
  outcome?: 'ok' | 'changed';
  startedAt: string;
  endedAt: string | null;
  /** How many times this step has been started on this host, across runs. */
  attempt: number;
  checkpoint: unknown;
  error: string | null;
  /** Summaries of the last diff seen (what changed, or what is left). */
  diff: string[];
}

export interface HostRecord {
  version: 1;
  host: string;
  runId: string;
  status: HostRecordStatus;
  currentStep: string | null;
  startedAt: string;
  endedAt: string | null;
  error: string | null;
  steps: Record<string, StepRecord>;
}

export type RunResult = 'running' | 'completed' | 'failed' | 'stopped' | 'cancelled';

export interface RunRecord {
  version: 1;
  runId: string;
  playbook: string | null;
  mode: 'apply' | 'plan';
  startedAt: string;
  finishedAt: string | null;
  result: RunResult;
  stopReason: string | null;
  hosts: number;
  counts: Record<string, number> | null;
}

/** A host name made safe as a file name, reversibly. */
export function hostFileName(host: string): string {
  return `${encodeURIComponent(host).replace(/^\./, '%2E')}.json`;
}

export function hostFromFileName(file: string): string {
  return decodeURIComponent(file.replace(/\.json$/, ''));
}
