import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startControlServer } from '../../../../src/lab/host/control-server.js';
import { guestCpuGetsMdClear, readGuests, writeGuests } from '../../../../src/lab/host/guests.js';
import { runTool, runToolAsync, tempHost, type TempHost } from './helpers.js';

let host: TempHost;
afterEach(() => host?.cleanup());

const A = 'aaaaaaaa-0000-4000-8000-000000000001';
const B = 'bbbbbbbb-0000-4000-8000-000000000002';

describe('virsh', () => {
  it('lists the guests Nova placed, in libvirt 4.5 columns', () => {
    host = tempHost({ name: 'c1' });
    writeGuests(host.layout.state, [
      { uuid: A, name: 'instance-00000001', state: 'running', mdClear: true },
      { uuid: B, name: 'instance-00000002', state: 'shut off', mdClear: false },
    ]);
    expect(readGuests(host.layout.state).map((g) => g.state)).toEqual(['running', 'shut off']);
    const dash = '-'.repeat(52);
    expect(runTool(host, 'virsh', ['list']).stdout).toBe(
      ` Id    Name                           State\n${dash}\n 1     instance-00000001              running\n\n`);
    expect(runTool(host, 'virsh', ['list', '--all']).stdout).toContain(' -     instance-00000002              shut off\n');
    expect(runTool(host, 'virsh', ['list', '--all', '--uuid']).stdout).toBe(`${A}\n${B}\n\n`);
    expect(runTool(host, 'virsh', ['list', '--name']).stdout).toBe('instance-00000001\n\n');
    expect(runTool(host, 'virsh', ['domstate', B]).stdout).toBe('shut off\n\n');
  });

  it('dumpxml carries md-clear in the CPU iff the guest has it; unknown domains fail', () => {
    host = tempHost({ name: 'c1' });
    writeGuests(host.layout.state, [
      { uuid: A, name: 'instance-00000001', state: 'running', mdClear: true },
      { uuid: B, name: 'instance-00000002', state: 'paused', mdClear: false },
    ]);
    const cpu = (dom: string) => /<cpu[\s\S]*<\/cpu>/.exec(runTool(host, 'virsh', ['dumpxml', dom]).stdout)?.[0] ?? '';
    expect(cpu('instance-00000001')).toContain("<feature policy='require' name='md-clear'/>");
    expect(cpu(B)).toContain('<model');
    expect(cpu(B)).not.toContain('md-clear');
    const missing = runTool(host, 'virsh', ['dumpxml', 'nope']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("error: failed to get domain 'nope'");
  });

  it('domcapabilities is the boot-time XML; virsh fails while libvirtd is stopped', () => {
    host = tempHost({ name: 'c1', fixed: true });
    expect(runTool(host, 'virsh', ['domcapabilities', '--virttype', 'kvm']).stdout).toContain("name='md-clear'");
    expect(runTool(host, 'systemctl', ['stop', 'libvirtd']).code).toBe(0);
    const r = runTool(host, 'virsh', ['list']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('failed to connect to the hypervisor');
  });

  it('rejects a guest list the tools could not read back', () => {
    host = tempHost({ name: 'c1' });
    expect(() => writeGuests(host.layout.state, [{ uuid: 'x', name: 'a', state: 'running', mdClear: false }])).toThrow(/UUID/);
    expect(() => writeGuests(host.layout.state, [{ uuid: A, name: 'a b', state: 'running', mdClear: false }])).toThrow(/domain name/);
  });
});

describe('guestCpuGetsMdClear and systemctl', () => {
  it('follows the nova.conf nova-compute loaded, and needs md-clear on the host', () => {
    host = tempHost({ name: 'c1', fixed: true, nova: { cpuMode: 'custom', cpuModel: 'IvyBridge' } });
    const st = host.layout.state;
    // In a real boot init.sh copies /etc/nova/nova.conf; here the tools run outside a namespace, so /etc is the machine's.
    const etcConf = path.join(host.layout.etcUpper, 'nova', 'nova.conf');
    const loaded = path.join(st, 'nova-compute.loaded.conf');
    writeFileSync(loaded, readFileSync(etcConf, 'utf8'));
    expect(guestCpuGetsMdClear(st)).toBe(false);
    writeFileSync(loaded, readFileSync(etcConf, 'utf8').replace('#cpu_model_extra_flags =', 'cpu_model_extra_flags = md-clear'));
    expect(guestCpuGetsMdClear(st)).toBe(true);
    host.cleanup();
    host = tempHost({ name: 'c2', fixed: false, nova: { cpuMode: 'host-model' } });
    writeFileSync(path.join(host.layout.state, 'nova-compute.loaded.conf'), '[libvirt]\ncpu_mode=host-model\n');
    expect(guestCpuGetsMdClear(host.layout.state)).toBe(false);
  });

  it('is-active/stop/start/status with systemd exit codes; unknown units fail', () => {
    host = tempHost({ name: 'c1' });
    expect(runTool(host, 'systemctl', ['is-active', 'openstack-nova-compute'])).toMatchObject({ code: 0, stdout: 'active\n' });
    expect(runTool(host, 'systemctl', ['stop', 'openstack-nova-compute.service']).code).toBe(0);
    expect(runTool(host, 'systemctl', ['is-active', 'openstack-nova-compute'])).toMatchObject({ code: 3, stdout: 'inactive\n' });
    expect(runTool(host, 'systemctl', ['status', 'openstack-nova-compute']).stdout).toContain('Active: inactive (dead)');
    expect(runTool(host, 'systemctl', ['start', 'openstack-nova-compute']).code).toBe(0);
    expect(runTool(host, 'systemctl', ['status', 'openstack-nova-compute']).code).toBe(0);
    expect(runTool(host, 'systemctl', ['restart', 'nosuch']).code).toBe(5);
  });

  it('show -p answers as systemd 219 does: Name=value, not-found (exit 0) for a unit that does not exist', () => {
    host = tempHost({ name: 'c1' });
    expect(runTool(host, 'systemctl', ['show', '-p', 'LoadState', 'openstack-nova-compute.service'])).toMatchObject({ code: 0, stdout: 'LoadState=loaded\n' });
    expect(runTool(host, 'systemctl', ['show', '-p', 'LoadState', 'tripleo_nova_compute.service'])).toMatchObject({ code: 0, stdout: 'LoadState=not-found\n' });
    expect(runTool(host, 'systemctl', ['show', '--property=LoadState', '-p', 'ActiveState', 'openstack-nova-compute', 'nosuch']))
      .toMatchObject({ code: 0, stdout: 'LoadState=loaded\nActiveState=active\n\nLoadState=not-found\nActiveState=inactive\n' });
  });
});

describe('uname and dmesg', () => {
  it('report the boot-time kernel', () => {
    host = tempHost({ name: 'c1', dist: 'el8' });
    expect(runTool(host, 'uname', ['-r']).stdout).toBe('4.18.0-80.el8.x86_64\n');
    expect(runTool(host, 'uname', ['-a']).stdout).toMatch(/^Linux c1 4\.18\.0-80\.el8\.x86_64 #1 SMP .* x86_64 x86_64 x86_64 GNU\/Linux\n$/);
    expect(runTool(host, 'dmesg', []).stdout).toContain('Linux version 4.18.0-80.el8.x86_64');
  });
});

describe('reboot tools', () => {
  it('ask the supervisor with the host token and return 0 once it answers', async () => {
    const asked: string[] = [];
    const server = await startControlServer((h, a, t) => { asked.push(`${a} ${h} ${t}`); return t === 'test-token'; });
    try {
      host = tempHost({ name: 'c1' }, { address: server.address, port: server.port });
      expect((await runToolAsync(host, 'systemctl', ['reboot'])).code).toBe(0);
      expect((await runToolAsync(host, 'shutdown', ['-r', 'now'])).code).toBe(0);
      expect((await runToolAsync(host, 'poweroff', [])).code).toBe(0);
      expect(asked).toEqual(['reboot c1 test-token', 'reboot c1 test-token', 'poweroff c1 test-token']);
      expect((await runToolAsync(host, 'shutdown', ['-r', '+5'])).code).toBe(1);
    } finally {
      await server.close();
    }
  });

  it('fail like systemd when the supervisor says no or is not there', async () => {
    const server = await startControlServer(() => false);
    try {
      host = tempHost({ name: 'c1' }, { address: server.address, port: server.port });
      const r = await runToolAsync(host, 'reboot', []);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('Failed to talk to init daemon.');
    } finally {
      await server.close();
    }
  });
});
