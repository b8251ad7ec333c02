// NovaApi over the lab's cloud model in process (no HTTP), so the virtual clock drives every Nova call and migration.
import { MAX_SUPPORTED } from '../openstack/microversion.js';
import type { PlacementClient } from '../openstack/placement.js';
import type { ComputeService, Hypervisor, Migration, NovaApi, Server } from '../openstack/types.js';
import type { CloudSim } from './cloud-sim.js';
import type { Durations } from './durations.js';
import { InProcessPlacement } from './in-process-placement.js';
import { ApiError, serverStatus, setLabServiceStatus, type InstanceRec, type MigrationRec, type TokenInfo } from './lab-model.js';

export interface NovaObserver {
  /** A compute service changed status through the API (the run's disables and re-enables). */
  serviceStatus?(host: string, status: 'enabled' | 'disabled'): void;
  liveMigrate?(instance: InstanceRec): void;
}

/** What the real client would throw for Nova's error answer: a message naming the status, as the HTTP client does. */
export class NovaApiAnswerError extends Error {
  constructor(readonly status: number, message: string) {
    super(`Nova answered ${status}: ${message}`);
    this.name = 'NovaApiAnswerError';
  }
}

export class InProcessNova implements NovaApi {
  /** Nova API calls made (a cost figure: each is one HTTP round trip on a real cloud). */
  calls = 0;
  private readonly token: TokenInfo;
  /** The compute microversion the real client negotiates with the lab's Nova: the lower of the two maxima. */
  private readonly mv: number;
  private readonly placementClient: PlacementClient;

  constructor(private readonly sim: CloudSim, private readonly durations: Durations, private readonly observer: NovaObserver = {}) {
    const user = sim.world.users[0]!;
    this.token = {
      userId: user.id, userName: user.name, projectId: sim.world.projects[0]?.id ?? null, roles: ['admin'],
      issuedAt: 0, expiresAt: Number.MAX_SAFE_INTEGER, auditId: 'rehearse', method: 'password',
    };
    const minor = (v: string): number => Number(v.split('.')[1]);
    this.mv = Math.min(minor(String(sim.cfg.maxMicroversion)), minor(MAX_SUPPORTED));
    this.placementClient = new InProcessPlacement(sim, (fn) => this.call(fn));
  }

  /** The negotiated compute microversion, as the real client reports it (the drain names targets from 2.30). */
  microversion(): Promise<string> {
    return Promise.resolve(`2.${this.mv}`);
  }

  /** Placement over the same world (the drain's capacity check and its choice of target read it, as on a real cloud). */
  placement(): PlacementClient {
    return this.placementClient;
  }

  /** Every call costs one API round trip of virtual time, then runs against the world at that instant. */
  private async call<T>(fn: () => T): Promise<T> {
    this.calls++;
    const ms = this.durations.s.apiMs;
    if (ms > 0) await new Promise((r) => setTimeout(r, ms));
    try {
      return fn();
    } catch (err) {
      if (err instanceof ApiError) throw new NovaApiAnswerError(err.status, err.message);
      throw err;
    }
  }

  private service(s: CloudSim['world']['services'][number]): ComputeService {
    return {
      id: s.uuid, binary: s.binary, host: s.host, zone: s.zone, status: s.status,
      state: this.sim.world.isUp(s) ? 'up' : 'down', disabledReason: s.disabledReason,
    };
  }

  private server(i: InstanceRec): Server {
    const f = this.sim.world.flavor(i.flavorId);
    return {
      id: i.uuid, name: i.name, status: serverStatus(i), host: i.host, taskState: i.taskState, vmState: i.vmState,
      projectId: i.projectId, flavor: { vcpus: f.vcpus, ramMb: f.ramMb },
      availabilityZone: this.sim.world.hosts.get(i.host)?.az ?? 'nova',
      ...(this.mv >= 96 ? { pinnedAvailabilityZone: i.requestedAz } : {}),
    };
  }

  private migration(m: MigrationRec): Migration {
    return {
      id: String(m.id), instanceUuid: m.instanceUuid, status: m.status, sourceCompute: m.sourceCompute, destCompute: m.destCompute,
      migrationType: m.migrationType, createdAt: m.createdAt,
    };
  }

  private instance(id: string): InstanceRec {
    const i = this.sim.world.instances.get(id);
    if (!i) throw new ApiError(404, `Instance ${id} could not be found.`);
    return i;
  }

