// The lab description (YAML): which fake compute hosts to start, how Nova behaves, and the default mixed fleet.
import { z } from 'zod';
import { duration } from '../util/duration.js';
import type { LabDist } from './catalog.js';
import { LAB_LAYOUTS, LAB_LAYOUT_PROFILES, type LabLayoutName } from './host/deployment-layouts.js';

const NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;
const CPU_MODEL = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

export const labFaults = z.strictObject({
  /** After a reboot the host never comes back. */
  never_returns: z.boolean().default(false),
  /** Extra boot time on top of boot_delay. */
  slow_boot: duration.default(0),
  /** yum/dnf fail like a broken repository (exit 1, nothing installed). */
  yum_fails: z.boolean().default(false),
  /** yum installs some packages and then fails. */
  partial_update: z.boolean().default(false),
  /** sshd comes back after a reboot but refuses the lab key. */
  auth_refused_after_reboot: z.boolean().default(false),
  /** The login user (stack) has no sudo rule on this host: with or without ansible_become it cannot become root. */
  no_sudo: z.boolean().default(false),
  /** No virsh on the host's PATH, as on a containerized deployment (libvirt runs in a container). */
  no_virsh: z.boolean().default(false),
  /**
   * nova.conf at /etc/nova: present; missing; unreadable even by root (a directory, as a container bind mount of a missing
   * file leaves); symlinked (a link to managed/nova.conf beside it, as configuration management lays it out); or immutable
   * (chattr +i: lsattr shows `i`, every write and replace fails, `chattr -i` clears it).
   */
  nova_conf: z.enum(['present', 'missing', 'unreadable', 'symlinked', 'immutable']).default('present'),
  /** The kernel ring buffer has wrapped and the journal rotated: no log keeps this boot's MDS: line. */
  dmesg_wrapped: z.boolean().default(false),
  /** After a reboot nova-compute fails to start (md-clear asked of a CPU without it): the unit is failed, Nova reports the service down. */
  nova_compute_dead: z.boolean().default(false),
  /** A kernel install does not move the default boot entry: a reboot after a kernel update comes back on the old kernel. */
  boots_old_kernel: z.boolean().default(false),
  /** Ubuntu hosts: another process (unattended-upgrades) holds the dpkg lock, so apt-get install fails at once, as apt does. */
  dpkg_locked: z.boolean().default(false),
  /**
   * Two hosts that answer for each other (a stale DNS record, recycled addresses): this host's sshd answers at the other
   * host's address and the other's at this one's, while the inventory keeps each at its own. Name the other host.
   */
  swapped_with: z.string().regex(NAME, 'expected the name of another host of the lab').optional(),
});

export const labHost = z.strictObject({
  name: z.string().regex(NAME, 'expected a lower-case host name (letters, digits, -)'),
  /** Default: the layout's release (el7 for baremetal). ubuntu1804: dpkg, apt-get and Ubuntu's kernels (bare metal only). */
  dist: z.enum(['el7', 'el8', 'ubuntu1804']).optional(),
  /** How the deployment lays out the node: where nova.conf, virsh and qemu/libvirt are (src/lab/host/deployment-layouts.ts). */
  layout: z.enum(LAB_LAYOUTS).default('baremetal'),
  /** Container layouts: the image already carries the fixed qemu/libvirt (default: same as fixed). */
  image_fixed: z.boolean().optional(),
  cpu: z.enum(['intel', 'amd']).default('intel'),
  cpu_mode: z.enum(['host-model', 'host-passthrough', 'unset', 'custom']).default('host-model'),
  /** cpu_mode=custom: the old single-model key... */
  cpu_model: z.string().regex(CPU_MODEL, 'expected a libvirt CPU model name (letters, digits, _ . -)').optional(),
  /** ...or the newer list key. */
  cpu_models: z.array(z.string().regex(CPU_MODEL, 'expected a libvirt CPU model name (letters, digits, _ . -)')).optional(),
  /** cpu_model_extra_flags as written in nova.conf, e.g. "spec-ctrl,ssbd". */
  extra_flags: z.string().optional(),
  /**
   * Physical CPUs. Small on purpose: with the lab's 4.0 cpu_allocation_ratio (its nova.conf's) the default fleet runs overcommitted, as clouds
   * do (`lab up --hosts 12 --instances 40`: 3 hosts run more vCPUs than they have, one at 2:1).
   */
  vcpus: z.number().int().positive().default(8),
  ram_mb: z.number().int().positive().default(65536),
  /** This node's nova.conf overrides of the cloud-wide `nova:` values, as Placement then reports them. */
  cpu_allocation_ratio: z.number().positive().optional(),
  ram_allocation_ratio: z.number().positive().optional(),
  reserved_host_memory_mb: z.number().int().nonnegative().optional(),
  availability_zone: z.string().default('nova'),
  aggregate: z.string().optional(),
  /** nova.conf sets [DEFAULT] host to NAME.localdomain, so Nova knows the host by that name (TripleO layouts always do). */
  nova_host_fqdn: z.boolean().default(false),
  /** Already remediated at start: fixed packages installed and booted. */
  fixed: z.boolean().default(false),
  boot_delay: duration.default(1000),
  faults: labFaults.default({
    never_returns: false, slow_boot: 0, yum_fails: false, partial_update: false, auth_refused_after_reboot: false,
    no_sudo: false, no_virsh: false, nova_conf: 'present', dmesg_wrapped: false, nova_compute_dead: false, boots_old_kernel: false, dpkg_locked: false,
  }),
  /** The compute service starts disabled by an operator with this reason (the tool must leave it so). */
  operator_disabled: z.string().optional(),
});

