// Builds the starting world from a resolved config: domains, projects, users, hosts, services, flavors and placed instances.
import { ConfigError } from '../../util/errors.js';
import type { ExplicitInstance, FakeCloudHooks, ResolvedCloudConfig } from './config.js';
import { novaTime } from './model.js';
import type { FlavorRec, InstanceRec, PowerState, VmState } from './model.js';
import { createRng } from './rng.js';
import { CloudWorld } from './world.js';

const SOURCE = '<fake-cloud config>';

const STATE_MAP: Record<ExplicitInstance['state'], { vm: VmState; power: PowerState }> = {
  ACTIVE: { vm: 'active', power: 1 },
  SHUTOFF: { vm: 'stopped', power: 4 },
  PAUSED: { vm: 'paused', power: 3 },
  ERROR: { vm: 'error', power: 4 },
};

export function seedWorld(cfg: ResolvedCloudConfig, hooks: FakeCloudHooks): CloudWorld {
  const rng = createRng(cfg.seed);
  const world = new CloudWorld(cfg, rng, hooks);
  const start = world.now();
  const stamp = novaTime(start);

  world.domains.push({ id: 'default', name: 'Default' });
  const projectId = (name: string): string => {
    const found = world.projects.find((p) => p.name === name);
    if (found) return found.id;
    const id = rng.hex32();
    world.projects.push({ id, name, domainId: 'default' });
    return id;
  };
  for (const [i, u] of cfg.users.entries()) {
    const domain = world.domains.find((d) => d.name === u.domain || d.id === u.domain);
    if (!domain) throw new ConfigError({ file: SOURCE }, `users.${i}.domain`, `unknown domain ${u.domain} (the lab has Default)`);
    u.projects.forEach(projectId);
    const appCreds = u.applicationCredentials.map((a, j) => {
      const project = a.project ?? u.projects[0]!;
      if (!u.projects.includes(project)) {
        throw new ConfigError({ file: SOURCE }, `users.${i}.applicationCredentials.${j}.project`, `user ${u.name} has no role on project ${project}`);
      }
      const extra = (a.roles ?? []).filter((r) => !u.roles.includes(r));
      if (extra.length > 0) {
        throw new ConfigError({ file: SOURCE }, `users.${i}.applicationCredentials.${j}.roles`, `user ${u.name} does not hold ${extra.join(', ')}`);
      }
      return { id: a.id ?? rng.hex32(), name: a.name, secret: a.secret, projectName: project, roles: a.roles ?? [...u.roles] };
    });
    world.users.push({ id: u.id ?? rng.hex32(), name: u.name, domainId: domain.id, password: u.password, projects: u.projects, roles: u.roles,
      applicationCredentials: appCreds });
  }
  cfg.tenantProjects.forEach(projectId);

  cfg.flavors.forEach((f, i) => world.flavors.push({ id: f.id ?? String(i + 1), name: f.name, vcpus: f.vcpus, ramMb: f.ramMb, diskGb: f.diskGb }));

  let intId = 0;
  const addService = (binary: string, host: string, zone: string): void => {
    world.services.push({ intId: ++intId, uuid: rng.uuid(), binary, host, zone, status: 'enabled', disabledReason: null,
      disabledBy: null, forcedDown: false, rebooting: false, agentStopped: false, updatedAt: stamp });
  };
  addService('nova-scheduler', cfg.controllerHost, 'internal');
  addService('nova-conductor', cfg.controllerHost, 'internal');
  cfg.hosts.forEach((h, i) => {
    world.hosts.set(h.name, {
      name: h.name, hypervisorHostname: h.hypervisorHostname ?? h.name, hypervisorIntId: i + 1, hypervisorUuid: rng.uuid(),
      vcpus: h.vcpus, ramMb: h.ramMb, diskGb: h.diskGb, az: h.az, aggregate: h.aggregate, hostIp: h.hostIp ?? `192.0.2.${(i % 250) + 1}`,
      cpuAllocationRatio: h.cpuAllocationRatio ?? cfg.cpuAllocationRatio,
      ramAllocationRatio: h.ramAllocationRatio ?? cfg.ramAllocationRatio,
      diskAllocationRatio: cfg.diskAllocationRatio,
      reservedHostMemoryMb: h.reservedHostMemoryMb ?? cfg.reservedHostMemoryMb,
    });
    addService('nova-compute', h.name, h.az);
    const svc = world.computeService(h.name)!;
    if (h.disabled) Object.assign(svc, { status: 'disabled', disabledReason: h.disabled.reason, disabledBy: h.disabled.by });
  });

  for (const spec of instanceSpecs(cfg)) placeInstance(world, spec, projectId, stamp);
  return world;
}

