// rehearse -i: a real fleet (a plan's per-host verdicts and facts, the cloud's nodes, capacity and servers) as a simulated one.
import type { HostSpec } from '../inventory/types.js';
import type { Server } from '../openstack/types.js';
import type { HostReport } from '../report/model.js';
import type { ExplicitInstances } from './cloud-sim.js';
import { initialPackages, labConfig, type LabConfig, type LabConfigInput } from './lab-model.js';
import type { RealFleetRead, RealNode } from './read-real-fleet.js';
import type { SimFleet } from './rehearse.js';

/** A target the rehearsal does not roll, and why (the plan's own verdict). */
export interface LeftOut {
  name: string;
  novaHost: string;
  status: string;
  why: string;
}

export interface FleetSeed {
  lab: LabConfig;
  explicit: ExplicitInstances;
  /** Simulated names of the hosts to roll, in the inventory's order. */
  only: string[];
  /** Nova host -> simulated name (every compute node of the cloud). */
  simName: Map<string, string>;
  /** Hosts whose packages are already at the minimums but which still run the old boot (the update finds nothing; the reboot is due). */
  packagesDone: string[];
  /** Targets the rollout leaves alone for their verdict: unreachable, unknown evidence, refused, failed. */
  leftOut: LeftOut[];
  /** What the seeding could not carry over exactly, said to the operator. */
  notes: string[];
  /** Counts for the header: compute nodes, instances, flavors, hosts by verdict. */
  counts: { nodes: number; instances: number; flavors: number; compliant: number; toChange: number; outside: number };
}

const NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;
const ROLLED = new Set(['would-change', 'ok']);
const STATES = new Set(['ACTIVE', 'SHUTOFF', 'PAUSED', 'ERROR']);

function distOf(h: HostReport | undefined): 'el7' | 'el8' | undefined {
  const major = /\b(\d+)(?:\.\d+)?\b/.exec(h?.facts?.os ?? '')?.[1];
  return major === '8' ? 'el8' : major === '7' ? 'el7' : undefined;
}

function stepStatus(h: HostReport, id: string): string | undefined {
  return h.steps.find((s) => s.id === id)?.status;
}

/** The node's room, as the lab's Placement will count it: the lab has no reserved vCPU, so it is taken off the total. */
function capacityOf(node: RealNode, onIt: readonly Server[], notes: string[]): Pick<LabConfigInput['hosts'][number], 'vcpus' | 'ram_mb' | 'cpu_allocation_ratio' | 'ram_allocation_ratio' | 'reserved_host_memory_mb'> {
  const flavorVcpus = onIt.reduce((a, s) => a + (s.flavor?.vcpus ?? 0), 0);
  const flavorRam = onIt.reduce((a, s) => a + (s.flavor?.ramMb ?? 0), 0);
  const cpu = node.vcpu ?? { total: 0, reserved: 0, ratio: 1, used: flavorVcpus };
  const ram = node.ram ?? { total: 0, reserved: 0, ratio: 1, used: flavorRam };
  // Allocations that are not the instances Nova lists here (other consumers, a migration's claim on its target): the
  // simulation places only instances, so the difference is held back from the room, never handed out as free.
  const extraVcpu = Math.max(0, cpu.used - flavorVcpus);
  const extraRam = Math.max(0, ram.used - flavorRam);
  if (extraVcpu > 0 || extraRam > 0) notes.push(`capacity: ${node.host}: Placement counts ${extraVcpu} VCPU and ${extraRam} MB more in use than its instances' flavors: held back from its room`);
  const vcpus = Math.floor(cpu.total - cpu.reserved - extraVcpu / cpu.ratio);
  const reserved = Math.ceil(ram.reserved + extraRam / ram.ratio);
  return {
    // The lab needs a positive size: a node with no room at all is given one vCPU and its RAM all reserved.
    vcpus: Math.max(1, vcpus),
    ram_mb: Math.max(1024, ram.total),
    cpu_allocation_ratio: vcpus >= 1 ? cpu.ratio : 1e-9,
    ram_allocation_ratio: ram.ratio,
    reserved_host_memory_mb: Math.min(Math.max(1024, ram.total), reserved),
  };
}

