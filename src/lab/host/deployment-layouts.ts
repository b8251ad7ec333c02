// How each deployment lays out a compute node: where nova.conf is, where virsh and qemu/libvirt live, how nova-compute restarts.
// Sources (checked with the search tool; see docker/compute-host/README.md): tripleo-heat-templates deployment/nova/*,
// kolla-ansible ansible/roles/nova-cell, openstack-ansible-os_nova, devstack lib/nova, and ../shared/DEPLOYMENTS.md.
import { isDebDist, type LabDist } from '../catalog.js';

export const LAB_LAYOUTS = ['baremetal', 'tripleo-docker', 'tripleo-podman', 'tripleo-modular', 'kolla', 'osa', 'devstack'] as const;
export type LabLayoutName = (typeof LAB_LAYOUTS)[number];

export interface LabContainer {
  name: string;
  image: string;
  /** compute: runs nova-compute (reads nova.conf at start); libvirt: has virsh and talks to the host's guests. */
  role: 'compute' | 'libvirt' | 'other';
}

export interface LabUnit {
  name: string;
  description: string;
  /** A unit that runs a container: restarting it restarts the container. */
  container?: string;
  /** compute: (re)starting it makes nova-compute read its nova.conf; libvirt: virsh needs it active. */
  role: 'compute' | 'libvirt' | 'other';
}

export interface LabLayoutProfile {
  name: LabLayoutName;
  /** The releases this layout exists on in the lab (OSP 13 is RHEL 7, OSP 16/17 RHEL 8; OSP 17 is RHEL 9 in reality). */
  dists: readonly LabDist[];
  /** The nova.conf nova-compute reads, as a path on the host. */
  novaConf: string;
  /** osa source installs: novaConf is a symlink to this file in the service's venv. */
  novaConfTarget?: string;
  /** A host /etc/nova/nova.conf that nova-compute does NOT read (left from before containers, or the controller's on devstack). */
  otherNovaConf?: string;
  engine: 'docker' | 'podman' | null;
  containers: readonly LabContainer[];
  units: readonly LabUnit[];
  /** qemu and libvirt come from the containers' image, not from host packages. */
  qemuInImage: boolean;
  /** Host packages of qemu/libvirt that are installed but do not run (OSP 13 upgraded from 10). */
  staleHostVirtPackages: boolean;
  /** The package that carries libvirtd: the `libvirt` meta package, or `libvirt-daemon` where there is none. */
  libvirtPackage: 'libvirt' | 'libvirt-daemon';
  /** Nova knows the host by its FQDN (TripleO's `nova::host: fqdn_canonical`, written as `[DEFAULT] host`). */
  novaHostFqdn?: boolean;
}

/** A layout's systemd units on a release: Ubuntu's packages name the unit nova-compute where RHEL's name it openstack-nova-compute. */
export function labUnits(p: LabLayoutProfile, dist: LabDist): LabUnit[] {
  return p.units.map((u) => (isDebDist(dist) && u.name === 'openstack-nova-compute' ? { ...u, name: 'nova-compute' } : u));
}

/** The name Nova's compute service has for a host of this layout (the lab's domain is localdomain, as TripleO's default). */
export function labNovaHostName(name: string, layout: LabLayoutName, fqdn = false): string {
  // fqdn: any deployment may set [DEFAULT] host to the FQDN (the lab description's nova_host_fqdn), as TripleO always does.
  return fqdn || LAB_LAYOUT_PROFILES[layout].novaHostFqdn ? `${name}.localdomain` : name;
}

const SSHD: LabUnit = { name: 'sshd', description: 'OpenSSH server daemon', role: 'other' };
const PUPPET_NOVA_CONF = '/var/lib/config-data/puppet-generated/nova_libvirt/etc/nova/nova.conf';

const tripleoContainers = (libvirt: readonly string[], image: string): LabContainer[] => [
  ...libvirt.map((name) => ({ name, image, role: name === 'nova_virtlogd' || name === 'nova_virtlogd_wrapper' ? 'other' as const : 'libvirt' as const })),
  { name: 'nova_compute', image: image.replace(/nova-libvirt/, 'nova-compute'), role: 'compute' },
  { name: 'nova_migration_target', image: image.replace(/nova-libvirt/, 'nova-compute'), role: 'other' },
];
/** podman TripleO: every container runs under a systemd unit named tripleo_<container>. */
const tripleoUnits = (containers: readonly LabContainer[]): LabUnit[] => [
  ...containers.map((c) => ({ name: `tripleo_${c.name}`, description: `${c.name} container`, container: c.name, role: c.role })),
  SSHD,
];

const OSP13 = tripleoContainers(['nova_libvirt', 'nova_virtlogd'], 'registry.access.redhat.com/rhosp13/openstack-nova-libvirt:13.0');
const OSP16 = tripleoContainers(['nova_libvirt', 'nova_virtlogd'], 'registry.redhat.io/rhosp-rhel8/openstack-nova-libvirt:16.2');
// OSP 17 splits libvirtd into modular daemons, each its own container (tripleo-heat-templates nova-modular-libvirt-container-puppet.yaml).
const OSP17 = tripleoContainers(['nova_virtqemud', 'nova_virtproxyd', 'nova_virtnodedevd', 'nova_virtsecretd', 'nova_virtstoraged',
  'nova_virtlogd_wrapper'], 'registry.redhat.io/rhosp-rhel9/openstack-nova-libvirt:17.1');
