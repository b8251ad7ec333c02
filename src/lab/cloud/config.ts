// The fake cloud's configuration: zod schema (usable on a lab YAML file), defaults, and the hooks the lab daemon supplies.
import { z } from 'zod';
import { ConfigError } from '../../util/errors.js';
import type { GuestInfo } from './model.js';

const microversion = z.string().regex(/^2\.\d+$/, 'a microversion like "2.90"');

const hostSchema = z.strictObject({
  name: z.string().min(1),
  vcpus: z.number().int().positive().default(16),
  ramMb: z.number().int().positive().default(65536),
  diskGb: z.number().int().positive().default(500),
  az: z.string().min(1).default('nova'),
  aggregate: z.string().min(1).nullable().default(null),
  /** Defaults to the host name; real clouds often use the FQDN here. */
  hypervisorHostname: z.string().min(1).optional(),
  hostIp: z.string().optional(),
  /** Per-host overrides of the cloud-wide allocation ratios and reserved memory (nova.conf of that compute node). */
  cpuAllocationRatio: z.number().positive().optional(),
  ramAllocationRatio: z.number().positive().optional(),
  reservedHostMemoryMb: z.number().int().nonnegative().optional(),
  /** Disabled at start, e.g. by an operator before the tool runs. */
  disabled: z.strictObject({ by: z.string().min(1), reason: z.string().min(1).max(255) }).optional(),
});

const userSchema = z.strictObject({
  name: z.string().min(1),
  id: z.string().min(1).optional(),
  password: z.string().min(1),
  domain: z.string().min(1).default('Default'),
  projects: z.array(z.string().min(1)).min(1).default(['admin']),
  roles: z.array(z.string().min(1)).default(['admin']),
  /** Keystone application credentials owned by this user, scoped to one of its projects with (a subset of) its roles. */
  applicationCredentials: z.array(z.strictObject({
    name: z.string().min(1),
    id: z.string().min(1).optional(),
    secret: z.string().min(1),
    project: z.string().min(1).optional(),
    roles: z.array(z.string().min(1)).optional(),
  })).default([]),
});

const flavorSchema = z.strictObject({
  name: z.string().min(1),
  id: z.string().min(1).optional(),
  vcpus: z.number().int().positive(),
  ramMb: z.number().int().positive(),
  diskGb: z.number().int().nonnegative().default(10),
});

const instanceStateSchema = z.enum(['ACTIVE', 'SHUTOFF', 'ERROR', 'PAUSED']);

const explicitInstanceSchema = z.strictObject({
  name: z.string().min(1),
  uuid: z.string().uuid().optional(),
  flavor: z.string().min(1).optional(),
  host: z.string().min(1).optional(),
  state: instanceStateSchema.default('ACTIVE'),
  project: z.string().min(1).optional(),
  /** Booted into this availability zone: the scheduler keeps it there (Nova's request spec), shown from 2.96. */
  availabilityZone: z.string().min(1).optional(),
});

const instanceCountsSchema = z.strictObject({
  count: z.number().int().nonnegative(),
  shutoff: z.number().int().nonnegative().default(0),
  error: z.number().int().nonnegative().default(0),
  paused: z.number().int().nonnegative().default(0),
  namePrefix: z.string().min(1).default('vm'),
});