/**
 * Seeds the simulation from what `plan` read (its per-host report over the same targets) and one read-only pass over
 * the cloud. Every compute node becomes a simulated host sized by its Placement inventory (total, reserved, allocation
 * ratios); every server is placed where Nova has it with its flavor and state. A target the plan found compliant is
 * fixed; one it would change starts as its facts say: packages already at the minimums (installed, not booted),
 * nova.conf already passing md-clear or not, the CPU's vendor, the release. A target the plan could not judge
 * (unreachable, unknown, refused, failed) is not rolled, as a run would not get through it, and is listed in leftOut.
 */
export function seedFromPlan(input: { hosts: readonly HostReport[]; targets: readonly HostSpec[]; fleet: RealFleetRead }): FleetSeed {
  const { fleet } = input;
  const notes = [...fleet.notes];
  const byNova = new Map(input.hosts.map((h) => [h.novaHost, h]));
  const simName = new Map<string, string>();
  const taken = new Set<string>();
  const nodes: RealNode[] = [];
  for (const n of fleet.nodes) {
    if (simName.has(n.host)) continue;
    // The real name when the lab accepts it (readable output); else the node's position.
    let name = NAME.test(n.host) && !taken.has(n.host) ? n.host : `node-${nodes.length + 1}`;
    while (taken.has(name)) name = `${name}-x`;
    taken.add(name);
    simName.set(n.host, name);
    nodes.push(n);
  }
  const onHost = new Map<string, Server[]>();
  let unplaced = 0;
  for (const s of fleet.servers) {
    if (s.host === null || !simName.has(s.host)) {
      unplaced += 1;
      continue;
    }
    onHost.set(s.host, [...(onHost.get(s.host) ?? []), s]);
  }
  if (unplaced) notes.push(`instances: ${unplaced} server(s) on no compute node Nova lists (building, shelved, or on a node without a hypervisor record): not simulated`);
  const noFlavor = fleet.servers.filter((s) => s.flavor === null && s.host !== null && simName.has(s.host));
  if (noFlavor.length) throw new Error(`Nova does not give the flavor of ${noFlavor.length} server(s) (it embeds flavors from microversion 2.47), so their room and migration times are unknown`);

  const flavors = new Map<string, { name: string; vcpus: number; ramMb: number }>();
  const explicit: ExplicitInstances = { flavors: [], instances: [] };
  const packagesDone: string[] = [];
  let compliant = 0;
  let toChange = 0;
  const hosts = nodes.map((n) => {
    const name = simName.get(n.host)!;
    const report = byNova.get(n.host);
    const mine = onHost.get(n.host) ?? [];
    for (const s of mine) {
      const f = s.flavor!;
      const fname = `${f.vcpus}vcpu-${f.ramMb}mb`;
      if (!flavors.has(fname)) flavors.set(fname, { name: fname, vcpus: f.vcpus, ramMb: f.ramMb });
      // A server mid-task (MIGRATING, REBOOT...) is where Nova has it, in the state it will settle in: running.
      const state = STATES.has(s.status) ? (s.status as 'ACTIVE') : 'ACTIVE';
      explicit.instances.push({ name: `i-${explicit.instances.length + 1}`, host: name, flavor: fname, state, az: s.pinnedAvailabilityZone ?? null });
    }
    const rolled = report !== undefined && ROLLED.has(report.status);
    const fixed = report === undefined || report.status === 'ok';
    if (rolled && fixed) compliant += 1;
    if (rolled && !fixed) toChange += 1;
    const dist = distOf(report);
    // Packages at the minimums by the plan's own reading (rpm read, nothing below): the update finds nothing to do.
    const pkgsAtMinimum = rolled && !fixed && report.facts?.packages !== undefined && report.packagesBelowMinimum.length === 0 && stepStatus(report, 'update-packages') === 'ok';
    // Nothing due but nova.conf: the boot already carries the fixes, so the host is fixed and only its nova.conf lacks md-clear.
    const bootedFixed = pkgsAtMinimum && stepStatus(report, 'reboot') === 'ok';
    if (pkgsAtMinimum && !bootedFixed) packagesDone.push(name);
    const novaConfNeedsFlag = rolled && !fixed && stepStatus(report, 'cpu-flags') === 'would-change';
    return {
      name,
      ...(dist ? { dist } : {}),
      cpu: /amd/i.test(report?.facts?.cpuVendor ?? '') ? ('amd' as const) : ('intel' as const),
      fixed: fixed || bootedFixed,
      // md-clear passes with host-model; a custom model without the flag is what the cpu-flags step would edit.
      ...(novaConfNeedsFlag ? { cpu_mode: 'custom' as const, cpu_model: 'IvyBridge' } : {}),
      availability_zone: n.zone || 'nova',
      ...capacityOf(n, mine, notes),
      ...(n.usable ? {} : { operator_disabled: 'disabled or down in the cloud when it was read' }),
    };
  });
  explicit.flavors = [...flavors.values()];

  const only: string[] = [];
  const leftOut: LeftOut[] = [];
  for (const t of input.targets) {
    const report = byNova.get(t.novaHost);
    const status = report?.status ?? 'not planned';
    const sim = simName.get(t.novaHost);
    if (sim === undefined) leftOut.push({ name: t.name, novaHost: t.novaHost, status, why: 'not a compute node of this cloud (no hypervisor record)' });
    else if (!ROLLED.has(status)) leftOut.push({ name: t.name, novaHost: t.novaHost, status, why: report?.error ?? `the plan found it ${status}` });
    else only.push(sim);
  }
  const outside = nodes.filter((n) => !input.targets.some((t) => t.novaHost === n.host)).length;
  if (outside) notes.push(`${outside} compute node(s) outside the selection: simulated as they are (they receive instances, they are not rolled)`);
  notes.push('not read from the cloud, the lab\'s values stand: max_concurrent_live_migrations 1 per source host, no local disk counted, bare-metal layout');
  const lab = labConfig.parse({ hosts, instances: 0, nova: { cpu_allocation_ratio: 1, ram_allocation_ratio: 1, reserved_host_memory_mb: 0 } });
  return {
    lab, explicit, only, simName, packagesDone, leftOut, notes,
    counts: { nodes: nodes.length, instances: explicit.instances.length, flavors: flavors.size, compliant, toChange, outside },
  };
}

