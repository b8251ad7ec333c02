// Host-side faults in one rollout: unreachable, yum failure, partial update, slow boot, auth refused, disk full, dropped SSH, host key.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { baseline, checkInvariants, novaConfPath, rerunToEnd, type Baseline } from '../helpers/invariants.js';
import { dropSshSessions, hostAddress, inventoryWith, playbookWith, setHostEnv, waitFor } from '../helpers/fault-tools.js';
import { cli, sshHost, startLab, type LabHandle } from '../helpers/lab.js';
import type { LabStateSnapshot as State } from '../../src/lab/cloud/index.js';

interface JsonReport { hosts: { name: string; status: string; error?: string; steps: { id: string; status: string; error?: string }[] }[] }

let lab: LabHandle;
let base: Baseline;
let tolerant: string;
let report: JsonReport;
let dropped = 0;
const host = (name: string) => report.hosts.find((h) => h.name === name)!;
const failedStep = (name: string) => host(name).steps.find((s) => s.status === 'failed' || s.status === 'unreachable');

beforeAll(async () => {
  lab = await startLab({
    address_base: '127.36.0.0', port: 2236, instances: 14,
    hosts: [
      { name: 'ok', boot_delay: '300ms' },
      { name: 'yum', faults: { yum_fails: true } },
      { name: 'partial', dist: 'el8', faults: { partial_update: true } },
      { name: 'slow', boot_delay: '300ms', faults: { slow_boot: '4s' } },
      { name: 'auth', boot_delay: '300ms', faults: { auth_refused_after_reboot: true } },
      { name: 'disk', dist: 'el8', cpu_mode: 'custom', cpu_model: 'IvyBridge', extra_flags: 'spec-ctrl' },
      { name: 'gone' },
      { name: 'drop', boot_delay: '300ms' },
    ],
  }, 'faults-hosts');
  base = await baseline(lab);
  // Every fault is visible in one run: no budget, one batch.
  tolerant = playbookWith(lab.dir, 'tolerant', { serial: [8], failure_budget: 100, max_fail_percentage: 100 });
  // Disk full under /etc/nova inside the host: a tiny tmpfs holding a copy of nova.conf and nothing else fits.
  await sshHost(lab, hostAddress(lab, 'disk'), 'cp /etc/nova/nova.conf /root/nc && mount -t tmpfs -o size=8k tmpfs /etc/nova && '
    + 'cp /root/nc /etc/nova/nova.conf && (dd if=/dev/zero of=/etc/nova/.fill bs=512 2>/dev/null; true)', 2236);
}, 120_000);

afterAll(async () => { await lab?.down(); });

