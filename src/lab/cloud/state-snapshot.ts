// A plain-JSON picture of the whole fake cloud for tests and the lab daemon (GET /_lab/state).
import { serverStatus } from './nova-views.js';
import type { CloudWorld } from './world.js';

export interface LabStateSnapshot {
  services: { id: string; binary: string; host: string; status: string; state: 'up' | 'down'; disabledReason: string | null;
    disabledBy: string | null; forcedDown: boolean }[];
  hosts: { name: string; vcpus: number; ramMb: number; vcpusUsed: number; ramMbUsed: number; az: string; aggregate: string | null }[];
  instances: { uuid: string; name: string; host: string; status: string; vmState: string; taskState: string | null; powerState: number;
    flavor: string; projectId: string; mdClear: boolean }[];
  migrations: { id: number; uuid: string; instanceUuid: string; source: string; dest: string | null; status: string; createdAt: string;
    /** The User-Agent of the client that started it (the tool says `mds-orchestrate`). */
    requestedBy: string | null }[];
}

export function snapshotState(world: CloudWorld): LabStateSnapshot {
  return {
    services: world.services.map((s) => ({ id: s.uuid, binary: s.binary, host: s.host, status: s.status, state: world.isUp(s) ? 'up' : 'down',
      disabledReason: s.disabledReason, disabledBy: s.disabledBy, forcedDown: s.forcedDown })),
    hosts: [...world.hosts.values()].map((h) => {
      const u = world.usage(h.name);
      return { name: h.name, vcpus: h.vcpus, ramMb: h.ramMb, vcpusUsed: u.vcpus, ramMbUsed: u.ramMb, az: h.az, aggregate: h.aggregate };
    }),
    instances: [...world.instances.values()].sort((a, b) => a.seq - b.seq).map((i) => ({
      uuid: i.uuid, name: i.name, host: i.host, status: serverStatus(i), vmState: i.vmState, taskState: i.taskState,
      powerState: i.powerState, flavor: world.flavor(i.flavorId).name, projectId: i.projectId, mdClear: i.mdClear,
    })),
    migrations: world.migrations.map((m) => ({ id: m.id, uuid: m.uuid, instanceUuid: m.instanceUuid, source: m.sourceCompute,
      dest: m.destCompute ?? m.requestedHost, status: m.status, createdAt: m.createdAt, requestedBy: m.requestedBy })),
  };
}
