// An in-memory NovaApi for step tests: services, servers with flavors, hypervisor capacity, scripted migrations, stop/start.
import type { ComputeService, Hypervisor, Migration, NovaApi, Server } from '../../src/openstack/types.js';

/** How one live-migration attempt of a server ends, counted in getServer() polls of that server. */
export type MigrationBehaviour =
  | { outcome: 'complete'; polls?: number; to?: string }
  | { outcome: 'fail'; polls?: number }
  | { outcome: 'hang' };

export interface NovaCall {
  method: keyof NovaApi;
  args: unknown[];
}

/** What Nova answers with a 4xx: the request itself was wrong for the current state. */
export class FakeNovaError extends Error {
  constructor(readonly status: number, message: string) {
    super(`${status}: ${message}`);
    this.name = 'FakeNovaError';
  }
}

export interface FakeServerInit {
  id?: string;
  name: string;
  host: string;
  status?: string;
  taskState?: string | null;
  vcpus?: number;
  ramMb?: number;
  projectId?: string;
}

interface InFlight {
  kind: 'migration' | 'stop' | 'start';
  source: string;
  polls: number;
  behaviour: MigrationBehaviour;
  migration?: Migration;
}

const MUTATING: ReadonlySet<keyof NovaApi> = new Set(['setServiceStatus', 'liveMigrate', 'abortLiveMigration', 'stopServer', 'startServer']);

export class FakeNovaApi implements NovaApi {
  readonly services: ComputeService[] = [];
  readonly hypervisors: Hypervisor[] = [];
  readonly servers = new Map<string, Server>();
  readonly migrations: Migration[] = [];
  readonly calls: NovaCall[] = [];
  /** Polls a stop or start takes before the server reaches SHUTOFF / ACTIVE. */
  powerPolls = 1;
  /** Called when a server finished starting (tests use it to give the guest its new CPU). */
  onStarted: ((server: Server) => void) | null = null;
  /** Called when a live migration landed (tests use it to move the guest between fake hosts). */
  onMoved: ((server: Server, from: string, to: string) => void) | null = null;
  private readonly plans = new Map<string, MigrationBehaviour[]>();
  private readonly inFlight = new Map<string, InFlight>();
  private readonly maxBySource = new Map<string, number>();
  private seq = 0;

  addHost(host: string, o: { vcpus?: number; memoryMb?: number; zone?: string; status?: 'enabled' | 'disabled'; disabledReason?: string; state?: 'up' | 'down'; forcedDown?: boolean } = {}): this {
    const n = this.hypervisors.length + 1;
    const status = o.status ?? 'enabled';
    this.services.push({ id: `svc-${n}`, binary: 'nova-compute', host, zone: o.zone ?? 'nova', status, state: o.state ?? 'up', disabledReason: status === 'disabled' ? (o.disabledReason ?? null) : null, forcedDown: o.forcedDown ?? false });
    this.hypervisors.push({ id: `hv-${n}`, hostname: `${host}.example.org`, serviceHost: host, state: o.state ?? 'up', status, vcpus: o.vcpus ?? 32, vcpusUsed: 0, memoryMb: o.memoryMb ?? 131072, memoryMbUsed: 0 });
    return this;
  }

  addServer(init: FakeServerInit): Server {
    this.seq += 1;
    const server: Server = {
      id: init.id ?? `a1b2c3d4-0000-4000-8000-${this.seq.toString(16).padStart(12, '0')}`,
      name: init.name,
      status: init.status ?? 'ACTIVE',
      host: init.host,
      taskState: init.taskState ?? null,
      vmState: (init.status ?? 'ACTIVE') === 'SHUTOFF' ? 'stopped' : 'active',
      projectId: init.projectId ?? 'e2b5a1c0d9f84b7a9c3d2e1f0a9b8c7d',
      flavor: { vcpus: init.vcpus ?? 2, ramMb: init.ramMb ?? 4096 },
    };
    this.servers.set(server.id, server);
    this.use(server.host, server, +1);
    return server;
  }

  /** The outcomes of the next live-migration attempts of a server, in order; afterwards: complete after one poll. */
  planMigrations(serverId: string, ...behaviours: MigrationBehaviour[]): this {
    this.plans.set(serverId, [...(this.plans.get(serverId) ?? []), ...behaviours]);
    return this;
  }

