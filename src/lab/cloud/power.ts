// os-stop and os-start: state checks (409), a short powering-off/on task, and a fresh md-clear probe at every cold boot;
// and the build of a server created through the API (BUILD/spawning, then ACTIVE), which boots cold too.
import { conflict } from './api-error.js';
import type { InstanceRec, VmState } from './model.js';
import type { CloudWorld } from './world.js';

function checkState(inst: InstanceRec, action: string, allowed: VmState[]): void {
  if (inst.taskState !== null) {
    throw conflict(`Cannot '${action}' instance ${inst.uuid} while it is in task_state ${inst.taskState}`);
  }
  if (!allowed.includes(inst.vmState)) {
    throw conflict(`Cannot '${action}' instance ${inst.uuid} while it is in vm_state ${inst.vmState}`);
  }
}

export class PowerActions {
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(private readonly world: CloudWorld) {}

  stop(inst: InstanceRec): void {
    checkState(inst, 'stop', ['active', 'error']);
    this.world.setInstance(inst, inst.vmState, 'powering-off', inst.powerState);
    this.after(() => {
      if (inst.taskState !== 'powering-off') return;
      this.world.setInstance(inst, 'stopped', null, 4);
      this.world.emitGuests(inst.host);
    });
  }

  start(inst: InstanceRec): void {
    checkState(inst, 'start', ['stopped']);
    this.world.setInstance(inst, inst.vmState, 'powering-on', inst.powerState);
    this.after(() => {
      if (inst.taskState !== 'powering-on') return;
      // A cold boot builds the guest CPU from what the host exposes now; this is how guests pick up md-clear.
      inst.mdClear = this.world.probeMdClear(inst.host);
      this.world.setInstance(inst, 'active', null, 1);
      this.world.emitGuests(inst.host);
    });
  }

  /** A new server boots after the same short delay, its CPU model built from what its host exposes then. */
  build(inst: InstanceRec): void {
    this.after(() => {
      if (inst.vmState !== 'building') return;
      inst.mdClear = this.world.probeMdClear(inst.host);
      this.world.setInstance(inst, 'active', null, 1);
      this.world.emitGuests(inst.host);
    });
  }

  close(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  private after(fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, this.world.powerActionMs);
    this.timers.add(t);
  }
}