export const labConfig = z.strictObject({
  /** First address: hosts get .1, .2, ... and the next /24 after .254. */
  address_base: z.string().regex(/^127\.\d{1,3}\.\d{1,3}\.0$/, 'expected a loopback /24 such as 127.0.10.0').default('127.0.10.0'),
  port: z.number().int().min(1024).max(65535).default(2222),
  /** Login user written into the inventory: root, or the non-root 'stack' user with sudo. */
  user: z.enum(['root', 'stack']).default('root'),
  hosts: z.array(labHost).min(1, 'expected at least one host'),
  instances: z.number().int().min(0).default(0),
  /** How many of the instances start SHUTOFF (they stay in place through a drain). */
  shutoff_instances: z.number().int().min(0).default(0),
  nova: z.strictObject({
    migration_time: duration.default(1000),
    token_ttl: duration.default(3_600_000),
    /** 0 picks a free port. */
    port: z.number().int().min(0).max(65535).default(0),
    seed: z.number().int().default(1),
    /** Placement's inventories of every node: the values the lab hosts' nova.conf carries (Nova's CPU default, 4.0). */
    cpu_allocation_ratio: z.number().positive().default(4),
    ram_allocation_ratio: z.number().positive().default(1),
    reserved_host_memory_mb: z.number().int().nonnegative().default(4096),
    /** nova-compute's max_concurrent_live_migrations (per source host; 0 = unlimited). */
    max_concurrent_live_migrations: z.number().int().min(0).default(1),
  }).default({ migration_time: 1000, token_ttl: 3_600_000, port: 0, seed: 1, cpu_allocation_ratio: 4, ram_allocation_ratio: 1,
    reserved_host_memory_mb: 4096, max_concurrent_live_migrations: 1 }),
});

export type LabHost = z.infer<typeof labHost>;
export type LabConfig = z.infer<typeof labConfig>;

export type LabConfigInput = z.input<typeof labConfig>;

/** `lab up --layouts`: every host bare metal (what the tool understands today), or every deployment layout in turn. */
export type LabFleetLayouts = 'baremetal' | 'mixed';

/** The i-th host of a mixed fleet: layouts in turn, each on a release it exists on (its variant's when it can). */
function mixedLayout(i: number, dist: LabDist): { layout: LabLayoutName; dist: LabDist } {
  const layout = LAB_LAYOUTS[i % LAB_LAYOUTS.length]!;
  const dists = LAB_LAYOUT_PROFILES[layout].dists;
  return { layout, dist: dists.includes(dist) ? dist : dists[0]! };
}

/**
 * The default fleet for `lab up --hosts N`: every cpu_mode variant, el7 and el8, one AMD host and one already-fixed host,
 * so one `run` exercises every path of the workflow. Returned as input (durations unparsed): parse it exactly once,
 * because a parsed duration is milliseconds while a bare number in the input means seconds.
 */
export function defaultLabConfig(hosts: number, instances: number, layouts: LabFleetLayouts = 'baremetal'): LabConfigInput {
  const variants: Partial<z.input<typeof labHost>>[] = [
    { dist: 'el7', cpu_mode: 'host-model' },
    { dist: 'el8', cpu_mode: 'custom', cpu_model: 'IvyBridge', extra_flags: 'spec-ctrl,ssbd' },
    { dist: 'el7', cpu_mode: 'host-passthrough' },
    { dist: 'el8', cpu_mode: 'unset' },
    { dist: 'el7', cpu_mode: 'custom', cpu_models: ['SandyBridge', 'IvyBridge'] },
    { dist: 'el8', cpu_mode: 'host-model' },
  ];
  const width = Math.max(2, String(hosts).length);
  const list: z.input<typeof labHost>[] = [];
  for (let i = 0; i < hosts; i++) {
    list.push({
      name: `compute${String(i + 1).padStart(width, '0')}`,
      availability_zone: `az${(i % 3) + 1}`,
      ...variants[i % variants.length],
      ...(hosts >= 4 && i === 3 ? { cpu: 'amd' as const } : {}),
      ...(hosts >= 3 && i === 2 ? { fixed: true } : {}),
      ...(layouts === 'mixed' ? mixedLayout(i, variants[i % variants.length]!.dist!) : {}),
    });
  }
  return { hosts: list, instances };
}