const KOLLA: LabContainer[] = [
  { name: 'nova_libvirt', image: 'quay.io/openstack.kolla/nova-libvirt:2023.1-rocky-9', role: 'libvirt' },
  { name: 'nova_ssh', image: 'quay.io/openstack.kolla/nova-ssh:2023.1-rocky-9', role: 'other' },
  { name: 'nova_compute', image: 'quay.io/openstack.kolla/nova-compute:2023.1-rocky-9', role: 'compute' },
];

export const LAB_LAYOUT_PROFILES: Record<LabLayoutName, LabLayoutProfile> = {
  baremetal: {
    name: 'baremetal', dists: ['el7', 'el8', 'ubuntu1804'], novaConf: '/etc/nova/nova.conf', engine: null, containers: [],
    units: [
      { name: 'openstack-nova-compute', description: 'OpenStack Nova Compute Server', role: 'compute' },
      { name: 'libvirtd', description: 'Virtualization daemon', role: 'libvirt' },
      SSHD,
    ],
    qemuInImage: false, staleHostVirtPackages: false, libvirtPackage: 'libvirt',
  },
  // OSP 13: docker, containers restarted by docker (paunch restart policies), no systemd unit per container.
  'tripleo-docker': {
    name: 'tripleo-docker', dists: ['el7'], novaConf: PUPPET_NOVA_CONF, otherNovaConf: '/etc/nova/nova.conf', engine: 'docker',
    containers: OSP13,
    units: [{ name: 'docker', description: 'Docker Application Container Engine', role: 'other' }, SSHD],
    qemuInImage: true, staleHostVirtPackages: true, libvirtPackage: 'libvirt', novaHostFqdn: true,
  },
  'tripleo-podman': {
    name: 'tripleo-podman', dists: ['el8'], novaConf: PUPPET_NOVA_CONF, engine: 'podman', containers: OSP16,
    units: tripleoUnits(OSP16), qemuInImage: true, staleHostVirtPackages: false, libvirtPackage: 'libvirt', novaHostFqdn: true,
  },
  'tripleo-modular': {
    name: 'tripleo-modular', dists: ['el8'], novaConf: PUPPET_NOVA_CONF, engine: 'podman', containers: OSP17,
    units: tripleoUnits(OSP17), qemuInImage: true, staleHostVirtPackages: false, libvirtPackage: 'libvirt-daemon', novaHostFqdn: true,
  },
  // Kolla-Ansible 2023.1+: each container runs under kolla-<container>-container.service.
  kolla: {
    name: 'kolla', dists: ['el8', 'el7'], novaConf: '/etc/kolla/nova-compute/nova.conf', engine: 'docker', containers: KOLLA,
    units: [
      ...KOLLA.map((c) => ({ name: `kolla-${c.name}-container`, description: `docker ${c.name}.service`, container: c.name, role: c.role })),
      { name: 'docker', description: 'Docker Application Container Engine', role: 'other' },
      SSHD,
    ],
    qemuInImage: true, staleHostVirtPackages: false, libvirtPackage: 'libvirt-daemon',
  },
  // OpenStack-Ansible source install on the host: nova.conf is the venv's, host libvirt-daemon and qemu-kvm.
  osa: {
    name: 'osa', dists: ['el7', 'el8'], novaConf: '/etc/nova/nova.conf', novaConfTarget: '/openstack/venvs/nova-20.6.1/etc/nova/nova.conf',
    engine: null, containers: [],
    units: [
      { name: 'nova-compute', description: 'nova-compute service', role: 'compute' },
      { name: 'libvirtd', description: 'Virtualization daemon', role: 'libvirt' },
      SSHD,
    ],
    qemuInImage: false, staleHostVirtPackages: false, libvirtPackage: 'libvirt-daemon',
  },
  // devstack: n-cpu reads nova-cpu.conf; /etc/nova/nova.conf is the control services' file.
  devstack: {
    name: 'devstack', dists: ['el7', 'el8'], novaConf: '/etc/nova/nova-cpu.conf', otherNovaConf: '/etc/nova/nova.conf', engine: null,
    containers: [],
    units: [
      { name: 'devstack@n-cpu', description: 'Devstack devstack@n-cpu.service', role: 'compute' },
      { name: 'libvirtd', description: 'Virtualization daemon', role: 'libvirt' },
      SSHD,
    ],
    qemuInImage: false, staleHostVirtPackages: false, libvirtPackage: 'libvirt',
  },
};

const RPM_TOOLS = new Set(['rpm', 'yum', 'dnf']);
const DEB_TOOLS = new Set(['dpkg', 'dpkg-query', 'apt-get']);

/**
 * The host's own tools (docker/compute-host/bin) a layout puts on PATH: no host virsh where libvirt is containerised;
 * rpm and yum on RHEL, dpkg and apt-get on Ubuntu (release given).
 */
export function labHostTools(p: LabLayoutProfile, allTools: readonly string[], dist?: LabDist): string[] {
  return allTools.filter((t) => {
    if (dist !== undefined && (isDebDist(dist) ? RPM_TOOLS.has(t) : DEB_TOOLS.has(t))) return false;
    if (t === 'virsh') return !p.qemuInImage;
    if (t === 'docker' || t === 'podman') return p.engine === t;
    return true;
  });
}
