// Status vocabulary shared by every format: order, human labels per kind of report, and what counts as compliant.
import type { HostStatus, Report } from './model.js';

/** Worst first: the order tiles, tables and legends list statuses in, so problems are seen first. */
export const HOST_STATUS_ORDER: readonly HostStatus[] = ['failed', 'refused', 'unknown', 'unreachable', 'drift', 'would-change', 'deferred', 'skipped', 'changed', 'ok'];

/** A sweep's 'ok' means compliant; a run's 'ok' means nothing needed doing, so the wording follows the kind. */
export function statusLabel(status: HostStatus, kind: Report['kind']): string {
  switch (status) {
    case 'ok':
      return kind === 'sweep' ? 'compliant' : 'ok';
    case 'drift':
      return 'not compliant';
    case 'would-change':
      return 'would change';
    default:
      return status;
  }
}

/** Compliant = known to be mitigated at the end of the report; unreachable or deferred hosts are not known to be. */
export function isCompliant(status: HostStatus): boolean {
  return status === 'ok' || status === 'changed';
}

/** Statuses that mean nothing was learned or done on the host (JUnit 'skipped'). */
export function isNotAttempted(status: string): boolean {
  return status === 'unreachable' || status === 'deferred' || status === 'skipped';
}
