// createFakeCloud: the in-process fake Keystone + Nova on 127.0.0.1, with host hooks, faults, audit and request log.
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ComputeFront } from './compute-front.js';
import { resolveCloudConfig } from './config.js';
import type { FakeCloudConfig, FakeCloudHooks } from './config.js';
import { FaultStore } from './faults.js';
import type { FaultSnapshot, FaultUpdate } from './faults.js';
import { hostBooted, hostRebooting } from './host-lifecycle.js';
import { createRequestHandler } from './http-front.js';
import { keystoneRoutes } from './keystone-routes.js';
import { labRoutes } from './lab-routes.js';
import type { LabOps } from './lab-routes.js';
import { MigrationEngine } from './live-migration.js';
import { parseMvConfig } from './microversion.js';
import type { AuditRecord, GuestInfo } from './model.js';
import { actionRoutes } from './nova-actions-routes.js';
import { createServerRoutes } from './nova-create-server.js';
import { hypervisorRoutes } from './nova-hypervisors-routes.js';
import { migrationRoutes } from './nova-migrations-routes.js';
import { serverRoutes } from './nova-servers-routes.js';
import { serviceRoutes } from './nova-services-routes.js';
import { PlacementFront } from './placement-front.js';
import { placementRoutes } from './placement-routes.js';
import { PowerActions } from './power.js';
import { RequestLog } from './request-log.js';
import type { RequestLogEntry } from './request-log.js';
import { seedWorld } from './seed-world.js';
import { setServiceStatus } from './service-ops.js';
import { snapshotState } from './state-snapshot.js';
import type { LabStateSnapshot } from './state-snapshot.js';
import { TokenStore } from './tokens.js';
import type { CloudWorld, WorldEvents } from './world.js';

export interface FakeCloud extends LabOps {
  /** http://127.0.0.1:PORT once listening; Keystone is at `${url}/identity/v3`, Nova at `${url}/compute/v2.1`. */
  readonly url: string;
  /** The live world (records are mutable; prefer state() for assertions). */
  readonly world: CloudWorld;
  listen(port?: number, host?: string): Promise<string>;
  close(): Promise<void>;
  /** Adds or replaces host-side hooks (the lab daemon may start the cloud before the fleet). */
  setHooks(hooks: FakeCloudHooks): void;
  guestsOn(host: string): GuestInfo[];
  on<E extends keyof WorldEvents>(event: E, listener: (...args: WorldEvents[E]) => void): () => void;
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

export function createFakeCloud(config: FakeCloudConfig, hooks: FakeCloudHooks = {}): FakeCloud {
  const cfg = resolveCloudConfig(config);
  const world = seedWorld(cfg, { ...hooks });
  const faults = new FaultStore();
  const tokens = new TokenStore(() => world.now());
  const engine = new MigrationEngine(world, faults);
  const power = new PowerActions(world);
  const log = new RequestLog();
  const range = { min: parseMvConfig(cfg.minMicroversion), max: parseMvConfig(cfg.maxMicroversion) };
  const compute = new ComputeFront([
    ...serviceRoutes(world), ...serverRoutes(world), ...createServerRoutes(world, power), ...actionRoutes(world, engine, power),
    ...migrationRoutes(world, engine), ...hypervisorRoutes(world),
  ], tokens, range);
  const placement = new PlacementFront(world, placementRoutes(world), tokens);
  const sleepers = new Set<{ timer: NodeJS.Timeout; reject: (e: Error) => void }>();
  let server: Server | undefined;
  let url: string | undefined;

  const sleep = (ms: number): Promise<void> => new Promise((resolve, reject) => {
    const entry = { timer: setTimeout(() => { sleepers.delete(entry); resolve(); }, ms), reject };
    sleepers.add(entry);
  });

  const cloud: FakeCloud = {
    get url(): string {
      if (url === undefined) throw new Error('fake cloud is not listening');
      return url;
    },
    world,
    async listen(port = 0, host = '127.0.0.1'): Promise<string> {
      if (!isLoopback(host)) throw new Error(`fake cloud listens on loopback only, not ${host}`);
      if (server) throw new Error('fake cloud is already listening');
      const srv = createServer(createRequestHandler({
        baseUrl: () => cloud.url, keystone: keystoneRoutes(world, tokens), lab: labRoutes(cloud), compute, placement, faults, log, sleep,
      }));
      server = srv;
      await new Promise<void>((resolve, reject) => {
        srv.once('error', reject);
        srv.listen(port, host, () => { srv.off('error', reject); resolve(); });
      });
      const addr = srv.address() as AddressInfo;
      url = `http://${addr.family === 'IPv6' ? `[${addr.address}]` : addr.address}:${addr.port}`;
      return url;
    },
    async close(): Promise<void> {
      faults.release();
      engine.close();
      power.close();
      for (const s of sleepers) {
        clearTimeout(s.timer);
        s.reject(new Error('fake cloud closed'));
      }
      sleepers.clear();
      const srv = server;
      server = undefined;
      if (!srv) return;
      // Hang faults keep requests open on purpose; they must not keep close() waiting.
      srv.closeAllConnections();
      await new Promise<void>((resolve) => srv.close(() => resolve()));
    },
    setHooks(h: FakeCloudHooks): void {
      Object.assign(world.hooks, h);
    },
    guestsOn: (host) => world.guestsOn(host),
    on(event, listener) {
      world.events.on(event, listener as never);
      return () => { world.events.off(event, listener as never); };
    },
    state: (): LabStateSnapshot => snapshotState(world),
    audit: (): AuditRecord[] => world.auditRecords(),
    faults: (): FaultSnapshot => faults.snapshot(),
    setFaults(update: FaultUpdate): void {
      if (update.clear) faults.clear();
      for (const f of update.endpoints ?? []) faults.addEndpoint({ count: 1, ...f, method: f.method?.toUpperCase() });
      if (update.migrationFailures) faults.setMigrationFailures(update.migrationFailures);
      if (update.migrationHangs) faults.setMigrationHangs(update.migrationHangs);
      if (update.release) faults.release();
      if (update.expireTokens) tokens.expireAll();
      if (update.tokenTtlMs !== undefined) world.tokenTtlMs = update.tokenTtlMs;
      if (update.migrationMs !== undefined) world.migrationMs = update.migrationMs;
      if (update.powerActionMs !== undefined) world.powerActionMs = update.powerActionMs;
    },
    setServiceStatusAs(host, status, user, reason): void {
      const svc = world.computeService(host);
      if (!svc) throw new Error(`no compute service on host ${host}`);
      setServiceStatus(world, svc, status, status === 'disabled' ? reason : null, user);
    },
    hostRebooting: (host) => hostRebooting(world, engine, host),
    hostBooted: (host, agentRunning) => hostBooted(world, host, agentRunning),
    requests: (): RequestLogEntry[] => log.list(),
    clearRequests: () => log.clear(),
  };
  return cloud;
}
