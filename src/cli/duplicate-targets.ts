// Two inventory entries for one box (one address and port after ssh_config, or one Nova host) are refused at load time:
// the tool would run yum and a drain on that box twice at once, each believing it is a different host.
import type { Inventory } from '../inventory/index.js';
import type { HostSpec } from '../inventory/types.js';
import type { SshTarget } from '../transport/ssh-target.js';
import { ConfigError, ConfigErrors, type SourceLocation } from '../util/errors.js';

/** Where the hop chain ends: the same address and port behind different bastions are different boxes. */
export function endpointKey(t: Pick<SshTarget, 'address' | 'port' | 'jumps' | 'proxyCommand'>): string {
  const hops = t.jumps.map((j) => `${j.address}:${j.port}`);
  if (t.proxyCommand !== undefined) hops.push(`ProxyCommand ${t.proxyCommand}`);
  return [...hops, `${t.address}:${t.port}`].join(' > ');
}

function located(at: SourceLocation | undefined): string {
  if (!at) return '';
  return ` (${at.file}${at.line === undefined ? '' : `:${at.line}`})`;
}

/**
 * Among the selected hosts. `targets`: each host's resolved SSH target (checkSshTargets). The Nova host compared is the
 * inventory's (nova_host, canonical_hostname, else the inventory name); Nova's rule on the host may still find another.
 */
export function checkDuplicateTargets(inventory: Inventory, hosts: readonly HostSpec[], targets: ReadonlyMap<string, SshTarget>): void {
  const errors: ConfigError[] = [];
  const where = (h: HostSpec, variable: string) => inventory.varOrigin(h.name, variable);
  // The line that made the address: the inventory's ansible_host, else ssh_config's HostName.
  const addressAt = (h: HostSpec) => where(h, 'ansible_host') ?? targets.get(h.name)?.config.origins['hostname'] ?? where(h, 'ansible_port');
  const novaAt = (h: HostSpec) => (h.novaHostFrom && h.novaHostFrom !== 'name' ? where(h, h.novaHostFrom) : undefined);
  const seen = new Map<string, HostSpec>();
  const seenNova = new Map<string, HostSpec>();
  for (const h of hosts) {
    const t = targets.get(h.name);
    if (t) {
      const key = endpointKey(t);
      const other = seen.get(key);
      if (other) {
        errors.push(new ConfigError(addressAt(h) ?? { file: inventory.sources.join(', ') }, 'ansible_host',
          `hosts ${other.name}${located(addressAt(other))} and ${h.name}${located(addressAt(h))} both reach ${key}: two entries for one box would have it updated, drained and rebooted twice at once; keep one of them`));
      } else seen.set(key, h);
    }
    const nova = h.novaHost.toLowerCase();
    const otherNova = seenNova.get(nova);
    if (otherNova) {
      errors.push(new ConfigError(novaAt(h) ?? novaAt(otherNova) ?? { file: inventory.sources.join(', ') }, h.novaHostFrom === 'name' ? 'nova_host' : h.novaHostFrom ?? 'nova_host',
        `hosts ${otherNova.name}${located(novaAt(otherNova))} and ${h.name}${located(novaAt(h))} are both Nova's host '${h.novaHost}': one compute service cannot be two hosts; keep one entry, or correct nova_host`));
    } else seenNova.set(nova, h);
  }
  if (errors.length === 1) throw errors[0]!;
  if (errors.length > 1) throw new ConfigErrors(errors);
}
