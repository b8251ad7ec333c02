// The deployment layouts a compute node can have (issue 15), and the layout fact the gather yields for each host.
// Where each keeps nova.conf, virsh, qemu/libvirt and nova-compute is in ../shared/DEPLOYMENTS.md; the lab models each
// (src/lab/host/deployment-layouts.ts), but the tool never imports the lab, so the names are declared here too.

export const LAYOUT_NAMES = ['baremetal', 'tripleo-docker', 'tripleo-podman', 'tripleo-modular', 'kolla', 'osa', 'devstack'] as const;
export type LayoutName = (typeof LAYOUT_NAMES)[number];

export function isLayoutName(value: string): value is LayoutName {
  return (LAYOUT_NAMES as readonly string[]).includes(value);
}

export type ContainerEngine = 'docker' | 'podman';

/** A container on the host, reached with `<engine> exec <container> ...`. */
export interface ContainerRef {
  engine: ContainerEngine;
  container: string;
}

/**
 * The layout a host was found (or told) to have: everything a step needs to act the layout's way. Facts carry it so the
 * plan, the reports and every step agree on one answer, decided once, in the gather.
 */
export interface LayoutFact {
  name: LayoutName;
  /** detected: from the gather's probes; inventory: set by inventory variables for the host or a group. */
  source: 'detected' | 'inventory';
  /** The nova.conf nova-compute reads, as a path on the host (the puppet-generated one on TripleO, Kolla's, nova-cpu.conf...). */
  novaConf: string;
  /** Where virsh runs: null on the host, else inside this container (nova_libvirt, nova_virtqemud...). */
  virsh: ContainerRef | null;
  /** How nova-compute is (re)started: a systemd unit, or a container restarted by its engine (Kolla, TripleO on docker). */
  novaCompute: { kind: 'unit'; unit: string } | ({ kind: 'container' } & ContainerRef);
  /** Where qemu and libvirt are installed: the host's package database, or a container image's (queried inside it). */
  virtPackages: { where: 'host' } | ({ where: 'container'; image: string | null } & ContainerRef);
  /** What decided it, for the plan and reports: the probes that matched, or the inventory variables that set it. */
  basis: string[];
}
