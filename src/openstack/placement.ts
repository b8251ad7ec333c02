// Placement over a Keystone session: resource providers, their inventories, usages and aggregates (read only).
import type { EndpointInterface } from './clouds.js';
import { NoEndpointError, OpenStackProtocolError } from './errors.js';
import type { AuthenticatedRequester } from './keystone.js';

export interface ResourceProvider {
  uuid: string;
  name: string;
  generation: number;
}

export interface Inventory {
  total: number;
  reserved: number;
  minUnit: number;
  maxUnit: number;
  stepSize: number;
  allocationRatio: number;
}

export interface PlacementApi {
  listResourceProviders(): Promise<ResourceProvider[]>;
  inventories(providerUuid: string): Promise<Record<string, Inventory>>;
  usages(providerUuid: string): Promise<Record<string, number>>;
  aggregates(providerUuid: string): Promise<string[]>;
}

export interface PlacementClientOptions {
  session: AuthenticatedRequester;
  interface?: EndpointInterface;
  region?: string;
  signal?: AbortSignal;
}

export interface PlacementClient extends PlacementApi {
  /** False when the catalog lists no Placement (then capacity falls back to os-hypervisors). */
  available(): Promise<boolean>;
  /** The negotiated `placement 1.x`. */
  microversion(): Promise<string>;
}

/** 1.19: aggregates answer with the provider generation; everything read here exists from 1.1. Newton+ clouds have it. */
const WANTED_MINOR = 19;

type Json = Record<string, unknown>;

const num = (v: unknown, what: string): number => {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new OpenStackProtocolError(`Placement returned no number for ${what}`);
  return v;
};

export function mapInventory(raw: unknown, rc: string): Inventory {
  const r = (raw ?? {}) as Json;
  return {
    total: num(r['total'], `${rc}.total`),
    reserved: typeof r['reserved'] === 'number' ? r['reserved'] : 0,
    minUnit: typeof r['min_unit'] === 'number' ? r['min_unit'] : 1,
    maxUnit: typeof r['max_unit'] === 'number' ? r['max_unit'] : num(r['total'], `${rc}.total`),
    stepSize: typeof r['step_size'] === 'number' ? r['step_size'] : 1,
    allocationRatio: typeof r['allocation_ratio'] === 'number' ? r['allocation_ratio'] : 1,
  };
}

export function createPlacementClient(opts: PlacementClientOptions): PlacementClient {
  let ready: Promise<{ base: string; version: string } | null> | undefined;
  const signal = opts.signal;

  const discover = async (): Promise<{ base: string; version: string } | null> => {
    let base: string;
    try {
      base = await opts.session.endpoint({ type: 'placement', interface: opts.interface ?? 'public', ...(opts.region ? { region: opts.region } : {}) }, signal);
    } catch (err) {
      if (err instanceof NoEndpointError) return null;
      throw err;
    }
    const res = await opts.session.request({ method: 'GET', url: `${base}/`, ...(signal ? { signal } : {}) });
    const versions = (res.body as { versions?: Json[] } | undefined)?.versions;
    const max = typeof versions?.[0]?.['max_version'] === 'string' ? (versions[0]['max_version'] as string) : '1.0';
    const minor = Number(/^1\.(\d+)$/.exec(max)?.[1] ?? 0);
    if (minor < 1) throw new OpenStackProtocolError(`Placement at ${base} offers only ${max}; aggregates need 1.1`);
    return { base, version: `1.${Math.min(minor, WANTED_MINOR)}` };
  };
  const negotiated = (): Promise<{ base: string; version: string } | null> => {
    ready ??= discover().catch((err: unknown) => {
      ready = undefined;
      throw err;
    });
    return ready;
  };
  const get = async (path: string): Promise<Json> => {
    const n = await negotiated();
    if (n === null) throw new NoEndpointError('placement', 'the Keystone catalog has no placement endpoint');
    const res = await opts.session.request({ method: 'GET', url: `${n.base}${path}`, headers: { 'OpenStack-API-Version': `placement ${n.version}` }, ...(signal ? { signal } : {}) });
    if (res.body === null || typeof res.body !== 'object') throw new OpenStackProtocolError(`Placement answered ${path} without a JSON object`);
    return res.body as Json;
  };
  const rp = (uuid: string): string => `/resource_providers/${encodeURIComponent(uuid)}`;

  return {
    available: async () => (await negotiated()) !== null,
    microversion: async () => (await negotiated())?.version ?? 'none',
    async listResourceProviders() {
      const body = await get('/resource_providers');
      if (!Array.isArray(body['resource_providers'])) throw new OpenStackProtocolError("Placement's answer has no 'resource_providers' list");
      return (body['resource_providers'] as Json[]).map((p) => ({
        uuid: String(p['uuid'] ?? ''), name: String(p['name'] ?? ''), generation: typeof p['generation'] === 'number' ? p['generation'] : 0,
      }));
    },
    async inventories(uuid) {
      const inv = (await get(`${rp(uuid)}/inventories`))['inventories'];
      if (inv === null || typeof inv !== 'object') throw new OpenStackProtocolError(`Placement returned no inventories for provider ${uuid}`);
      return Object.fromEntries(Object.entries(inv as Json).map(([rc, v]) => [rc, mapInventory(v, rc)]));
    },
    async usages(uuid) {
      const u = (await get(`${rp(uuid)}/usages`))['usages'];
      if (u === null || typeof u !== 'object') throw new OpenStackProtocolError(`Placement returned no usages for provider ${uuid}`);
      return Object.fromEntries(Object.entries(u as Json).map(([rc, v]) => [rc, num(v, `usage ${rc}`)]));
    },
    async aggregates(uuid) {
      const a = (await get(`${rp(uuid)}/aggregates`))['aggregates'];
      if (!Array.isArray(a)) throw new OpenStackProtocolError(`Placement returned no aggregates for provider ${uuid}`);
      return a.map(String);
    },
  };
}
