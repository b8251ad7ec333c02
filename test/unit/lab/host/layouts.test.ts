// Deployment layouts on disk: nova.conf where each deployment keeps it, the tools each has, the image database, the fake
// docker/podman, and the image update stand-in (host kernel and microcode stay, the image's qemu/libvirt change).
import { existsSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readBootState } from '../../../../src/lab/host/boot-files.js';
import { LAB_LAYOUTS, LAB_LAYOUT_PROFILES, labNovaHostName } from '../../../../src/lab/host/deployment-layouts.js';
import { guestCpuGetsMdClear } from '../../../../src/lab/host/guests.js';
import { updateHostImage } from '../../../../src/lab/host/image-update.js';
import { machinePath } from '../../../../src/lab/host/layout.js';
import { resolveHostSpec } from '../../../../src/lab/host/spec.js';
import { runTool, tempHost, type TempHost } from './helpers.js';

let host: TempHost;
afterEach(() => host?.cleanup());

const state = (file: string) => readFileSync(path.join(host.layout.state, file), 'utf8');

describe('layouts on disk', () => {
  it.each(LAB_LAYOUTS)('%s: nova.conf at the layout\'s path, and the tools it has', (layout) => {
    host = tempHost({ name: 'c1', layout });
    const p = LAB_LAYOUT_PROFILES[layout];
    const conf = machinePath(host.layout, p.novaConfTarget ?? p.novaConf)!;
    // TripleO registers the compute service under the FQDN and writes it as [DEFAULT] host.
    expect(readFileSync(conf, 'utf8')).toContain(layout.startsWith('tripleo-') ? 'host=c1.localdomain\n' : 'host=c1\n');
    expect(labNovaHostName('c1', layout)).toBe(layout.startsWith('tripleo-') ? 'c1.localdomain' : 'c1');
    expect(state('units.tsv'))
      .toBe(p.units.map((u) => `${u.name}\t${u.description}\t${u.container ?? '-'}\t${u.role}\n`).join(''));
    const tools = readdirSync(host.layout.bin);
    expect(tools.includes('virsh')).toBe(!p.qemuInImage);
    expect(tools.includes('docker')).toBe(p.engine === 'docker');
    expect(tools.includes('podman')).toBe(p.engine === 'podman');
    expect(existsSync(path.join(host.layout.state, 'image-rpmdb.tsv'))).toBe(p.qemuInImage);
    expect(state('containers.tsv').split('\n').filter(Boolean).map((l) => l.split('\t')[0])).toEqual(p.containers.map((c) => c.name));
  });

  it('osa: /etc/nova/nova.conf is a symlink into the venv; devstack: nova-cpu.conf beside a nova.conf without CPU settings', () => {
    host = tempHost({ name: 'c1', layout: 'osa', nova: { cpuMode: 'custom', cpuModel: 'IvyBridge' } });
    expect(readlinkSync(path.join(host.layout.etcUpper, 'nova/nova.conf'))).toBe(LAB_LAYOUT_PROFILES.osa.novaConfTarget);
    expect(readFileSync(machinePath(host.layout, LAB_LAYOUT_PROFILES.osa.novaConfTarget!)!, 'utf8')).toContain('cpu_model=IvyBridge');
    host.cleanup();
    host = tempHost({ name: 'c1', layout: 'devstack', nova: { cpuMode: 'custom', cpuModel: 'Nehalem' } });
    expect(readFileSync(path.join(host.layout.etcUpper, 'nova/nova-cpu.conf'), 'utf8')).toContain('cpu_model=Nehalem');
    expect(readFileSync(path.join(host.layout.etcUpper, 'nova/nova.conf'), 'utf8')).toContain('#cpu_mode=<None>');
  });

  it('puts qemu/libvirt in the image (fixed or not per host) and keeps only kernel and microcode on a container host', () => {
    host = tempHost({ name: 'c1', layout: 'tripleo-podman', fixed: true, imageFixed: false });
    expect(state('rpmdb.tsv')).not.toMatch(/^(qemu|libvirt)/m);
    expect(state('repo.tsv')).not.toMatch(/^(qemu|libvirt)/m);
    expect(state('image-rpmdb.tsv')).toMatch(/^qemu-kvm\t15\t2\.12\.0\t63\./m);
    expect(runTool(host, 'rpm', ['-q', 'qemu-kvm']).stdout).toBe('package qemu-kvm is not installed\n');
  });

  it('refuses a layout on a release it does not run on in the lab', () => {
    expect(() => resolveHostSpec({ name: 'c1', layout: 'tripleo-podman', dist: 'el7' }, 0)).toThrow(/tripleo-podman runs on el8/);
    expect(resolveHostSpec({ name: 'c1', layout: 'tripleo-podman' }, 0).dist).toBe('el8');
  });
});

