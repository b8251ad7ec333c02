// Provenance of gathered facts: read, absent or unreadable per section, the gather's user, and the kernel log's sources.
import { describe, expect, it } from 'vitest';
import { ABSENT_RC, DENIED_RC, NOT_A_FILE_RC, provenanceOf } from '../../../src/facts/evidence.js';
import { kernelLogLines, kernelLogProvenance, parseKernelLog } from '../../../src/facts/kernel-log.js';
import { parseGatherReport } from '../../../src/facts/parse-gather.js';
import { beginMarker, doneMarker, endMarkerPrefix } from '../../../src/facts/sections.js';

const N = 'c0ffee';
function frame(sections: [string, string, number][]): string {
  let out = '';
  for (const [name, body, rc] of sections) out += `${beginMarker(N, name)}\n${body}\n${endMarkerPrefix(N, name)}${rc}@@\n`;
  return `${out}${doneMarker(N)}\n`;
}
const base = (over: Record<string, [string, number]> = {}): [string, string, number][] => {
  const s: Record<string, [string, number]> = {
    meta: ['nova-conf-path\t/etc/nova/nova.conf\npackage\tkernel\n', 0],
    whoami: ['uid\t0\nuser\troot\n', 0],
    hostname: ['compute-1\n', 0],
    'os-release': ['ID="rhel"\nVERSION_ID="7.6"\n', 0],
    'redhat-release': ['', ABSENT_RC],
    'uname-r': ['3.10.0-957.12.2.el7.x86_64\n', 0],
    'boot-id': ['0b5a3c52-8c9d-4f0e-9a57-2a8f1d0c6e11\n', 0],
    rpm: ['kernel\t(none)\t3.10.0\t957.12.2.el7\tx86_64\n', 0],
    'sysfs-mds': ['Mitigation: Clear CPU buffers; SMT vulnerable\n', 0],
    'sysfs-tsx_async_abort': ['', ABSENT_RC],
    'sysfs-mmio_stale_data': ['', ABSENT_RC],
    cpuinfo: ['vendor_id: GenuineIntel\nmd_clear: yes\n', 0],
    'kernel-log': ['source\tdmesg\t0\nstart\t[    0.000000] Linux version 3.10.0\nline\t[    0.1] MDS: Mitigation: Clear CPU buffers\n', 0],
    'nova-conf': ['[libvirt]\ncpu_mode = host-model\n', 0],
    domcaps: ["<domainCapabilities><cpu><mode name='host-model' supported='yes'><feature policy='require' name='md-clear'/></mode></cpu></domainCapabilities>", 0],
    guests: ['', 0],
    ...over,
  };
  return Object.entries(s).map(([k, [b, rc]]) => [k, b, rc]);
};

describe('provenanceOf', () => {
  it('tells absent from denied, a tool missing, a timeout and a cut-short section', () => {
    expect(provenanceOf(0, 'x')).toEqual({ state: 'read' });
    expect(provenanceOf(ABSENT_RC, '/etc/nova/nova.conf')).toEqual({ state: 'absent', reason: '/etc/nova/nova.conf: not found' });
    expect(provenanceOf(DENIED_RC, 'f')).toEqual({ state: 'unreadable', reason: 'f: permission denied' });
    expect(provenanceOf(NOT_A_FILE_RC, 'f')).toEqual({ state: 'unreadable', reason: 'f: not a regular file' });
    expect(provenanceOf(127, 'virsh')).toEqual({ state: 'unreadable', reason: 'virsh: command not found' });
    expect(provenanceOf(124, 'virsh')).toEqual({ state: 'unreadable', reason: 'virsh: timed out' });
    expect(provenanceOf(1, 'virsh list')).toEqual({ state: 'unreadable', reason: 'virsh list: exit status 1' });
    expect(provenanceOf(null, 'x').state).toBe('unreadable');
    expect(provenanceOf(undefined, 'x').state).toBe('unreadable');
  });
});