  /** A migration that started before the test (e.g. by a controller that crashed). */
  startMigrationOutside(serverId: string, behaviour: MigrationBehaviour = { outcome: 'complete', polls: 2 }): void {
    const s = this.mustGet(serverId);
    this.beginMigration(s, behaviour);
  }

  service(host: string): ComputeService {
    const svc = this.services.find((s) => s.host === host);
    if (!svc) throw new Error(`fake nova: no service ${host}`);
    return svc;
  }

  serversOn(host: string): Server[] {
    return [...this.servers.values()].filter((s) => s.host === host);
  }

  mutatingCalls(): NovaCall[] {
    return this.calls.filter((c) => MUTATING.has(c.method));
  }

  callsTo(method: keyof NovaApi): NovaCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  /** Most live migrations from one source host that were running at the same time. */
  maxConcurrentMigrations(source: string): number {
    return this.maxBySource.get(source) ?? 0;
  }

  async listComputeServices(host?: string): Promise<ComputeService[]> {
    this.record('listComputeServices', [host]);
    return this.services.filter((s) => host === undefined || s.host === host).map((s) => ({ ...s }));
  }

  async setServiceStatus(serviceId: string, status: 'enabled' | 'disabled', reason?: string): Promise<ComputeService> {
    this.record('setServiceStatus', [serviceId, status, reason]);
    const svc = this.services.find((s) => s.id === serviceId);
    if (!svc) throw new FakeNovaError(404, `service ${serviceId} not found`);
    // Microversion 2.53: a disable carries a reason, an enable must not.
    if (status === 'disabled' && !reason) throw new FakeNovaError(400, 'disabled_reason is required when disabling');
    if (status === 'enabled' && reason !== undefined) throw new FakeNovaError(400, 'disabled_reason is only allowed when disabling');
    svc.status = status;
    svc.disabledReason = status === 'disabled' ? (reason ?? null) : null;
    const hv = this.hypervisors.find((h) => h.serviceHost === svc.host);
    if (hv) hv.status = status;
    return { ...svc };
  }

  async listServers(filter: { host?: string } = {}): Promise<Server[]> {
    this.record('listServers', [filter]);
    return [...this.servers.values()].filter((s) => filter.host === undefined || s.host === filter.host).map((s) => this.copy(s));
  }

  async getServer(serverId: string): Promise<Server> {
    this.record('getServer', [serverId]);
    const s = this.mustGet(serverId);
    this.advance(s);
    return this.copy(s);
  }

  async listHypervisors(): Promise<Hypervisor[]> {
    this.record('listHypervisors', []);
    return this.hypervisors.map((h) => ({ ...h }));
  }

  async liveMigrate(serverId: string, targetHost: string | null): Promise<void> {
    this.record('liveMigrate', [serverId, targetHost]);
    const s = this.mustGet(serverId);
    if (s.status !== 'ACTIVE' || s.taskState) throw new FakeNovaError(409, `cannot live-migrate ${serverId} while it is ${s.status}/${s.taskState ?? '-'}`);
    const plan = this.plans.get(serverId);
    this.beginMigration(s, plan?.shift() ?? { outcome: 'complete', polls: 1 });
  }

  async listMigrations(filter: { instanceUuid?: string; host?: string; migrationType?: string }): Promise<Migration[]> {
    this.record('listMigrations', [filter]);
    return this.migrations
      .filter((m) => filter.instanceUuid === undefined || m.instanceUuid === filter.instanceUuid)
      .filter((m) => filter.host === undefined || m.sourceCompute === filter.host || m.destCompute === filter.host)
      .filter((m) => filter.migrationType === undefined || m.migrationType === filter.migrationType)
      .map((m) => ({ ...m }));
  }

  /** Like Nova 2.24: the migration is cancelled and the instance stays, idle, on its source. */
  async abortLiveMigration(serverId: string, migrationId: string): Promise<void> {
    this.record('abortLiveMigration', [serverId, migrationId]);
    const s = this.mustGet(serverId);
    const m = this.migrations.find((x) => x.id === migrationId && x.instanceUuid === serverId);
    if (!m || !['running', 'queued', 'preparing'].includes(m.status)) throw new FakeNovaError(400, `migration ${migrationId} of ${serverId} is not in progress`);
    m.status = 'cancelled';
    this.inFlight.delete(serverId);
    s.status = 'ACTIVE';
    s.taskState = null;
  }

