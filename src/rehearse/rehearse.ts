// rehearse(): the real engine and the real steps against a simulated fleet and the lab's cloud model, on a virtual clock.
import { Fleet, failureDomainKey } from '../engine/fleet.js';
import { EngineEvents } from '../engine/events.js';
import type { GatherFacts, PlannedStep } from '../engine/host-runner.js';
import { runFleet } from '../engine/runner.js';
import { readFleet, shapeRollout } from '../plan/rollout-shape.js';
import { buildGatherCommand, parseGather } from '../facts/index.js';
import type { HostSpec } from '../inventory/types.js';
import { loadPlaybook, type Playbook } from '../playbook/index.js';
import { STEP_BY_ID, stepSchemas } from '../steps/registry.js';
import { createCloudSim, type CloudSim, type ExplicitInstances } from './cloud-sim.js';
import { Durations, LAB_DURATIONS, type DurationSettings } from './durations.js';
import { playbookDurations } from './playbook-durations.js';
import { loadFleetInput, sparedDiskGb, type FleetInputOptions } from './fleet-input.js';
import { InProcessNova } from './in-process-nova.js';
import { cloudConfig, guestState, hostBooted, hostRebooting, hostSpecsFromLabConfig, type LabConfig } from './lab-model.js';
import { lowerBound, type BoundHost } from './lower-bound.js';
import { RehearsalRecorder, type RehearsalResult } from './recorder.js';
import { NOVA_CONF_PATH, SimHost } from './sim-host.js';
import { SimTransport } from './sim-transport.js';
import { VirtualClock } from './virtual-clock.js';

export interface RehearseOptions extends FleetInputOptions {
  playbook: string;
  /** Over the lab's defaults and the playbook's `vars.rehearse`. */
  durations?: Partial<DurationSettings>;
  serial?: (number | string)[] | 'auto';
  forks?: number;
  /** Virtual wall-clock time the rollout starts at (matters only for a maintenance window); default: now. */
  startMs?: number;
  /** The hosts the rollout runs on, in this order (default: every simulated host, in the description's order); the others only receive instances. */
  only?: string[];
  /**
   * As `run --plan` does with a saved plan: the hosts known not to need a drain are migration targets from the first
   * batch. true: the description's already-fixed hosts (what a plan of it would find).
   */
  knownUndrained?: boolean;
}

function minimumsOf(pb: Playbook): Record<string, Record<string, string>> | undefined {
  const step = pb.steps.find((s) => s.id === 'update-packages' || s.id === 'verify');
  return (step?.params as { minimums?: Record<string, Record<string, string>> } | undefined)?.minimums;
}

/** The package names the gather asks rpm for, as the CLI's session does. */
function packagesToQuery(minimums: Record<string, Record<string, string>> | undefined): string[] {
  const names = new Set<string>(['kernel', 'microcode_ctl', 'libvirt', 'qemu-kvm', 'qemu-kvm-rhev']);
  for (const perDist of Object.values(minimums ?? {})) for (const n of Object.keys(perDist)) names.add(n);
  return [...names];
}

export async function rehearse(o: RehearseOptions): Promise<RehearsalResult> {
  const playbook = await loadPlaybook(o.playbook, stepSchemas());
  const durations: DurationSettings = { ...LAB_DURATIONS, ...(await playbookDurations(o.playbook)), ...o.durations };
  const lab = await loadFleetInput(o);
  return rehearseLab(playbook, lab, { ...o, durations });
}

/** The simulated fleet (hosts and cloud), kept apart from a run so a second rehearsal can run over the same state. */
export class SimFleet {
  readonly hosts = new Map<string, SimHost>();
  readonly sim: CloudSim;
  readonly durations: Durations;
  /** Called when a host goes down: the current run's recorder samples the capacity left. */
  onHostDown: (() => void) | null = null;