/** Puts the fixed builds on the hosts whose packages are already at the minimums, leaving their boot as it was (the reboot is due). */
export function applySeed(fleet: SimFleet, seed: FleetSeed): void {
  for (const name of seed.packagesDone) {
    const h = fleet.hosts.get(name);
    if (h === undefined) throw new Error(`rehearse: no simulated host ${name}`);
    h.installed = initialPackages(h.spec.dist, true, 1_546_300_800);
  }
}

/** One simulated host as seeded: what the JSON output carries, so the seeded model can be checked against the real fleet. */
export interface SeededHost {
  name: string;
  novaHost: string;
  zone: string;
  vcpus: number;
  cpuAllocationRatio: number;
  ramMb: number;
  reservedRamMb: number;
  ramAllocationRatio: number;
  fixed: boolean;
  packagesDone: boolean;
  rolled: boolean;
  /** The instances placed on it, as "vcpus/ramMb/STATE", sorted. */
  instances: string[];
}

export function seededHosts(seed: FleetSeed): SeededHost[] {
  const nova = new Map([...seed.simName].map(([n, s]) => [s, n]));
  const flavors = new Map(seed.explicit.flavors.map((f) => [f.name, f]));
  return seed.lab.hosts.map((h) => ({
    name: h.name, novaHost: nova.get(h.name)!, zone: h.availability_zone, vcpus: h.vcpus, cpuAllocationRatio: h.cpu_allocation_ratio ?? seed.lab.nova.cpu_allocation_ratio,
    ramMb: h.ram_mb, reservedRamMb: h.reserved_host_memory_mb ?? seed.lab.nova.reserved_host_memory_mb, ramAllocationRatio: h.ram_allocation_ratio ?? seed.lab.nova.ram_allocation_ratio,
    fixed: h.fixed, packagesDone: seed.packagesDone.includes(h.name), rolled: seed.only.includes(h.name),
    instances: seed.explicit.instances.filter((i) => i.host === h.name).map((i) => `${flavors.get(i.flavor)!.vcpus}/${flavors.get(i.flavor)!.ramMb}/${i.state}`).sort(),
  }));
}
