// JSON views of servers, services, hypervisors and migrations, shaped per microversion like Nova's view builders.
import { createHash } from 'node:crypto';
import { IN_PROGRESS } from './model.js';
import type { HostRec, InstanceRec, MigrationRec, ServiceRec } from './model.js';
import type { Mv } from './microversion.js';
import type { CloudWorld } from './world.js';

export function serverStatus(inst: InstanceRec): string {
  if (inst.taskState === 'migrating') return 'MIGRATING';
  switch (inst.vmState) {
    case 'building': return 'BUILD';
    case 'active': return 'ACTIVE';
    case 'stopped': return 'SHUTOFF';
    case 'paused': return 'PAUSED';
    case 'error': return 'ERROR';
  }
}

export function serverView(world: CloudWorld, inst: InstanceRec, mv: Mv, admin: boolean, computeUrl: string): Record<string, unknown> {
  const f = world.flavor(inst.flavorId);
  const host = world.hosts.get(inst.host);
  const flavor = mv >= 47
    ? { vcpus: f.vcpus, ram: f.ramMb, disk: f.diskGb, ephemeral: 0, swap: 0, original_name: f.name, extra_specs: {} }
    : { id: f.id, links: [{ href: `${computeUrl}/flavors/${f.id}`, rel: 'bookmark' }] };
  const view: Record<string, unknown> = {
    id: inst.uuid,
    name: inst.name,
    status: serverStatus(inst),
    tenant_id: inst.projectId,
    user_id: inst.userId,
    flavor,
    image: '',
    key_name: null,
    metadata: {},
    addresses: {},
    accessIPv4: '',
    accessIPv6: '',
    created: inst.createdAt.slice(0, 19) + 'Z',
    updated: inst.updatedAt.slice(0, 19) + 'Z',
    hostId: createHash('sha224').update(inst.projectId + inst.host).digest('hex'),
    progress: 0,
    links: [{ href: `${computeUrl}/servers/${inst.uuid}`, rel: 'self' }],
    'OS-EXT-AZ:availability_zone': host?.az ?? 'nova',
    'OS-EXT-STS:vm_state': inst.vmState,
    'OS-EXT-STS:task_state': inst.taskState,
    'OS-EXT-STS:power_state': inst.powerState,
  };
  if (admin) {
    // A server the scheduler found no host for has none (NoValidHost leaves it in cell0): null, as Nova shows it.
    view['OS-EXT-SRV-ATTR:host'] = inst.host === '' ? null : inst.host;
    view['OS-EXT-SRV-ATTR:hypervisor_hostname'] = inst.host === '' ? null : host?.hypervisorHostname ?? inst.host;
    view['OS-EXT-SRV-ATTR:instance_name'] = `instance-${inst.seq.toString(16).padStart(8, '0')}`;
  }
  if (mv >= 9) view.locked = false;
  // 2.96: the zone the request spec pins the instance to (null when it was booted without one).
  if (mv >= 96) view.pinned_availability_zone = inst.requestedAz;
  return view;
}

export function serviceView(world: CloudWorld, s: ServiceRec, mv: Mv): Record<string, unknown> {
  const view: Record<string, unknown> = {
    id: mv >= 53 ? s.uuid : s.intId,
    binary: s.binary,
    host: s.host,
    zone: s.zone,
    status: s.status,
    state: world.isUp(s) ? 'up' : 'down',
    disabled_reason: s.disabledReason,
    updated_at: s.updatedAt,
  };
  if (mv >= 11) view.forced_down = s.forcedDown;
  return view;
}

export function hypervisorView(world: CloudWorld, h: HostRec, mv: Mv): Record<string, unknown> {
  const svc = world.computeService(h.name)!;
  const view: Record<string, unknown> = {
    id: mv >= 53 ? h.hypervisorUuid : h.hypervisorIntId,
    hypervisor_hostname: h.hypervisorHostname,
    state: world.isUp(svc) ? 'up' : 'down',
    status: svc.status,
    host_ip: h.hostIp,
    hypervisor_type: 'QEMU',
    hypervisor_version: 2012000,
    service: { host: h.name, id: mv >= 53 ? svc.uuid : svc.intId, disabled_reason: svc.disabledReason },
  };
  // 2.88 dropped the capacity fields (placement owns them now).
  if (mv < 88) {
    const u = world.usage(h.name);
    Object.assign(view, {
      vcpus: h.vcpus, vcpus_used: u.vcpus, memory_mb: h.ramMb, memory_mb_used: u.ramMb, local_gb: h.diskGb, local_gb_used: u.diskGb,
      free_ram_mb: h.ramMb - u.ramMb, free_disk_gb: h.diskGb - u.diskGb, disk_available_least: h.diskGb - u.diskGb,
      running_vms: u.runningVms, current_workload: 0, cpu_info: JSON.stringify({ arch: 'x86_64', model: 'Cascadelake-Server', vendor: 'Intel' }),
    });
  } else {
    view.uptime = null;
  }
  return view;
}

function nodeOf(world: CloudWorld, host: string | null): string | null {
  return host === null ? null : world.hosts.get(host)?.hypervisorHostname ?? host;
}

export function migrationView(world: CloudWorld, m: MigrationRec, mv: Mv, computeUrl: string): Record<string, unknown> {
  const view: Record<string, unknown> = {
    id: m.id,
    instance_uuid: m.instanceUuid,
    source_compute: m.sourceCompute,
    source_node: nodeOf(world, m.sourceCompute),
    dest_compute: m.destCompute ?? m.requestedHost,
    dest_node: nodeOf(world, m.destCompute ?? m.requestedHost),
    dest_host: m.destCompute === null ? null : world.hosts.get(m.destCompute)?.hostIp ?? null,
    status: m.status,
    old_instance_type_id: Number(m.flavorId) || 1,
    new_instance_type_id: Number(m.flavorId) || 1,
    created_at: m.createdAt,
    updated_at: m.updatedAt,
  };
  if (mv >= 23) {
    view.migration_type = m.migrationType;
    if (IN_PROGRESS.has(m.status)) {
      view.links = [{ href: `${computeUrl}/servers/${m.instanceUuid}/migrations/${m.id}`, rel: 'self' }];
    }
  }
  if (mv >= 59) view.uuid = m.uuid;
  if (mv >= 80) Object.assign(view, { user_id: m.userId, project_id: m.projectId });
  return view;
}

export function serverMigrationView(world: CloudWorld, m: MigrationRec, mv: Mv): Record<string, unknown> {
  const total = world.flavor(m.flavorId).ramMb * 1024 * 1024;
  const processed = m.status === 'running' ? Math.floor(total / 2) : 0;
  const view: Record<string, unknown> = {
    id: m.id,
    server_uuid: m.instanceUuid,
    status: m.status,
    source_compute: m.sourceCompute,
    source_node: nodeOf(world, m.sourceCompute),
    dest_compute: m.destCompute ?? m.requestedHost,
    dest_node: nodeOf(world, m.destCompute ?? m.requestedHost),
    dest_host: m.destCompute === null ? null : world.hosts.get(m.destCompute)?.hostIp ?? null,
    created_at: m.createdAt,
    updated_at: m.updatedAt,
    memory_total_bytes: total,
    memory_processed_bytes: processed,
    memory_remaining_bytes: total - processed,
    disk_total_bytes: 0,
    disk_processed_bytes: 0,
    disk_remaining_bytes: 0,
  };
  if (mv >= 59) view.uuid = m.uuid;
  if (mv >= 80) Object.assign(view, { user_id: m.userId, project_id: m.projectId });
  return view;
}
