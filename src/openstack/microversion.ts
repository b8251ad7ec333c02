// Nova microversions: parsing the version document, negotiating the one we send, and the request shapes that depend on it.
import { OpenStackProtocolError } from './errors.js';

export interface Microversion {
  major: number;
  minor: number;
}

/**
 * The highest microversion whose changes to the calls we make have been reviewed (up to 2.96 they only add response
 * fields, apart from the ones handled below: 2.25/2.30/2.68 live migration, 2.53 services, 2.88 hypervisors).
 */
export const MAX_SUPPORTED = '2.96';
/** From 2.53 services and hypervisors have UUID ids and services are updated with one PUT. */
export const SERVICE_UUIDS = '2.53';
/** 2.88 removed vcpus/memory_mb/..._used from os-hypervisors; the last version that still returns them. */
export const LAST_HYPERVISOR_CAPACITY = '2.87';

export function parseMicroversion(text: string): Microversion {
  const m = /^(\d+)\.(\d+)$/.exec(text.trim());
  if (!m) throw new OpenStackProtocolError(`not a microversion: '${text}'`);
  return { major: Number(m[1]), minor: Number(m[2]) };
}

export function compareMicroversions(a: string, b: string): number {
  const x = parseMicroversion(a);
  const y = parseMicroversion(b);
  return x.major - y.major || x.minor - y.minor;
}

export const atLeast = (v: string, floor: string): boolean => compareMicroversions(v, floor) >= 0;

export interface VersionRange {
  min: string;
  max: string;
}

/**
 * Reads `GET <compute root>/`: either `{"version": {...}}` (the v2.1 root) or `{"versions": [...]}` (the service root).
 * An empty `version` means a pre-microversion v2.0 API, which behaves as 2.1.
 */
export function versionRangeOf(doc: unknown): VersionRange {
  const root = (doc ?? {}) as { version?: unknown; versions?: unknown };
  let entry = root.version as Record<string, unknown> | undefined;
  if (entry === undefined && Array.isArray(root.versions)) {
    const list = root.versions as Record<string, unknown>[];
    entry = list.find((v) => v['id'] === 'v2.1') ?? list.find((v) => v['status'] === 'CURRENT');
  }
  if (entry === undefined || typeof entry !== 'object') throw new OpenStackProtocolError('the compute endpoint returned no version document');
  const max = typeof entry['version'] === 'string' && entry['version'] !== '' ? entry['version'] : '2.1';
  const min = typeof entry['min_version'] === 'string' && entry['min_version'] !== '' ? entry['min_version'] : '2.1';
  parseMicroversion(max);
  parseMicroversion(min);
  return { min, max };
}

/** Highest version both sides support: min(ours, server max), which must not fall below the server's min. */
export function negotiate(server: VersionRange, ourMax: string = MAX_SUPPORTED): string {
  const chosen = compareMicroversions(server.max, ourMax) < 0 ? server.max : ourMax;
  if (compareMicroversions(chosen, server.min) < 0) {
    throw new OpenStackProtocolError(`Nova supports microversions ${server.min}-${server.max}; this tool supports up to ${ourMax}`);
  }
  return chosen;
}

/** Capacity fields exist only below 2.88: ask for 2.87 when the server still accepts it, else the negotiated version. */
export function hypervisorMicroversion(chosen: string, server: VersionRange): string {
  if (!atLeast(chosen, '2.88')) return chosen;
  return atLeast(LAST_HYPERVISOR_CAPACITY, server.min) ? LAST_HYPERVISOR_CAPACITY : chosen;
}

/** The new header from 2.27 on, the legacy one always (Nova prefers the new one when both are present). */
export function microversionHeaders(version: string): Record<string, string> {
  return { 'OpenStack-API-Version': `compute ${version}`, 'X-OpenStack-Nova-API-Version': version };
}

/**
 * os-migrateLive body per Nova's schemas (additionalProperties: false everywhere): below 2.25 the two booleans are
 * required; from 2.25 `block_migration: "auto"` and `disk_over_commit` is rejected. 2.30-2.67 would accept `force`, but
 * forcing skips the scheduler's checks of the target, so we never send it. `host: null` lets the scheduler choose.
 */
export function liveMigrateBody(version: string, host: string | null): { 'os-migrateLive': Record<string, unknown> } {
  if (!atLeast(version, '2.25')) return { 'os-migrateLive': { host, block_migration: false, disk_over_commit: false } };
  return { 'os-migrateLive': { host, block_migration: 'auto' } };
}
