// The lab's evidence faults: a stack user without sudo, nova.conf missing or not a file, no virsh, a wrapped kernel log; and journalctl.
import { existsSync, readdirSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { labConfig } from '../../../../src/lab/lab-config.js';
import { hostInputFromLabHost } from '../../../../src/lab/host/from-lab-config.js';
import { runTool, tempHost, type TempHost } from './helpers.js';

let host: TempHost;
afterEach(() => host?.cleanup());

describe('evidence faults of the fake host', () => {
  it('are lab description keys, with defaults that change nothing', () => {
    const cfg = labConfig.parse({ hosts: [{ name: 'a' }, { name: 'b', faults: { no_sudo: true, no_virsh: true, nova_conf: 'unreadable', dmesg_wrapped: true, boots_old_kernel: true } }] });
    expect(hostInputFromLabHost(cfg.hosts[0]!).faults).toMatchObject({ noSudo: false, noVirsh: false, novaConf: 'present', dmesgWrapped: false, bootsOldKernel: false });
    expect(hostInputFromLabHost(cfg.hosts[1]!).faults).toMatchObject({ noSudo: true, noVirsh: true, novaConf: 'unreadable', dmesgWrapped: true, bootsOldKernel: true });
    expect(labConfig.safeParse({ hosts: [{ name: 'a', faults: { nova_conf: 'gone' } }] }).success).toBe(false);
  });

  it("no_sudo leaves the stack user without a sudo rule; no_virsh leaves virsh out of the host's /usr/local/bin", () => {
    host = tempHost({ name: 'c1', faults: { noSudo: true, noVirsh: true } });
    expect(existsSync(path.join(host.layout.etcUpper, 'sudoers.d', 'stack'))).toBe(false);
    expect(readFileSync(path.join(host.layout.etcUpper, 'passwd'), 'utf8')).toMatch(/^stack:/m);
    // Links to the tools' in-host path: list the names, do not follow them.
    expect(readdirSync(host.layout.bin)).toContain('dmesg');
    expect(readdirSync(host.layout.bin)).not.toContain('virsh');
    host.cleanup();
    host = tempHost({ name: 'c1' });
    expect(readlinkSync(path.join(host.layout.bin, 'virsh'))).toMatch(/\/virsh$/);
  });

  it('nova_conf missing writes no file; unreadable puts a directory where the file should be', () => {
    host = tempHost({ name: 'c1', faults: { novaConf: 'missing' } });
    expect(existsSync(path.join(host.layout.etcUpper, 'nova', 'nova.conf'))).toBe(false);
    host.cleanup();
    host = tempHost({ name: 'c1', faults: { novaConf: 'unreadable' } });
    expect(statSync(path.join(host.layout.etcUpper, 'nova', 'nova.conf')).isDirectory()).toBe(true);
  });

  it('journalctl -k -b 0 -o cat prints the whole boot without timestamps; a wrapped host has lost the MDS: line everywhere', () => {
    host = tempHost({ name: 'c1', fixed: true });
    const journal = runTool(host, 'journalctl', ['-k', '-b', '0', '-o', 'cat', '--no-pager']);
    expect(journal.code).toBe(0);
    expect(journal.stdout.split('\n')[0]).toMatch(/^Linux version /);
    expect(journal.stdout).toContain('\nMDS: Mitigation: Clear CPU buffers\n');
    expect(runTool(host, 'journalctl', ['-k', '-b', '0']).stdout).toMatch(/^Jan 01 00:00:00 c1 kernel: Linux version /);
    expect(runTool(host, 'journalctl', ['-k', '-b', '-1']).code).toBe(1);
    host.cleanup();

    host = tempHost({ name: 'c1', fixed: true, faults: { dmesgWrapped: true } });
    const dmesg = runTool(host, 'dmesg', []).stdout;
    expect(dmesg.split('\n')[0]).toMatch(/^\[\s*7776000\.\d{6}\] /);
    expect(dmesg).not.toContain('MDS');
    expect(runTool(host, 'journalctl', ['-k', '-b', '0', '-o', 'cat']).stdout).not.toContain('MDS');
    // sysfs still says what the kernel does: the fault is in the logs only.
    expect(readFileSync(path.join(host.layout.boot, 'vulnerabilities', 'mds'), 'utf8')).toBe('Mitigation: Clear CPU buffers; SMT vulnerable\n');
  });
});
