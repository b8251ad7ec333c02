// NovaApi over a Keystone session: endpoint and microversion discovery, paging, and the calls the workflow makes.
import type { EndpointInterface } from './clouds.js';
import { OpenStackProtocolError } from './errors.js';
import type { HttpMethod } from './http.js';
import type { AuthenticatedRequester } from './keystone.js';
import {
  atLeast, hypervisorMicroversion, liveMigrateBody, MAX_SUPPORTED, microversionHeaders, negotiate, SERVICE_UUIDS, versionRangeOf,
  type VersionRange,
} from './microversion.js';
import { hasHostAttribute, itemOf, listOf, mapHypervisor, mapMigration, mapServer, mapService, nextMarker } from './nova-map.js';
import { createPlacementClient, type PlacementClient } from './placement.js';
import type { ComputeService, Hypervisor, Migration, NovaApi, Server } from './types.js';
import { OrchestratorError } from '../util/errors.js';

export interface NovaClientOptions {
  session: AuthenticatedRequester;
  interface?: EndpointInterface;
  region?: string;
  /** Cap the negotiated microversion (e.g. to exercise legacy paths). Default MAX_SUPPORTED. */
  maxMicroversion?: string;
  /** Applies to every call; the contract's methods take no signal of their own. */
  signal?: AbortSignal;
}

export interface NovaClient extends NovaApi {
  /** The negotiated microversion (discovers it on first use). */
  microversion(): Promise<string>;
  /** One page of one server across all projects (`GET /servers?all_tenants=1&limit=1`): proves the right, cheaply. */
  probeAllTenantsListing?(): Promise<void>;
  /** Placement on the same session. Optional in the type so test doubles of NovaClient keep compiling. */
  placement?(): PlacementClient;
}

interface Negotiated {
  base: string;
  version: string;
  range: VersionRange;
}

interface CallOptions {
  body?: unknown;
  version?: string;
  idempotent?: boolean;
}

const MAX_PAGES = 10_000;

export class InvalidRequestError extends OrchestratorError {
  constructor(message: string) {
    super('E_INVALID_REQUEST', message);
  }
}

