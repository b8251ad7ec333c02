// End to end: real fake hosts in namespaces, reached with the OpenSSH client and with ssh2; reboots; clean stop.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'ssh2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LabFleet, type DownReason } from '../../src/lab/host/fleet.js';
import { resolveHostSpec } from '../../src/lab/host/spec.js';

const run = promisify(execFile);
const BASE = '127.10.0.0';
const PORT = 20_000 + Math.floor(Math.random() * 20_000);
const labDir = mkdtempSync(path.join(os.tmpdir(), 'lab-host-e2e-'));
const hosts = [
  resolveHostSpec({ name: 'e2e-c1', dist: 'el7', cpu: 'intel', bootDelayMs: 300 }, 0, BASE, PORT),
  resolveHostSpec({ name: 'e2e-c2', dist: 'el8', cpu: 'amd', nova: { cpuMode: 'custom', cpuModel: 'IvyBridge' } }, 1, BASE, PORT),
  resolveHostSpec({ name: 'e2e-c3', dist: 'el8', fixed: true, bootDelayMs: 200, faults: { authRefusedAfterReboot: true } }, 2, BASE, PORT),
  resolveHostSpec({ name: 'e2e-c4', dist: 'el7', fixed: true, faults: { neverReturns: true } }, 3, BASE, PORT),
];
const addr = (name: string) => hosts.find((h) => h.name === name)!.address;

const fleet = new LabFleet({ labDir, hosts });
const events: string[] = [];
for (const ev of ['rebooting', 'down', 'booted'] as const) {
  fleet.on(ev, (name: string, extra?: DownReason | string) => events.push(ev === 'down' ? `down ${name} ${extra}` : `${ev} ${name}`));
}

interface Result { code: number; stdout: string; stderr: string }

