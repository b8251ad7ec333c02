// A host's layout as the steps and reports use it: bare metal for facts without one, and its one-line summary.
import type { LayoutFact } from './names.js';
import { formatHostOrContainer, formatNovaComputeRestart } from './overrides.js';

/** The layout facts built by hand (tests, old saved facts) stand for: today's bare-metal layout. */
export const BAREMETAL_LAYOUT: LayoutFact = Object.freeze({
  name: 'baremetal',
  source: 'detected',
  novaConf: '/etc/nova/nova.conf',
  virsh: null,
  novaCompute: { kind: 'unit', unit: 'openstack-nova-compute' },
  virtPackages: { where: 'host' },
  basis: [],
}) as LayoutFact;

/** The layout the facts carry; facts without one (built by hand, evidence read) are bare metal. */
export function layoutOf(facts: { layout?: LayoutFact }): LayoutFact {
  return facts.layout ?? BAREMETAL_LAYOUT;
}

/** One line for the plan, the `hosts` verb and reports: name, then where each part lives. */
export function layoutSummary(layout: LayoutFact): string {
  const parts = [`nova.conf ${layout.novaConf}`, `virsh ${formatHostOrContainer(layout.virsh)}`, `nova-compute ${formatNovaComputeRestart(layout.novaCompute)}`];
  if (layout.virtPackages.where === 'container') parts.push(`qemu/libvirt in ${layout.virtPackages.engine}:${layout.virtPackages.container}${layout.virtPackages.image ? ` (${layout.virtPackages.image})` : ''}`);
  return `${layout.name} (${layout.source}): ${parts.join(', ')}`;
}
