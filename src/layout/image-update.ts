// The deployment tool's own way to bring a compute host's container images (qemu, libvirt) up to date, per layout.
// Forms checked against the tools' documentation: RHOSP 13's `overcloud update run` takes --nodes (--limit came with 15),
// 16 and 17 take --limit; Kolla-Ansible pulls images and recreates the containers with --limit.
import type { LayoutName } from './names.js';

/**
 * What the operator runs (on the undercloud or the deployment host) for this host, or null for layouts whose qemu and
 * libvirt are host packages. `host` is the name the deployment tool's own inventory knows the host by.
 */
export function imageUpdateCommand(layout: LayoutName, host: string): string | null {
  switch (layout) {
    case 'tripleo-docker':
      // OSP 13: the image list is refreshed first (and uploaded to the undercloud registry when one is used).
      return [
        'openstack overcloud container image prepare <your usual options> --output-env-file ~/templates/overcloud_images.yaml',
        '(with the undercloud registry: --push-destination <undercloud>:8787 --output-images-file ~/local_registry_images.yaml, then openstack overcloud container image upload --config-file ~/local_registry_images.yaml)',
        'openstack overcloud update prepare --templates -e ~/templates/overcloud_images.yaml <your environment files>',
        `openstack overcloud update run --nodes ${host}`,
      ].join('; ');
    case 'tripleo-podman':
    case 'tripleo-modular':
      // ContainerImagePrepare in the environment files names the images; update prepare refreshes them.
      return [
        'openstack overcloud update prepare --templates <your environment files, containers-prepare-parameter.yaml among them>',
        `openstack overcloud update run --limit ${host}`,
      ].join('; ');
    case 'kolla':
      return `kolla-ansible -i <inventory> pull --limit ${host}; kolla-ansible -i <inventory> deploy-containers --limit ${host}`;
    case 'baremetal':
    case 'osa':
    case 'devstack':
      return null;
  }
}
