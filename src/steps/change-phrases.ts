// Short phrases for what a change does, so a plan of 500 hosts can group hosts that would change the same way.
import type { Change } from './changes.js';

/**
 * One change as a phrase: a verb, what it acts on (the group key keeps it: `update kernel`), or a count (summed over a
 * group, never part of its key: `live-migrate 1,234 instances`).
 */
export interface ChangePhrase {
  verb: string;
  object?: string;
  /** Counted changes: the noun (plural) for the sum. */
  counted?: { one: string; many: string };
}

export function changePhrase(change: Change): ChangePhrase {
  switch (change.kind) {
    case 'package-update':
      return { verb: 'update', object: change.data.name };
    case 'image-update':
      return { verb: 'update image', object: change.data.container };
    case 'nova-conf-edit':
      return { verb: 'edit', object: change.data.path };
    case 'restart-service':
      return { verb: 'restart', object: change.data.service };
    case 'disable-service':
      return { verb: 'disable nova-compute' };
    case 'enable-service':
      return { verb: 'enable nova-compute' };
    case 'migrate-instance':
      return { verb: 'live-migrate', counted: { one: 'instance', many: 'instances' } };
    case 'await-migration':
      return { verb: 'await', counted: { one: 'migration', many: 'migrations' } };
    case 'reboot':
      return { verb: 'reboot' };
    case 'not-mitigated':
      return { verb: 'checks failing now:', object: change.data.check };
    case 'cold-boot':
      return { verb: 'cold-boot', counted: { one: 'guest', many: 'guests' } };
  }
}
