// Changing a compute service's status on behalf of a user, remembering who disabled it so the audit can compare.
import { novaTime } from './model.js';
import type { ServiceRec } from './model.js';
import type { CloudWorld } from './world.js';

export function setServiceStatus(world: CloudWorld, svc: ServiceRec, status: 'enabled' | 'disabled', reason: string | null, user: string): void {
  if (status === 'enabled') {
    if (svc.status === 'disabled' && svc.disabledBy !== null && svc.disabledBy !== user) {
      // kured's rule: a tool must never undo an operator's own cordon.
      world.audit('enabled-by-other-user', svc.host, [],
        `${svc.binary} on ${svc.host} disabled by ${svc.disabledBy} (reason: ${svc.disabledReason ?? 'none'}) was enabled by ${user}`);
    }
    svc.status = 'enabled';
    svc.disabledReason = null;
    svc.disabledBy = null;
  } else {
    // Disabling an already-disabled service keeps the first disabler: that is whose cordon it is.
    if (svc.status !== 'disabled') svc.disabledBy = user;
    svc.status = 'disabled';
    svc.disabledReason = reason;
  }
  svc.updatedAt = novaTime(world.now());
}