describe('host faults in one rollout', () => {
  it('runs every fault to a clean per-host outcome (exit 1), keeping every invariant', async () => {
    // 'gone' is unreachable from the start: its inventory address has nothing listening.
    const inv = inventoryWith(lab, 'gone-inventory', { gone: { ansible_host: '127.36.0.250' } });
    const json = join(lab.dir, 'run1.json');
    const running = cli(['run', tolerant, '-i', inv, '--state-dir', lab.stateDir, '-y', '--json', json]);
    // SSH dropped mid-drain on 'drop': as soon as its compute service is disabled, every session to it is killed.
    await waitFor('drain of drop', async () => {
      const s = await lab.labGet<State>('state');
      return s.services.some((v) => v.host === 'drop' && v.binary === 'nova-compute' && v.status === 'disabled');
    });
    dropped = dropSshSessions(hostAddress(lab, 'drop'));
    const r = await running;
    expect(r.code, r.stdout.slice(-2000)).toBe(1);
    report = JSON.parse(readFileSync(json, 'utf8')) as JsonReport;
    await checkInvariants(lab, base, { deadHosts: ['auth'] });
  }, 170_000);

  it('a host unreachable from the start is reported unreachable and never touched', async () => {
    expect(host('gone').status).toBe('unreachable');
    const s = await lab.labGet<State>('state');
    expect(s.services.find((v) => v.host === 'gone' && v.binary === 'nova-compute')!.status).toBe('enabled');
  });

  it('yum failing like a broken repository fails the host at update-packages, before any drain', async () => {
    expect(host('yum').status).toBe('failed');
    expect(failedStep('yum')!.id).toBe('update-packages');
    const s = await lab.labGet<State>('state');
    expect(s.services.find((v) => v.host === 'yum' && v.binary === 'nova-compute')!.status).toBe('enabled');
  });

  it('a partial update fails the host and is not mistaken for success', async () => {
    expect(host('partial').status).toBe('failed');
    expect(failedStep('partial')!.id).toBe('update-packages');
  });

  it('a slow boot is waited for (within the reboot timeout) and the host completes', async () => {
    expect(host('slow').status).toBe('changed');
    expect(host('ok').status).toBe('changed');
  });

  it('sshd refusing auth after the reboot fails the host; its instances stay away and its service stays disabled', async () => {
    expect(['failed', 'unreachable']).toContain(host('auth').status);
    const s = await lab.labGet<State>('state');
    expect(s.instances.filter((i) => i.host === 'auth')).toEqual([]);
    expect(s.services.find((v) => v.host === 'auth' && v.binary === 'nova-compute')!.status).toBe('disabled');
  });

  it('a full disk under /etc/nova fails cpu-flags cleanly and leaves nova.conf exactly as it was', async () => {
    expect(host('disk').status).toBe('failed');
    expect(failedStep('disk')!.id).toBe('cpu-flags');
    expect(failedStep('disk')!.error ?? host('disk').error).toMatch(/unchanged/);
    const inside = await sshHost(lab, hostAddress(lab, 'disk'), 'cat /etc/nova/nova.conf; ls -a /etc/nova', 2236);
    expect(inside).toContain(base.novaConf.get('disk')!.trimEnd());
    expect(inside).not.toMatch(/nova\.conf\.[A-Za-z0-9]{6}/); // no temp file left behind
  });

  it('SSH sessions dropped in the middle of the drain: the host reconnects or fails cleanly, never half done', async () => {
    expect(dropped).toBeGreaterThan(0);
    expect(['changed', 'failed', 'unreachable']).toContain(host('drop').status);
  });

  it('with the faults cleared, a rerun resumes every host to the end and the sweep is compliant', async () => {
    setHostEnv(lab, 'yum', 'YUM_FAILS', '0');
    setHostEnv(lab, 'partial', 'PARTIAL_UPDATE', '0');
    await sshHost(lab, hostAddress(lab, 'disk'), 'umount /etc/nova', 2236);
    // 'auth' can never be logged into again (its fault has no cure in the lab): the rest of the fleet is resumed.
    await rerunToEnd(lab, ['-l', 'all:!auth']);
    await checkInvariants(lab, base, { deadHosts: ['auth'] });
    expect(readFileSync(novaConfPath(lab, 'disk'), 'utf8')).toContain('md-clear');
  }, 170_000);

  it('a host key that changed between runs is refused before any command runs on that host', async () => {
    const knownHosts = join(lab.dir, 'known_hosts');
    const original = readFileSync(knownHosts, 'utf8');
    const keyDir = join(lab.dir, 'otherkey');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', keyDir]);
    const otherKey = readFileSync(`${keyDir}.pub`, 'utf8').trim().split(' ').slice(0, 2).join(' ');
    const addr = hostAddress(lab, 'ok');
    const changed = original.split('\n').map((l) => (l.startsWith(`[${addr}]:2236 `) ? `[${addr}]:2236 ${otherKey}` : l)).join('\n');
    expect(changed).not.toBe(original);
    writeFileSync(knownHosts, changed);
    try {
      const r = await cli(['sweep', '--playbook', tolerant, '-i', lab.inventory, '--state-dir', lab.stateDir, '--json', join(lab.dir, 'hk.json')]);
      const hk = JSON.parse(readFileSync(join(lab.dir, 'hk.json'), 'utf8')) as JsonReport;
      expect(hk.hosts.find((h) => h.name === 'ok')!.status).toBe('unreachable');
      expect(hk.hosts.find((h) => h.name === 'ok')!.error).toMatch(/host key/i);
      expect(r.code).toBe(3);
    } finally {
      writeFileSync(knownHosts, original);
    }
  }, 60_000);
});
