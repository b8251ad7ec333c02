// The one place where an error becomes a host outcome: refused, unknown, deferred, unreachable, cancelled or failed.
import { DeferredError, RefusedError, UnknownEvidenceError } from '../steps/errors.js';
import { UnreachableError } from '../transport/types.js';
import { errorMessage } from '../util/errors.js';
import { scrubSecrets } from '../util/logger.js';
import type { HostResult, StepStatus } from './events.js';

export type ErrorOutcome = Extract<HostResult, 'failed' | 'refused' | 'unknown' | 'deferred' | 'unreachable' | 'cancelled'>;

export interface Classified {
  result: ErrorOutcome;
  step: string;
  error: string;
}

/**
 * `hard`/`graceful`: the run's cancel signals. After a hard cancel every error is the cancel's doing; after a graceful one
 * only an abort is (a real failure of a step allowed to finish is still a failure).
 */
export function classifyError(err: unknown, where: string, signals: { hard: AbortSignal; graceful: AbortSignal }): Classified {
  const error = scrubSecrets(errorMessage(err));
  return { result: outcomeOf(err, signals), step: where, error };
}

function outcomeOf(err: unknown, { hard, graceful }: { hard: AbortSignal; graceful: AbortSignal }): ErrorOutcome {
  if (err instanceof UnreachableError) return 'unreachable';
  if (err instanceof DeferredError) return 'deferred';
  if (hard.aborted || (graceful.aborted && (err as { code?: string } | null)?.code === 'E_ABORTED')) return 'cancelled';
  if (err instanceof RefusedError) return 'refused';
  if (err instanceof UnknownEvidenceError) return 'unknown';
  return 'failed';
}

/** The status a step ends with when it raised: a cancelled step is 'aborted' (hard) or 'skipped' (graceful). */
export function stepStatusOf(result: ErrorOutcome, hardAborted: boolean): StepStatus {
  if (result === 'cancelled') return hardAborted ? 'aborted' : 'skipped';
  return result;
}

/** Outcomes after which the host's later steps do not run and that count against the failure limits. */
export function isFailure(result: HostResult | null): boolean {
  return result === 'failed' || result === 'refused' || result === 'unknown' || result === 'unreachable';
}
