import { readFileSync, statSync, existsSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { writeBootFiles } from '../../../../src/lab/host/boot-files.js';
import { findPrerequisiteProblems } from '../../../../src/lab/host/prereqs.js';
import { tempHost, type TempHost } from './helpers.js';

let host: TempHost;
afterEach(() => host?.cleanup());

describe('materialiseHost', () => {
  it('writes the private /etc: release files, stack user with sudo, nova.conf', () => {
    host = tempHost({ name: 'c9', dist: 'el8', nova: { cpuMode: 'host-passthrough' } });
    const etc = (f: string) => readFileSync(path.join(host.layout.etcUpper, f), 'utf8');
    expect(etc('redhat-release')).toBe('Red Hat Enterprise Linux release 8.0 (Ootpa)\n');
    expect(etc('os-release')).toMatch(/^VERSION_ID="8\.0"$/m);
    expect(etc('hostname')).toBe('c9\n');
    expect(etc('hosts')).toMatch(/^127\.10\.0\.1\tc9\.localdomain c9$/m);
    expect(etc('passwd')).toMatch(/^stack:x:\d+:\d+:OpenStack:\/home\/stack:\/bin\/bash$/m);
    expect(etc('passwd')).toMatch(/^root:/m);
    expect(etc('sudoers.d/stack')).toContain('stack ALL=(ALL) NOPASSWD: ALL');
    expect(statSync(path.join(host.layout.etcUpper, 'sudoers.d/stack')).mode & 0o777).toBe(0o440);
    expect(etc('nova/nova.conf')).toMatch(/^cpu_mode=host-passthrough$/m);
    expect(statSync(path.join(host.layout.state, 'control.token')).mode & 0o777).toBe(0o600);
  });

  it('each boot gets a new boot id and rebuilds sysfs from what is installed', () => {
    host = tempHost({ name: 'c1', fixed: true });
    const vuln = path.join(host.layout.boot, 'vulnerabilities');
    expect(readFileSync(path.join(vuln, 'mds'), 'utf8')).toBe('Mitigation: Clear CPU buffers; SMT vulnerable\n');
    const before = readFileSync(path.join(host.layout.boot, 'boot_id'), 'utf8');
    host.cleanup();
    host = tempHost({ name: 'c1', fixed: false });
    const b = writeBootFiles(host.layout, host.spec);
    expect(`${b.bootId}\n`).not.toBe(before);
    expect(readFileSync(path.join(host.layout.boot, 'boot_id'), 'utf8')).toBe(`${b.bootId}\n`);
    expect(existsSync(path.join(host.layout.boot, 'vulnerabilities', 'mds'))).toBe(false);
    expect(existsSync(path.join(host.layout.boot, 'vulnerabilities', 'spectre_v2'))).toBe(true);
    expect(readFileSync(path.join(host.layout.state, 'services.tsv'), 'utf8')).toMatch(/^openstack-nova-compute\tactive\t\d+$/m);
  });
});

describe('findPrerequisiteProblems', () => {
  it('names root and the exact apt-get command for what is missing', () => {
    const p = findPrerequisiteProblems({ uid: 1000, path: '', platform: 'linux' });
    expect(p.map((x) => x.what).join('\n')).toMatch(/root/);
    const missing = p.find((x) => x.what.startsWith('missing'));
    expect(missing?.fix).toMatch(/^apt-get install -y .*util-linux/);
    expect(missing?.fix).toContain('sudo');
  });

  it('finds nothing to complain about on this machine when run as root with its PATH', () => {
    const p = findPrerequisiteProblems({ uid: 0, path: '/usr/sbin:/usr/bin:/sbin:/bin', platform: 'linux' });
    expect(p.filter((x) => !x.what.startsWith('missing /usr/sbin/sshd'))).toEqual([]);
  });
});
