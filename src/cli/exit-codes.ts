// The process exit codes, documented in the README and in --help, and the rules that pick them (hosts' outcomes, errors).
import { ConfigError, ConfigErrors, errorMessage } from '../util/errors.js';
import { UsageError } from './options.js';

export const EXIT = {
  /** Everything compliant / every host done, nothing left to change. */
  OK: 0,
  /** At least one host failed or was refused (a step raised, verify found something left, a safety check said no). */
  FAILED: 1,
  /** plan found changes to make, or sweep found drift (not compliant). */
  CHANGES: 2,
  /** At least one host was unreachable. */
  UNREACHABLE: 3,
  /** Bad command line, inventory, playbook or other input: no host was contacted. */
  USAGE: 4,
  /** Another controller holds the state lock. */
  LOCKED: 5,
  /** Evidence a check needs could not be read on at least one host: its verdict is unknown, not ok. */
  UNKNOWN: 6,
  /** At least one host was deferred (outside the maintenance window, failure domain busy): rerun later. */
  DEFERRED: 7,
  /** Stopped by Ctrl-C (state saved; a rerun resumes). */
  INTERRUPTED: 130,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** What the exit code is decided from: host counts by outcome, whatever the verb. */
export interface ExitCounts {
  failed: number;
  refused: number;
  unknown: number;
  unreachable: number;
  deferred: number;
  /** plan: hosts with changes to make; sweep: hosts not compliant; run and exec: 0. */
  pending: number;
}

/** The one rule, worst first: interrupted > failed (refused included: not remediated) > unknown > unreachable > deferred > changes > ok. */
export function exitCodeFor(c: ExitCounts, interrupted: boolean): ExitCode {
  if (interrupted) return EXIT.INTERRUPTED;
  if (c.failed + c.refused > 0) return EXIT.FAILED;
  if (c.unknown > 0) return EXIT.UNKNOWN;
  if (c.unreachable > 0) return EXIT.UNREACHABLE;
  if (c.deferred > 0) return EXIT.DEFERRED;
  if (c.pending > 0) return EXIT.CHANGES;
  return EXIT.OK;
}

export const EXIT_CODE_HELP = `Exit codes (the first that applies):
  130  interrupted by Ctrl-C (state saved; rerun to resume)
  1    at least one host failed or was refused (left untouched by a safety check)
  6    at least one host's verdict is unknown (evidence could not be read)
  3    at least one host unreachable
  7    at least one host deferred (maintenance window, failure domain busy)
  2    plan: changes to make; sweep: drift found
  0    all hosts done / compliant, nothing left to change
  4    usage or configuration error (nothing was contacted)
  5    another controller holds the lock on the state directory`;

/** A verb that threw instead of returning a code: bad input is 4, a held lock 5, anything else 1. */
export function describeError(err: unknown): { message: string; code: ExitCode } {
  if (err instanceof ConfigError || err instanceof ConfigErrors || err instanceof UsageError) return { message: err.message, code: EXIT.USAGE };
  if (err instanceof Error && 'code' in err && err.code === 'E_LOCKED') return { message: err.message, code: EXIT.LOCKED };
  return { message: errorMessage(err), code: EXIT.FAILED };
}
