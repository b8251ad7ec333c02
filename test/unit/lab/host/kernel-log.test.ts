import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { computeBootState } from '../../../../src/lab/host/boot-state.js';
import { renderCpuinfo } from '../../../../src/lab/host/cpuinfo.js';
import { renderDmesg } from '../../../../src/lab/host/kernel-log.js';
import { initialPackages } from '../../../../src/lab/host/packages.js';

const ID = '00000000-0000-4000-8000-000000000000';
const unfixed = computeBootState('el7', 'intel', initialPackages('el7', false, 1), ID);
const fixed = computeBootState('el7', 'intel', initialPackages('el7', true, 1), ID);
const amd = computeBootState('el7', 'amd', initialPackages('el7', true, 1), ID);

function messages(dmesg: string): string[] {
  return dmesg.trimEnd().split('\n').map((l) => {
    expect(l).toMatch(/^\[ {0,4}\d+\.\d{6}\] /);
    return l.replace(/^\[[ \d.]+\] /, '');
  });
}

describe('renderDmesg', () => {
  it('prints no MDS line on a kernel without the fix', () => {
    const m = messages(renderDmesg(unfixed, 'c1'));
    expect(m.some((l) => l.startsWith('MDS'))).toBe(false);
    expect(m[0]).toContain('Linux version 3.10.0-957.10.1.el7.x86_64');
  });

  it('prints the mitigation and the SMT warning on a fixed Intel host', () => {
    const m = messages(renderDmesg(fixed, 'c1'));
    expect(m).toContain('MDS: Mitigation: Clear CPU buffers');
    expect(m).toContain('TAA: Mitigation: Clear CPU buffers');
    expect(m.filter((l) => l.startsWith('MDS CPU bug present and SMT on'))).toHaveLength(1);
    expect(m).toContain('systemd[1]: Set hostname to <c1>.');
  });

  it('prints nothing about MDS on AMD', () => {
    expect(messages(renderDmesg(amd, 'c1')).some((l) => /^(MDS|TAA|MMIO)/.test(l))).toBe(false);
  });
});

describe('renderCpuinfo', () => {
  it('names the vendor and carries md_clear only with the new Intel microcode', () => {
    expect(renderCpuinfo(fixed)).toMatch(/^vendor_id\t: GenuineIntel$/m);
    expect(renderCpuinfo(fixed)).toMatch(/^flags\t\t: .* md_clear( |$)/m);
    expect(renderCpuinfo(unfixed)).not.toContain('md_clear');
    expect(renderCpuinfo(amd)).toMatch(/^vendor_id\t: AuthenticAMD$/m);
    expect(renderCpuinfo(amd)).not.toContain('md_clear');
  });
});

const fixtures = path.resolve(import.meta.dirname, '../../../../../shared/fixtures/kernel');
describe.runIf(existsSync(fixtures))('kernel strings conformance', () => {
  const lines = (f: string) => readFileSync(path.join(fixtures, f), 'utf8').split('\n').filter((l) => l !== '');
  it('every MDS/TAA/MMIO dmesg line and sysfs value is one the kernel prints', () => {
    const known = new Set([...lines('mds-dmesg-lines.txt'), ...lines('tsx_async_abort-dmesg-lines.txt'), ...lines('mmio_stale_data-dmesg-lines.txt')]);
    const noMicrocode = computeBootState('el7', 'intel', initialPackages('el7', false, 1).concat([
      { name: 'kernel', epoch: null, version: '3.10.0', release: '957.12.2.el7', arch: 'x86_64', installTime: 5 }]), ID);
    let seen = 0;
    for (const b of [unfixed, fixed, amd, noMicrocode]) {
      for (const m of messages(renderDmesg(b, 'c1')).filter((l) => /^(MDS|TAA|MMIO Stale Data)[ :]/.test(l))) {
        expect(known, m).toContain(m);
        seen++;
      }
      if (b.sysfs.mds !== null) expect(lines('mds-sysfs-values.txt')).toContain(b.sysfs.mds);
      if (b.sysfs.tsx_async_abort !== null) expect(lines('tsx_async_abort-sysfs-values.txt')).toContain(b.sysfs.tsx_async_abort);
      if (b.sysfs.mmio_stale_data !== null) expect(lines('mmio_stale_data-sysfs-values.txt')).toContain(b.sysfs.mmio_stale_data);
    }
    expect(seen).toBeGreaterThanOrEqual(12);
  });
});
