// The process exit codes, documented in the README and in --help: scripts and schedulers depend on them.

export const EXIT = {
  /** Everything compliant / every host done, nothing left to change. */
  OK: 0,
  /** At least one host failed (a step raised, verify found something left). */
  FAILED: 1,
  /** plan found changes to make, or sweep found drift (not compliant). */
  CHANGES: 2,
  /** At least one host was unreachable (none failed). */
  UNREACHABLE: 3,
  /** Bad command line, inventory, playbook or other input: no host was contacted. */
  USAGE: 4,
  /** Another controller holds the state lock. */
  LOCKED: 5,
  /** At least one host's verdict is unknown: evidence could not be read (none failed). */
  UNKNOWN: 6,
  /** Stopped by Ctrl-C (state saved; a rerun resumes). */
  INTERRUPTED: 130,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export const EXIT_CODE_HELP = `Exit codes:
  0    all hosts done / compliant, nothing left to change
  1    at least one host failed
  2    plan: changes to make; sweep: drift found
  3    at least one host unreachable (and none failed)
  4    usage or configuration error (nothing was contacted)
  5    another controller holds the lock on the state directory
  6    at least one host unknown: evidence could not be read (and none failed)
  130  interrupted by Ctrl-C (state saved; rerun to resume)`;
