import { describe, expect, it } from 'vitest';
import { CATALOG } from '../../../../src/lab/catalog.js';
import { computeBootState } from '../../../../src/lab/host/boot-state.js';
import { initialPackages, type InstalledRow } from '../../../../src/lab/host/packages.js';

const ID = '00000000-0000-4000-8000-000000000000';

/** Installs the catalog's fixed build of the given packages on top of an unfixed el7 host, as yum would. */
function el7With(fixedNames: string[]): InstalledRow[] {
  const rows = initialPackages('el7', false, 1);
  for (const p of CATALOG.el7.filter((c) => fixedNames.includes(c.name))) {
    const row = { name: p.name, epoch: p.epoch, ...p.fixed, arch: p.arch, installTime: 2 };
    if (p.name === 'kernel') rows.push(row);
    else rows.splice(rows.findIndex((r) => r.name === p.name), 1, row);
  }
  return rows;
}

describe('computeBootState', () => {
  it('an unfixed kernel has no MDS sysfs files and offers no md-clear', () => {
    const b = computeBootState('el7', 'intel', el7With([]), ID);
    expect(b.kernelRelease).toBe('3.10.0-957.10.1.el7.x86_64');
    expect(b.sysfs).toEqual({ mds: null, tsx_async_abort: null, mmio_stale_data: null });
    expect(b.hostModelMdClear).toBe(false);
    expect(b.cpuinfoMdClear).toBe(false);
  });

  it('boots_old_kernel: the default entry stays on the kernel it names, though a fixed one is installed', () => {
    const b = computeBootState('el7', 'intel', el7With(['kernel', 'microcode_ctl']), ID, {}, { version: '3.10.0', release: '957.10.1.el7' });
    expect(b.kernelRelease).toBe('3.10.0-957.10.1.el7.x86_64');
    expect(b.sysfs.mds).toBeNull();
    expect(computeBootState('el7', 'intel', el7With(['kernel', 'microcode_ctl']), ID).kernelRelease).toBe('3.10.0-957.12.2.el7.x86_64');
  });

  it('a fixed kernel with old microcode says no microcode', () => {
    const b = computeBootState('el7', 'intel', el7With(['kernel']), ID);
    expect(b.kernelRelease).toBe('3.10.0-957.12.2.el7.x86_64');
    expect(b.sysfs.mds).toBe('Vulnerable: Clear CPU buffers attempted, no microcode; SMT vulnerable');
    expect(b.sysfs.tsx_async_abort).toBe('Vulnerable: Clear CPU buffers attempted, no microcode; SMT vulnerable');
    expect(b.hostModelMdClear).toBe(false);
  });

  it('kernel and microcode fixed but qemu/libvirt old: mitigated on the host, still no md-clear for guests', () => {
    const b = computeBootState('el7', 'intel', el7With(['kernel', 'microcode_ctl']), ID);
    expect(b.sysfs.mds).toBe('Mitigation: Clear CPU buffers; SMT vulnerable');
    expect(b.cpuinfoMdClear).toBe(true);
    expect(b.hostModelMdClear).toBe(false);
  });

  it('everything fixed: md-clear in host-model', () => {
    const b = computeBootState('el7', 'intel', el7With(['kernel', 'microcode_ctl', 'qemu-kvm-rhev', 'libvirt']), ID);
    expect(b.hostModelMdClear).toBe(true);
    expect(b.sysfs.mmio_stale_data).toBe('Mitigation: Clear CPU buffers; SMT vulnerable');
  });

  it('AMD is not affected and never offers md-clear', () => {
    const fixed = computeBootState('el8', 'amd', initialPackages('el8', true, 1), ID);
    expect(fixed.sysfs.mds).toBe('Not affected');
    expect(fixed.hostModelMdClear).toBe(false);
    expect(fixed.cpuinfoMdClear).toBe(false);
    expect(computeBootState('el8', 'amd', initialPackages('el8', false, 1), ID).sysfs.mds).toBeNull();
  });

  it('boots the last installed kernel, not the highest version', () => {
    const rows = initialPackages('el7', false, 1);
    const oldest = rows.find((r) => r.name === 'kernel')!;
    rows.push({ ...oldest, installTime: 99 });
    rows.splice(rows.indexOf(oldest), 1);
    expect(computeBootState('el7', 'intel', rows, ID).kernelRelease).toBe('3.10.0-957.el7.x86_64');
  });

  it('refuses a host without a kernel', () => {
    expect(() => computeBootState('el7', 'intel', el7With([]).filter((r) => r.name !== 'kernel'), ID)).toThrow(/no kernel/);
  });
});
