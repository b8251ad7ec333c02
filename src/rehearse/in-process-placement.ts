// Placement over the lab's cloud model in process: providers, inventories, usages and aggregates as the lab's Placement answers them.
import type { Inventory, PlacementClient, ResourceProvider } from '../openstack/placement.js';
import type { CloudSim } from './cloud-sim.js';
import { aggregatesOf, ApiError, inventoriesOf, type HostRec } from './lab-model.js';

/** The client asks for 1.19 and the lab offers 1.39 (src/openstack/placement.ts, src/lab/cloud/placement-front.ts). */
const NEGOTIATED = '1.19';

/** One API round trip of virtual time, then the answer at that instant (InProcessNova's call). */
export type ApiCall = <T>(fn: () => T) => Promise<T>;

export class InProcessPlacement implements PlacementClient {
  private discovered: Promise<boolean> | undefined;

  constructor(private readonly sim: CloudSim, private readonly call: ApiCall) {}

  private provider(uuid: string): HostRec {
    const h = this.sim.index.provider(uuid);
    if (!h) throw new ApiError(404, `No resource provider with uuid ${uuid} found`);
    return h;
  }

  /** The real client discovers Placement once (catalog, then its root document): one round trip, remembered. */
  available(): Promise<boolean> {
    this.discovered ??= this.call(() => this.sim.cfg.placement);
    return this.discovered;
  }

  microversion(): Promise<string> {
    return Promise.resolve(NEGOTIATED);
  }

  listResourceProviders(): Promise<ResourceProvider[]> {
    return this.call(() => [...this.sim.world.hosts.values()]
      .map((h) => ({ uuid: h.hypervisorUuid, name: h.hypervisorHostname, generation: this.sim.world.generation(h.name) })));
  }

  inventories(providerUuid: string): Promise<Record<string, Inventory>> {
    return this.call(() => Object.fromEntries(Object.entries(inventoriesOf(this.provider(providerUuid))).map(([rc, i]) => [rc, {
      total: i.total, reserved: i.reserved, minUnit: i.min_unit, maxUnit: i.max_unit, stepSize: i.step_size, allocationRatio: i.allocation_ratio,
    }])));
  }

  /**
   * The lab's usagesOn scans every instance and migration; the index's per-host totals are the same allocations (an
   * instance on its host until its migration completes, the migration's claim on its destination from scheduling on).
   */
  usages(providerUuid: string): Promise<Record<string, number>> {
    return this.call(() => {
      const u = this.sim.world.usage(this.provider(providerUuid).name);
      return { VCPU: u.vcpus, MEMORY_MB: u.ramMb, DISK_GB: u.diskGb };
    });
  }

  aggregates(providerUuid: string): Promise<string[]> {
    return this.call(() => aggregatesOf(this.sim.world, this.provider(providerUuid)));
  }
}