  constructor(readonly lab: LabConfig, settings: DurationSettings, explicit?: ExplicitInstances) {
    this.durations = new Durations(settings);
    const life = {
      rebooting: (h: string) => {
        hostRebooting(this.sim.world, this.sim.engine, h);
        this.onHostDown?.();
      },
      booted: (h: string) => hostBooted(this.sim.world, h),
      guests: (h: string) => [...this.sim.index.on(h)].sort((a, b) => a.seq - b.seq).map((i) => ({
        uuid: i.uuid, name: `instance-${i.seq.toString(16).padStart(8, '0')}`, state: guestState(i.powerState), mdClear: i.mdClear,
      })),
    };
    for (const spec of hostSpecsFromLabConfig(lab)) this.hosts.set(spec.name, new SimHost(spec, this.durations, life));
    const cloud = cloudConfig(lab);
    const diskGb = sparedDiskGb(lab);
    if (diskGb !== undefined) cloud.hosts = cloud.hosts?.map((h) => ({ ...h, diskGb }));
    this.sim = createCloudSim(cloud, {
      guestCpuProbe: (h) => this.hosts.get(h)?.guestCpuGetsMdClear() ?? false,
      migrationMs: (inst, flavor, labMs) => this.durations.migration(inst.name, flavor.ramMb, labMs),
    }, explicit);
  }
}

/** The same with the playbook and the fleet already loaded (tests build small fleets directly). */
export async function rehearseLab(playbook: Playbook, lab: LabConfig, o: Omit<RehearseOptions, 'playbook' | 'durations'> & { durations: DurationSettings }): Promise<RehearsalResult> {
  return rehearseFleet(playbook, new SimFleet(lab, o.durations), o);
}