/** The real OpenSSH client, as an operator would type it. */
async function ssh(name: string, cmd: string, user = 'root'): Promise<Result> {
  try {
    const r = await run('ssh', ['-i', fleet.keys.privateKey, '-o', `UserKnownHostsFile=${fleet.keys.knownHosts}`,
      '-o', 'StrictHostKeyChecking=yes', '-o', 'BatchMode=yes', '-o', 'ConnectTimeout=5', '-p', String(PORT), `${user}@${addr(name)}`, cmd]);
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/** ssh2, as the product's transport connects, checking the host key against the lab's. */
function ssh2Exec(name: string, cmd: string, user = 'root'): Promise<Result> {
  const hostKey = readFileSync(`${path.join(labDir, 'ssh_host_ed25519_key')}.pub`, 'utf8').split(/\s+/)[1]!;
  return new Promise((resolve, reject) => {
    const c = new Client();
    c.on('ready', () => {
      c.exec(cmd, (err, stream) => {
        if (err) { c.end(); reject(err); return; }
        let stdout = '';
        let stderr = '';
        stream.on('data', (d: Buffer) => { stdout += d.toString(); });
        stream.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
        stream.on('close', (code: number) => { c.end(); resolve({ code, stdout, stderr }); });
      });
    });
    c.on('error', reject);
    c.connect({
      host: addr(name), port: PORT, username: user, privateKey: readFileSync(fleet.keys.privateKey), readyTimeout: 10_000,
      hostVerifier: (key: Buffer) => key.toString('base64') === Buffer.from(hostKey, 'base64').toString('base64'),
    });
  });
}

async function waitFor(what: string, check: () => boolean | Promise<boolean>, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

let pids: number[] = [];
let namespaces: string[] = [];

beforeAll(async () => {
  await fleet.start();
}, 120_000);

afterAll(async () => {
  await fleet.stop();
  rmSync(labDir, { recursive: true, force: true });
});

describe('fake compute hosts', () => {
  it('each host has its own hostname, release, CPU and sysfs (OpenSSH client and ssh2)', async () => {
    const c1 = await ssh('e2e-c1', 'hostname; cat /etc/redhat-release; uname -r; grep -m1 vendor_id /proc/cpuinfo; cat /sys/devices/system/cpu/vulnerabilities/mds 2>&1; echo end');
    expect(c1.code).toBe(0);
    expect(c1.stdout).toBe('e2e-c1\nRed Hat Enterprise Linux Server release 7.6 (Maipo)\n3.10.0-957.10.1.el7.x86_64\nvendor_id\t: GenuineIntel\n' +
      'cat: /sys/devices/system/cpu/vulnerabilities/mds: No such file or directory\nend\n');
    const c3 = await ssh2Exec('e2e-c3', 'hostname; uname -r; cat /sys/devices/system/cpu/vulnerabilities/mds; grep -c md_clear /proc/cpuinfo');
    expect(c3).toMatchObject({ code: 0, stdout: 'e2e-c3\n4.18.0-80.1.2.el8_0.x86_64\nMitigation: Clear CPU buffers; SMT vulnerable\n4\n' });
    const c2 = await ssh2Exec('e2e-c2', 'hostname; grep -m1 vendor_id /proc/cpuinfo; grep ^cpu_model= /etc/nova/nova.conf; test -e /etc/nova/nova.conf && ls /etc/nova');
    expect(c2.stdout).toBe('e2e-c2\nvendor_id\t: AuthenticAMD\ncpu_model=IvyBridge\nnova.conf\n');
    // The machine's own /etc has no nova: the host's /etc is private.
    expect(() => readdirSync('/etc/nova')).toThrow();
  });

  it('stack logs in with the lab key and has passwordless sudo; commands are cheap (no pyenv .bashrc)', async () => {
    const r = await ssh('e2e-c1', 'id -un; sudo -n true && echo sudo-ok; sudo -n id -u; ls -A ~ | tr "\\n" " "', 'stack');
    expect(r.stdout).toBe('stack\nsudo-ok\n0\n.ssh ');
    const root = await ssh2Exec('e2e-c1', 'ls -A /root | tr "\\n" " "; echo $PATH');
    expect(root.stdout).toBe('.ssh /usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\n');
  });

  it('yum -y update changes what rpm -q reports, and the reboot brings the new kernel, mitigation and md-clear', async () => {
    expect((await ssh('e2e-c1', 'yum -q check-update kernel microcode_ctl qemu-kvm-rhev libvirt')).code).toBe(100);
    const up = await ssh('e2e-c1', 'sudo -n yum -y update kernel microcode_ctl qemu-kvm-rhev libvirt', 'stack');
    expect(up.code).toBe(0);
    expect((await ssh2Exec('e2e-c1', 'rpm -q kernel microcode_ctl')).stdout).toBe(
      'kernel-3.10.0-957.el7.x86_64\nkernel-3.10.0-957.10.1.el7.x86_64\nkernel-3.10.0-957.12.2.el7.x86_64\nmicrocode_ctl-2.1-47.2.el7_6.x86_64\n');
    // Installed is not running: nothing changes before the reboot.
    const before = await ssh('e2e-c1', 'cat /proc/sys/kernel/random/boot_id; uname -r; virsh domcapabilities | grep -c md-clear');
    expect(before.stdout).toMatch(/\n3\.10\.0-957\.10\.1\.el7\.x86_64\n0\n$/);
    const oldBootId = before.stdout.split('\n')[0]!;
    expect(fleet.guestCpuGetsMdClear('e2e-c1')).toBe(false);

    events.length = 0;
    const asked = await ssh('e2e-c1', 'systemctl reboot; echo asked=$?');
    expect(asked.stdout).toBe('asked=0\n');
    await waitFor('the host to go down', () => fleet.status('e2e-c1') === 'down');
    const refused = await ssh('e2e-c1', 'true');
    expect(refused.code).toBe(255);
    expect(refused.stderr).toMatch(/Connection refused/);
    await waitFor('the host to boot', () => fleet.status('e2e-c1') === 'up');
    expect(events).toEqual(['rebooting e2e-c1', 'down e2e-c1 reboot', 'booted e2e-c1']);

    const after = await ssh2Exec('e2e-c1', 'cat /proc/sys/kernel/random/boot_id; uname -r; cat /sys/devices/system/cpu/vulnerabilities/mds; virsh domcapabilities | grep md-clear; dmesg | grep "^\\[.*\\] MDS:"');
    const [bootId, kernel, mds, caps, dmesg] = after.stdout.split('\n');
    expect(bootId).toMatch(/^[0-9a-f-]{36}$/);
    expect(bootId).not.toBe(oldBootId);
    expect(bootId).toBe(fleet.bootId('e2e-c1'));
    expect(kernel).toBe('3.10.0-957.12.2.el7.x86_64');
    expect(mds).toBe('Mitigation: Clear CPU buffers; SMT vulnerable');
    expect(caps!.trim()).toBe("<feature policy='require' name='md-clear'/>");
    expect(dmesg).toMatch(/^\[ +0\.\d{6}\] MDS: Mitigation: Clear CPU buffers$/);
    expect(fleet.guestCpuGetsMdClear('e2e-c1')).toBe(true);
  });

  it('nova-compute uses the nova.conf it loaded: an edit counts after systemctl restart', async () => {
    expect(fleet.guestCpuGetsMdClear('e2e-c1')).toBe(true);
    await ssh('e2e-c1', "sed -i 's/^cpu_mode=host-model$/cpu_mode=none/' /etc/nova/nova.conf");
    expect(fleet.guestCpuGetsMdClear('e2e-c1')).toBe(true);
    expect((await ssh('e2e-c1', 'systemctl restart openstack-nova-compute')).code).toBe(0);
    expect(fleet.guestCpuGetsMdClear('e2e-c1')).toBe(false);
  });

  it('virsh lists the guests the fake Nova wrote', async () => {
    fleet.writeGuests('e2e-c2', [
      { uuid: '7e8f2a4c-1111-4a5b-9c3d-000000000001', name: 'instance-0000000a', state: 'running', mdClear: false },
      { uuid: '7e8f2a4c-1111-4a5b-9c3d-000000000002', name: 'instance-0000000b', state: 'shut off', mdClear: false },
    ]);
    const r = await ssh2Exec('e2e-c2', 'virsh list --all --name; virsh domstate instance-0000000b');
    expect(r.stdout).toBe('instance-0000000a\ninstance-0000000b\n\nshut off\n\n');
  });

  it('a detached reboot (nohup ... &) through sudo returns at once, then the host reboots', async () => {
    const old = fleet.bootId('e2e-c2');
    const cmd = "sudo -n -- sh -c \"nohup sh -c 'sleep 1; systemctl reboot || reboot' >/dev/null 2>&1 </dev/null &\"; echo queued";
    const r = await ssh2Exec('e2e-c2', cmd, 'stack');
    expect(r).toMatchObject({ code: 0, stdout: 'queued\n' });
    await waitFor('e2e-c2 to reboot', () => fleet.status('e2e-c2') === 'up' && fleet.bootId('e2e-c2') !== old);
    expect((await ssh2Exec('e2e-c2', 'cat /proc/sys/kernel/random/boot_id')).stdout.trim()).toBe(fleet.bootId('e2e-c2'));
  });

  it('faults: auth refused after a reboot; a host that never returns', async () => {
    await fleet.reboot('e2e-c3');
    await waitFor('e2e-c3 to boot', () => fleet.status('e2e-c3') === 'up');
    const refused = await ssh('e2e-c3', 'true');
    expect(refused.code).toBe(255);
    expect(refused.stderr).toMatch(/Permission denied/);

    await fleet.reboot('e2e-c4');
    expect(fleet.status('e2e-c4')).toBe('down');
    await new Promise((r) => setTimeout(r, 1_000));
    expect(fleet.status('e2e-c4')).toBe('down');
    expect((await ssh('e2e-c4', 'true')).stderr).toMatch(/Connection refused/);
  });

  it('stop() leaves no process, mount or namespace behind', async () => {
    for (const n of fleet.names) {
      const p1 = fleet.pid1(n);
      const sup = fleet.supervisorPid(n);
      if (p1 !== null) {
        pids.push(p1);
        namespaces.push(readlinkSync(`/proc/${p1}/ns/mnt`), readlinkSync(`/proc/${p1}/ns/pid`), readlinkSync(`/proc/${p1}/ns/uts`));
      }
      if (sup !== null) pids.push(sup);
    }
    expect(pids.length).toBe(6); // e2e-c4 is down: 3 hosts up, each with unshare + PID 1
    const { stdout: mountsBefore } = await run('sh', ['-c', `grep -l fakehost /proc/${pids[0]}/mountinfo`]);
    expect(mountsBefore.trim()).not.toBe('');

    await fleet.stop();
    const alive = pids.filter((p) => { try { process.kill(p, 0); return true; } catch { return false; } });
    expect(alive).toEqual([]);
    const { stdout: findmnt } = await run('findmnt', ['-rn', '-o', 'TARGET,SOURCE']);
    expect(findmnt).not.toMatch(/fakehost/);
    const inUse = new Set<string>();
    for (const p of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
      for (const ns of ['mnt', 'pid', 'uts']) {
        try { inUse.add(readlinkSync(`/proc/${p}/ns/${ns}`)); } catch { /* process gone */ }
      }
    }
    expect(namespaces.filter((ns) => inUse.has(ns))).toEqual([]);
    expect(fleet.names.map((n) => fleet.status(n))).toEqual(['off', 'off', 'off', 'off']);
  });
});
