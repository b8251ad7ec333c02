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
  /** The filesystem of the state directory or the log is full (or over quota): stopped cleanly, lock released. */
  STORAGE_FULL: 8,
  /** Stopped by Ctrl-C (SIGINT; state saved, a rerun resumes). */
  INTERRUPTED: 130,
  /** Stopped by SIGTERM or SIGHUP (a service stop, a dropped terminal): the steps in flight finished, state saved. */
  TERMINATED: 143,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** The signals that stop a verb gracefully. */
export type StopSignal = 'SIGINT' | 'SIGTERM' | 'SIGHUP';

/** Why the controller itself stopped early, apart from what happened to the hosts. */
export interface StopCause {
  signal?: StopSignal | null;
  /** The state or log filesystem filled up. */
  storageFull?: boolean;
}

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

/**
 * The one rule, worst first: storage full > a signal (SIGINT 130, SIGTERM/SIGHUP 143) > failed (refused included: not
 * remediated) > unknown > unreachable > deferred > changes > ok. A full disk comes first: the operator must act before a rerun.
 */
export function exitCodeFor(c: ExitCounts, stop: StopCause = {}): ExitCode {
  if (stop.storageFull) return EXIT.STORAGE_FULL;
  if (stop.signal) return stop.signal === 'SIGINT' ? EXIT.INTERRUPTED : EXIT.TERMINATED;
  if (c.failed + c.refused > 0) return EXIT.FAILED;
  if (c.unknown > 0) return EXIT.UNKNOWN;
  if (c.unreachable > 0) return EXIT.UNREACHABLE;
  if (c.deferred > 0) return EXIT.DEFERRED;
  if (c.pending > 0) return EXIT.CHANGES;
  return EXIT.OK;
}

/** The lines of the exit-code table, by code; each verb's --help lists the ones it can return. */
export const EXIT_CODE_LINES: Record<ExitCode, string> = {
  8: '8    the state or log filesystem is full: stopped cleanly, lock released (free space, rerun to resume)',
  130: '130  interrupted by Ctrl-C (SIGINT; state saved; rerun to resume)',
  143: '143  stopped by SIGTERM or SIGHUP (steps in flight finished, state saved; rerun to resume)',
  1: '1    at least one host failed or was refused (left untouched by a safety check)',
  6: "6    at least one host's verdict is unknown (evidence could not be read)",
  3: '3    at least one host unreachable',
  7: '7    at least one host deferred (maintenance window, failure domain busy)',
  2: '2    plan: changes to make; sweep: drift found',
  0: '0    all hosts done / compliant, nothing left to change',
  4: '4    usage or configuration error (nothing was contacted)',
  5: '5    another controller holds the lock on the state directory',
};

/** Every code in the order the table lists them: the policy's order, then the codes that end a verb before any host. */
export const EXIT_CODE_ORDER: readonly ExitCode[] = [8, 130, 143, 1, 6, 3, 7, 2, 0, 4, 5];

/** What each verb can return (its --help lists these; status and hosts read files only). */
export const VERB_EXIT_CODES: Record<'run' | 'plan' | 'sweep' | 'exec' | 'status' | 'hosts' | 'rehearse', readonly ExitCode[]> = {
  run: [8, 130, 143, 1, 6, 3, 7, 0, 4, 5],
  plan: [8, 130, 143, 1, 6, 3, 7, 2, 0, 4],
  sweep: [8, 130, 143, 1, 6, 3, 7, 2, 0, 4],
  exec: [8, 130, 143, 1, 3, 0, 4],
  status: [0, 4],
  hosts: [0, 4],
  rehearse: [1, 0, 4],
};

/** Verbs that read files only say what their codes mean for them. */
export const VERB_EXIT_LINES: Partial<Record<keyof typeof VERB_EXIT_CODES, Partial<Record<ExitCode, string>>>> = {
  status: { 0: "0    printed (the last run's own result is in the output)" },
  // exec runs a command, not the workflow: no safety check refuses a host, and nothing is "compliant".
  exec: { 1: '1    the command failed on at least one host (non-zero exit, timeout)', 0: '0    the command exited 0 on every host' },
  hosts: { 0: '0    listed', 4: '4    usage or inventory error, or the pattern selects no host (nothing was contacted)' },
  // A rehearsal changes nothing (with -i it only reads): its codes speak of the simulated rollout.
  rehearse: {
    1: '1    the rehearsed rollout did not complete (a host failed, was refused, unknown, unreachable or not started), the safety audit found a violation, or (-i) hosts the plan could not judge were left out',
    0: '0    every simulated host completed (or was deferred by the window) and the safety audit is clean',
    4: '4    usage, playbook, fleet description, inventory or cloud configuration error (nothing was simulated or contacted)',
  },
};

/** The exit-code section of a --help text: the codes given, in the policy's order, in the verb's own words if it has them. */
export function exitCodeHelp(codes: readonly ExitCode[], lines: Partial<Record<ExitCode, string>> = {}): string {
  const wanted = new Set(codes);
  return ['Exit codes (the first that applies):', ...EXIT_CODE_ORDER.filter((c) => wanted.has(c)).map((c) => `  ${lines[c] ?? EXIT_CODE_LINES[c]}`)].join('\n');
}

export const EXIT_CODE_HELP = exitCodeHelp(Object.values(EXIT));

/** An error whose cause chain holds ENOSPC or EDQUOT: a full filesystem, not a bug. */
export function isStorageFull(err: unknown): boolean {
  for (let e = err, depth = 0; e && depth < 10; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (code === 'ENOSPC' || code === 'EDQUOT') return true;
  }
  return false;
}

/** A verb that threw instead of returning a code: bad input is 4, a held lock 5, a full disk 8, anything else 1. */
export function describeError(err: unknown): { message: string; code: ExitCode } {
  if (err instanceof ConfigError || err instanceof ConfigErrors || err instanceof UsageError) return { message: err.message, code: EXIT.USAGE };
  if (err instanceof Error && 'code' in err && err.code === 'E_LOCKED') return { message: err.message, code: EXIT.LOCKED };
  if (isStorageFull(err)) return { message: `${errorMessage(err)}\nmds-orchestrate: the filesystem is full (state directory or log): stopped cleanly, lock released; free space and rerun to resume`, code: exitCodeFor({ failed: 0, refused: 0, unknown: 0, unreachable: 0, deferred: 0, pending: 0 }, { storageFull: true }) };
  return { message: errorMessage(err), code: EXIT.FAILED };
}
