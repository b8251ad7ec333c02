// What the inventory yields for each host: where and how to connect, its groups and its merged variables.
import type { LayoutOverrides } from '../layout/overrides.js';
import type { SourceLocation } from '../util/errors.js';

export type HostKeyPolicy = 'strict' | 'accept-new' | 'off';

export interface HostSpec {
  /** Inventory name (what --limit patterns match). */
  name: string;
  /** Address to connect to (ansible_host, else ssh_config HostName, else name). */
  address: string;
  port: number;
  user: string;
  privateKeyFile?: string;
  /** Escalate with sudo for commands that need root (ansible_become). */
  become: boolean;
  /** Nova's hypervisor/service host name, when it differs from the inventory name. */
  novaHost: string;
  /**
   * Where novaHost came from: the inventory's nova_host (an override), TripleO's canonical_hostname, or the inventory name
   * (a stand-in: the gather then applies Nova's own rule, [DEFAULT] host else the host's own name). Absent = 'name'.
   */
  novaHostFrom?: 'nova_host' | 'canonical_hostname' | 'name';
  /** Groups the host belongs to, nearest first, always ending with 'all'. */
  groups: string[];
  /** Every variable after Ansible's precedence, connection ones included. */
  vars: Record<string, unknown>;
  /** The deployment layout, or any of its parts, forced by inventory variables (mds_layout, mds_nova_conf...). */
  layout?: LayoutOverrides;
  /** Where the login user and ansible_become were set, so a message about privilege can point at the line to change. */
  origins?: { user?: SourceLocation; become?: SourceLocation };
}
