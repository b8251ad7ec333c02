// The lab's evidence faults: a stack user without sudo, nova.conf missing or not a file, no virsh, a wrapped kernel log; and journalctl.
import { existsSync, readdirSync, readFileSync, readlinkSync, statSync, writeFileSync } from 'node:fs';
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

describe('nova.conf as configuration management leaves it, and the boot entry', () => {
  it('nova_conf symlinked: a relative link to managed/nova.conf beside it, which holds the file', () => {
    host = tempHost({ name: 'c1', faults: { novaConf: 'symlinked' } });
    const link = path.join(host.layout.etcUpper, 'nova', 'nova.conf');
    expect(readlinkSync(link)).toBe('managed/nova.conf');
    expect(readFileSync(link, 'utf8')).toMatch(/^\[libvirt\]/m);
  });

  it('nova_conf immutable: the file is there, listed as immutable, and lsattr shows i on it only', () => {
    host = tempHost({ name: 'c1', faults: { novaConf: 'immutable' } });
    expect(readFileSync(path.join(host.layout.etcUpper, 'nova', 'nova.conf'), 'utf8')).toMatch(/^\[libvirt\]/m);
    expect(readFileSync(path.join(host.layout.state, 'immutable.list'), 'utf8')).toBe('/etc/nova/nova.conf\n');
    const attrs = runTool(host, 'lsattr', ['-d', '--', '/etc/nova/nova.conf']);
    expect(attrs).toMatchObject({ code: 0, stdout: '----i----------------- /etc/nova/nova.conf\n' });
    expect(runTool(host, 'lsattr', ['-d', '--', '/etc/nova/other.conf']).stdout).not.toMatch(/----i/);
    host.cleanup();
    host = tempHost({ name: 'c1' });
    expect(existsSync(path.join(host.layout.state, 'immutable.list'))).toBe(false);
  });

  it('grubby: the newest kernel without the fault; with boots_old_kernel the pinned entry, until --set-default moves it', () => {
    host = tempHost({ name: 'c1', fixed: true });
    const newest = runTool(host, 'rpm', ['-q', '--qf', '%{VERSION}-%{RELEASE}\\n', 'kernel']).stdout.trim().split('\n').at(-1)!;
    expect(runTool(host, 'grubby', ['--default-kernel']).stdout).toBe(`/boot/vmlinuz-${newest}.x86_64\n`);
    host.cleanup();

    host = tempHost({ name: 'c1', fixed: true, faults: { bootsOldKernel: true } });
    const kernels = runTool(host, 'rpm', ['-q', '--qf', '%{VERSION}\\t%{RELEASE}\\n', 'kernel']).stdout.trim().split('\n');
    expect(kernels.length).toBeGreaterThan(1);
    writeFileSync(path.join(host.layout.state, 'default-boot-entry'), `${kernels[0]}\n`);
    const [v0, r0] = kernels[0]!.split('\t');
    expect(runTool(host, 'grubby', ['--default-kernel']).stdout).toBe(`/boot/vmlinuz-${v0}-${r0}.x86_64\n`);
    const [v1, r1] = kernels.at(-1)!.split('\t');
    expect(runTool(host, 'grubby', ['--set-default', `/boot/vmlinuz-${v1}-${r1}.x86_64`]).code).toBe(0);
    expect(readFileSync(path.join(host.layout.state, 'default-boot-entry'), 'utf8')).toBe(`${v1}\t${r1}\n`);
    expect(runTool(host, 'grubby', ['--default-kernel']).stdout).toBe(`/boot/vmlinuz-${v1}-${r1}.x86_64\n`);
    expect(runTool(host, 'grubby', ['--set-default', '/boot/vmlinuz-9.9.9-1.el7.x86_64'])).toMatchObject({ code: 1, stderr: expect.stringMatching(/incorrect/) });
  });
});
