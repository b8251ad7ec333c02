// Errors of the fake compute fleet: bad host specs, missing prerequisites, hosts that fail to boot.
import { OrchestratorError, type ErrorContext } from '../../util/errors.js';

export type LabHostErrorCode = 'E_LAB_SPEC' | 'E_LAB_PREREQ' | 'E_LAB_BOOT' | 'E_LAB_STATE' | 'E_LAB_UNKNOWN_HOST';

export class LabHostError extends OrchestratorError {
  declare readonly code: LabHostErrorCode;
  constructor(code: LabHostErrorCode, message: string, ctx: ErrorContext = {}) {
    super(code, message, ctx);
  }
}
