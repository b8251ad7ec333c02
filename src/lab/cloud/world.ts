// The fake cloud's in-memory world: every record, capacity usage, guest lists per host, the audit log and change events.
import { createHash } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { FakeCloudHooks, ResolvedCloudConfig } from './config.js';
import { UNFINISHED, novaTime } from './model.js';
import type {
  AuditKind, AuditRecord, DomainRec, FlavorRec, GuestInfo, GuestState, HostRec, InstanceRec, MigrationRec, PowerState,
  ProjectRec, ServiceRec, UserRec, VmState,
} from './model.js';
import { flavorResources, placementFits } from './placement-model.js';
import type { Rng } from './rng.js';

export interface Usage {
  vcpus: number;
  ramMb: number;
  diskGb: number;
  runningVms: number;
}

export interface WorldEvents {
  'guests-changed': [host: string, guests: GuestInfo[]];
  audit: [record: AuditRecord];
  'migration-status': [migration: MigrationRec];
}

export class CloudWorld {
  readonly events = new EventEmitter<WorldEvents>();
  readonly domains: DomainRec[] = [];
  readonly projects: ProjectRec[] = [];
  readonly users: UserRec[] = [];
  readonly flavors: FlavorRec[] = [];
  readonly hosts = new Map<string, HostRec>();
  readonly services: ServiceRec[] = [];
  readonly instances = new Map<string, InstanceRec>();
  readonly migrations: MigrationRec[] = [];
  private readonly auditLog: AuditRecord[] = [];
  private readonly generations = new Map<string, number>();
  private seq = 0;
  private migrationIds = 0;
  migrationMs: number;
  powerActionMs: number;
  tokenTtlMs: number;

  constructor(readonly cfg: ResolvedCloudConfig, readonly rng: Rng, readonly hooks: FakeCloudHooks) {
    this.migrationMs = cfg.migrationMs;
    this.powerActionMs = cfg.powerActionMs;
    this.tokenTtlMs = cfg.tokenTtlMs;
  }

  now(): number {
    return Date.now();
  }

  nextSeq(): number {
    return ++this.seq;
  }

  nextMigrationId(): number {
    return ++this.migrationIds;
  }

  flavor(id: string): FlavorRec {
    const f = this.flavors.find((x) => x.id === id);
    if (!f) throw new Error(`fake cloud: unknown flavor ${id}`);
    return f;
  }

  computeService(host: string): ServiceRec | undefined {
    return this.services.find((s) => s.binary === 'nova-compute' && s.host === host);
  }

  isUp(svc: ServiceRec): boolean {
    return !svc.forcedDown && !svc.rebooting && !svc.agentStopped;
  }

  /** Resources held on a host: its instances (stopped ones too, as in placement) plus claims of migrations heading there. */
  usage(host: string): Usage {
    const u: Usage = { vcpus: 0, ramMb: 0, diskGb: 0, runningVms: 0 };
    const add = (flavorId: string): void => {
      const f = this.flavor(flavorId);
      u.vcpus += f.vcpus;
      u.ramMb += f.ramMb;
      u.diskGb += f.diskGb;
      u.runningVms += 1;
    };
    for (const inst of this.instances.values()) if (inst.host === host) add(inst.flavorId);
    for (const m of this.migrations) if (m.destCompute === host && UNFINISHED.has(m.status)) add(m.flavorId);
    return u;
  }

  /** Placement's claim test: (total - reserved) * allocation_ratio, and no single allocation above max_unit. */
  fits(host: string, flavor: FlavorRec): boolean {
    const h = this.hosts.get(host);
    if (!h) return false;
    const u = this.usage(host);
    return placementFits(h, { VCPU: u.vcpus, MEMORY_MB: u.ramMb, DISK_GB: u.diskGb }, flavorResources(flavor));
  }

  /** Free memory as the scheduler's RAM weigher sees it. */
  freeRamMb(host: string): number {
    const h = this.hosts.get(host)!;
    return (h.ramMb - h.reservedHostMemoryMb) * h.ramAllocationRatio - this.usage(host).ramMb;
  }

  /** Placement's resource provider generation: bumped whenever the provider's allocations change. */
  generation(host: string): number {
    return this.generations.get(host) ?? 0;
  }

  /** A stable uuid per aggregate name (hashed, so asking never moves the seeded generator), shared by Nova and Placement. */
  aggregateUuid(name: string): string {
    const h = createHash('sha256').update(`aggregate:${this.cfg.seed}:${name}`).digest('hex');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
  }

  bumpGeneration(...hosts: (string | null)[]): void {
    for (const h of hosts) if (h !== null) this.generations.set(h, this.generation(h) + 1);
  }

  instancesOn(host: string): InstanceRec[] {
    return [...this.instances.values()].filter((i) => i.host === host).sort((a, b) => a.seq - b.seq);
  }

  guestsOn(host: string): GuestInfo[] {
    return this.instancesOn(host).map((i) => ({ uuid: i.uuid, name: i.name, state: guestState(i.powerState), mdClear: i.mdClear }));
  }

  emitGuests(host: string): void {
    const guests = this.guestsOn(host);
    this.hooks.guestsChanged?.(host, guests);
    this.events.emit('guests-changed', host, guests);
  }

  probeMdClear(host: string): boolean {
    return this.hooks.guestCpuProbe?.(host) ?? false;
  }

  setInstance(inst: InstanceRec, vmState: VmState, taskState: string | null, powerState: PowerState): void {
    inst.vmState = vmState;
    inst.taskState = taskState;
    inst.powerState = powerState;
    inst.updatedAt = novaTime(this.now());
  }

  setMigrationStatus(m: MigrationRec, status: MigrationRec['status']): void {
    m.status = status;
    this.bumpGeneration(m.sourceCompute, m.destCompute);
    m.updatedAt = novaTime(this.now());
    this.events.emit('migration-status', m);
  }

  audit(kind: AuditKind, host: string, instances: string[], detail: string): void {
    const record: AuditRecord = { time: new Date(this.now()).toISOString(), kind, host, instances, detail };
    this.auditLog.push(record);
    this.events.emit('audit', record);
  }

  auditRecords(): AuditRecord[] {
    return this.auditLog.map((r) => ({ ...r, instances: [...r.instances] }));
  }

  userName(userId: string): string {
    return this.users.find((u) => u.id === userId)?.name ?? userId;
  }
}

export function guestState(power: PowerState): GuestState {
  if (power === 1) return 'running';
  if (power === 3) return 'paused';
  return 'shut off';
}
