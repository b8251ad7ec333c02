// The Nova operations the workflow needs, as plain data; implemented by the fetch-based client in this folder.
import type { PlacementClient } from './placement.js';

export interface ComputeService {
  id: string;
  binary: string;
  host: string;
  zone: string;
  status: 'enabled' | 'disabled';
  state: 'up' | 'down';
  disabledReason: string | null;
  /** An operator's or fencing tool's forced_down (2.11+); null when this Nova does not say. */
  forcedDown?: boolean | null;
}

export interface Server {
  id: string;
  name: string;
  status: string;              // ACTIVE, SHUTOFF, MIGRATING, ERROR, PAUSED, ...
  host: string | null;         // OS-EXT-SRV-ATTR:host
  taskState: string | null;    // OS-EXT-STS:task_state
  vmState: string | null;      // OS-EXT-STS:vm_state
  projectId: string;
  flavor: { vcpus: number; ramMb: number } | null;
  /** OS-EXT-AZ:availability_zone: the zone of the host it runs on now. */
  availabilityZone?: string | null;
  /**
   * The zone the instance was booted into (2.96 pinned_availability_zone): null when it may go anywhere, undefined when
   * Nova is older than 2.96 and does not say.
   */
  pinnedAvailabilityZone?: string | null;
}

export interface Hypervisor {
  id: string;
  hostname: string;            // hypervisor_hostname
  serviceHost: string;         // service.host
  state: 'up' | 'down';
  status: 'enabled' | 'disabled';
  vcpus: number;
  vcpusUsed: number;
  memoryMb: number;
  memoryMbUsed: number;
}

export interface Migration {
  id: string;
  instanceUuid: string;
  status: string;              // accepted, queued, preparing, running, post-migrating, completed, error, failed, cancelled
  sourceCompute: string | null;
  destCompute: string | null;
  migrationType: string | null;
  createdAt: string | null;
}

export interface NovaApi {
  listComputeServices(host?: string): Promise<ComputeService[]>;
  /** reason is required when disabling and must be absent when enabling (Nova's 2.53 rules). */
  setServiceStatus(serviceId: string, status: 'enabled' | 'disabled', reason?: string): Promise<ComputeService>;
  /** All tenants, every page; filtered to one compute host when given. Throws when Nova hides the servers' hosts. */
  listServers(filter?: { host?: string }): Promise<Server[]>;
  getServer(serverId: string): Promise<Server>;
  listHypervisors(): Promise<Hypervisor[]>;
  /** host null lets the scheduler choose the target. */
  liveMigrate(serverId: string, targetHost: string | null): Promise<void>;
  listMigrations(filter: { instanceUuid?: string; host?: string; migrationType?: string }): Promise<Migration[]>;
  /** Aborts a running live migration (DELETE /servers/{id}/migrations/{mid}, microversion 2.24+). */
  abortLiveMigration(serverId: string, migrationId: string): Promise<void>;
  stopServer(serverId: string): Promise<void>;
  startServer(serverId: string): Promise<void>;
  /** Placement on the same Keystone session (capacity as the scheduler sees it); absent in test doubles without it. */
  placement?(): PlacementClient;
}