describe('fake docker/podman', () => {
  it('lists, execs into, stops and restarts the layout\'s containers; a stopped container refuses exec', () => {
    host = tempHost({ name: 'c1', layout: 'kolla' });
    expect(runTool(host, 'docker', ['ps', '--format', '{{.Names}}']).stdout).toBe('nova_libvirt\nnova_ssh\nnova_compute\n');
    expect(runTool(host, 'podman', ['ps']).code).toBe(127);
    expect(runTool(host, 'docker', ['exec', 'nova_libvirt', 'virsh', 'domcapabilities']).stdout).toContain('<domainCapabilities>');
    // As TripleO's own docs run it: podman exec -u0 nova_virtqemud virsh -c qemu:///system ...
    expect(runTool(host, 'docker', ['exec', '-u0', 'nova_libvirt', 'virsh', '-c', 'qemu:///system', 'list', '--name']).code).toBe(0);
    expect(runTool(host, 'docker', ['exec', 'nova_libvirt', 'rpm', '-q', 'libvirt-daemon']).stdout).toMatch(/^libvirt-daemon-4\.5\.0-23\./);
    expect(runTool(host, 'docker', ['exec', 'nova_ssh', 'virsh', 'list']).code).toBe(127);
    expect(runTool(host, 'docker', ['exec', 'nova_nope', 'true'])).toMatchObject({ code: 125, stderr: 'Error: No such container: nova_nope\n' });
    expect(runTool(host, 'docker', ['stop', 'nova_libvirt']).code).toBe(0);
    expect(runTool(host, 'docker', ['inspect', '--format', '{{.State.Status}}', 'nova_libvirt']).stdout).toBe('exited\n');
    expect(runTool(host, 'docker', ['exec', 'nova_libvirt', 'virsh', 'list']).code).toBe(126);
    expect(runTool(host, 'systemctl', ['is-active', 'kolla-nova_libvirt-container']).stdout).toBe('inactive\n');
    expect(runTool(host, 'docker', ['restart', 'nova_libvirt']).stdout).toBe('nova_libvirt\n');
    expect(runTool(host, 'systemctl', ['is-active', 'kolla-nova_libvirt-container']).stdout).toBe('active\n');
    expect(state('restarts.log')).toMatch(/^\d+\tdocker restart\tnova_libvirt\n$/);
  });
});

describe('the image update stand-in', () => {
  it('moves the image to the fixed builds: a host with fixed kernel and microcode now offers md-clear, without a reboot', () => {
    host = tempHost({ name: 'c1', layout: 'tripleo-modular', fixed: true, imageFixed: false, nova: { cpuMode: 'host-model' } });
    // init.sh copies nova.conf at boot; a temp host did not boot, so do what it does.
    const conf = readFileSync(machinePath(host.layout, LAB_LAYOUT_PROFILES['tripleo-modular'].novaConf)!, 'utf8');
    expect(readBootState(host.layout.state)?.hostModelMdClear).toBe(false);
    const done = updateHostImage(host.layout, host.spec, 1_700_000_000_000);
    expect(done.before.join(' ')).toMatch(/qemu-kvm-2\.12\.0-63\./);
    expect(done.after.join(' ')).toMatch(/qemu-kvm-2\.12\.0-64\./);
    expect(readBootState(host.layout.state)?.hostModelMdClear).toBe(true);
    expect(state('nova-compute.loaded.conf')).toBe(conf);
    expect(guestCpuGetsMdClear(host.layout.state)).toBe(true);
    expect(state('restarts.log')).toContain('1700000000\tlab update-image\tnova_virtqemud\n');
    expect(runTool(host, 'podman', ['exec', 'nova_virtqemud', 'virsh', 'version']).stdout).toContain('Running hypervisor: QEMU 2.12.0-64.');
  });

  it('refuses a layout whose qemu/libvirt are host packages', () => {
    host = tempHost({ name: 'c1', layout: 'osa' });
    expect(() => updateHostImage(host.layout, host.spec)).toThrow(/no image to update/);
  });
});
