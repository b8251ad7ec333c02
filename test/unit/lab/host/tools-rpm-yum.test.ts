import { afterEach, describe, expect, it } from 'vitest';
import { runTool, tempHost, type TempHost } from './helpers.js';

let host: TempHost;
afterEach(() => host?.cleanup());

describe('rpm', () => {
  it('prints one %{nvra} line per installed version, install order, exit 0', () => {
    host = tempHost({ name: 'c1', dist: 'el7' });
    const r = runTool(host, 'rpm', ['-q', 'kernel']);
    expect(r).toEqual({ code: 0, stdout: 'kernel-3.10.0-957.el7.x86_64\nkernel-3.10.0-957.10.1.el7.x86_64\n', stderr: '' });
  });

  it('reports missing packages on stdout and counts them in the exit code', () => {
    host = tempHost({ name: 'c1' });
    const r = runTool(host, 'rpm', ['-q', 'nope', 'libvirt', 'gone']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('package nope is not installed\nlibvirt-4.5.0-10.el7_6.7.x86_64\npackage gone is not installed\n');
  });

  it('supports --qf tags, (none) for a missing epoch, escapes and no implicit newline', () => {
    host = tempHost({ name: 'c1', dist: 'el8' });
    const qf = '%{NAME}|%{EPOCH}|%{EPOCHNUM}|%{VERSION}|%{RELEASE}|%{ARCH}|%{NEVRA}|%{EVR}\\t.';
    expect(runTool(host, 'rpm', ['-q', '--qf', qf, 'kernel', 'microcode_ctl']).stdout).toBe(
      'kernel|(none)|0|4.18.0|80.el8|x86_64|kernel-4.18.0-80.el8.x86_64|4.18.0-80.el8\t.' +
      'microcode_ctl|4|4|20180807a|2.el8|x86_64|microcode_ctl-4:20180807a-2.el8.x86_64|4:20180807a-2.el8\t.');
    expect(runTool(host, 'rpm', ['-q', '--queryformat=%{nvra}\\n', 'kernel']).stdout).toBe('kernel-4.18.0-80.el8.x86_64\n');
  });

  it('fails on an unknown tag before printing anything', () => {
    host = tempHost({ name: 'c1' });
    const r = runTool(host, 'rpm', ['-q', '--qf', '%{NAME} %{BOGUS}\\n', 'kernel']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/unknown tag/);
  });

  it('rpm -qa lists everything, including the packages the remediation never touches', () => {
    host = tempHost({ name: 'c1' });
    const all = runTool(host, 'rpm', ['-qa', '--qf', '%{NAME}\\n']).stdout.split('\n');
    expect(all).toEqual(expect.arrayContaining(['bash', 'openstack-nova-compute', 'kernel', 'qemu-kvm-rhev']));
  });
});

describe('yum / dnf', () => {
  it('check-update exits 100 with a list, update installs the kernel beside the old ones, then nothing is left', () => {
    host = tempHost({ name: 'c1', dist: 'el7' });
    const check = runTool(host, 'yum', ['-q', 'check-update', 'kernel', 'microcode_ctl']);
    expect(check.code).toBe(100);
    expect(check.stdout).toMatch(/^kernel\.x86_64\s+3\.10\.0-957\.12\.2\.el7\s+rhel-7-server-rpms$/m);
    expect(check.stdout).toMatch(/^microcode_ctl\.x86_64\s+2:2\.1-47\.2\.el7_6\s+rhel-7-server-rpms$/m);

    const up = runTool(host, 'yum', ['-y', 'update', 'kernel', 'microcode_ctl', 'qemu-kvm-rhev', 'libvirt']);
    expect(up.code).toBe(0);
    expect(up.stdout).toMatch(/Complete!\n$/);
    expect(runTool(host, 'rpm', ['-q', 'kernel', 'microcode_ctl']).stdout).toBe(
      'kernel-3.10.0-957.el7.x86_64\nkernel-3.10.0-957.10.1.el7.x86_64\nkernel-3.10.0-957.12.2.el7.x86_64\nmicrocode_ctl-2.1-47.2.el7_6.x86_64\n');
    expect(runTool(host, 'yum', ['check-update']).code).toBe(0);
    const again = runTool(host, 'yum', ['-y', 'update']);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('No packages marked for update');
  });

  it('dnf exists on el8 only; el8 prints dnf text', () => {
    host = tempHost({ name: 'c1', dist: 'el7' });
    expect(runTool(host, 'dnf', ['check-update']).code).toBe(127);
    host.cleanup();
    host = tempHost({ name: 'c2', dist: 'el8' });
    expect(runTool(host, 'dnf', ['-y', 'upgrade', 'libvirt']).stdout).toMatch(/Upgraded:\n {2}libvirt\.x86_64/);
    expect(runTool(host, 'dnf', ['-y', 'upgrade', 'libvirt']).stdout).toContain('Nothing to do.');
  });

  it('without -y it asks and gives up on no answer', () => {
    host = tempHost({ name: 'c1' });
    const r = runTool(host, 'yum', ['update', 'kernel']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('Exiting on user command');
    expect(runTool(host, 'rpm', ['-q', 'kernel']).stdout.split('\n').filter(Boolean)).toHaveLength(2);
  });

  it('yum_fails: a repository error, exit 1, nothing installed', () => {
    host = tempHost({ name: 'c1', dist: 'el8', faults: { yumFails: true } });
    const before = runTool(host, 'rpm', ['-qa']).stdout;
    const r = runTool(host, 'yum', ['-y', 'update']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("Failed to download metadata for repo 'rhel-8-for-x86_64-baseos-rpms'");
    expect(runTool(host, 'yum', ['check-update']).code).toBe(1);
    expect(runTool(host, 'rpm', ['-qa']).stdout).toBe(before);
  });

  it('partial_update: all but the last package go in, then exit 1', () => {
    host = tempHost({ name: 'c1', dist: 'el7', faults: { partialUpdate: true } });
    const r = runTool(host, 'yum', ['-y', 'update', 'kernel', 'microcode_ctl', 'libvirt']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Error unpacking rpm package libvirt-4.5.0-10.el7_6.9.x86_64');
    const q = runTool(host, 'rpm', ['-q', 'kernel', 'microcode_ctl', 'libvirt']).stdout;
    expect(q).toContain('kernel-3.10.0-957.12.2.el7.x86_64');
    expect(q).toContain('microcode_ctl-2.1-47.2.el7_6.x86_64');
    expect(q).toContain('libvirt-4.5.0-10.el7_6.7.x86_64');
  });
});