export function createNovaClient(opts: NovaClientOptions): NovaClient {
  let ready: Promise<Negotiated> | undefined;
  const signal = opts.signal;

  const discover = async (): Promise<Negotiated> => {
    const filter = { type: 'compute', interface: opts.interface ?? 'public', ...(opts.region ? { region: opts.region } : {}) };
    const base = await opts.session.endpoint(filter, signal);
    const projectId = await opts.session.projectId(signal);
    // Old catalogs append the project (`/v2.1/<project>`); the version document sits at `/v2.1/`.
    const root = projectId && base.endsWith(`/${projectId}`) ? base.slice(0, -projectId.length - 1) : base;
    const res = await opts.session.request({ method: 'GET', url: `${root}/`, ...(signal ? { signal } : {}) });
    const range = versionRangeOf(res.body);
    return { base, range, version: negotiate(range, opts.maxMicroversion ?? MAX_SUPPORTED) };
  };
  const negotiated = (): Promise<Negotiated> => {
    ready ??= discover().catch((err: unknown) => {
      ready = undefined;
      throw err;
    });
    return ready;
  };

  const call = async <T = unknown>(method: HttpMethod, path: string, o: CallOptions = {}): Promise<T | undefined> => {
    const n = await negotiated();
    const res = await opts.session.request<T>({
      method,
      url: `${n.base}${path}`,
      headers: microversionHeaders(o.version ?? n.version),
      ...(o.body === undefined ? {} : { body: o.body }),
      ...(o.idempotent === undefined ? {} : { idempotent: o.idempotent }),
      ...(signal ? { signal } : {}),
    });
    return res.body;
  };

  /** Follows `<key>_links` next pages by marker on our own endpoint (the href may name an internal host). */
  const paged = async (path: string, query: URLSearchParams, key: string, version?: string): Promise<unknown[]> => {
    const all: unknown[] = [];
    const seen = new Set<string>();
    for (let page = 0; page < MAX_PAGES; page += 1) {
      const qs = query.toString();
      const body = await call('GET', `${path}${qs ? `?${qs}` : ''}`, version === undefined ? {} : { version });
      all.push(...listOf(body, key));
      const marker = nextMarker(body, `${key}_links`);
      if (marker === undefined) return all;
      if (seen.has(marker)) throw new OpenStackProtocolError(`Nova repeated the paging marker ${marker} for ${path}`);
      seen.add(marker);
      query.set('marker', marker);
    }
    throw new OpenStackProtocolError(`more than ${MAX_PAGES} pages from ${path}`);
  };

  const action = async (serverId: string, body: unknown): Promise<void> => {
    await call('POST', `/servers/${encodeURIComponent(serverId)}/action`, { body });
  };

  const listComputeServices = async (host?: string): Promise<ComputeService[]> => {
    const q = new URLSearchParams({ binary: 'nova-compute', ...(host === undefined ? {} : { host }) });
    const body = await call('GET', `/os-services?${q.toString()}`);
    return listOf(body, 'services').map(mapService);
  };

  const legacySetStatus = async (serviceId: string, status: 'enabled' | 'disabled', reason?: string): Promise<ComputeService> => {
    // Before 2.53 services are addressed by host + binary, and the answer lacks id, state and zone.
    const svc = (await listComputeServices()).find((s) => s.id === serviceId);
    if (svc === undefined) throw new InvalidRequestError(`no nova-compute service with id ${serviceId}`);
    const path = status === 'enabled' ? '/os-services/enable' : '/os-services/disable-log-reason';
    const body = { host: svc.host, binary: svc.binary, ...(status === 'disabled' ? { disabled_reason: reason } : {}) };
    await call('PUT', path, { body });
    const after = (await listComputeServices(svc.host)).find((s) => s.id === serviceId);
    return after ?? { ...svc, status, disabledReason: status === 'disabled' ? (reason ?? null) : null };
  };

  let placement: PlacementClient | undefined;
  const client: NovaClient = {
    microversion: async () => (await negotiated()).version,

    placement() {
      placement ??= createPlacementClient({
        session: opts.session, ...(opts.interface ? { interface: opts.interface } : {}), ...(opts.region ? { region: opts.region } : {}),
        ...(signal ? { signal } : {}),
      });
      return placement;
    },

    listComputeServices,

    async setServiceStatus(serviceId, status, reason) {
      if (status === 'disabled' && (reason === undefined || reason.length === 0 || reason.length > 255)) {
        throw new InvalidRequestError('disabling a compute service needs a reason of 1 to 255 characters');
      }
      const n = await negotiated();
      if (!atLeast(n.version, SERVICE_UUIDS)) return legacySetStatus(serviceId, status, reason);
      // 2.53 rejects disabled_reason together with status "enabled"; enabling clears it on Nova's side.
      const body = status === 'disabled' ? { status, disabled_reason: reason } : { status };
      const res = await call('PUT', `/os-services/${encodeURIComponent(serviceId)}`, { body });
      return mapService(itemOf(res, 'service'));
    },

    async listServers(filter = {}): Promise<Server[]> {
      const q = new URLSearchParams({ all_tenants: '1', ...(filter.host === undefined ? {} : { host: filter.host }) });
      const raw = await paged('/servers/detail', q, 'servers');
      // Nova ignores `host` for non-admin tokens and returns every server of the project without the host attribute;
      // an "empty host" derived from that would let a host be rebooted with guests on it. A fleet-wide listing is
      // held to the same rule, since callers group it by host.
      const blind = raw.find((s) => !hasHostAttribute(s) && (s as { status?: unknown }).status !== 'UNKNOWN');
      if (blind !== undefined) {
        throw new OpenStackProtocolError('Nova did not return OS-EXT-SRV-ATTR:host, so servers cannot be told apart by host: the credentials need the admin role');
      }
      if (filter.host === undefined) return raw.map(mapServer);
      // Down-cell placeholders (status UNKNOWN, no host) are kept: the caller must not treat the host as empty.
      return raw.map(mapServer).filter((s) => s.host === filter.host || (s.host === null && s.status === 'UNKNOWN'));
    },

    async probeAllTenantsListing() {
      await call('GET', '/servers?all_tenants=1&limit=1');
    },

    async getServer(serverId) {
      return mapServer(itemOf(await call('GET', `/servers/${encodeURIComponent(serverId)}`), 'server'));
    },

    async listHypervisors(): Promise<Hypervisor[]> {
      const n = await negotiated();
      const raw = await paged('/os-hypervisors/detail', new URLSearchParams(), 'hypervisors', hypervisorMicroversion(n.version, n.range));
      return raw.map(mapHypervisor);
    },

    async liveMigrate(serverId, targetHost) {
      const n = await negotiated();
      await action(serverId, liveMigrateBody(n.version, targetHost));
    },

    async listMigrations(filter): Promise<Migration[]> {
      const q = new URLSearchParams();
      if (filter.instanceUuid !== undefined) q.set('instance_uuid', filter.instanceUuid);
      if (filter.host !== undefined) q.set('host', filter.host);
      if (filter.migrationType !== undefined) q.set('migration_type', filter.migrationType);
      const all = (await paged('/os-migrations', q, 'migrations')).map(mapMigration);
      // migration_type is only returned (and reliably filtered) from 2.23; keep the filter honest client-side too.
      return filter.migrationType === undefined ? all : all.filter((m) => m.migrationType === null || m.migrationType === filter.migrationType);
    },

    async abortLiveMigration(serverId, migrationId) {
      const { version } = await negotiated();
      if (Number(version.split('.')[1]) < 24) throw new InvalidRequestError(`aborting a live migration needs compute microversion 2.24; this Nova offers ${version}`);
      await call('DELETE', `/servers/${encodeURIComponent(serverId)}/migrations/${encodeURIComponent(migrationId)}`, { idempotent: true });
    },

    async stopServer(serverId) {
      await action(serverId, { 'os-stop': null });
    },

    async startServer(serverId) {
      await action(serverId, { 'os-start': null });
    },
  };
  return client;
}
