// How a step ends a host other than by succeeding: one class per outcome, on the project's one error base.
import { OrchestratorError, type ErrorContext } from '../util/errors.js';
import type { Diff } from './types.js';

/**
 * Left untouched on purpose: a safety check said no (instances still on board, a service an operator disabled, a host
 * that answers as another). Nothing was changed by the step that refused; the message says why and what to do.
 */
export class RefusedError extends OrchestratorError {
  constructor(message: string, ctx: ErrorContext = {}) {
    super('E_REFUSED', message, ctx);
  }
}

/** The host cannot take this workflow as it stands (cpu_mode = none, no minimums for its release): fix the host or the playbook. */
export class PreconditionError extends OrchestratorError {
  constructor(message: string, ctx: ErrorContext = {}) {
    super('E_PRECONDITION', message, ctx);
  }
}

/** A command on the host or a call to the cloud failed while the step acted. */
export class CommandFailedError extends OrchestratorError {
  constructor(message: string, ctx: ErrorContext = {}) {
    super('E_COMMAND', message, ctx);
  }
}

/** The host must wait (outside the maintenance window, failure domain busy): deferred, not failed. */
export class DeferredError extends OrchestratorError {
  constructor(message: string, ctx: ErrorContext = {}) {
    super('E_DEFERRED', message, ctx);
  }
}

/**
 * Evidence a check needs could not be read (permission denied, tool missing, timeout): the verdict is unknown, never ok.
 * `fix` tells the operator how to make it readable (for example: set ansible_become). `diff`: what the check did find
 * beside the unknown (verify's other findings), so the report still lists every finding.
 */
export class UnknownEvidenceError extends OrchestratorError {
  readonly evidence: string[];
  readonly fix: string | undefined;
  readonly diff: Diff | undefined;

  constructor(evidence: string[], message: string, fix?: string, ctx: ErrorContext = {}, diff?: Diff) {
    super('E_UNKNOWN', fix ? `${message}; ${fix}` : message, ctx);
    this.evidence = evidence;
    this.fix = fix;
    this.diff = diff;
  }
}
