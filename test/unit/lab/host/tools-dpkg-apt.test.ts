// The Ubuntu lab host's dpkg-query, apt-get and dpkg: the real tools' formats, statuses and exit codes, and the boot picking the new kernel.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DPKG_QUERY_FORMAT, parseDpkgQuery } from '../../../../src/facts/dpkg-query.js';
import { computeBootState } from '../../../../src/lab/host/boot-state.js';
import { labHostTools, LAB_LAYOUT_PROFILES } from '../../../../src/lab/host/deployment-layouts.js';
import { parseInstalled } from '../../../../src/lab/host/packages.js';
import { parseOsRelease } from '../../../../src/facts/os-release.js';
import { parseAptSimulation } from '../../../../src/steps/apt-output.js';
import { runTool, tempHost, TOOLS, type TempHost } from './helpers.js';

let host: TempHost;
afterEach(() => host?.cleanup());

const FMT = DPKG_QUERY_FORMAT;
const db = (h: TempHost) => parseInstalled(readFileSync(path.join(h.layout.state, 'rpmdb.tsv'), 'utf8'));

describe('Ubuntu lab host', () => {
  it('looks like Bionic: os-release keyed ubuntu1804, no redhat-release, dpkg and apt on PATH instead of rpm and yum', () => {
    host = tempHost({ name: 'u1', dist: 'ubuntu1804' });
    const os = parseOsRelease(readFileSync(path.join(host.layout.etcUpper, 'os-release'), 'utf8'));
    expect(os).toMatchObject({ dist: 'ubuntu1804', packaging: 'deb' });
    expect(() => readFileSync(path.join(host.layout.etcUpper, 'redhat-release'))).toThrow();
    const tools = labHostTools(LAB_LAYOUT_PROFILES.baremetal, ['rpm', 'yum', 'dnf', 'dpkg', 'dpkg-query', 'apt-get', 'virsh'], 'ubuntu1804');
    expect(tools).toEqual(['dpkg', 'dpkg-query', 'apt-get', 'virsh']);
    expect(labHostTools(LAB_LAYOUT_PROFILES.baremetal, ['rpm', 'yum', 'dpkg-query', 'apt-get'], 'el7')).toEqual(['rpm', 'yum']);
    expect(readFileSync(path.join(host.layout.state, 'units.tsv'), 'utf8')).toMatch(/^nova-compute\t/);
    // ...and the boot starts it under that name (systemctl is-active nova-compute answers active).
    expect(readFileSync(path.join(host.layout.state, 'services.tsv'), 'utf8')).toMatch(/^nova-compute\tactive\t/);
  });

  it('dpkg-query -W prints the format asked, with status, and exits 1 when a name matches nothing (as dpkg-query does)', () => {
    host = tempHost({ name: 'u1', dist: 'ubuntu1804' });
    const r = runTool(host, 'dpkg-query', ['-W', '-f', FMT, 'qemu-system-x86', 'nosuch', 'linux-image-*']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('dpkg-query: no packages found matching nosuch\n');
    expect(r.stdout.split('\n')).toEqual([
      'qemu-system-x86\t1:2.11+dfsg-1ubuntu7.12\tamd64\tinstall ok installed',
      'linux-image-4.15.0-55-generic\t4.15.0-55.60\tamd64\tdeinstall ok config-files',
      'linux-image-4.15.0-45-generic\t4.15.0-45.48\tamd64\tinstall ok installed',
      'linux-image-4.15.0-48-generic\t4.15.0-48.51\tamd64\tinstall ok installed',
      'linux-image-generic\t4.15.0.48.50\tamd64\tinstall ok installed',
      '',
    ]);
    // The same output through the product's parser: the config-files kernel is not installed.
    const pk = parseDpkgQuery(r.stdout, ['kernel', 'qemu-system-x86'], '4.15.0-48-generic');
    expect(pk['kernel']?.map((k) => `${k.version}-${k.release}`)).toEqual(['4.15.0-45', '4.15.0-48']);
    expect(runTool(host, 'dpkg-query', ['-W', '-f', '${db:Status-Abbrev}|${Package}\\n', 'linux-image-4.15.0-55-generic']).stdout).toBe('rc |linux-image-4.15.0-55-generic\n');
  });

  it('the fake agrees with the real dpkg-query of this machine on the format of a line', () => {
    host = tempHost({ name: 'u1', dist: 'ubuntu1804' });
    const real = spawnSync('dpkg-query', ['-W', '-f', FMT, 'bash'], { encoding: 'utf8' });
    expect(real.status).toBe(0);
    const fake = runTool(host, 'dpkg-query', ['-W', '-f', FMT, 'bash']);
    const shape = (line: string) => line.split('\t').map((f, i) => (i === 1 ? 'VERSION' : i === 0 ? f : f.replace(/amd64|all/, 'ARCH')));
    expect(shape(fake.stdout.trim())).toEqual(shape(real.stdout.trim()));
  });

  it('apt-get -s install --only-upgrade plans the upgrades and the new kernel image; the install does them; the boot takes the new kernel', () => {
    host = tempHost({ name: 'u1', dist: 'ubuntu1804' });
    const names = ['intel-microcode', 'linux-image-generic', 'qemu-system-x86', 'libvirt-daemon-system', 'libvirt0'];
    const sim = runTool(host, 'apt-get', ['-s', '-q', 'install', '--only-upgrade', '--no-install-recommends', ...names]);
    expect(sim.code).toBe(0);
    expect(parseAptSimulation(sim.stdout)).toEqual([
      { name: 'linux-image-4.15.0-50-generic', from: null, to: '4.15.0-50.54' },
      { name: 'intel-microcode', from: '3.20180807a.0ubuntu0.18.04.1', to: '3.20190514.0ubuntu0.18.04.3' },
      { name: 'linux-image-generic', from: '4.15.0.48.50', to: '4.15.0.50.52' },
      { name: 'qemu-system-x86', from: '1:2.11+dfsg-1ubuntu7.12', to: '1:2.11+dfsg-1ubuntu7.13' },
      { name: 'libvirt-daemon-system', from: '4.0.0-1ubuntu8.9', to: '4.0.0-1ubuntu8.10' },
      { name: 'libvirt0', from: '4.0.0-1ubuntu8.9', to: '4.0.0-1ubuntu8.10' },
    ]);
    // Not root (the test runs the tool as whoever runs vitest): the real install is refused the way apt refuses it.
    const asUser = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', path.join(TOOLS, 'apt-get'), '-y', 'install', 'libvirt0'], {
      encoding: 'utf8', env: { PATH: '/usr/bin:/bin', FAKEHOST_STATE: host.layout.state },
    });
    if (process.getuid?.() === 0) {
      expect(asUser.status).toBe(100);
      expect(asUser.stderr).toContain('are you root?');
    }
    const before = computeBootState('ubuntu1804', 'intel', db(host), 'b1');
    expect(before).toMatchObject({ kernelRelease: '4.15.0-48-generic', kernelFixed: false, microcodeFixed: false, sysfs: { mds: null } });
    const inst = runTool(host, 'apt-get', ['-y', '-q', 'install', '--only-upgrade', '--no-install-recommends', ...names]);
    expect(inst.code).toBe(0);
    expect(inst.stdout).toContain('Setting up linux-image-4.15.0-50-generic (4.15.0-50.54) ...');
    const after = computeBootState('ubuntu1804', 'intel', db(host), 'b2');
    // grub boots the newest installed image; the removed 4.15.0-55 (config-files) is not one.
    expect(after).toMatchObject({ kernelRelease: '4.15.0-50-generic', kernelFixed: true, microcodeFixed: true, qemuFixed: true, libvirtFixed: true, hostModelMdClear: true });
    expect(after.sysfs.mds).toBe('Mitigation: Clear CPU buffers; SMT vulnerable');
    // Nothing left: a second install changes nothing.
    const again = runTool(host, 'apt-get', ['-y', '-q', 'install', '--only-upgrade', ...names]);
    expect(again.stdout).toContain('0 upgraded, 0 newly installed, 0 to remove and 0 not upgraded.');
    expect(again.stdout).toContain('libvirt0 is already the newest version (4.0.0-1ubuntu8.10).');
  });

  it('a held dpkg lock fails the install at once with apt\'s words and exit 100; an unknown package is refused', () => {
    host = tempHost({ name: 'u1', dist: 'ubuntu1804', faults: { dpkgLocked: true } });
    const r = runTool(host, 'apt-get', ['-y', 'install', '--only-upgrade', 'libvirt0']);
    if (process.getuid?.() === 0) {
      expect(r.code).toBe(100);
      expect(r.stderr).toContain('Could not get lock /var/lib/dpkg/lock-frontend');
    }
    expect(runTool(host, 'apt-get', ['-s', 'install', 'no-such-package']).code).toBe(100);
  });
});
