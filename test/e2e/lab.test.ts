// End to end: the rehearsal lab as a whole — a Nova live migration moves a guest in Nova and in virsh, the audit catches an
// unsafe reboot, `lab status` shows the fleet, and `lab down` leaves no process, mount or namespace behind.
import { readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCloudConfig } from '../../src/openstack/clouds.js';
import { connectNova, type NovaConnection } from '../../src/openstack/connect.js';
import { cli, sshHost, startLab, type LabHandle } from '../helpers/lab.js';
import type { LabStateSnapshot as LabState } from '../../src/lab/cloud/index.js';

const BASE = '127.31.0';
const PORT = 2231;
const HOSTS = ['lab1', 'lab2', 'lab3'];
const addr = (name: string) => `${BASE}.${HOSTS.indexOf(name) + 1}`;

interface AuditRecord { kind: string; host: string; instances: string[]; detail: string }
interface Runtime { pid: number; hostPids: number[] }

let lab: LabHandle;
let nova: NovaConnection;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const v = await probe();
    if (v !== undefined) return v;
    await sleep(200);
  }
  throw new Error(`timed out waiting for ${what}`);
}

const virshList = async (host: string) => (await sshHost(lab, addr(host), 'virsh list --uuid', PORT)).split('\n').filter(Boolean).sort();

const runtime = () => JSON.parse(readFileSync(`${lab.dir}/lab.json`, 'utf8')) as Runtime;

function pids(): number[] {
  return readdirSync('/proc').filter((d) => /^\d+$/.test(d)).map(Number);
}
function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return '';
  }
}
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
/** Processes that belong to this lab: its sshds (by listen address) and anything naming the lab directory. */
function labProcesses(dir: string): number[] {
  return pids().filter((p) => p !== process.pid && (cmdline(p).includes(`ListenAddress=${BASE}.`) || cmdline(p).includes(dir)));
}
function startTime(pid: number): string | null {
  try {
    // Field 22 of /proc/PID/stat, counted after the ")" that closes the command name.
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')[19] ?? null;
  } catch {
    return null;
  }
}
function mntNs(pid: number): string | null {
  try {
    return readlinkSync(`/proc/${pid}/ns/mnt`);
  } catch {
    return null;
  }
}

beforeAll(async () => {
  lab = await startLab({
    address_base: `${BASE}.0`, port: PORT, instances: 6, shutoff_instances: 1, nova: { migration_time: '500ms' },
    hosts: [
      { name: 'lab1', dist: 'el7', cpu_mode: 'host-model', boot_delay: '300ms' },
      { name: 'lab2', dist: 'el8', cpu_mode: 'custom', cpu_model: 'IvyBridge', boot_delay: '300ms' },
      { name: 'lab3', dist: 'el7', cpu: 'amd', boot_delay: '300ms' },
    ],
  }, 'lab-e2e');
  nova = connectNova(loadCloudConfig({ cloud: 'lab', env: { OS_CLIENT_CONFIG_FILE: lab.clouds } }), { warn: () => {} });
});

afterAll(async () => {
  nova?.close();
  // Safe after the test's own `lab down`: it then only removes the directory.
  await lab?.down();
});

