// The lab models every deployment layout: nova.conf where that deployment keeps it, virsh and qemu/libvirt where they live,
// docker/podman into the containers, nova-compute restarted the layout's way, and the stand-in for the image update.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LabStateSnapshot as LabState } from '../../src/lab/cloud/index.js';
import { cli, startLab, type LabHandle } from '../helpers/lab.js';

const run = promisify(execFile);
const BASE = '127.53.0';
const PORT = 2253;

interface Layout {
  host: string;
  layout: string;
  dist: 'el7' | 'el8';
  novaConf: string;
  /** A host /etc/nova/nova.conf nova-compute does not read; null = none on the host at all, 'same' = it is novaConf. */
  hostNovaConf: 'other' | 'none' | 'same';
  engine: 'docker' | 'podman' | null;
  libvirtContainer?: string;
  containers?: string[];
  /** The layout's way to restart nova-compute, and what restarts.log records for it. */
  restart: string;
  recorded: string;
  qemu: string;
  libvirt: string;
}

const PUPPET = '/var/lib/config-data/puppet-generated/nova_libvirt/etc/nova/nova.conf';
const LAYOUTS: Layout[] = [
  { host: 'ly-bm', layout: 'baremetal', dist: 'el7', novaConf: '/etc/nova/nova.conf', hostNovaConf: 'same', engine: null,
    restart: 'systemctl restart openstack-nova-compute', recorded: 'systemctl restart\topenstack-nova-compute', qemu: 'qemu-kvm-rhev', libvirt: 'libvirt' },
  { host: 'ly-osp13', layout: 'tripleo-docker', dist: 'el7', novaConf: PUPPET, hostNovaConf: 'other', engine: 'docker', libvirtContainer: 'nova_libvirt',
    containers: ['nova_libvirt', 'nova_virtlogd', 'nova_compute', 'nova_migration_target'],
    restart: 'docker restart nova_compute', recorded: 'docker restart\tnova_compute', qemu: 'qemu-kvm-rhev', libvirt: 'libvirt' },
  { host: 'ly-osp16', layout: 'tripleo-podman', dist: 'el8', novaConf: PUPPET, hostNovaConf: 'none', engine: 'podman', libvirtContainer: 'nova_libvirt',
    containers: ['nova_libvirt', 'nova_virtlogd', 'nova_compute', 'nova_migration_target'],
    restart: 'systemctl restart tripleo_nova_compute', recorded: 'systemctl restart\ttripleo_nova_compute', qemu: 'qemu-kvm', libvirt: 'libvirt' },
  { host: 'ly-osp17', layout: 'tripleo-modular', dist: 'el8', novaConf: PUPPET, hostNovaConf: 'none', engine: 'podman', libvirtContainer: 'nova_virtqemud',
    containers: ['nova_virtqemud', 'nova_virtproxyd', 'nova_virtnodedevd', 'nova_virtsecretd', 'nova_virtstoraged', 'nova_virtlogd_wrapper',
      'nova_compute', 'nova_migration_target'],
    restart: 'systemctl restart tripleo_nova_compute.service', recorded: 'systemctl restart\ttripleo_nova_compute', qemu: 'qemu-kvm', libvirt: 'libvirt-daemon' },
  { host: 'ly-kolla', layout: 'kolla', dist: 'el8', novaConf: '/etc/kolla/nova-compute/nova.conf', hostNovaConf: 'none', engine: 'docker',
    libvirtContainer: 'nova_libvirt', containers: ['nova_libvirt', 'nova_ssh', 'nova_compute'],
    restart: 'systemctl restart kolla-nova_compute-container.service', recorded: 'systemctl restart\tkolla-nova_compute-container',
    qemu: 'qemu-kvm', libvirt: 'libvirt-daemon' },
  { host: 'ly-osa', layout: 'osa', dist: 'el8', novaConf: '/etc/nova/nova.conf', hostNovaConf: 'same', engine: null,
    restart: 'systemctl restart nova-compute', recorded: 'systemctl restart\tnova-compute', qemu: 'qemu-kvm', libvirt: 'libvirt-daemon' },
  { host: 'ly-devstack', layout: 'devstack', dist: 'el7', novaConf: '/etc/nova/nova-cpu.conf', hostNovaConf: 'other', engine: null,
    restart: 'systemctl restart devstack@n-cpu.service', recorded: 'systemctl restart\tdevstack@n-cpu', qemu: 'qemu-kvm-rhev', libvirt: 'libvirt' },
];
const containerised = LAYOUTS.filter((l) => l.engine !== null);
/** TripleO registers the compute service under the FQDN (nova::host: fqdn_canonical); the others under the host name. */
const novaName = (l: Layout) => (l.layout.startsWith('tripleo-') ? `${l.host}.localdomain` : l.host);
const address = (host: string) => `${BASE}.${LAYOUTS.findIndex((l) => l.host === host) + 1}`;

let lab: LabHandle;