  listComputeServices(host?: string): Promise<ComputeService[]> {
    return this.call(() => this.sim.world.services.filter((s) => host === undefined || s.host === host).map((s) => this.service(s)));
  }

  setServiceStatus(serviceId: string, status: 'enabled' | 'disabled', reason?: string): Promise<ComputeService> {
    return this.call(() => {
      const svc = this.sim.world.services.find((s) => s.uuid === serviceId);
      if (!svc) throw new ApiError(404, `Service ${serviceId} not found.`);
      if (status === 'disabled' && !reason) throw new ApiError(400, 'disabled_reason is required when disabling');
      setLabServiceStatus(this.sim.world, svc, status, status === 'disabled' ? reason ?? null : null, this.token.userName);
      this.observer.serviceStatus?.(svc.host, status);
      return this.service(svc);
    });
  }

  listServers(filter?: { host?: string }): Promise<Server[]> {
    return this.call(() => {
      const list = filter?.host !== undefined ? [...this.sim.index.on(filter.host)] : [...this.sim.world.instances.values()];
      return list.sort((a, b) => a.seq - b.seq).map((i) => this.server(i));
    });
  }

  getServer(serverId: string): Promise<Server> {
    return this.call(() => this.server(this.instance(serverId)));
  }

  listHypervisors(): Promise<Hypervisor[]> {
    return this.call(() => {
      const w = this.sim.world;
      return [...w.hosts.values()].map((h) => {
        const svc = w.computeService(h.name)!;
        const u = w.usage(h.name);
        return {
          id: h.hypervisorUuid, hostname: h.hypervisorHostname, serviceHost: h.name, state: w.isUp(svc) ? 'up' : 'down', status: svc.status,
          vcpus: h.vcpus, vcpusUsed: u.vcpus, memoryMb: h.ramMb, memoryMbUsed: u.ramMb,
        };
      });
    });
  }

  /** The checks of the lab's os-migrateLive route (src/lab/cloud/nova-actions-routes.ts), then the lab's engine. */
  liveMigrate(serverId: string, targetHost: string | null): Promise<void> {
    return this.call(() => {
      const w = this.sim.world;
      const inst = this.instance(serverId);
      if (inst.taskState !== null) throw new ApiError(409, `Cannot 'os-migrateLive' instance ${inst.uuid} while it is in task_state ${inst.taskState}`);
      if (inst.vmState !== 'active' && inst.vmState !== 'paused') throw new ApiError(409, `Cannot 'os-migrateLive' instance ${inst.uuid} while it is in vm_state ${inst.vmState}`);
      if (targetHost !== null && !w.hosts.has(targetHost)) throw new ApiError(400, `Compute host ${targetHost} could not be found.`);
      const source = w.computeService(inst.host);
      if (source && !w.isUp(source)) throw new ApiError(409, `Compute service of ${inst.host} is unavailable at this time.`);
      // The conductor's delay is read from the world's migration time now; the job's own time when the source host's
      // queue starts it (cloud-sim.ts sets it there from the instance).
      w.migrationMs = this.sim.migrationMsOf(inst);
      this.sim.engine.start(inst, { host: targetHost, forced: false, synchronousPrecheck: this.mv < 34 }, this.token);
      this.observer.liveMigrate?.(inst);
    });
  }

  listMigrations(filter: { instanceUuid?: string; host?: string; migrationType?: string }): Promise<Migration[]> {
    return this.call(() => (filter.host !== undefined ? this.sim.index.migrationsTouching(filter.host) : this.sim.world.migrations)
      .filter((m) => (filter.instanceUuid === undefined || m.instanceUuid === filter.instanceUuid)
        && (filter.host === undefined || m.sourceCompute === filter.host || m.destCompute === filter.host)
        && (filter.migrationType === undefined || m.migrationType === filter.migrationType))
      .map((m) => this.migration(m)));
  }

  /** The lab's live_migrate_abort rules (409 not migrating, 404 not its migration, 400 not abortable at this microversion). */
  abortLiveMigration(serverId: string, migrationId: string): Promise<void> {
    return this.call(() => this.sim.engine.abort(this.instance(serverId), migrationId, this.mv));
  }

  stopServer(serverId: string): Promise<void> {
    return this.call(() => this.sim.power.stop(this.instance(serverId)));
  }

  startServer(serverId: string): Promise<void> {
    return this.call(() => this.sim.power.start(this.instance(serverId)));
  }
}