/** One rehearsal run over a simulated fleet, from its current state. */
export async function rehearseFleet(playbook: Playbook, fleet: SimFleet, o: Omit<RehearseOptions, 'playbook' | 'durations'>): Promise<RehearsalResult> {
  const wallStart = performance.now();
  const { hosts, sim, durations, lab } = fleet;
  const steps: PlannedStep[] = playbook.steps.map((s) => ({ step: STEP_BY_ID.get(s.id)!, params: s.params }));
  const param = <T>(id: string): Partial<T> => (playbook.steps.find((s) => s.id === id)?.params ?? {}) as Partial<T>;
  const drain = param<{ parallel_per_host: number; parallel_fleet: number }>('drain');
  const reboot = param<{ delay: number; stable_for: number }>('reboot');
  const perHost = drain.parallel_per_host ?? 2;
  const fleetSlots = drain.parallel_fleet ?? 10;
  const serial = o.serial ?? playbook.serial;
  const specs = (o.only ?? [...hosts.keys()]).map((n) => {
    const h = hosts.get(n);
    if (h === undefined) throw new Error(`rehearse: no simulated host ${n}`);
    return h.spec;
  });
  const clock = new VirtualClock(o.startMs ?? Math.floor(Date.now() / 1000) * 1000);
  const rebootsBefore = new Map([...hosts].map(([n, h]) => [n, h.reboots]));
  const updatesBefore = new Map([...hosts].map(([n, h]) => [n, h.updates]));

  const recorder = new RehearsalRecorder(sim);
  fleet.onHostDown = () => recorder.sample();
  const nova = new InProcessNova(sim, durations, recorder.novaObserver());
  const transports: SimTransport[] = [];
  const inventory: HostSpec[] = specs.map((s) => ({
    name: s.name, address: s.address, port: s.port, user: 'root', become: true, novaHost: s.name, groups: ['compute', 'all'],
    vars: { availability_zone: lab.hosts.find((h) => h.name === s.name)?.availability_zone, aggregate: lab.hosts.find((h) => h.name === s.name)?.aggregate },
  }));
  const packages = packagesToQuery(minimumsOf(playbook));
  const gatherFacts: GatherFacts = async (transport, _host, signal) => {
    const res = await transport.exec(buildGatherCommand({ packages, novaConfPath: NOVA_CONF_PATH, virshTimeoutSec: 60 }), { become: true, signal, timeoutMs: 180_000 });
    return parseGather(res.stdout);
  };

  // What every instance on a host costs to move, taken when its batch starts: those instances must all move at least once.
  const boundHosts = new Map<string, BoundHost>();
  const events = new EngineEvents();
  events.on('batch-start', (e) => {
    for (const name of e.hosts) {
      const movable = [...sim.index.on(name)].filter((i) => i.vmState === 'active' && i.taskState === null);
      const spec = inventory.find((h) => h.name === name)!;
      boundHosts.set(name, {
        name, batch: e.index, updateMs: 0, bootChainMs: null, domain: playbook.failureDomains.length ? failureDomainKey(spec, playbook.failureDomains) : null,
        migrationMs: movable.map((i) => durations.migration(i.name, sim.world.flavor(i.flavorId).ramMb, sim.cfg.migrationMs)),
      });
    }
  });
  recorder.listen(events);

  let sizes: number[] | null = null;
  const undrained = new Set(o.knownUndrained ? lab.hosts.filter((h) => h.fixed && specs.some((s) => s.name === h.name)).map((h) => h.name) : []);
  const engineFleet = new Fleet({ migrationSlots: fleetSlots, failureDomainKeys: playbook.failureDomains, ...(playbook.window ? { window: playbook.window } : {}) });
  for (const h of undrained) engineFleet.markRemediated(h);
  const summary = await clock.run(async () => {
    recorder.start();
    // serial: auto reads Placement through the simulated cloud, as a run does before its first batch.
    const shape = await shapeRollout({
      hosts: inventory, order: playbook.rolloutOrder, undrained, serial, failureDomains: playbook.failureDomains, forks: o.forks ?? playbook.forks, fleet: () => readFleet(nova),
    });
    sizes = shape.sizes;
    const s = await runFleet({
      runId: 'rehearsal', hosts: shape.hosts, steps, mode: 'apply',
      forks: o.forks ?? playbook.forks,
      ...(shape.serial ? { serial: shape.serial } : {}),
      maxFailPercentage: playbook.maxFailPercentage ?? null,
      failureBudget: playbook.failureBudget ?? null,
      transportFactory: (h) => {
        const t = new SimTransport(hosts.get(h.name)!, durations);
        transports.push(t);
        return t;
      },
      gatherFacts,
      nova,
      fleet: engineFleet,
      state: null,
      events,
    });
    recorder.end();
    return s;
  });

  for (const b of boundHosts.values()) {
    const h = hosts.get(b.name)!;
    if (h.updates > updatesBefore.get(b.name)!) b.updateMs = durations.packageUpdate(b.name);
    if (h.reboots > rebootsBefore.get(b.name)!) {
      b.bootChainMs = (reboot.delay ?? 1) * 1000 + durations.boot(b.name, h.spec.bootDelayMs, rebootsBefore.get(b.name)!) + h.spec.faults.slowBootMs + (reboot.stable_for ?? 10_000);
    }
  }
  // nova-compute runs max_concurrent_live_migrations per source host (0: no limit) and queues the rest, whatever the
  // drain asks for at once: the bound's per-host parallelism is the smaller of the two.
  const novaPerHost = sim.cfg.maxConcurrentLiveMigrations;
  const bound = lowerBound([...boundHosts.values()], novaPerHost === 0 ? perHost : Math.min(perHost, novaPerHost), fleetSlots);
  return recorder.result({
    playbook: playbook.file, lab, summary, bound, hosts, rebootsBefore,
    cost: {
      wallMs: performance.now() - wallStart, timersFired: clock.fired, novaCalls: nova.calls,
      execs: transports.reduce((a, t) => a + t.execs, 0), connects: transports.reduce((a, t) => a + t.connects, 0),
    },
    settings: { serial: serial === 'auto' ? { auto: sizes } : serial ?? null, forks: o.forks ?? playbook.forks, parallelPerHost: perHost, novaPerHost, parallelFleet: fleetSlots, durations: durations.s },
  });
}