interface Result { code: number; stdout: string; stderr: string }
async function ssh(host: string, command: string): Promise<Result> {
  try {
    const r = await run('ssh', ['-i', join(lab.dir, 'id_ed25519'), '-o', `UserKnownHostsFile=${join(lab.dir, 'known_hosts')}`, '-o', 'BatchMode=yes',
      '-o', 'StrictHostKeyChecking=yes', '-o', 'ConnectTimeout=5', '-p', String(PORT), `root@${address(host)}`, command], { timeout: 30_000 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}
const stateFile = (host: string, file: string) => readFileSync(join(lab.dir, 'hosts', host, 'state', file), 'utf8');

beforeAll(async () => {
  lab = await startLab({
    address_base: `${BASE}.0`, port: PORT, instances: 10,
    // ly-osp16 starts with the fixed image and old host packages: image and host are fixed independently.
    hosts: LAYOUTS.map((l) => ({ name: l.host, layout: l.layout, dist: l.dist, boot_delay: '200ms', ...(l.host === 'ly-osp16' ? { image_fixed: true } : {}) })),
  }, 'layouts');
}, 180_000);

afterAll(async () => {
  await lab?.down();
});

describe.each(LAYOUTS)('layout $layout ($host)', (l) => {
  it('keeps the nova.conf nova-compute reads where the deployment does', async () => {
    const r = await ssh(l.host, `grep -c '^host=${novaName(l)}$' ${l.novaConf}; test -e /etc/nova/nova.conf && echo host-etc || echo no-host-etc`);
    expect(r.stdout).toBe(`1\n${l.hostNovaConf === 'none' ? 'no-host-etc' : 'host-etc'}\n`);
    // nova-compute loaded that file at boot, not another one.
    expect(stateFile(l.host, 'nova-compute.loaded.conf')).toBe((await ssh(l.host, `cat ${l.novaConf}`)).stdout);
    if (l.hostNovaConf === 'other') {
      const other = await ssh(l.host, 'cat /etc/nova/nova.conf');
      expect(other.code).toBe(0);
      expect(other.stdout).not.toBe(stateFile(l.host, 'nova-compute.loaded.conf'));
    }
  });

  it('has virsh on the host only where libvirt runs on the host, and only its own container engine', async () => {
    const r = await ssh(l.host, 'for t in virsh docker podman rpm systemctl; do command -v $t >/dev/null && echo $t; done');
    const expected = [...(l.engine ? [l.engine] : ['virsh']), 'rpm', 'systemctl'];
    expect(r.stdout.trim().split('\n').sort()).toEqual(expected.sort());
    if (!l.engine) expect((await ssh(l.host, 'virsh domcapabilities')).stdout).toContain('<domainCapabilities>');
  });

  it('restarts nova-compute the layout\'s way: recorded, and the restart reads the layout\'s nova.conf again', async () => {
    await ssh(l.host, `echo '# edited before the restart' >> ${l.novaConf}`);
    expect(stateFile(l.host, 'nova-compute.loaded.conf')).not.toContain('# edited before the restart');
    const r = await ssh(l.host, l.restart);
    expect(r.code, r.stderr).toBe(0);
    expect(stateFile(l.host, 'restarts.log')).toMatch(new RegExp(`^\\d+\\t${l.recorded.replace(/[.@]/g, '\\$&')}$`, 'm'));
    expect(stateFile(l.host, 'nova-compute.loaded.conf')).toContain('# edited before the restart');
    // The bare-metal unit does not exist where nova-compute is a container or another unit.
    if (l.layout !== 'baremetal') expect((await ssh(l.host, 'systemctl restart openstack-nova-compute')).code).toBe(5);
  });
});

describe('Nova\'s names for the hosts', () => {
  it('knows TripleO hosts by their FQDN and the others by their name; lab status maps them back', async () => {
    const state = await lab.labGet<LabState>('state');
    expect(state.services.filter((s) => s.binary === 'nova-compute').map((s) => s.host).sort()).toEqual(LAYOUTS.map(novaName).sort());
    // The guests Nova placed under its name for a host are the ones that host's libvirt lists, wherever libvirt runs.
    for (const l of LAYOUTS) {
      const virsh = l.engine ? `${l.engine} exec ${l.libvirtContainer} virsh` : 'virsh';
      const listed = (await ssh(l.host, `${virsh} list --uuid`)).stdout.split('\n').filter(Boolean).sort();
      expect(listed, l.host).toEqual(state.instances.filter((i) => i.host === novaName(l) && i.status === 'ACTIVE').map((i) => i.uuid).sort());
    }
    // ...and some of them sit on TripleO hosts, so the FQDN mapping is exercised (the seed is fixed).
    expect(state.instances.some((i) => i.host.endsWith('.localdomain') && i.status === 'ACTIVE')).toBe(true);
    const status = await cli(['lab', 'status', '--dir', lab.dir]);
    for (const l of LAYOUTS) {
      expect(status.stdout.split('\n').find((line) => line.trim().startsWith(`${l.host} `))).toMatch(new RegExp(` ${l.layout} +up +nova-compute enabled/up `));
    }
  });
});

describe.each(containerised)('containers of $layout ($host)', (l) => {
  it('lists its containers; exec reaches the container\'s virsh, and rpm answers from the image, not the host', async () => {
    const ps = await ssh(l.host, `${l.engine} ps --format '{{.Names}}'`);
    expect(ps.stdout.trim().split('\n').sort()).toEqual([...l.containers!].sort());
    const caps = await ssh(l.host, `${l.engine} exec ${l.libvirtContainer} virsh domcapabilities`);
    expect(caps.stdout).toContain('<domainCapabilities>');
    const image = await ssh(l.host, `${l.engine} exec ${l.libvirtContainer} rpm -q ${l.qemu} ${l.libvirt}`);
    expect(image.code).toBe(0);
    const onHost = await ssh(l.host, `rpm -q ${l.qemu}`);
    if (l.layout === 'tripleo-docker') {
      // OSP 13 upgraded from 10: the host still has a qemu package, installed and not running.
      expect(onHost.code).toBe(0);
    } else {
      expect(onHost.stdout).toBe(`package ${l.qemu} is not installed\n`);
    }
    const other = l.engine === 'docker' ? 'podman' : 'docker';
    expect((await ssh(l.host, `${other} ps`)).code).toBe(127);
    expect((await ssh(l.host, `${l.engine} exec nova_compute virsh list`)).code).toBe(127);
  });
});

describe('image and host are fixed independently; the image update stand-in', () => {
  it('the fixed image of ly-osp16 carries the fixed qemu while its host kernel is still old', async () => {
    expect((await ssh('ly-osp16', 'podman exec nova_libvirt rpm -q qemu-kvm')).stdout).toMatch(/^qemu-kvm-2\.12\.0-64\./);
    expect((await ssh('ly-osp16', 'uname -r')).stdout).toBe('4.18.0-80.el8.x86_64\n');
  });

  it('lab update-image changes the image\'s packages and restarts its containers; a bare-metal host has no image', async () => {
    const before = await ssh('ly-kolla', 'docker exec nova_libvirt rpm -q qemu-kvm libvirt-daemon; docker exec nova_libvirt virsh version');
    expect(before.stdout).toMatch(/^qemu-kvm-2\.12\.0-63\.module\+el8\+2833\+c7d6d092\.x86_64\nlibvirt-daemon-4\.5\.0-23\.module/);
    expect(before.stdout).toContain('Running hypervisor: QEMU 2.12.0-63.');
    const up = await cli(['lab', 'update-image', '--dir', lab.dir, 'ly-kolla']);
    expect(up.code, up.stderr).toBe(0);
    expect(up.stdout).toContain('ly-kolla: qemu-kvm-2.12.0-63.');
    const after = await ssh('ly-kolla', 'docker exec nova_libvirt rpm -q qemu-kvm libvirt-daemon; docker exec nova_libvirt virsh version');
    expect(after.stdout).toMatch(/^qemu-kvm-2\.12\.0-64\.module\+el8\.0\.0\+3180\+d6a3561d\.2\.x86_64\nlibvirt-daemon-4\.5\.0-24\.1\.module/);
    expect(after.stdout).toContain('Running hypervisor: QEMU 2.12.0-64.');
    expect(stateFile('ly-kolla', 'restarts.log')).toMatch(/\tlab update-image\tnova_compute$/m);
    // The host's own packages did not move.
    expect((await ssh('ly-kolla', 'rpm -q kernel')).stdout).toBe('kernel-4.18.0-80.el8.x86_64\n');
    const bm = await cli(['lab', 'update-image', '--dir', lab.dir, 'ly-bm']);
    expect(bm.code).not.toBe(0);
    expect(bm.stderr).toContain('no image to update');
  });

  it('after a reboot the containers come back, a stopped one included', async () => {
    expect((await ssh('ly-osp17', 'podman stop nova_compute >/dev/null; podman ps --format "{{.Names}}" | grep -c nova_compute')).stdout).toBe('0\n');
    const bootId = (await ssh('ly-osp17', 'cat /proc/sys/kernel/random/boot_id')).stdout;
    expect((await ssh('ly-osp17', 'systemctl reboot')).code).toBe(0);
    let now = bootId;
    for (let i = 0; i < 300 && (now === bootId || now === ''); i++) {
      await new Promise((r) => setTimeout(r, 100));
      now = (await ssh('ly-osp17', 'cat /proc/sys/kernel/random/boot_id')).stdout;
    }
    expect(now).not.toBe(bootId);
    const ps = await ssh('ly-osp17', 'podman ps --format "{{.Names}}"');
    expect(ps.stdout.trim().split('\n').sort()).toEqual([...containerised.find((l) => l.host === 'ly-osp17')!.containers!].sort());
    expect((await ssh('ly-osp17', 'podman exec nova_virtqemud virsh domcapabilities')).stdout).toContain('<domainCapabilities>');
  });
});
