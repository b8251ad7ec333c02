// The facts one host yields from a single gather exec; every field is produced by a pure parser in this folder.
import type { EvidenceMap, Privilege } from './evidence.js';
import type { KernelLogFacts } from './kernel-log.js';
import type { LayoutFact } from '../layout/names.js';
import type { AgentState, NovaComputeAgent } from '../layout/nova-compute-agent.js';

export interface Evr {
  /** null when the package carries no epoch (compares as 0). */
  epoch: string | null;
  version: string;
  /** null when absent (older than any release). */
  release: string | null;
}

export interface InstalledPackage extends Evr {
  name: string;
  arch: string;
}

export interface OsRelease {
  id: string;          // 'rhel', 'centos', ...
  versionId: string;   // '7.6', '8.0'
  /** Short release key used by playbooks to pick minimum versions: 'el7', 'el8', 'ubuntu1804', 'debian10', ... */
  dist: string;
  prettyName: string;
  /** How the host's packages are queried and compared; absent means rpm (facts built by hand, redhat-release). */
  packaging?: 'rpm' | 'deb';
}

export type MdsState =
  | { kind: 'absent' }                       // kernel without the MDS fix: no sysfs file
  | { kind: 'not-affected' }
  | { kind: 'mitigated'; smt: string | null } // 'Mitigation: Clear CPU buffers'
  | { kind: 'no-microcode'; smt: string | null } // 'Vulnerable: Clear CPU buffers attempted, no microcode'
  | { kind: 'vulnerable'; smt: string | null }
  | { kind: 'unknown'; raw: string };

export interface SysfsVulnerabilities {
  /** Raw text of each file, null when the file does not exist. */
  mds: string | null;
  tsxAsyncAbort: string | null;
  mmioStaleData: string | null;
}

export interface CpuFeature {
  readonly name: string;
  readonly policy: string; // require | disable | optional | forbid | force
}

/** Shared between hosts that print the same document (see parseDomCapabilities), hence read-only. */
export interface DomCapabilities {
  readonly hostModel: { readonly model: string | null; readonly vendor: string | null; readonly features: readonly CpuFeature[] } | null;
  readonly hostPassthroughSupported: boolean;
  /** Custom models and whether libvirt says they are usable on this host. */
  readonly customModels: readonly { readonly name: string; readonly usable: 'yes' | 'no' | 'unknown' }[];
}

export interface NovaLibvirtConfig {
  /** cpu_mode as written, null when unset. */
  cpuMode: string | null;
  /** cpu_models (or the old cpu_model), in order. */
  cpuModels: string[];
  /** cpu_model_extra_flags, in order, as written (may carry +/-). */
  extraFlags: string[];
  virtType: string | null;
}

export interface Guest {
  name: string;
  uuid: string;
  state: string; // virsh state: running, shut off, paused, ...
  /** Whether the live domain CPU definition carries md-clear. null when not known. */
  mdClear: boolean | null;
}

export interface HostFacts {
  hostname: string;
  os: OsRelease;
  kernelRunning: string; // uname -r
  bootId: string;
  /** Every installed version of each package asked for (name -> versions, rpmdb order). */
  packages: Record<string, InstalledPackage[]>;
  sysfs: SysfsVulnerabilities;
  mds: MdsState;
  cpu: { vendor: 'intel' | 'amd' | 'unknown'; mdClearFlag: boolean };
  /** The 'MDS:' lines of the kernel log (from the first source that had one: dmesg, journal, /var/log/dmesg). */
  dmesgMds: string[];
  /** Each kernel log source tried, what it said, and whether the ring buffer wrapped. */
  kernelLog: KernelLogFacts;
  /**
   * The deployment layout (issue 15), decided in the gather (or forced by the inventory). Absent when it could not be
   * decided (evidence.layout says why: unknown, never a guess) and in facts built by hand, where evidence.layout is
   * read and absent means bare metal (see layoutOf in src/layout/commands.ts).
   */
  layout?: LayoutFact;
  /**
   * qemu/libvirt versions inside the container image that runs libvirt (`<engine> exec <container> rpm -q`), when the
   * layout keeps them there; evidence['image-rpm'] says read, absent (they are host packages) or unreadable. Always set
   * by the gather; optional only for facts built by hand. Host packages (kernel, microcode) stay in `packages`.
   */
  imagePackages?: Record<string, InstalledPackage[]>;
  novaConfPath: string;
  /**
   * The file an edit of nova.conf replaces (symlinks resolved on the host) and what would stop the replace; null when it
   * could not be looked at. Optional only for facts built by hand (tests); the gather always sets it.
   */
  novaConfTarget?: NovaConfTarget | null;
  /** Full text of nova.conf, null when it could not be read: evidence['nova-conf'] says whether absent or unreadable. */
  novaConf: string | null;
  novaLibvirt: NovaLibvirtConfig;
  domcaps: DomCapabilities | null;
  guests: Guest[];
  /**
   * What nova-compute's agent said in the gather (systemctl is-active, or the engine's inspect), read in the same exec so
   * the restore check needs none of its own (issue 18). Optional only for facts built by hand; the gather always sets it.
   */
  novaComputeAgent?: GatheredAgentState;
  /** Who the gather ran as. */
  privilege: Privilege;
  /** How each fact was obtained: a null or empty value above means nothing unless its evidence was read. */
  evidence: EvidenceMap;
}

/** Whether nova.conf can be replaced (write beside it, rename over it), read before anything disruptive runs. */
export interface NovaConfTarget {
  /** nova.conf with every symlink resolved (readlink -f): the file the edit must replace, so a link stays a link. */
  path: string;
  /** Why a replace would fail: immutable or append-only attribute, read-only mount, directory not writable. */
  blockers: string[];
  /** What could not be checked (no lsattr, not root): unknown, so an edit is refused rather than tried. */
  unknown: string[];
}

/** The gather's look at nova-compute's agent: which one it asked and what it said, judged by parseAgentState's rules. */
export interface GatheredAgentState {
  /** The agent the gather asked (the layout's), null when it asked none (layout unknown, no such section). */
  agent: NovaComputeAgent | null;
  /** unknown whenever the answer could not be read (not root for an engine, tool missing, timeout, output cut short). */
  state: AgentState;
  /** The agent's own word, or why there is none. */
  detail: string;
}
