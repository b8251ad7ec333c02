// parseCheckUpdate: yum/dnf check-update listings, including rows whose columns overflow onto the next line.
import { describe, expect, it } from 'vitest';
import { parseCheckUpdate } from '../../../src/steps/yum-output.js';

describe('parseCheckUpdate', () => {
  it('reads name, arch, [epoch:]version-release and repo of each row', () => {
    const out = [
      '',
      'kernel.x86_64                          3.10.0-957.12.2.el7            rhel-7-server-rpms',
      'microcode_ctl.x86_64                   2:2.1-47.2.el7_6               rhel-7-server-rpms',
    ].join('\n');
    expect(parseCheckUpdate(out)).toEqual([
      { name: 'kernel', arch: 'x86_64', evr: '3.10.0-957.12.2.el7', repo: 'rhel-7-server-rpms' },
      { name: 'microcode_ctl', arch: 'x86_64', evr: '2:2.1-47.2.el7_6', repo: 'rhel-7-server-rpms' },
    ]);
  });

  it('joins a row whose name.arch overflowed its column (yum prints the rest on the next, indented line)', () => {
    const out = [
      '',
      'libvirt-daemon-driver-storage-core.x86_64',
      '                                       4.5.0-10.el7_6.9               rhel-7-server-rpms',
      'qemu-kvm.x86_64                        10:1.5.3-160.el7_6.2           rhel-7-server-rpms',
    ].join('\n');
    expect(parseCheckUpdate(out)).toEqual([
      { name: 'libvirt-daemon-driver-storage-core', arch: 'x86_64', evr: '4.5.0-10.el7_6.9', repo: 'rhel-7-server-rpms' },
      { name: 'qemu-kvm', arch: 'x86_64', evr: '10:1.5.3-160.el7_6.2', repo: 'rhel-7-server-rpms' },
    ]);
  });

  it('joins a row whose version overflowed (the repo lands on the next line)', () => {
    const out = [
      'qemu-kvm.x86_64   15:2.12.0-64.module+el8.0.0+3180+d6a3561d.2',
      '                                                    rhel-8-for-x86_64-appstream-rpms',
    ].join('\n');
    expect(parseCheckUpdate(out)).toEqual([
      { name: 'qemu-kvm', arch: 'x86_64', evr: '15:2.12.0-64.module+el8.0.0+3180+d6a3561d.2', repo: 'rhel-8-for-x86_64-appstream-rpms' },
    ]);
  });

  it('stops at the Obsoleting Packages block and skips headers', () => {
    const out = [
      'Last metadata expiration check: 0:12:01 ago on Wed 15 May 2019 09:00:00 AM UTC.',
      '',
      'kernel.x86_64     4.18.0-80.1.2.el8_0     rhel-8-for-x86_64-baseos-rpms',
      'Obsoleting Packages',
      'kernel-core.x86_64     4.18.0-80.1.2.el8_0     rhel-8-for-x86_64-baseos-rpms',
      '    kernel-core.x86_64 4.18.0-80.el8 @anaconda',
    ].join('\n');
    expect(parseCheckUpdate(out).map((u) => u.name)).toEqual(['kernel']);
  });
});
