// os-release, rpm --qf lines, cpuinfo and guests: the small section parsers.
import { describe, expect, it } from 'vitest';
import { parseCpuinfo } from '../../../src/facts/cpuinfo.js';
import { parseGuests } from '../../../src/facts/guests.js';
import { distKey, parseOsRelease } from '../../../src/facts/os-release.js';
import { parseRpmQuery } from '../../../src/facts/rpm-query.js';

describe('parseOsRelease', () => {
  it('reads quoted values and derives the el key', () => {
    const text = 'NAME="CentOS Linux"\nVERSION="7 (Core)"\nID="centos"\nID_LIKE="rhel fedora"\nVERSION_ID="7"\nPRETTY_NAME="CentOS Linux 7 (Core)"\n';
    expect(parseOsRelease(text)).toEqual({ id: 'centos', versionId: '7', dist: 'el7', prettyName: 'CentOS Linux 7 (Core)' });
  });
  it('maps RHEL, Rocky, Alma and ID_LIKE=rhel rebuilds to elN', () => {
    expect(distKey('rhel', '7.6')).toBe('el7');
    expect(distKey('rocky', '8.9')).toBe('el8');
    expect(distKey('almalinux', '9.3')).toBe('el9');
    expect(distKey('someclone', '8.4', ['rhel', 'centos', 'fedora'])).toBe('el8');
    expect(distKey('fedora', '40')).toBe('fc40');
    expect(distKey('debian', '12')).toBe('debian12');
  });
  it('handles escapes and single quotes', () => {
    expect(parseOsRelease("ID=rhel\nVERSION_ID='8.0'\nPRETTY_NAME=\"Red \\\"Hat\\\" 8\"\n")).toEqual({ id: 'rhel', versionId: '8.0', dist: 'el8', prettyName: 'Red "Hat" 8' });
  });
  it('falls back to redhat-release, then to unknown', () => {
    expect(parseOsRelease(null, 'Red Hat Enterprise Linux Server release 6.10 (Santiago)\n')).toMatchObject({ id: 'rhel', versionId: '6.10', dist: 'el6' });
    expect(parseOsRelease(null, 'CentOS release 6.5 (Final)')).toMatchObject({ id: 'centos', dist: 'el6' });
    expect(parseOsRelease(null, null)).toMatchObject({ id: 'unknown', dist: 'unknown' });
  });
});

describe('parseRpmQuery', () => {
  it('keeps every version in rpmdb order, maps (none) epochs to null and skips not-installed lines', () => {
    const text = [
      'kernel\t(none)\t3.10.0\t957.12.2.el7\tx86_64',
      'kernel\t(none)\t3.10.0\t957.el7\tx86_64',
      'microcode_ctl\t2\t2.1\t29.el7\tx86_64',
      'package qemu-kvm-rhev is not installed',
      '',
    ].join('\n');
    expect(parseRpmQuery(text, ['kernel', 'microcode_ctl', 'qemu-kvm-rhev'])).toEqual({
      kernel: [
        { name: 'kernel', epoch: null, version: '3.10.0', release: '957.12.2.el7', arch: 'x86_64' },
        { name: 'kernel', epoch: null, version: '3.10.0', release: '957.el7', arch: 'x86_64' },
      ],
      microcode_ctl: [{ name: 'microcode_ctl', epoch: '2', version: '2.1', release: '29.el7', arch: 'x86_64' }],
      'qemu-kvm-rhev': [],
    });
  });
  it('ignores lines without five fields', () => {
    expect(parseRpmQuery('kernel-3.10.0-957.el7.x86_64\nerror: rpmdb open failed\n')).toEqual({});
  });
});

describe('parseCpuinfo', () => {
  it('reads the gather summary', () => {
    expect(parseCpuinfo('vendor_id: GenuineIntel\nmd_clear: yes\n')).toEqual({ vendor: 'intel', mdClearFlag: true });
    expect(parseCpuinfo('vendor_id: AuthenticAMD\nmd_clear: no\n')).toEqual({ vendor: 'amd', mdClearFlag: false });
  });
  it('reads a raw /proc/cpuinfo, first CPU only, whole words only', () => {
    const cpu = (flags: string) => `processor\t: 0\nvendor_id\t: GenuineIntel\nflags\t\t: ${flags}\n\n`;
    expect(parseCpuinfo(cpu('fpu vme md_clear flush_l1d') + cpu('fpu'))).toEqual({ vendor: 'intel', mdClearFlag: true });
    expect(parseCpuinfo(cpu('fpu md_clearx'))).toEqual({ vendor: 'intel', mdClearFlag: false });
    expect(parseCpuinfo('')).toEqual({ vendor: 'unknown', mdClearFlag: false });
  });
});

describe('parseGuests', () => {
  it('derives mdClear from the live <cpu> block', () => {
    const text = [
      'guest\t11111111-0000-0000-0000-000000000001\trunning',
      'dumpxml\t0',
      'name\tinstance-00000001',
      "cpu\t  <cpu mode='custom' match='exact' check='full'>",
      "feature\t    <feature policy='require' name='md-clear'/>",
      'guest\t11111111-0000-0000-0000-000000000002\trunning',
      'dumpxml\t0',
      'name\tweb &amp; db',
      "cpu\t  <cpu mode='custom' match='exact'>",
      'guest\t11111111-0000-0000-0000-000000000003\tpaused',
      'dumpxml\t0',
      'name\tc',
      "cpu\t  <cpu match='exact'>",
      "feature\t    <feature name=\"md-clear\" policy=\"disable\"/>",
      'guest\t11111111-0000-0000-0000-000000000004\tshut off',
      'dumpxml\t0',
      'name\toff',
      "cpu\t  <cpu mode='custom' match='exact'>",
      'guest\t11111111-0000-0000-0000-000000000005\trunning',
      'dumpxml\t0',
      'name\tpass',
      "cpu\t  <cpu mode='host-passthrough' check='none'/>",
      'guest\t11111111-0000-0000-0000-000000000006\trunning',
      'dumpxml\t1',
      'guest\t11111111-0000-0000-0000-000000000007\trunning',
      'dumpxml\t0',
      'name\tnocpu',
      '',
    ].join('\n');
    expect(parseGuests(text).map((g) => [g.name, g.state, g.mdClear])).toEqual([
      ['instance-00000001', 'running', true],
      ['web & db', 'running', false],
      ['c', 'paused', false],
      ['off', 'shut off', null],
      ['pass', 'running', null],
      ['', 'running', null],
      ['nocpu', 'running', false],
    ]);
    expect(parseGuests(text)[0]?.uuid).toBe('11111111-0000-0000-0000-000000000001');
  });
  it('returns no guests for empty output', () => {
    expect(parseGuests('')).toEqual([]);
  });
});
