// A host's layout as commands and words: virsh the layout's way, a container exec, the image's packages, the one-line summary.
import type { EvidenceMap, Provenance } from '../facts/evidence.js';
import type { InstalledPackage } from '../facts/types.js';
import type { ContainerRef, LayoutFact } from './names.js';
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

/** `<engine> exec <container>` (names were validated: no quoting needed, but kept safe anyway). */
export function containerExec(ref: ContainerRef): string {
  return `${ref.engine} exec ${ref.container}`;
}

/** virsh against libvirt's system instance, on the host or inside the libvirt container. */
export function virshCommand(layout: LayoutFact): string {
  const virsh = 'virsh -c qemu:///system';
  return layout.virsh ? `${containerExec(layout.virsh)} ${virsh}` : virsh;
}

/** One line for the plan, the `hosts` verb and reports: name, then where each part lives. */
export function layoutSummary(layout: LayoutFact): string {
  const parts = [`nova.conf ${layout.novaConf}`, `virsh ${formatHostOrContainer(layout.virsh)}`, `nova-compute ${formatNovaComputeRestart(layout.novaCompute)}`];
  if (layout.virtPackages.where === 'container') parts.push(`qemu/libvirt in ${layout.virtPackages.engine}:${layout.virtPackages.container}${layout.virtPackages.image ? ` (${layout.virtPackages.image})` : ''}`);
  return `${layout.name} (${layout.source}): ${parts.join(', ')}`;
}

/** The image's package database with where it was read and how: what a step judging qemu/libvirt in the image needs. */
export interface ImagePackagesView {
  container: string;
  image: string | null;
  packages: Record<string, InstalledPackage[]>;
  provenance: Provenance;
}

/**
 * facts.imagePackages with its evidence and container, or undefined when the layout keeps qemu/libvirt on the host.
 * Unreadable evidence comes with empty packages: callers must look at provenance, never at an empty list.
 */
export function imagePackagesOf(facts: { layout?: LayoutFact; imagePackages?: Record<string, InstalledPackage[]>; evidence: EvidenceMap }): ImagePackagesView | undefined {
  const virt = facts.layout?.virtPackages;
  if (!virt || virt.where !== 'container') return undefined;
  const provenance = facts.evidence['image-rpm'];
  return { container: virt.container, image: virt.image, packages: provenance.state === 'read' ? facts.imagePackages ?? {} : {}, provenance };
}
