// Layout facts as the gather reports them for each deployment (../shared/DEPLOYMENTS.md), for tests that build facts by hand.
import type { LayoutFact, LayoutName } from '../../src/layout/names.js';

const PUPPET = '/var/lib/config-data/puppet-generated/nova_libvirt/etc/nova/nova.conf';

export const LAYOUT_FACTS: Record<LayoutName, LayoutFact> = {
  baremetal: {
    name: 'baremetal', source: 'detected', novaConf: '/etc/nova/nova.conf', virsh: null,
    novaCompute: { kind: 'unit', unit: 'openstack-nova-compute' }, virtPackages: { where: 'host' }, basis: ['openstack-nova-compute unit'],
  },
  'tripleo-docker': {
    name: 'tripleo-docker', source: 'detected', novaConf: PUPPET, virsh: { engine: 'docker', container: 'nova_libvirt' },
    novaCompute: { kind: 'container', engine: 'docker', container: 'nova_compute' },
    virtPackages: { where: 'container', engine: 'docker', container: 'nova_libvirt', image: 'registry.access.redhat.com/rhosp13/openstack-nova-libvirt:13.0' },
    basis: [PUPPET, 'docker container nova_libvirt'],
  },
  'tripleo-podman': {
    name: 'tripleo-podman', source: 'detected', novaConf: PUPPET, virsh: { engine: 'podman', container: 'nova_libvirt' },
    novaCompute: { kind: 'unit', unit: 'tripleo_nova_compute' },
    virtPackages: { where: 'container', engine: 'podman', container: 'nova_libvirt', image: 'registry.redhat.io/rhosp-rhel8/openstack-nova-libvirt:16.2' },
    basis: [PUPPET, 'podman container nova_libvirt'],
  },
  'tripleo-modular': {
    name: 'tripleo-modular', source: 'detected', novaConf: PUPPET, virsh: { engine: 'podman', container: 'nova_virtqemud' },
    novaCompute: { kind: 'unit', unit: 'tripleo_nova_compute' },
    virtPackages: { where: 'container', engine: 'podman', container: 'nova_virtqemud', image: 'registry.redhat.io/rhosp-rhel9/openstack-nova-libvirt:17.1' },
    basis: [PUPPET, 'podman container nova_virtqemud'],
  },
  kolla: {
    name: 'kolla', source: 'detected', novaConf: '/etc/kolla/nova-compute/nova.conf', virsh: { engine: 'docker', container: 'nova_libvirt' },
    novaCompute: { kind: 'unit', unit: 'kolla-nova_compute-container' },
    virtPackages: { where: 'container', engine: 'docker', container: 'nova_libvirt', image: 'quay.io/openstack.kolla/nova-libvirt:2023.1-rocky-9' },
    basis: ['/etc/kolla/nova-compute/nova.conf', 'docker container nova_libvirt'],
  },
  osa: {
    name: 'osa', source: 'detected', novaConf: '/etc/nova/nova.conf', virsh: null,
    novaCompute: { kind: 'unit', unit: 'nova-compute' }, virtPackages: { where: 'host' }, basis: ['/etc/nova/nova.conf -> /openstack/venvs'],
  },
  devstack: {
    name: 'devstack', source: 'detected', novaConf: '/etc/nova/nova-cpu.conf', virsh: null,
    novaCompute: { kind: 'unit', unit: 'devstack@n-cpu' }, virtPackages: { where: 'host' }, basis: ['/etc/nova/nova-cpu.conf'],
  },
};