function instanceSpecs(cfg: ResolvedCloudConfig): ExplicitInstance[] {
  if (Array.isArray(cfg.instances)) return cfg.instances;
  const c = cfg.instances;
  const special = c.shutoff + c.error + c.paused;
  if (special > c.count) throw new ConfigError({ file: SOURCE }, 'instances', `shutoff+error+paused (${special}) exceeds count (${c.count})`);
  const width = String(c.count).length;
  return Array.from({ length: c.count }, (_, i): ExplicitInstance => {
    // The special states go to the last instances so small counts still start mostly ACTIVE.
    const fromEnd = c.count - 1 - i;
    const state = fromEnd < c.shutoff ? 'SHUTOFF' : fromEnd < c.shutoff + c.error ? 'ERROR' : fromEnd < special ? 'PAUSED' : 'ACTIVE';
    return { name: `${c.namePrefix}-${String(i + 1).padStart(width, '0')}`, state };
  });
}

function placeInstance(world: CloudWorld, spec: ExplicitInstance, projectId: (name: string) => string, stamp: string): void {
  const { cfg, rng } = world;
  const field = `instances[${spec.name}]`;
  const flavor = spec.flavor === undefined
    ? randomFittingFlavor(world)
    : world.flavors.find((f) => f.name === spec.flavor || f.id === spec.flavor);
  if (!flavor) throw new ConfigError({ file: SOURCE }, `${field}.flavor`, `unknown flavor ${spec.flavor}`);
  let host = spec.host;
  const az = spec.availabilityZone ?? null;
  if (az !== null && ![...world.hosts.values()].some((h) => h.az === az)) {
    throw new ConfigError({ file: SOURCE }, `${field}.availabilityZone`, `no host is in availability zone ${az}`);
  }
  if (host !== undefined) {
    if (az !== null && world.hosts.get(host)?.az !== az) throw new ConfigError({ file: SOURCE }, `${field}.host`, `host ${host} is not in ${az}`);
    if (!world.hosts.has(host)) throw new ConfigError({ file: SOURCE }, `${field}.host`, `unknown host ${host}`);
    if (!world.fits(host, flavor)) throw new ConfigError({ file: SOURCE }, `${field}.host`, `host ${host} has no room for ${flavor.name}`);
  } else {
    // Spread: the fitting host with the fewest instances; ties broken by the seeded generator.
    const fitting = [...world.hosts.keys()].filter((h) => (az === null || world.hosts.get(h)!.az === az) && world.fits(h, flavor));
    if (fitting.length === 0) throw new ConfigError({ file: SOURCE }, field, `no host has room for a ${flavor.name} instance`);
    const counts = fitting.map((h) => world.usage(h).runningVms);
    const least = Math.min(...counts);
    const ties = fitting.filter((_, i) => counts[i] === least);
    host = ties[rng.int(ties.length)]!;
  }
  const tenants = cfg.tenantProjects;
  const project = spec.project ?? tenants[rng.int(tenants.length)]!;
  const owner = world.users[0]!;
  const st = STATE_MAP[spec.state];
  const uuid = spec.uuid ?? rng.uuid();
  if (world.instances.has(uuid) || [...world.instances.values()].some((i) => i.name === spec.name)) {
    throw new ConfigError({ file: SOURCE }, field, 'duplicate instance name or uuid');
  }
  const inst: InstanceRec = {
    uuid, name: spec.name, projectId: projectId(project), userId: owner.id, flavorId: flavor.id, host,
    vmState: st.vm, taskState: null, powerState: st.power, mdClear: world.probeMdClear(host),
    createdAt: stamp, updatedAt: stamp, seq: world.nextSeq(), requestedAz: az,
  };
  world.instances.set(uuid, inst);
}

/** A seeded random flavor, falling back to the others (smallest first) when it fits nowhere, so counted fleets pack fully. */
function randomFittingFlavor(world: CloudWorld): FlavorRec {
  const first = world.flavors[world.rng.int(world.flavors.length)]!;
  const order = [first, ...[...world.flavors].sort((a, b) => a.ramMb - b.ramMb || a.vcpus - b.vcpus).filter((f) => f !== first)];
  const hosts = [...world.hosts.keys()];
  return order.find((f) => hosts.some((h) => world.fits(h, f))) ?? first;
}
