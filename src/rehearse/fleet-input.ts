// Which fleet to rehearse: the lab's default mixed fleet at a size, or a lab description file; optionally sized to a spare capacity.
import { parse as parseYaml } from 'yaml';
import { readFileSync } from 'node:fs';
import { validateYamlFile } from '../util/yaml-validate.js';
import { defaultLabConfig, labConfig, type LabConfig, type LabConfigInput } from './lab-model.js';

export interface FleetInputOptions {
  hosts?: number;
  instances?: number;
  config?: string;
  /**
   * Fraction of the fleet's vCPU and RAM left free after the instances are placed (0.1 = 10%): every host is sized
   * so the expected demand of the lab's flavors (picked at random) fills the rest. Absent = the description's sizes.
   */
  spare?: number;
}

/** The lab's default flavors (src/lab/cloud/config.ts) picked uniformly: the expected vCPU, RAM and disk of one instance. */
const MEAN_FLAVOR = { vcpus: (1 + 2 + 4) / 3, ramMb: (2048 + 4096 + 8192) / 3, diskGb: (20 + 40 + 80) / 3 };

/**
 * Placement also claims DISK_GB, and a lab description has no disk size (every lab host gets the fake cloud's 500 GB,
 * room for about ten instances): a fleet sized by sizeForSpare gets disks sized the same way, kept here beside it.
 */
const spareDisk = new WeakMap<LabConfig, number>();

/** The disk (GB) sizeForSpare chose for this fleet's hosts, if it sized them. */
export function sparedDiskGb(lab: LabConfig): number | undefined {
  return spareDisk.get(lab);
}

export async function loadFleetInput(o: FleetInputOptions): Promise<LabConfig> {
  let input: LabConfigInput;
  if (o.config !== undefined) {
    await validateYamlFile(o.config, labConfig);
    input = parseYaml(readFileSync(o.config, 'utf8')) as LabConfigInput;
    if (o.instances !== undefined) input = { ...input, instances: o.instances };
  } else {
    input = defaultLabConfig(o.hosts ?? 12, o.instances ?? 40);
  }
  const lab = labConfig.parse(input);
  if (o.spare !== undefined) sizeForSpare(lab, o.spare);
  return lab;
}

/**
 * Every host gets the same size, so the fleet's expected free share after placement is `spare` of what Placement
 * counts: vCPU times the CPU allocation ratio, RAM less the reserved memory times the RAM ratio (the lab's own values,
 * a host's override first).
 */
export function sizeForSpare(lab: LabConfig, spare: number): void {
  if (!(spare >= 0 && spare < 1)) throw new RangeError(`spare capacity must be in [0, 1), got ${spare}`);
  const perHost = lab.instances / lab.hosts.length;
  for (const h of lab.hosts) {
    const cpuRatio = h.cpu_allocation_ratio ?? lab.nova.cpu_allocation_ratio;
    const ramRatio = h.ram_allocation_ratio ?? lab.nova.ram_allocation_ratio;
    const reserved = h.reserved_host_memory_mb ?? lab.nova.reserved_host_memory_mb;
    h.vcpus = Math.max(1, Math.ceil((perHost * MEAN_FLAVOR.vcpus) / (1 - spare) / cpuRatio));
    h.ram_mb = Math.max(1024, Math.ceil((reserved + (perHost * MEAN_FLAVOR.ramMb) / (1 - spare) / ramRatio) / 1024) * 1024);
  }
  // Never the constraint: the spare asked for is of vCPU and RAM (the lab's disk allocation ratio is 1.0).
  spareDisk.set(lab, Math.max(500, Math.ceil((perHost * MEAN_FLAVOR.diskGb) / (1 - spare) * 2)));
}

/** A fleet read from a real cloud (plan's rehearsal): its hosts as lab hosts, Placement's figures counted at ratio 1, nothing reserved. */
export function fleetOfCloud(hosts: LabConfigInput['hosts']): LabConfig {
  return labConfig.parse({ hosts, instances: 0, nova: { cpu_allocation_ratio: 1, ram_allocation_ratio: 1, reserved_host_memory_mb: 0 } });
}