export const fakeCloudConfigSchema = z.strictObject({
  hosts: z.array(hostSchema).min(1),
  /** Extra non-compute services (nova-scheduler, nova-conductor) live on this host; they cannot be updated. */
  controllerHost: z.string().min(1).default('controller'),
  region: z.string().min(1).default('RegionOne'),
  users: z.array(userSchema).min(1).default([
    { name: 'mds-orchestrate', password: 'lab-password', domain: 'Default', projects: ['admin'], roles: ['admin'],
      applicationCredentials: [{ name: 'mds-lab', id: 'a0d2c1b7e5f84c0f9c3e6b1d2a4f7e90', secret: 'lab-appcred-secret' }] },
    { name: 'operator', password: 'operator-password', domain: 'Default', projects: ['admin'], roles: ['admin'], applicationCredentials: [] },
    // A project member without the admin role, to see Nova's and Placement's policy refusals. A fixed id keeps the
    // seeded generator's sequence (instance placement) what it was before this user existed.
    { name: 'member', id: '5f1e0c2b9d8a4e7f8a6b3c2d1e0f9a8b', password: 'member-password', domain: 'Default', projects: ['demo'], roles: ['member', 'reader'], applicationCredentials: [] },
  ]),
  /** Projects that own the instances (besides every project a user names). */
  tenantProjects: z.array(z.string().min(1)).min(1).default(['demo', 'web']),
  flavors: z.array(flavorSchema).min(1).default([
    { name: 'm1.small', vcpus: 1, ramMb: 2048, diskGb: 20 },
    { name: 'm1.medium', vcpus: 2, ramMb: 4096, diskGb: 40 },
    { name: 'm1.large', vcpus: 4, ramMb: 8192, diskGb: 80 },
  ]),
  instances: z.union([instanceCountsSchema, z.array(explicitInstanceSchema)]).default({ count: 0, shutoff: 0, error: 0, paused: 0, namePrefix: 'vm' }),
  /**
   * Placement inventories of every compute node: Nova's defaults (initial_cpu_allocation_ratio 16.0,
   * initial_ram_allocation_ratio 1.5, initial_disk_allocation_ratio 1.0, reserved_host_memory_mb 512, as the contract
   * suite reads them from the real Nova), so the fake cloud overcommits CPU as real clouds do. The lab passes the values
   * of its hosts' nova.conf instead; hosts may override them.
   */
  cpuAllocationRatio: z.number().positive().default(16),
  ramAllocationRatio: z.number().positive().default(1.5),
  diskAllocationRatio: z.number().positive().default(1),
  reservedHostMemoryMb: z.number().int().nonnegative().default(512),
  /** The interfaces each catalog entry has an endpoint for (many clouds register no admin endpoint any more). */
  catalogInterfaces: z.array(z.enum(['public', 'internal', 'admin'])).min(1).default(['public', 'internal', 'admin']),
  /** Whether the catalog lists Placement (false: an old cloud where only os-hypervisors tells capacity). */
  placement: z.boolean().default(true),
  /** nova-compute's max_concurrent_live_migrations: live migrations run at once per source host, the rest wait queued. */
  maxConcurrentLiveMigrations: z.number().int().nonnegative().default(1),
  migrationMs: z.number().int().nonnegative().default(300),
  powerActionMs: z.number().int().nonnegative().default(20),
  tokenTtlMs: z.number().int().positive().default(3_600_000),
  minMicroversion: microversion.default('2.1'),
  maxMicroversion: microversion.default('2.96'),
  seed: z.number().int().default(1),
});

export type FakeCloudConfig = z.input<typeof fakeCloudConfigSchema>;
export type ResolvedCloudConfig = z.output<typeof fakeCloudConfigSchema>;
export type ExplicitInstance = z.output<typeof explicitInstanceSchema>;
export type HostConfig = z.output<typeof hostSchema>;

/** Callbacks into the host side of the lab (the fake compute fleet). */
export interface FakeCloudHooks {
  /** Would a guest cold-booted now on this host get md-clear? Asked at creation and at every os-start. */
  guestCpuProbe?: (host: string) => boolean;
  /** Placement or power state on a host changed; the list is every guest libvirt would now show there. */
  guestsChanged?: (host: string, guests: GuestInfo[]) => void;
}

const SOURCE = '<fake-cloud config>';

/** Validates and fills defaults; the first problem becomes a ConfigError naming the field. */
export function resolveCloudConfig(config: FakeCloudConfig, file = SOURCE): ResolvedCloudConfig {
  const parsed = fakeCloudConfigSchema.safeParse(config);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.map(String).join('.') || '(config)';
    throw new ConfigError({ file }, field, issue?.message ?? 'invalid');
  }
  const cfg = parsed.data;
  const names = new Set<string>();
  for (const [i, h] of cfg.hosts.entries()) {
    if (names.has(h.name)) throw new ConfigError({ file }, `hosts.${i}.name`, `duplicate host ${h.name}`);
    names.add(h.name);
  }
  if (names.has(cfg.controllerHost)) throw new ConfigError({ file }, 'controllerHost', 'must differ from every compute host');
  const min = Number(cfg.minMicroversion.slice(2));
  const max = Number(cfg.maxMicroversion.slice(2));
  if (min > max) throw new ConfigError({ file }, 'maxMicroversion', 'must not be below minMicroversion');
  return cfg;
}
