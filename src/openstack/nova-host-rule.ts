// Nova's name for a compute host, by Nova's own rule ([DEFAULT] host, else socket.gethostname()), and the host-name comparison.
import type { HostFacts } from '../facts/types.js';
import type { HostSpec } from '../inventory/types.js';
import { getOption } from '../ini/read.js';

export interface NovaHostName {
  /** The name to look the compute service up by; null when it cannot be known (nova.conf unread and nothing else says). */
  name: string | null;
  /** What decided it, for messages and reports. */
  basis: string;
  /**
   * nova.conf was not read, so this is the host's own name only as Nova's default: good enough to find the service when
   * Nova has one by that name, but a name Nova lacks then proves nothing (the unread file may set another): unknown.
   */
  provisional?: boolean;
}

/**
 * nova-compute registers its service under `[DEFAULT] host` of the nova.conf it reads, else `socket.gethostname()` (nova/conf/
 * netconf.py), which is `uname -n`. The inventory's nova_host overrides (an operator's word); TripleO's canonical_hostname is
 * what its deployment writes as `[DEFAULT] host`, used when the file could not be read. A nova.conf that was not read leaves
 * the rule undecided: the host's own name is then only provisional (see NovaHostName.provisional); the steps still refuse
 * anything disruptive on a host whose nova.conf they could not read.
 */
export function novaHostByRule(host: HostSpec, facts: Pick<HostFacts, 'hostname' | 'novaConf' | 'novaConfPath' | 'evidence'>): NovaHostName {
  if (host.novaHostFrom === 'nova_host') return { name: host.novaHost, basis: 'nova_host in the inventory' };
  const confRead = facts.evidence['nova-conf']?.state === 'read' && facts.novaConf !== null;
  if (confRead) {
    const set = getOption(facts.novaConf!, 'DEFAULT', 'host')?.trim();
    if (set) return { name: set, basis: `[DEFAULT] host in ${facts.novaConfPath}` };
    const own = facts.hostname.trim();
    if (own !== '') return { name: own, basis: `the host's own name (uname -n; ${facts.novaConfPath} sets no [DEFAULT] host)` };
    return { name: null, basis: `${facts.novaConfPath} sets no [DEFAULT] host and the host's own name could not be read` };
  }
  if (host.novaHostFrom === 'canonical_hostname') return { name: host.novaHost, basis: `canonical_hostname in the inventory (${facts.novaConfPath} was not read)` };
  const own = facts.hostname.trim();
  if (own === '') return { name: null, basis: `${facts.novaConfPath} could not be read, so its [DEFAULT] host is unknown` };
  return { name: own, basis: `the host's own name (${facts.novaConfPath} could not be read, so its [DEFAULT] host is unknown)`, provisional: true };
}

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

/** An IP address (v4, or anything with a colon) names no host: it cannot be compared with a host name. */
export function isAddress(name: string): boolean {
  return IPV4.test(name) || name.includes(':');
}

/**
 * Whether two host names name one host: case-insensitive (DNS), and a short name equals an FQDN that starts with it
 * (`compute01` and `compute01.localdomain`: hostname, Nova and libvirt each pick a form). Two FQDNs must be equal.
 */
export function sameHostName(a: string, b: string): boolean {
  const x = a.trim().toLowerCase().replace(/\.$/, '');
  const y = b.trim().toLowerCase().replace(/\.$/, '');
  if (x === '' || y === '') return false;
  if (x === y) return true;
  if (x.includes('.') && y.includes('.')) return false;
  return x.split('.')[0] === y.split('.')[0];
}