describe('parseGatherReport: evidence', () => {
  it('marks everything a root gather read as read, and absent sysfs files as absent', () => {
    const f = parseGatherReport(frame(base())).facts;
    expect(f.privilege).toEqual({ uid: 0, user: 'root' });
    expect(f.evidence['nova-conf']).toEqual({ state: 'read' });
    expect(f.evidence.guests).toEqual({ state: 'read' });
    expect(f.evidence['sysfs-tsx_async_abort'].state).toBe('absent');
    expect(f.evidence['kernel-log']).toEqual({ state: 'read' });
    expect(f.dmesgMds).toEqual(['MDS: Mitigation: Clear CPU buffers']);
  });

  it('an unprivileged gather: nova.conf denied, virsh failing, the user named', () => {
    const f = parseGatherReport(frame(base({
      whoami: ['uid\t1042\nuser\theat-admin\n', 0],
      'nova-conf': ['', DENIED_RC],
      domcaps: ['', 1],
      guests: ['', 1],
    }))).facts;
    expect(f.privilege).toEqual({ uid: 1042, user: 'heat-admin' });
    expect(f.novaConf).toBeNull();
    expect(f.evidence['nova-conf']).toEqual({ state: 'unreadable', reason: '/etc/nova/nova.conf: permission denied' });
    expect(f.evidence.domcaps).toEqual({ state: 'unreadable', reason: 'virsh domcapabilities: exit status 1' });
    expect(f.evidence.guests.state).toBe('unreadable');
    expect(f.guests).toEqual([]);
  });

  it('no virsh, a missing nova.conf, rpm gone, XML that is not domcapabilities', () => {
    const f = parseGatherReport(frame(base({ domcaps: ['', 127], guests: ['', 127], 'nova-conf': ['', ABSENT_RC], rpm: ['', 127] }))).facts;
    expect(f.evidence.domcaps.state).toBe('unreadable');
    expect(f.evidence['nova-conf']).toEqual({ state: 'absent', reason: '/etc/nova/nova.conf: not found' });
    expect(f.evidence.rpm).toEqual({ state: 'unreadable', reason: 'rpm -q: command not found' });
    const g = parseGatherReport(frame(base({ domcaps: ['<html/>', 0] }))).facts;
    expect(g.evidence.domcaps.state).toBe('unreadable');
    // rpm -q's exit status counts the names not installed: an answer, read.
    expect(parseGatherReport(frame(base({ rpm: ['package kernel is not installed\n', 1] }))).facts.evidence.rpm).toEqual({ state: 'read' });
  });
});

describe('parseKernelLog', () => {
  it('stops at dmesg when it has the MDS: line and knows the ring reaches back to boot', () => {
    const log = parseKernelLog('source\tdmesg\t0\nstart\t[    0.000000] Linux version 4.18.0\nline\t[    0.2] MDS: Mitigation: Clear CPU buffers\nline\t[    0.2] TAA: Mitigation: Clear CPU buffers\n');
    expect(log.mdsSource).toBe('dmesg');
    expect(log.ringWrapped).toBe(false);
    expect(kernelLogLines(log)).toEqual(['MDS: Mitigation: Clear CPU buffers']);
    expect(kernelLogLines(log, 'taa')).toEqual(['TAA: Mitigation: Clear CPU buffers']);
  });

  it('a wrapped ring: the journal of this boot has the line', () => {
    const log = parseKernelLog('source\tdmesg\t0\nstart\t[7776000.123456] kvm [41230]: vcpu0\nsource\tjournal\t0\nline\tMDS: Mitigation: Clear CPU buffers\n');
    expect(log.ringWrapped).toBe(true);
    expect(log.mdsSource).toBe('journal');
    expect(kernelLogLines(log)).toEqual(['MDS: Mitigation: Clear CPU buffers']);
  });

  it('no source has it; an unreadable journal and an absent /var/log/dmesg are recorded as such', () => {
    const log = parseKernelLog('source\tdmesg\t0\nstart\t[8000000.1] x\nsource\tjournal\t1\nsource\tvar-log-dmesg\t3\n');
    expect(log.mdsSource).toBeNull();
    expect(log.tried.map((t) => t.provenance.state)).toEqual(['read', 'unreadable', 'absent']);
    expect(kernelLogProvenance(log)).toEqual({ state: 'read' });
  });

  it('is unreadable only when no source could be read', () => {
    const log = parseKernelLog('source\tdmesg\t1\nsource\tjournal\t127\nsource\tvar-log-dmesg\t4\n');
    expect(log.ringWrapped).toBeNull();
    expect(kernelLogProvenance(log)).toEqual({
      state: 'unreadable',
      reason: 'dmesg: exit status 1; journalctl -k -b 0: command not found; /var/log/dmesg: permission denied',
    });
  });
});
