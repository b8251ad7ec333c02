// The deployment tool's own image update command per layout, limited to the host.
import { describe, expect, it } from 'vitest';
import { imageUpdateCommand } from '../../../src/layout/image-update.js';

describe('image update command', () => {
  it('Kolla: pull, then deploy-containers, both limited to the host', () => {
    expect(imageUpdateCommand('kolla', 'compute03')).toBe('kolla-ansible -i <inventory> pull --limit compute03; kolla-ansible -i <inventory> deploy-containers --limit compute03');
  });

  it('TripleO 16/17: update prepare, then update run --limit the host', () => {
    for (const l of ['tripleo-podman', 'tripleo-modular'] as const) {
      const cmd = imageUpdateCommand(l, 'overcloud-novacompute-1')!;
      expect(cmd).toMatch(/^openstack overcloud update prepare /);
      expect(cmd).toMatch(/; openstack overcloud update run --limit overcloud-novacompute-1$/);
    }
  });

  it('TripleO 13: the image prepare (and upload) step first, and update run takes --nodes there', () => {
    const cmd = imageUpdateCommand('tripleo-docker', 'overcloud-novacompute-0')!;
    expect(cmd).toMatch(/^openstack overcloud container image prepare /);
    expect(cmd).toContain('openstack overcloud container image upload --config-file');
    expect(cmd).toMatch(/; openstack overcloud update run --nodes overcloud-novacompute-0$/);
    expect(cmd).not.toContain('--limit');
  });

  it('host-package layouts have none', () => {
    for (const l of ['baremetal', 'osa', 'devstack'] as const) expect(imageUpdateCommand(l, 'c0')).toBeNull();
  });
});