  async stopServer(serverId: string): Promise<void> {
    this.record('stopServer', [serverId]);
    const s = this.mustGet(serverId);
    if (s.status !== 'ACTIVE' || s.taskState) throw new FakeNovaError(409, `cannot stop ${serverId} while it is ${s.status}`);
    s.taskState = 'powering-off';
    this.inFlight.set(s.id, { kind: 'stop', source: s.host ?? '', polls: 0, behaviour: { outcome: 'complete', polls: this.powerPolls } });
  }

  async startServer(serverId: string): Promise<void> {
    this.record('startServer', [serverId]);
    const s = this.mustGet(serverId);
    if (s.status !== 'SHUTOFF' || s.taskState) throw new FakeNovaError(409, `cannot start ${serverId} while it is ${s.status}`);
    s.taskState = 'powering-on';
    this.inFlight.set(s.id, { kind: 'start', source: s.host ?? '', polls: 0, behaviour: { outcome: 'complete', polls: this.powerPolls } });
  }

  private beginMigration(s: Server, behaviour: MigrationBehaviour): void {
    this.seq += 1;
    const migration: Migration = {
      id: String(this.seq),
      instanceUuid: s.id,
      status: 'running',
      sourceCompute: s.host,
      destCompute: null,
      migrationType: 'live-migration',
      createdAt: new Date(0).toISOString(),
    };
    this.migrations.push(migration);
    s.status = 'MIGRATING';
    s.taskState = 'migrating';
    const source = s.host ?? '';
    this.inFlight.set(s.id, { kind: 'migration', source, polls: 0, behaviour, migration });
    const running = [...this.inFlight.values()].filter((f) => f.kind === 'migration' && f.source === source).length;
    this.maxBySource.set(source, Math.max(this.maxBySource.get(source) ?? 0, running));
  }

  /** Moves an operation on by one poll; finishes it when its polls are used up. */
  private advance(s: Server): void {
    const op = this.inFlight.get(s.id);
    if (!op) return;
    op.polls += 1;
    const b = op.behaviour;
    if (b.outcome === 'hang' || op.polls < (b.polls ?? 1)) return;
    this.inFlight.delete(s.id);
    if (op.kind === 'stop') {
      Object.assign(s, { status: 'SHUTOFF', vmState: 'stopped', taskState: null });
      return;
    }
    if (op.kind === 'start') {
      Object.assign(s, { status: 'ACTIVE', vmState: 'active', taskState: null });
      this.onStarted?.(this.copy(s));
      return;
    }
    s.taskState = null;
    s.status = 'ACTIVE';
    if (b.outcome === 'fail') {
      op.migration!.status = 'error';
      return;
    }
    const dest = b.to ?? this.pickDestination(op.source, s);
    if (!dest) {
      op.migration!.status = 'error';
      return;
    }
    this.use(op.source, s, -1);
    this.use(dest, s, +1);
    s.host = dest;
    op.migration!.status = 'completed';
    op.migration!.destCompute = dest;
    this.onMoved?.(this.copy(s), op.source, dest);
  }

  private pickDestination(source: string, s: Server): string | null {
    const fits = this.hypervisors.filter((h) => h.serviceHost !== source && h.status === 'enabled' && h.state === 'up')
      .filter((h) => h.vcpus - h.vcpusUsed >= (s.flavor?.vcpus ?? 0) && h.memoryMb - h.memoryMbUsed >= (s.flavor?.ramMb ?? 0))
      .sort((a, b) => (b.memoryMb - b.memoryMbUsed) - (a.memoryMb - a.memoryMbUsed));
    return fits[0]?.serviceHost ?? null;
  }

  private use(host: string | null, s: Server, sign: 1 | -1): void {
    const hv = this.hypervisors.find((h) => h.serviceHost === host);
    if (!hv || !s.flavor) return;
    hv.vcpusUsed += sign * s.flavor.vcpus;
    hv.memoryMbUsed += sign * s.flavor.ramMb;
  }

  private mustGet(id: string): Server {
    const s = this.servers.get(id);
    if (!s) throw new FakeNovaError(404, `server ${id} not found`);
    return s;
  }

  private copy(s: Server): Server {
    return { ...s, flavor: s.flavor ? { ...s.flavor } : null };
  }

  private record(method: keyof NovaApi, args: unknown[]): void {
    this.calls.push({ method, args });
  }
}
