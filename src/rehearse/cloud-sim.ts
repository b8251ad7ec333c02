// The lab's cloud model in process: seeded like the lab (same placement for the same seed), indexed, with its engines.
import { ConfigError } from '../util/errors.js';
import { CloudIndex } from './cloud-index.js';
import {
  FaultStore, MigrationEngine, PowerActions, resolveCloudConfig, seedWorld, type CloudWorld, type FlavorRec, type InstanceRec,
  type MigrationRec, type ResolvedCloudConfig, type FakeCloudConfig,
} from './lab-model.js';

export interface CloudSim {
  world: CloudWorld;
  index: CloudIndex;
  engine: MigrationEngine;
  power: PowerActions;
  cfg: ResolvedCloudConfig;
  /** This instance's live-migration time: its RAM and the spread (durations.ts). */
  migrationMsOf(inst: InstanceRec): number;
}

/** A fleet read from a real cloud: its flavors and where each instance runs (rehearsing a plan's own fleet). */
export interface ExplicitInstances {
  flavors: { name: string; vcpus: number; ramMb: number }[];
  instances: { name: string; host: string; flavor: string; state: 'ACTIVE' | 'SHUTOFF' | 'ERROR' | 'PAUSED'; az: string | null }[];
}

export interface CloudSimHooks {
  /** Would a guest cold-booted on this host now get md-clear? */
  guestCpuProbe(host: string): boolean;
  /** An instance's live-migration time (the lab runs every one in the world's migrationMs). */
  migrationMs(inst: InstanceRec, flavor: FlavorRec, labMigrationMs: number): number;
}

/**
 * Seeds the world with the lab's own seedWorld (users, projects, flavors, hosts, services: the same ids for the same
 * seed), then places the instances here with the lab's rule (a random fitting flavor, the fitting host with the
 * fewest instances, ties broken by the seeded generator, in the same order of draws), because the lab's placement
 * scans every host's usage per instance and would take hours at 20,000 instances. Counted instances only.
 */
export function createCloudSim(config: FakeCloudConfig, hooks: CloudSimHooks, explicit?: ExplicitInstances): CloudSim {
  // Disk is not counted for a fleet read from a cloud (the servers API does not say which instances boot from volume).
  const full = resolveCloudConfig(explicit ? { ...config, flavors: explicit.flavors.map((f) => ({ ...f, diskGb: 0 })), instances: { count: 0 } } : config);
  if (Array.isArray(full.instances)) throw new Error('rehearse: explicit instance lists are not supported, give a count');
  const counts = full.instances;
  const world = seedWorld({ ...full, instances: { ...counts, count: 0, shutoff: 0, error: 0, paused: 0 } }, { guestCpuProbe: (h) => hooks.guestCpuProbe(h) });
  const index = new CloudIndex(world);
  if (explicit) placeExplicit(world, index, explicit);
  else placeInstances(world, index, counts);
  const engine = new MigrationEngine(world, new FaultStore());
  const migrationMsOf = (inst: InstanceRec): number => hooks.migrationMs(inst, world.flavor(inst.flavorId), full.migrationMs);
  // The engine reads world.migrationMs when the source host's queue starts a job (its private run()), which may be long
  // after the call that asked for it: each job gets its own instance's time at that moment.
  const jobs = engine as unknown as { run(m: MigrationRec, inst: InstanceRec): void };
  if (typeof jobs.run !== 'function') throw new Error('rehearse: the lab migration engine has no run(m, inst) to time per instance');
  const run = jobs.run.bind(engine);
  // Same answer as the engine's own scan of every migration, which hostRebooting asks once per reboot.
  Object.assign(engine, {
    inFlightTouching: (host: string) => index.inFlightTouching(host),
    run: (m: MigrationRec, inst: InstanceRec) => {
      world.migrationMs = migrationMsOf(inst);
      run(m, inst);
    },
  });
  return { world, index, engine, power: new PowerActions(world), cfg: full, migrationMsOf };
}

type Counts = Exclude<ResolvedCloudConfig['instances'], unknown[]>;

