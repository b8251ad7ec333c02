// Indexes over the lab's cloud world so 1,000 hosts and 20,000 instances stay fast: per-host usage, instances and services.
import { UNFINISHED, type CloudWorld, type InstanceRec, type MigrationRec, type Usage } from './lab-model.js';

/**
 * The lab's CloudWorld answers usage(host) and instancesOn(host) by scanning every instance and migration, and
 * computeService(host) by scanning every service: fine for a 12-host lab, quadratic at 1,000 hosts (the scheduler asks
 * for every host's usage on every migration). This keeps the same answers incrementally and installs them on the world
 * instance: instances enter through add(), and migrations move claims and instances on the world's own
 * 'migration-status' events, which the lab's migration engine emits on every status change.
 */
export class CloudIndex {
  private readonly usageOf = new Map<string, Usage>();
  private readonly instancesOf = new Map<string, Set<InstanceRec>>();
  /** Migration id -> the host its resources are claimed on, while it is unfinished. */
  private readonly claims = new Map<number, string>();

  constructor(private readonly world: CloudWorld) {
    for (const h of world.hosts.keys()) {
      this.usageOf.set(h, { vcpus: 0, ramMb: 0, diskGb: 0, runningVms: 0 });
      this.instancesOf.set(h, new Set());
    }
    const services = new Map(world.services.filter((s) => s.binary === 'nova-compute').map((s) => [s.host, s]));
    for (const inst of world.instances.values()) this.add(inst);
    const index = this;
    Object.assign(world, {
      usage(host: string): Usage {
        return { ...(index.usageOf.get(host) ?? { vcpus: 0, ramMb: 0, diskGb: 0, runningVms: 0 }) };
      },
      instancesOn(host: string): InstanceRec[] {
        return [...(index.instancesOf.get(host) ?? [])].sort((a, b) => a.seq - b.seq);
      },
      computeService(host: string) {
        return services.get(host);
      },
    });
    world.events.on('migration-status', (m) => this.onMigration(m));
  }

  /** Registers an instance placed on its host (seeding). */
  add(inst: InstanceRec): void {
    this.instancesOf.get(inst.host)?.add(inst);
    this.bump(inst.host, inst.flavorId, 1);
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

  private onMigration(m: MigrationRec): void {
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
