// Logging in as operators do (an openrc alone, an application credential), refusals before any host, and a drain on a
// cloud overcommitted 4:1 that Placement lets through, refused only when Placement has no room.
import { readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { cli, FAST_PLAYBOOK, startLab, type LabHandle } from '../helpers/lab.js';

interface State {
  services: { host: string; binary: string; status: string }[];
  hosts: { name: string; vcpus: number; vcpusUsed: number }[];
  instances: { host: string; status: string }[];
}

const TRAP = '127.47.1.200';
const TRAP_PORT = 2247;
let lab: LabHandle;
let trap: net.Server;
let connections = 0;

/** OS_* variables of the lab's openrc, and an environment without any clouds.yaml to fall back on. */
function openrc(): Record<string, string> {
  const vars: Record<string, string> = { OS_CLIENT_CONFIG_FILE: '', OS_CLOUD: '' };
  for (const line of readFileSync(join(lab.dir, 'openrc'), 'utf8').split('\n')) {
    const m = /^export (OS_\w+)=(.*)$/.exec(line);
    if (m) vars[m[1]!] = m[2]!;
  }
  return vars;
}

/** The lab's inventory without its clouds.yaml settings, so only the environment says where Nova is. */
function inventoryWithoutCloud(): string {
  const doc = parse(readFileSync(lab.inventory, 'utf8')) as { all: { vars: Record<string, unknown> } };
  delete doc.all.vars['mds_os_cloud'];
  delete doc.all.vars['mds_os_client_config_file'];
  const file = join(lab.dir, 'inventory-env.yaml');
  writeFileSync(file, JSON.stringify(doc));
  return file;
}

function trapInventory(): string {
  const file = join(lab.dir, 'inventory-trap.yaml');
  writeFileSync(file, `all:\n  hosts:\n    t1:\n      ansible_host: ${TRAP}\n      ansible_port: ${TRAP_PORT}\n`);
  return file;
}

const state = () => lab.labGet<State>('state');

beforeAll(async () => {
  trap = net.createServer((s) => { connections += 1; s.destroy(); });
  await new Promise<void>((res) => trap.listen(TRAP_PORT, TRAP, () => res()));
  lab = await startLab({
    // Seeded, so the placement repeats: oc1 runs 5 vCPUs on 2 (2.5:1), oc3 (at 1:1) is full.
    address_base: '127.47.0.0', port: 2247, instances: 12,
    nova: { migration_time: '300ms', cpu_allocation_ratio: 4 },
    hosts: [
      { name: 'oc1', vcpus: 2, boot_delay: '300ms' },
      { name: 'oc2', vcpus: 4, boot_delay: '300ms' },
      { name: 'oc3', vcpus: 4, boot_delay: '300ms', cpu_allocation_ratio: 1 },
      { name: 'oc4', vcpus: 4, boot_delay: '300ms' },
    ],
  }, 'login-capacity');
}, 120_000);

afterAll(async () => {
  await lab?.down();
  await new Promise<void>((res) => trap.close(() => res()));
});

describe('logging in', () => {
  it('an openrc alone (no clouds.yaml) plans against the lab', async () => {
    const r = await cli(['plan', FAST_PLAYBOOK, '-i', inventoryWithoutCloud(), '--state-dir', lab.stateDir, '-l', 'oc1'], { env: openrc() });
    expect(r.code, r.stdout + r.stderr).toBe(2);
    expect(r.stdout).toMatch(/capacity \(placement\)/);
  });

  it('an application credential from clouds.yaml plans against the lab', async () => {
    const r = await cli(['plan', FAST_PLAYBOOK, '-i', lab.inventory, '--state-dir', lab.stateDir, '-l', 'oc1', '--cloud', 'lab-appcred']);
    expect(r.code, r.stdout + r.stderr).toBe(2);
    expect(r.stdout).toMatch(/live-migrate/);
  });

  it('a wrong password exits 4 with Keystone\'s words before any host is contacted', async () => {
    await fetch(`${lab.novaUrl}/_lab/requests`, { method: 'DELETE' });
    const r = await cli(['run', FAST_PLAYBOOK, '-i', trapInventory(), '--state-dir', lab.stateDir, '-y'], { env: { ...openrc(), OS_PASSWORD: 'not-the-password' } });
    expect(r.code, r.stdout + r.stderr).toBe(4);
    expect(r.stderr).toMatch(/environment: OS_PASSWORD: cannot authenticate .*HTTP 401.*The request you have made requires authentication\./);
    expect(r.stderr + r.stdout).not.toContain('not-the-password');
    expect(connections).toBe(0);
    const asked = await lab.labGet<{ path: string }[]>('requests');
    expect(asked.map((q) => q.path)).toEqual(['/identity/v3/auth/tokens']);
  });

  it('a user without the admin role exits 4 with Nova\'s policy message before any host is contacted', async () => {
    const r = await cli(['run', FAST_PLAYBOOK, '-i', trapInventory(), '--state-dir', lab.stateDir, '-y', '--cloud', 'lab-member'],
      { env: { OS_CLIENT_CONFIG_FILE: lab.clouds } });
    expect(r.code, r.stdout + r.stderr).toBe(4);
    expect(r.stderr).toContain("Policy doesn't allow os_compute_api:os-services:list to be performed.");
    expect(connections).toBe(0);
  });
});

describe('capacity as Placement counts it', () => {
  it('the lab runs overcommitted: a host uses more vCPUs than it has', async () => {
    const s = await state();
    expect(s.hosts.find((h) => h.name === 'oc1')!.vcpusUsed).toBeGreaterThan(2);
  });

  it('refuses the drain when Placement has no room (oc2, oc4 cordoned; oc3 runs at 1:1), leaving oc1 enabled', async () => {
    for (const h of ['oc2', 'oc4']) await lab.labPost(`services/${h}/disable`, { user: 'operator', reason: 'capacity test' });
    try {
      const r = await cli(['run', FAST_PLAYBOOK, '-i', lab.inventory, '--state-dir', lab.stateDir, '-y', '-l', 'oc1'], { timeoutMs: 100_000 });
      expect(r.code, r.stdout.slice(-2000)).toBe(1);
      expect(r.stdout + r.stderr).toMatch(/not drained: Placement has no room for instance/);
      const s = await state();
      expect(s.services.find((v) => v.host === 'oc1' && v.binary === 'nova-compute')!.status).toBe('enabled');
    } finally {
      for (const h of ['oc2', 'oc4']) await lab.labPost(`services/${h}/enable`, { user: 'operator' });
    }
  }, 120_000);

  it('with the other hosts back, the drain of the overcommitted host proceeds and the run completes', async () => {
    const r = await cli(['run', FAST_PLAYBOOK, '-i', lab.inventory, '--state-dir', lab.stateDir, '-y', '-l', 'oc1'], { timeoutMs: 100_000 });
    expect(r.code, r.stdout.slice(-3000)).toBe(0);
    const s = await state();
    expect(s.instances.filter((i) => i.host === 'oc1' && i.status === 'ACTIVE')).toEqual([]);
    expect((await lab.labGet<unknown[]>('audit'))).toEqual([]);
  }, 120_000);
});
