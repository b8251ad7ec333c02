// The controller survives its environment: a closed stdout/stderr, SIGHUP and SIGTERM, a full state filesystem (issues 17.1, 13.7).
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../helpers/fault-tools.js';
import { baseline, checkInvariants, type Baseline } from '../helpers/invariants.js';
import { cli, CLI, FAST_PLAYBOOK, REPO, startLab, type LabHandle } from '../helpers/lab.js';
import type { LabStateSnapshot as State } from '../../src/lab/cloud/index.js';

const sh = promisify(execFile);
const work = mkdtempSync(join(tmpdir(), 'mds-ctl-env-'));
const children = new Set<ChildProcess>();

interface Ended { code: number | null; signal: NodeJS.Signals | null; out: string; err: string }

/** Spawns the CLI; `closeAfterLines` closes the reading ends of stdout and stderr after that many stdout lines (`| head -N`). */
function start(args: string[], closeAfterLines?: number): { child: ChildProcess; done: Promise<Ended> } {
  const child = spawn(process.execPath, [CLI, ...args], { cwd: REPO, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let out = '';
  let err = '';
  if (closeAfterLines === 0) { child.stdout!.destroy(); child.stderr!.destroy(); }
  child.stdout!.on('data', (d: Buffer) => {
    out += d.toString();
    if (closeAfterLines !== undefined && out.split('\n').length > closeAfterLines) { child.stdout!.destroy(); child.stderr!.destroy(); }
  });
  child.stderr!.on('data', (d: Buffer) => { err += d.toString(); });
  const done = new Promise<Ended>((res) => child.on('close', (code, signal) => { children.delete(child); res({ code, signal, out, err }); }));
  return { child, done };
}

afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
  rmSync(work, { recursive: true, force: true });
});

describe('without a lab', () => {
  const dir = join(work, 'nolab');
  let trap: Server;
  let trapPort = 0;
  const sockets: Socket[] = [];
  beforeAll(async () => {
    mkdirSync(dir, { recursive: true });
    // An SSH server that accepts and never speaks: the host stays in flight as long as the test wants.
    trap = createServer((s) => { sockets.push(s); s.on('error', () => {}); });
    await new Promise<void>((r) => trap.listen(0, '127.0.0.1', r));
    trapPort = (trap.address() as { port: number }).port;
    writeFileSync(join(dir, 'refused.yaml'), 'all:\n  hosts:\n    h1: {ansible_host: 127.0.0.1, ansible_port: 1}\n    h2: {ansible_host: 127.0.0.1, ansible_port: 2}\n');
    writeFileSync(join(dir, 'silent.yaml'), `all:\n  hosts:\n    s1: {ansible_host: 127.0.0.1, ansible_port: ${trapPort}}\n`);
    writeFileSync(join(dir, 'ssh_config'), '');
    writeFileSync(join(dir, 'pb.yaml'), 'name: t\nhosts: all\nsteps:\n  - update-packages:\n      minimums:\n        el7: {kernel: 3.10.0-957.12.2.el7}\n');
  });
  afterAll(() => { for (const s of sockets) s.destroy(); trap?.close(); });

  it('status, plan and sweep with their stdout and stderr closed end with their own code and no stack trace', async () => {
    const state = join(dir, 'state-closed');
    const status = await start(['status', '--state-dir', state], 0).done;
    expect(status.code).toBe(0);
    const plan = await start(['plan', join(dir, 'pb.yaml'), '-i', join(dir, 'refused.yaml'), '-F', join(dir, 'ssh_config'), '--state-dir', state], 0).done;
    // Both hosts refuse the connection: unreachable is 3, whatever happened to the terminal.
    expect(plan.code).toBe(3);
    const sweep = await start(['sweep', '--playbook', join(dir, 'pb.yaml'), '-i', join(dir, 'refused.yaml'), '-F', join(dir, 'ssh_config'), '--state-dir', state], 1).done;
    expect(sweep.code).toBe(3);
    // The same plan with a terminal attached says the same code: the closed streams changed nothing.
    const open = await cli(['plan', join(dir, 'pb.yaml'), '-i', join(dir, 'refused.yaml'), '-F', join(dir, 'ssh_config'), '--state-dir', state]);
    expect(open.code).toBe(3);
    expect(open.stderr).not.toMatch(/at .*\.js:\d+/);
  }, 120_000);

  it('SIGTERM stops after the steps in flight and exits 143, naming the signal; a second one aborts them', async () => {
    const before = sockets.length;
    const r = start(['sweep', '--playbook', join(dir, 'pb.yaml'), '-i', join(dir, 'silent.yaml'), '-F', join(dir, 'ssh_config'), '--state-dir', join(dir, 'state-term')]);
    await waitFor('the controller to connect', () => sockets.length > before, 30_000, 50);
    r.child.kill('SIGTERM');
    await new Promise((res) => setTimeout(res, 300));
    expect(r.child.exitCode).toBeNull();
    r.child.kill('SIGTERM');
    const e = await r.done;
    expect(e.code, e.err).toBe(143);
    expect(e.err).toContain('SIGTERM received: stopping after the steps in flight');
    expect(e.err).toContain('SIGTERM again: aborting in-flight commands');
    expect(e.err).not.toContain('Ctrl-C');
  }, 120_000);

  it('SIGHUP does the same, never escalates on its own, and a SIGTERM after it aborts; exit 143', async () => {
    const before = sockets.length;
    const state = join(dir, 'state-hup');
    const r = start(['sweep', '--playbook', join(dir, 'pb.yaml'), '-i', join(dir, 'silent.yaml'), '-F', join(dir, 'ssh_config'), '--state-dir', state]);
    await waitFor('the controller to connect', () => sockets.length > before, 30_000, 50);
    r.child.kill('SIGHUP');
    await new Promise((res) => setTimeout(res, 300));
    r.child.kill('SIGHUP');
    await new Promise((res) => setTimeout(res, 500));
    expect(r.child.exitCode, 'a second SIGHUP must not abort the steps in flight').toBeNull();
    r.child.kill('SIGTERM');
    const e = await r.done;
    expect(e.code, e.err).toBe(143);
    expect(e.err).toContain('SIGHUP received: stopping after the steps in flight, state is saved');
    const log = readdirSync(join(state, 'logs')).map((f) => readFileSync(join(state, 'logs', f), 'utf8')).join('');
    expect(log).toMatch(/"signal":"SIGHUP"/);
  }, 120_000);
});

