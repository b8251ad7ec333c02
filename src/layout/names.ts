// The deployment layouts a compute node can have (issue 15): the names the inventory, the facts and the reports use.
// Where each keeps nova.conf, virsh, qemu/libvirt and nova-compute is in ../shared/DEPLOYMENTS.md; the lab models each
// (src/lab/host/deployment-layouts.ts), but the tool never imports the lab, so the names are declared here too.

export const LAYOUT_NAMES = ['baremetal', 'tripleo-docker', 'tripleo-podman', 'tripleo-modular', 'kolla', 'osa', 'devstack'] as const;
export type LayoutName = (typeof LAYOUT_NAMES)[number];

export function isLayoutName(value: string): value is LayoutName {
  return (LAYOUT_NAMES as readonly string[]).includes(value);
}

/** The layout a host was found (or told) to have. The layout work extends this with where each part lives. */
export interface LayoutFact {
  name: LayoutName;
  /** detected: from the gather's probes; inventory: set by mds_layout (or a per-part override) for the host or a group. */
  source: 'detected' | 'inventory';
}
