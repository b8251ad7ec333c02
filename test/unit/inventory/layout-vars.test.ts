// Layout overrides in the inventory: per host or group, the layout as a whole and each part alone; bad values named by file and line.
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadInventory } from '../../../src/inventory/index.js';
import { catchConfigErrors, cleanupTrees, expectErrorAt, writeTree } from './temp-files.js';

afterAll(cleanupTrees);

describe('layout overrides (mds_layout, mds_nova_conf, mds_virsh, mds_nova_compute, mds_virt_packages)', () => {
  it('a group sets the layout, a host overrides one part; hosts without any have no overrides', async () => {
    const dir = writeTree({
      'inv.yml': [
        'all:',
        '  children:',
        '    compute:',
        '      vars:',
        '        mds_layout: kolla',
        '      hosts:',
        '        c1:',
        '        c2:',
        '          mds_virsh: podman:nova_libvirt',
        '          mds_nova_compute: systemd:kolla-nova_compute-container.service',
        '          mds_virt_packages: host',
        '          mds_nova_conf: /etc/kolla/nova-compute/nova.conf',
        '    other:',
        '      hosts:',
        '        c3:',
      ].join('\n'),
    });
    const inv = await loadInventory([path.join(dir, 'inv.yml')]);
    const host = (n: string) => inv.host(n)!;
    expect(host('c1').layout).toEqual({ name: 'kolla', basis: [`mds_layout=kolla (inventory ${path.join(dir, 'inv.yml')}:5)`] });
    expect(host('c2').layout).toMatchObject({
      name: 'kolla', virsh: { engine: 'podman', container: 'nova_libvirt' }, novaCompute: { kind: 'unit', unit: 'kolla-nova_compute-container' },
      virtPackages: null, novaConf: '/etc/kolla/nova-compute/nova.conf',
    });
    expect(host('c2').layout!.basis).toHaveLength(5);
    expect(host('c3').layout).toBeUndefined();
  });

  it('works from an INI inventory group vars too', async () => {
    const dir = writeTree({ 'hosts': '[compute]\nc1\n\n[compute:vars]\nmds_layout=tripleo-podman\nmds_virsh=podman:nova_virtqemud\n' });
    const inv = await loadInventory([path.join(dir, 'hosts')]);
    expect(inv.hosts()[0]!.layout).toMatchObject({ name: 'tripleo-podman', virsh: { engine: 'podman', container: 'nova_virtqemud' } });
  });

  it('bad values: each named with file, line and variable, before any host is contacted', async () => {
    const dir = writeTree({
      'inv.yml': [
        'all:',
        '  hosts:',
        '    c1:',
        '      mds_layout: openshift',
        '      mds_nova_conf: etc/nova/nova.conf',
        '      mds_virsh: lxc:nova_libvirt',
        '      mds_nova_compute: "restart nova"',
        '      mds_virt_packages: "docker:bad name"',
      ].join('\n'),
    });
    const file = path.join(dir, 'inv.yml');
    const errors = await catchConfigErrors(() => loadInventory([file]));
    expect(errors).toHaveLength(5);
    expectErrorAt(errors, { file, line: 4, field: 'mds_layout', text: 'one of baremetal, tripleo-docker, tripleo-podman, tripleo-modular, kolla, osa, devstack' });
    expectErrorAt(errors, { file, line: 5, field: 'mds_nova_conf', text: 'an absolute path' });
    expectErrorAt(errors, { file, line: 6, field: 'mds_virsh', text: 'host, docker:<container> or podman:<container>' });
    expectErrorAt(errors, { file, line: 7, field: 'mds_nova_compute', text: 'systemd:<unit>' });
    expectErrorAt(errors, { file, line: 8, field: 'mds_virt_packages', text: 'got "docker:bad name"' });
  });
});