describe('against the lab', () => {
  let lab: LabHandle;
  let base: Baseline;
  const tmpfs = join(work, 'small-fs');
  const disabledCount = async () => (await lab.labGet<State>('state')).services.filter((s) => s.binary === 'nova-compute' && s.status === 'disabled').length;

  beforeAll(async () => {
    lab = await startLab({
      address_base: '127.39.0.0', port: 2239, instances: 12, nova: { migration_time: '300ms' },
      hosts: Array.from({ length: 8 }, (_, i) => ({ name: `ce${String(i + 1).padStart(2, '0')}`, boot_delay: '300ms', dist: i % 2 ? 'el8' : 'el7' })),
    }, 'ctl-env');
    base = await baseline(lab);
    mkdirSync(tmpfs, { recursive: true });
    await sh('mount', ['-t', 'tmpfs', '-o', 'size=8m,mode=0700', 'tmpfs', tmpfs]);
  }, 120_000);

  afterAll(async () => {
    for (const c of children) c.kill('SIGKILL');
    await sh('umount', ['-l', tmpfs]).catch(() => {});
    await lab?.down();
  });

  const runArgs = (stateDir: string) => ['run', FAST_PLAYBOOK, '-i', lab.inventory, '--state-dir', stateDir, '-y'];
  // One state directory for the three runs, on a small filesystem of its own: each run resumes the last.
  const state = join(tmpfs, 'state');
  const migrations = async () => (await lab.labGet<State>('state')).migrations.length;

  it('SIGHUP (a dropped terminal) mid-run: the steps in flight finish, state saved, lock released, exit 143', async () => {
    const r = start(runArgs(state));
    await waitFor('the first drain', async () => (await disabledCount()) > 0, 60_000, 50);
    r.child.kill('SIGHUP');
    const e = await r.done;
    expect(e.code, e.out.slice(-1500) + e.err).toBe(143);
    expect(e.err).toContain('SIGHUP received');
    expect(existsSync(join(state, 'lock'))).toBe(false);
    await checkInvariants(lab, base);
  }, 200_000);

  it('a state filesystem that fills up mid-run: a clean stop with its own message, exit 8, lock released', async () => {
    const before = await migrations();
    const r = start(runArgs(state));
    await waitFor('a live migration of this run', async () => (await migrations()) > before, 60_000, 50);
    await sh('dd', ['if=/dev/zero', `of=${join(tmpfs, 'filler')}`, 'bs=64k']).catch(() => {});
    let e: Ended;
    try {
      e = await r.done;
    } finally {
      // The next scenario needs the space back, whatever this one found.
      rmSync(join(tmpfs, 'filler'), { force: true });
    }
    expect(e.code, e.out.slice(-1500) + e.err).toBe(8);
    expect(e.err).toMatch(/filesystem is full/);
    expect(e.err).not.toMatch(/\n\s+at .*\.js:\d+/);
    expect(existsSync(join(state, 'lock'))).toBe(false);
    // A full disk must not leave a host half done: let migrations in flight land, then the safety invariants hold.
    await waitFor('migrations in flight to land', async () => (await lab.labGet<State>('state')).instances.every((i) => i.status !== 'MIGRATING'), 60_000, 100);
    await checkInvariants(lab, base);
  }, 200_000);

  it('`run -y | head -3` with stderr closed too goes on to the end: exit 0, state and log kept, the fleet compliant', async () => {
    const e = await start(runArgs(state), 3).done;
    expect(e.signal).toBeNull();
    expect(e.code, e.out + e.err).toBe(0);
    expect(e.out.split('\n').length).toBeLessThanOrEqual(5);
    expect(existsSync(join(state, 'lock'))).toBe(false);
    const status = await cli(['status', '--state-dir', state, '--json']);
    const hosts = (JSON.parse(status.stdout) as { hosts: { host: string; status: string }[] }).hosts;
    expect(hosts.length).toBe(8);
    expect(hosts.every((h) => h.status === 'ok' || h.status === 'changed'), JSON.stringify(hosts)).toBe(true);
    const logs = readdirSync(join(state, 'logs')).map((f) => readFileSync(join(state, 'logs', f), 'utf8')).join('');
    expect(logs).toContain('the controller ran on after its standard output was closed');
    const sweep = await cli(['sweep', '--playbook', FAST_PLAYBOOK, '-i', lab.inventory, '--state-dir', state]);
    expect(sweep.code, sweep.stdout.slice(-1500)).toBe(0);
    await checkInvariants(lab, base);
  }, 300_000);
});