function placeInstances(world: CloudWorld, index: CloudIndex, c: Counts): void {
  const special = c.shutoff + c.error + c.paused;
  if (special > c.count) throw new ConfigError({ file: '<rehearse>' }, 'instances', `shutoff+error+paused (${special}) exceeds count (${c.count})`);
  const width = String(c.count).length;
  const hosts = [...world.hosts.keys()];
  const stamp = new Date(world.now()).toISOString().replace('Z', '000');
  const projectIds = new Map(world.projects.map((p) => [p.name, p.id]));
  const bySize = [...world.flavors].sort((a, b) => a.ramMb - b.ramMb || a.vcpus - b.vcpus);
  for (let i = 0; i < c.count; i++) {
    const fromEnd = c.count - 1 - i;
    const state = fromEnd < c.shutoff ? 'SHUTOFF' : fromEnd < c.shutoff + c.error ? 'ERROR' : fromEnd < special ? 'PAUSED' : 'ACTIVE';
    const name = `${c.namePrefix}-${String(i + 1).padStart(width, '0')}`;
    // The lab's randomFittingFlavor: one draw, then the smallest that fits anywhere.
    const first = world.flavors[world.rng.int(world.flavors.length)]!;
    const order: FlavorRec[] = [first, ...bySize.filter((f) => f !== first)];
    const flavor = order.find((f) => hosts.some((h) => world.fits(h, f))) ?? first;
    const fitting = hosts.filter((h) => world.fits(h, flavor));
    if (fitting.length === 0) throw new ConfigError({ file: '<rehearse>' }, `instances[${name}]`, `no host has room for a ${flavor.name} instance`);
    let least = Infinity;
    for (const h of fitting) least = Math.min(least, world.usage(h).runningVms);
    const ties = fitting.filter((h) => world.usage(h).runningVms === least);
    const host = ties[world.rng.int(ties.length)]!;
    const tenants = world.cfg.tenantProjects;
    const project = tenants[world.rng.int(tenants.length)]!;
    const st = state === 'ACTIVE' ? { vm: 'active', power: 1 } : state === 'SHUTOFF' ? { vm: 'stopped', power: 4 } : state === 'PAUSED' ? { vm: 'paused', power: 3 } : { vm: 'error', power: 4 };
    const inst: InstanceRec = {
      uuid: world.rng.uuid(), name, projectId: projectIds.get(project) ?? project, userId: world.users[0]!.id, flavorId: flavor.id, host,
      vmState: st.vm as InstanceRec['vmState'], taskState: null, powerState: st.power as InstanceRec['powerState'],
      mdClear: world.probeMdClear(host), createdAt: stamp, updatedAt: stamp, seq: world.nextSeq(), requestedAz: null,
    };
    world.instances.set(inst.uuid, inst);
    index.add(inst);
  }
}

/** Each instance on the host the cloud said it runs on, as it is (no room check: it is there). */
function placeExplicit(world: CloudWorld, index: CloudIndex, e: ExplicitInstances): void {
  const flavorId = new Map(world.flavors.map((f) => [f.name, f.id]));
  const stamp = new Date(world.now()).toISOString().replace('Z', '000');
  const project = world.projects[0]?.id ?? 'project';
  const states = { ACTIVE: { vm: 'active', power: 1 }, SHUTOFF: { vm: 'stopped', power: 4 }, PAUSED: { vm: 'paused', power: 3 }, ERROR: { vm: 'error', power: 4 } } as const;
  for (const i of e.instances) {
    const id = flavorId.get(i.flavor);
    if (id === undefined || !world.hosts.has(i.host)) throw new Error(`rehearse: instance ${i.name} names an unknown flavor or host`);
    const st = states[i.state];
    const inst: InstanceRec = {
      uuid: world.rng.uuid(), name: i.name, projectId: project, userId: world.users[0]!.id, flavorId: id, host: i.host,
      vmState: st.vm, taskState: null, powerState: st.power, mdClear: world.probeMdClear(i.host), createdAt: stamp, updatedAt: stamp,
      seq: world.nextSeq(), requestedAz: i.az,
    };
    world.instances.set(inst.uuid, inst);
    index.add(inst);
  }
}