describe('rehearsal lab', () => {
  it('a live migration through Nova moves the instance in Nova and in virsh list on both hosts', async () => {
    const servers = await nova.nova.listServers();
    const mover = servers.find((s) => s.status === 'ACTIVE' && s.host === 'lab1') ?? servers.find((s) => s.status === 'ACTIVE')!;
    const source = mover.host!;
    const target = HOSTS.find((h) => h !== source)!;
    expect(await virshList(source)).toContain(mover.id);
    expect(await virshList(target)).not.toContain(mover.id);

    await nova.nova.liveMigrate(mover.id, target);
    await waitFor('the migration to finish', async () => {
      const s = await nova.nova.getServer(mover.id);
      return s.host === target && s.status === 'ACTIVE' && !s.taskState ? s : undefined;
    });
    // What Nova says and what the hypervisors run agree.
    expect(await virshList(target)).toContain(mover.id);
    expect(await virshList(source)).not.toContain(mover.id);
    const migrations = await nova.nova.listMigrations({ instanceUuid: mover.id });
    expect(migrations.map((m) => [m.sourceCompute, m.destCompute, m.status])).toEqual([[source, target, 'completed']]);
    const state = await lab.labGet<LabState>('state');
    for (const h of HOSTS) {
      const active = state.instances.filter((i) => i.host === h && i.status === 'ACTIVE').map((i) => i.uuid).sort();
      expect(await virshList(h)).toEqual(active);
    }
  });

  it('lab status shows every host and its instances', async () => {
    const r = await cli(['lab', 'status', '--dir', lab.dir]);
    expect(r.code).toBe(0);
    const state = await lab.labGet<LabState>('state');
    for (const h of HOSTS) {
      const n = state.instances.filter((i) => i.host === h && i.status === 'ACTIVE').length;
      const line = r.stdout.split('\n').find((l) => l.trim().startsWith(`${h} `));
      expect(line).toContain(addr(h));
      expect(line).toContain('nova-compute enabled/up');
      expect(line).toMatch(/ baremetal /);
      expect(line).toContain(n ? `${n} ACTIVE` : 'none');
    }
    expect(r.stdout).toContain('6 instances; 0 safety violation(s)');
    const json = await cli(['lab', 'status', '--dir', lab.dir, '--json']);
    const parsed = JSON.parse(json.stdout) as { hosts: Record<string, { status: string }>; nova: LabState; audit: unknown[] };
    expect(Object.keys(parsed.hosts).sort()).toEqual(HOSTS);
    expect(Object.values(parsed.hosts).every((h) => h.status === 'up')).toBe(true);
    expect(parsed.nova.instances).toHaveLength(6);
    expect(parsed.audit).toEqual([]);
  });

  it('the audit catches a reboot of a host that still holds running instances', async () => {
    expect((await cli(['lab', 'audit', '--dir', lab.dir])).code).toBe(0);
    const state = await lab.labGet<LabState>('state');
    const victim = HOSTS.find((h) => state.instances.some((i) => i.host === h && i.status === 'ACTIVE'))!;
    const onBoard = state.instances.filter((i) => i.host === victim && i.status === 'ACTIVE').map((i) => i.uuid).sort();
    const bootId = (await sshHost(lab, addr(victim), 'cat /proc/sys/kernel/random/boot_id', PORT)).trim();
    const pidsBefore = runtime().hostPids;
    await sshHost(lab, addr(victim), 'reboot', PORT).catch(() => '');
    await waitFor('the host to come back with a new boot id', async () => {
      const now = await sshHost(lab, addr(victim), 'cat /proc/sys/kernel/random/boot_id', PORT).catch(() => bootId);
      return now.trim() !== bootId ? now : undefined;
    });
    // The reboot started a new supervisor for the host; lab.json names it, so `lab down` never signals a stale PID.
    const pidsAfter = await waitFor('lab.json to name the new supervisor', async () => {
      const now = runtime().hostPids;
      return now.length === HOSTS.length && now.some((p) => !pidsBefore.includes(p)) ? now : undefined;
    });
    expect(pidsAfter.filter((p) => !pidsBefore.includes(p))).toHaveLength(1);
    for (const p of pidsAfter) expect(alive(p)).toBe(true);
    const audit = await cli(['lab', 'audit', '--dir', lab.dir]);
    expect(audit.code).toBe(1);
    const records = JSON.parse(audit.stdout) as AuditRecord[];
    const reboot = records.filter((r) => r.kind === 'reboot-with-instances');
    expect(reboot).toHaveLength(1);
    expect(reboot[0]!.host).toBe(victim);
    expect([...reboot[0]!.instances].sort()).toEqual(onBoard);
  });

  it('lab down leaves no process, mount or namespace of the lab behind', async () => {
    const rt = runtime();
    // The probes must see the lab while it runs, or their emptiness afterwards would prove nothing.
    const before = labProcesses(lab.dir);
    const sshds = before.filter((p) => cmdline(p).includes(`ListenAddress=${BASE}.`));
    expect(sshds).toHaveLength(HOSTS.length);
    expect(before).toContain(rt.pid);
    for (const p of rt.hostPids) expect(alive(p)).toBe(true);
    const ownNs = mntNs(process.pid);
    const hostNs = new Set(sshds.map(mntNs));
    expect(hostNs.has(ownNs)).toBe(false);
    expect(hostNs.size).toBe(HOSTS.length);
    // Namespace inode numbers are reused once freed (other labs may run), so members are tracked by PID and start time.
    const members = pids().filter((p) => hostNs.has(mntNs(p))).map((p) => ({ p, start: startTime(p), ns: mntNs(p) }));
    expect(members.length).toBeGreaterThanOrEqual(HOSTS.length);

    const down = await cli(['lab', 'down', '--dir', lab.dir]);
    expect(down.code).toBe(0);
    expect(alive(rt.pid)).toBe(false);
    for (const p of rt.hostPids) expect(alive(p)).toBe(false);
    expect(labProcesses(lab.dir)).toEqual([]);
    expect(readFileSync('/proc/self/mountinfo', 'utf8').split('\n').filter((l) => l.includes(lab.dir))).toEqual([]);
    // No process that lived in one of the hosts' mount namespaces is left, and no nsfs mount keeps one alive.
    expect(members.filter((m) => startTime(m.p) === m.start && mntNs(m.p) === m.ns)).toEqual([]);
    const inodes = [...hostNs].map((ns) => /\[(\d+)\]/.exec(ns ?? '')?.[1]).filter((x): x is string => x !== undefined);
    expect(inodes).toHaveLength(HOSTS.length);
    expect(readFileSync('/proc/self/mountinfo', 'utf8').split('\n').filter((l) => / - nsfs /.test(l) && inodes.some((i) => l.includes(`mnt:[${i}]`)))).toEqual([]);
  });
});
