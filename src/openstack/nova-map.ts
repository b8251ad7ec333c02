// Maps Nova's JSON (any microversion we negotiate) to the contract types; tolerant of fields a version or a down cell omits.
import { OpenStackProtocolError } from './errors.js';
import type { ComputeService, Hypervisor, Migration, Server } from './types.js';

type Json = Record<string, unknown>;

function obj(v: unknown, what: string): Json {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new OpenStackProtocolError(`Nova returned a malformed ${what}`);
  return v as Json;
}

function idOf(v: unknown, what: string): string {
  // Services, hypervisors and migrations have integer ids below 2.53/2.59 and UUIDs after.
  if (typeof v === 'string' || typeof v === 'number') return String(v);
  throw new OpenStackProtocolError(`Nova returned a ${what} without an id`);
}

const strOrNull = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const upDown = (v: unknown): 'up' | 'down' => (v === 'up' ? 'up' : 'down');
const enabledDisabled = (v: unknown): 'enabled' | 'disabled' => (v === 'enabled' ? 'enabled' : 'disabled');

export function listOf(body: unknown, key: string): unknown[] {
  const v = obj(body, `${key} list`)[key];
  if (!Array.isArray(v)) throw new OpenStackProtocolError(`Nova's response has no '${key}' list`);
  return v;
}

export function itemOf(body: unknown, key: string): unknown {
  const v = obj(body, key)[key];
  if (v === undefined) throw new OpenStackProtocolError(`Nova's response has no '${key}'`);
  return v;
}

export function mapService(raw: unknown): ComputeService {
  const s = obj(raw, 'service');
  return {
    id: idOf(s['id'], 'service'),
    binary: String(s['binary'] ?? ''),
    host: String(s['host'] ?? ''),
    zone: String(s['zone'] ?? ''),
    status: enabledDisabled(s['status']),
    // Down cells (2.69+) answer with status/state "UNKNOWN": treating that as down keeps callers from trusting it.
    state: upDown(s['state']),
    disabledReason: strOrNull(s['disabled_reason']),
    forcedDown: typeof s['forced_down'] === 'boolean' ? s['forced_down'] : null,
  };
}

export function mapServer(raw: unknown): Server {
  const s = obj(raw, 'server');
  const flavor = s['flavor'] as Json | undefined;
  // The flavor is embedded (vcpus, ram) from 2.47; before that only its id is given.
  const embedded = flavor && typeof flavor['vcpus'] === 'number' && typeof flavor['ram'] === 'number';
  return {
    id: idOf(s['id'], 'server'),
    name: String(s['name'] ?? ''),
    status: typeof s['status'] === 'string' ? s['status'] : 'UNKNOWN',
    host: strOrNull(s['OS-EXT-SRV-ATTR:host']),
    taskState: strOrNull(s['OS-EXT-STS:task_state']),
    vmState: strOrNull(s['OS-EXT-STS:vm_state']),
    projectId: String(s['tenant_id'] ?? s['project_id'] ?? ''),
    flavor: embedded ? { vcpus: flavor['vcpus'] as number, ramMb: flavor['ram'] as number } : null,
    ...('OS-EXT-AZ:availability_zone' in s ? { availabilityZone: strOrNull(s['OS-EXT-AZ:availability_zone']) } : {}),
    ...('pinned_availability_zone' in s ? { pinnedAvailabilityZone: strOrNull(s['pinned_availability_zone']) } : {}),
  };
}

/** True when the entry carries the admin-only host attribute (its value may still be null, e.g. while building). */
export function hasHostAttribute(raw: unknown): boolean {
  return raw !== null && typeof raw === 'object' && 'OS-EXT-SRV-ATTR:host' in raw;
}

export function mapHypervisor(raw: unknown): Hypervisor {
  const h = obj(raw, 'hypervisor');
  const service = (h['service'] ?? {}) as Json;
  const num = (key: string): number => {
    const v = h[key];
    if (typeof v !== 'number') {
      throw new OpenStackProtocolError(`hypervisor ${String(h['hypervisor_hostname'] ?? h['id'])} has no '${key}' (removed from os-hypervisors in 2.88)`);
    }
    return v;
  };
  return {
    id: idOf(h['id'], 'hypervisor'),
    hostname: String(h['hypervisor_hostname'] ?? ''),
    serviceHost: String(service['host'] ?? ''),
    state: upDown(h['state']),
    status: enabledDisabled(h['status']),
    vcpus: num('vcpus'),
    vcpusUsed: num('vcpus_used'),
    memoryMb: num('memory_mb'),
    memoryMbUsed: num('memory_mb_used'),
  };
}

export function mapMigration(raw: unknown): Migration {
  const m = obj(raw, 'migration');
  return {
    id: idOf(m['id'], 'migration'),
    instanceUuid: String(m['instance_uuid'] ?? ''),
    status: String(m['status'] ?? ''),
    sourceCompute: strOrNull(m['source_compute']),
    destCompute: strOrNull(m['dest_compute']),
    migrationType: strOrNull(m['migration_type']),
    createdAt: strOrNull(m['created_at']),
  };
}

/** The `marker` of a `rel: next` link (servers_links, hypervisors_links, migrations_links), if there is a next page. */
export function nextMarker(body: unknown, key: string): string | undefined {
  const links = (body as Json | undefined)?.[key];
  if (!Array.isArray(links)) return undefined;
  const next = (links as Json[]).find((l) => l['rel'] === 'next');
  if (typeof next?.['href'] !== 'string') return undefined;
  try {
    return new URL(next['href'], 'http://placeholder/').searchParams.get('marker') ?? undefined;
  } catch {
    return undefined;
  }
}
