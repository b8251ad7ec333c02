// The gather script itself, run by sh with stub tools first on PATH: virsh named at qemu:///system, the kernel log fallbacks, file statuses.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildGatherCommand } from '../../../src/facts/gather-command.js';
import { parseGatherReport } from '../../../src/facts/parse-gather.js';
import type { HostFacts } from '../../../src/facts/types.js';
import { writeStubTool } from '../../helpers/stub-tools.js';

let dir: string;
let calls: string;

function stub(name: string, body: string): void {
  writeStubTool(join(dir, 'bin'), calls, name, body);
}

function gather(novaConfPath: string): HostFacts {
  const out = execFileSync('sh', ['-c', buildGatherCommand({ packages: ['kernel'], novaConfPath, virshTimeoutSec: 0 })], {
    env: { PATH: `${join(dir, 'bin')}:/usr/bin:/bin` }, encoding: 'utf8',
  });
  return parseGatherReport(out).facts;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'mds-gather-script-'));
  mkdirSync(join(dir, 'bin'));
  calls = join(dir, 'calls.log');
  // A ring that wrapped long ago: its oldest line is months after boot, no MDS: line.
  stub('dmesg', "printf '[7776000.123456] kvm [4123]: vcpu0 disabled perfctr wrmsr\\n'");
  stub('journalctl', "printf 'Linux version 3.10.0\\nMDS: Mitigation: Clear CPU buffers\\n'");
  stub('virsh', `case "$*" in *domcapabilities*) printf "<domainCapabilities><cpu><mode name='host-model' supported='yes'/></cpu></domainCapabilities>\\n" ;; *list*) : ;; esac`);
  stub('rpm', "printf 'kernel\\t(none)\\t3.10.0\\t957.el7\\tx86_64\\n'");
  writeFileSync(join(dir, 'nova.conf'), '[libvirt]\ncpu_mode = custom\n');
  mkdirSync(join(dir, 'nova-dir.conf'));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the gather script', () => {
  it('asks virsh for qemu:///system, never the unprivileged default of qemu:///session', () => {
    writeFileSync(calls, '');
    const f = gather(join(dir, 'nova.conf'));
    const virsh = readFileSync(calls, 'utf8').split('\n').filter((l) => l.startsWith('virsh '));
    expect(virsh.length).toBeGreaterThan(0);
    for (const v of virsh) expect(v).toMatch(/^virsh -c qemu:\/\/\/system /);
    expect(f.evidence.domcaps).toEqual({ state: 'read' });
    expect(f.evidence.guests).toEqual({ state: 'read' });
    expect(f.privilege.uid).toBe(process.getuid?.() ?? null);
  });

  it('falls back from a wrapped dmesg to journalctl -k -b 0, and stops there', () => {
    writeFileSync(calls, '');
    const f = gather(join(dir, 'nova.conf'));
    expect(readFileSync(calls, 'utf8')).toContain('journalctl -k -b 0 -o cat --no-pager');
    expect(f.kernelLog.ringWrapped).toBe(true);
    expect(f.kernelLog.mdsSource).toBe('journal');
    expect(f.kernelLog.tried.map((t) => t.source)).toEqual(['dmesg', 'journal']);
    expect(f.dmesgMds).toEqual(['MDS: Mitigation: Clear CPU buffers']);
  });

  it('tells a missing nova.conf from one that is not a file, and reads a present one', () => {
    expect(gather(join(dir, 'nova.conf')).evidence['nova-conf']).toEqual({ state: 'read' });
    expect(gather(join(dir, 'absent.conf')).evidence['nova-conf']).toEqual({ state: 'absent', reason: `${join(dir, 'absent.conf')}: not found` });
    expect(gather(join(dir, 'nova-dir.conf')).evidence['nova-conf']).toEqual({ state: 'unreadable', reason: `${join(dir, 'nova-dir.conf')}: not a regular file` });
  });

  it('a host without virsh: both virsh sections unreadable, "command not found"', () => {
    rmSync(join(dir, 'bin', 'virsh'));
    try {
      const f = gather(join(dir, 'nova.conf'));
      expect(f.evidence.domcaps).toEqual({ state: 'unreadable', reason: 'virsh domcapabilities: command not found' });
      expect(f.evidence.guests).toEqual({ state: 'unreadable', reason: 'virsh list: command not found' });
    } finally {
      stub('virsh', ':');
    }
  });
});
