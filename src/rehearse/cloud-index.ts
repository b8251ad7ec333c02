// Indexes over the lab's cloud world so 1,000 hosts and 20,000 instances stay fast: per-host usage, instances and services.
import { IN_PROGRESS, UNFINISHED, type CloudWorld, type FlavorRec, type HostRec, type InstanceRec, type MigrationRec, type Usage } from './lab-model.js';

/**
 * The lab's CloudWorld answers usage(host) and instancesOn(host) by scanning every instance and migration, and
 * computeService(host) by scanning every service: fine for a 12-host lab, quadratic at 1,000 hosts (the scheduler asks
 * for every host's usage on every migration). This keeps the same answers incrementally and installs them on the world
 * instance: instances enter through add(), and migrations move claims and instances on the world's own
 * 'migration-status' events, which the lab's migration engine emits on every status change.
 */
const EMPTY: Readonly<Usage> = Object.freeze({ vcpus: 0, ramMb: 0, diskGb: 0, runningVms: 0 });

/** One resource class of placementFits: min_unit 1, max_unit the total, as inventoriesOf reports a lab node. */
function fitsOne(amount: number, total: number, reserved: number, ratio: number, used: number): boolean {
  if (amount === 0) return true;
  return amount >= 1 && amount <= total && used + amount <= (total - reserved) * ratio;
}

export class CloudIndex {
  private readonly usageOf = new Map<string, Usage>();
  /** Placement's resource providers are the compute nodes, by their uuid. */
  private readonly providers = new Map<string, HostRec>();
  private readonly instancesOf = new Map<string, Set<InstanceRec>>();
  /** Migration id -> the host its resources are claimed on, while it is unfinished. */
  private readonly claims = new Map<number, string>();
  /** Migrations by the hosts they touch (source, and destination once scheduled), and the unfinished ones. */
  private readonly migrationsOf = new Map<string, MigrationRec[]>();
  private readonly destIndexed = new Set<number>();
  private readonly unfinished = new Set<MigrationRec>();
  /** world.migrations is append-only: entries before this one are indexed. */
  private seen = 0;

  constructor(private readonly world: CloudWorld) {
    for (const [h, rec] of world.hosts) {
      this.providers.set(rec.hypervisorUuid, rec);
      this.usageOf.set(h, { vcpus: 0, ramMb: 0, diskGb: 0, runningVms: 0 });
      this.instancesOf.set(h, new Set());
    }
    const services = new Map(world.services.filter((s) => s.binary === 'nova-compute').map((s) => [s.host, s]));
    for (const inst of world.instances.values()) this.add(inst);
    const index = this;
    Object.assign(world, {
      // The live totals, not a copy: the scheduler asks for them O(hosts log hosts) times per migration and only reads them.
      usage(host: string): Usage {
        return index.usageOf.get(host) ?? EMPTY;
      },
      instancesOn(host: string): InstanceRec[] {
        return [...(index.instancesOf.get(host) ?? [])].sort((a, b) => a.seq - b.seq);
      },
      computeService(host: string) {
        return services.get(host);
      },
      // Placement's rule (placementFits over inventoriesOf) without building the inventories for every call: the seeding
      // and the scheduler ask it for every host per instance, tens of millions of times at 1,000 hosts. Same arithmetic.
      fits(host: string, f: FlavorRec): boolean {
        const h = world.hosts.get(host);
        if (!h) return false;
        const u = index.usageOf.get(host) ?? EMPTY;
        return fitsOne(f.vcpus, h.vcpus, 0, h.cpuAllocationRatio, u.vcpus)
          && fitsOne(f.ramMb, h.ramMb, h.reservedHostMemoryMb, h.ramAllocationRatio, u.ramMb)
          && fitsOne(f.diskGb, h.diskGb, 0, h.diskAllocationRatio, u.diskGb);
      },
    });
    world.events.on('migration-status', (m) => this.onMigration(m));
  }

  /** Registers an instance placed on its host (seeding). */
  add(inst: InstanceRec): void {
    this.instancesOf.get(inst.host)?.add(inst);
    this.bump(inst.host, inst.flavorId, 1);
  }

  provider(uuid: string): HostRec | undefined {
    return this.providers.get(uuid);
  }

  /** Instances on a host without sorting or copying (hot path of the simulated virsh). */
  on(host: string): ReadonlySet<InstanceRec> {
    return this.instancesOf.get(host) ?? new Set();
  }

  private bump(host: string, flavorId: string, sign: 1 | -1): void {
    const u = this.usageOf.get(host);
    if (!u) return;
    const f = this.world.flavor(flavorId);
    u.vcpus += sign * f.vcpus;
    u.ramMb += sign * f.ramMb;
    u.diskGb += sign * f.diskGb;
    u.runningVms += sign;
  }

  /** Indexes the migrations the engine appended since the last look (it appends without an event). */
  private absorb(): void {
    const all = this.world.migrations;
    for (; this.seen < all.length; this.seen++) {
      const m = all[this.seen]!;
      this.touch(m.sourceCompute, m);
      if (UNFINISHED.has(m.status)) this.unfinished.add(m);
      this.indexDest(m);
    }
  }

  private touch(host: string, m: MigrationRec): void {
    let list = this.migrationsOf.get(host);
    if (!list) this.migrationsOf.set(host, (list = []));
    list.push(m);
  }

  private indexDest(m: MigrationRec): void {
    if (m.destCompute === null || this.destIndexed.has(m.id)) return;
    this.destIndexed.add(m.id);
    if (m.destCompute !== m.sourceCompute) this.touch(m.destCompute, m);
  }

  /** Every migration whose source or destination is this host, oldest first (GET /os-migrations?host=). */
  migrationsTouching(host: string): MigrationRec[] {
    this.absorb();
    return [...(this.migrationsOf.get(host) ?? [])].sort((a, b) => a.id - b.id);
  }

  /** The lab engine's inFlightTouching(host), from the unfinished set instead of a scan of every migration. */
  inFlightTouching(host: string): MigrationRec[] {
    this.absorb();
    return [...this.unfinished].filter((m) => (m.status === 'accepted' || IN_PROGRESS.has(m.status)) && (m.sourceCompute === host || m.destCompute === host))
      .sort((a, b) => a.id - b.id);
  }

  private onMigration(m: MigrationRec): void {
    this.absorb();
    this.indexDest(m);
    if (UNFINISHED.has(m.status)) this.unfinished.add(m);
    else this.unfinished.delete(m);
    const claimed = this.claims.get(m.id);
    if (UNFINISHED.has(m.status)) {
      if (claimed === undefined && m.destCompute !== null) {
        this.claims.set(m.id, m.destCompute);
        this.bump(m.destCompute, m.flavorId, 1);
      }
      return;
    }
    if (claimed !== undefined) {
      this.claims.delete(m.id);
      this.bump(claimed, m.flavorId, -1);
    }
    if (m.status === 'completed') {
      const inst = this.world.instances.get(m.instanceUuid);
      if (!inst) return;
      // The migration engine has already set inst.host to the destination.
      this.instancesOf.get(m.sourceCompute)?.delete(inst);
      this.bump(m.sourceCompute, inst.flavorId, -1);
      this.instancesOf.get(inst.host)?.add(inst);
      this.bump(inst.host, inst.flavorId, 1);
    }
  }
}
