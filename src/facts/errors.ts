// Errors of the facts module: gather output that cannot describe a host.
import { OrchestratorError, type ErrorContext } from '../util/errors.js';

/** The gather output is cut short or lacks a section every run needs (uname -r, boot_id). */
export class GatherError extends OrchestratorError {
  constructor(message: string, ctx: ErrorContext = {}) {
    super('E_GATHER', message, ctx);
  }
}
