// Entity records of the fake cloud (services, instances, migrations, users) as the in-memory world stores them.

export interface FlavorRec {
  id: string;
  name: string;
  vcpus: number;
  ramMb: number;
  diskGb: number;
}

export interface ProjectRec {
  id: string;
  name: string;
  domainId: string;
}

export interface UserRec {
  id: string;
  name: string;
  domainId: string;
  password: string;
  /** Project names the user holds a role on, and the role names. */
  projects: string[];
  roles: string[];
  applicationCredentials: AppCredRec[];
}

/** A Keystone application credential: authenticates as its user, always scoped to its project, with its roles. */
export interface AppCredRec {
  id: string;
  name: string;
  secret: string;
  projectName: string;
  roles: string[];
}

export interface DomainRec {
  id: string;
  name: string;
}

export interface ServiceRec {
  intId: number;
  uuid: string;
  binary: string;
  host: string;
  zone: string;
  status: 'enabled' | 'disabled';
  disabledReason: string | null;
  /** Name of the user whose request disabled the service; the audit compares it with whoever enables it. */
  disabledBy: string | null;
  forcedDown: boolean;
  /** True between hostRebooting and hostBooted: nova-compute stops reporting, so the service reads `down`. */
  rebooting: boolean;
  /** The host is up but its nova-compute agent is not running: no reports, so the service reads `down`, as in real Nova. */
  agentStopped: boolean;
  updatedAt: string;
}

export interface HostRec {
  name: string;
  hypervisorHostname: string;
  hypervisorIntId: number;
  hypervisorUuid: string;
  vcpus: number;
  ramMb: number;
  diskGb: number;
  az: string;
  aggregate: string | null;
  hostIp: string;
  /** What this compute node reports to Placement (nova.conf's allocation ratios and reserved_host_memory_mb). */
  cpuAllocationRatio: number;
  ramAllocationRatio: number;
  diskAllocationRatio: number;
  reservedHostMemoryMb: number;
}

export type VmState = 'building' | 'active' | 'stopped' | 'paused' | 'error';
/** Nova power_state codes: 0 NOSTATE, 1 RUNNING, 3 PAUSED, 4 SHUTDOWN. */
export type PowerState = 0 | 1 | 3 | 4; // NOSTATE, RUNNING, PAUSED, SHUTDOWN (nova/compute/power_state.py)

export interface InstanceRec {
  uuid: string;
  name: string;
  projectId: string;
  userId: string;
  flavorId: string;
  host: string;
  vmState: VmState;
  taskState: string | null;
  powerState: PowerState;
  /** Whether the guest's CPU model carries md-clear; fixed at cold boot, kept by live migration. */
  mdClear: boolean;
  createdAt: string;
  updatedAt: string;
  /** Sort key standing in for created_at ordering (instances created in the same millisecond still order). */
  seq: number;
  /** The availability zone the instance was booted into, if one was asked for: the scheduler keeps it there. */
  requestedAz: string | null;
}

export type MigrationStatus =
  | 'accepted' | 'queued' | 'preparing' | 'running' | 'post-migrating' | 'completed' | 'error' | 'failed' | 'cancelled';

export interface MigrationRec {
  id: number;
  uuid: string;
  instanceUuid: string;
  sourceCompute: string;
  destCompute: string | null;
  /** The host named in the live-migrate call: Nova's conductor records it as dest_compute before the scheduler checks it. */
  requestedHost: string | null;
  status: MigrationStatus;
  migrationType: 'live-migration';
  userId: string;
  projectId: string;
  createdAt: string;
  updatedAt: string;
  flavorId: string;
  /**
   * The client that asked for it (the request's User-Agent), as nova-api's request log keeps it: lets the lab's checks tell
   * the tool's migrations from an operator's. Not part of Nova's API views.
   */
  requestedBy: string | null;
}

export const IN_PROGRESS: ReadonlySet<MigrationStatus> = new Set(['queued', 'preparing', 'running', 'post-migrating']);
/** Migrations that still hold resources on their target (the claim is made when the scheduler picks it). */
export const UNFINISHED: ReadonlySet<MigrationStatus> = new Set(['accepted', 'queued', 'preparing', 'running', 'post-migrating']);

export type GuestState = 'running' | 'shut off' | 'paused';

export interface GuestInfo {
  uuid: string;
  name: string;
  state: GuestState;
  mdClear: boolean;
}

export type AuditKind = 'reboot-with-instances' | 'migration-interrupted' | 'enabled-by-other-user';

export interface AuditRecord {
  time: string;
  kind: AuditKind;
  host: string;
  instances: string[];
  detail: string;
}

/** Nova timestamps carry microseconds and no zone in most views. */
export function novaTime(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '000');
}

/** Keystone's expires_at / issued_at format: microseconds and a Z. */
export function keystoneTime(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '000Z');
}
