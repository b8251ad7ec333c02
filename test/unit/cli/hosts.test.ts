// `hosts`: over every example inventory, the compute group the README names selects exactly the compute nodes.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { hostsCommand, resolvedHost } from '../../../src/cli/commands/hosts.js';
import { loadTargets } from '../../../src/cli/targets.js';

const REPO = resolve(import.meta.dirname, '../../..');
const EXAMPLES = join(REPO, 'inventories');
/** Compute nodes by the names each deployment tool gives them: read from the host names, not from the groups under test. */
const COMPUTE_NAME = /^(cmp-|compute\d|overcloud-novacompute-)/;

interface Example { folder: string; files: string[]; group: string }

/** The README's table: folder, the files to pass with -i, and the group that holds the compute nodes. */
function examples(): Example[] {
  const rows = readFileSync(join(EXAMPLES, 'README.md'), 'utf8').split('\n').filter((l) => /^\| `[^`]+\/` \|/.test(l));
  return rows.map((row) => {
    const cells = row.split('|').map((c) => c.trim());
    const ticks = (s: string) => [...s.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);
    const folder = ticks(cells[1]!)[0]!.replace(/\/$/, '');
    return { folder, files: ticks(cells[3]!).filter((f) => !f.endsWith('/')).map((f) => join(EXAMPLES, folder, f)), group: ticks(cells[4]!)[0]! };
  });
}

const opts = (files: string[], limit?: string) => ({ inventory: files, stateDir: '', logLevel: 'info', sshConfig: '/dev/null', ...(limit ? { limit } : {}) });

afterEach(() => { vi.restoreAllMocks(); });

describe('hosts over the example inventories', () => {
  const all = examples();
  it('reads every example folder from the README', () => {
    expect(all.map((e) => e.folder).sort()).toEqual(['baremetal', 'kayobe', 'kolla', 'openstack-ansible', 'tripleo-13', 'tripleo-17']);
  });

  for (const ex of examples()) {
    it(`${ex.folder}: ${ex.group} selects exactly the compute nodes, and all holds others too`, async () => {
      const everything = (await loadTargets(opts(ex.files), 'all')).hosts.map((h) => h.name);
      const compute = (await loadTargets(opts(ex.files), ex.group)).hosts.map((h) => h.name);
      expect(everything.some((n) => !COMPUTE_NAME.test(n)), 'all must hold controllers or the like').toBe(true);
      expect(compute.length).toBeGreaterThan(0);
      expect(compute.sort()).toEqual(everything.filter((n) => COMPUTE_NAME.test(n)).sort());
    });
  }

  it("the shipped playbook's hosts: selects exactly the compute nodes of every example inventory", async () => {
    const { loadPlaybook } = await import('../../../src/playbook/index.js');
    const { stepSchemas } = await import('../../../src/steps/registry.js');
    const playbook = await loadPlaybook(join(REPO, 'playbooks/remediate.yaml'), stepSchemas());
    expect(playbook.hosts).not.toBe('all');
    for (const ex of all) {
      const selected = (await loadTargets(opts(ex.files), playbook.hosts)).hosts.map((h) => h.name);
      const compute = (await loadTargets(opts(ex.files), ex.group)).hosts.map((h) => h.name);
      expect(selected.sort(), ex.folder).toEqual(compute.sort());
    }
  });

  it('resolves what the inventory says: address, port, user, become and the Nova host name', async () => {
    const bm = all.find((e) => e.folder === 'baremetal')!;
    const hosts = (await loadTargets(opts(bm.files), 'compute')).hosts.map(resolvedHost);
    const c3 = hosts.find((h) => h.name === 'cmp-03.example.com')!;
    expect(c3).toMatchObject({ address: '192.0.2.213', port: 22, user: 'cloud-admin', become: true, novaHost: 'cmp-03', novaHostFrom: 'nova_host' });
    expect(hosts.find((h) => h.name === 'cmp-01.example.com')).toMatchObject({ novaHost: 'cmp-01.example.com', novaHostFrom: 'host' });
    expect(c3.groups).toContain('compute');
    expect(c3.groups).not.toContain('all');
    expect(Object.keys(c3)).not.toContain('vars');
  });

  it('prints a table, or JSON with --json; a limit narrows it', async () => {
    const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const kolla = all.find((e) => e.folder === 'kolla')!;
    expect(await hostsCommand('nova-compute', { inventory: kolla.files, sshConfig: '/dev/null', limit: 'compute01:compute02' })).toBe(0);
    const text = out.mock.calls.map((c) => String(c[0])).join('');
    expect(text).toMatch(/hosts \(2\):/);
    expect(text).toMatch(/HOST\s+ADDRESS\s+PORT\s+USER\s+BECOME\s+NOVA HOST/);
    expect(text).toMatch(/compute01\s+compute01\s+22\s+kolla\s+no\s+compute01\*\s+detected\n/);
    expect(text).toMatch(/\* decided on the host by Nova's rule/);
    expect(text).not.toContain('compute03');
    out.mockClear();
    expect(await hostsCommand('nova-compute', { inventory: kolla.files, sshConfig: '/dev/null', json: true })).toBe(0);
    const json = JSON.parse(out.mock.calls.map((c) => String(c[0])).join('')) as { pattern: string; hosts: { name: string; user: string }[] };
    expect(json.pattern).toBe('nova-compute');
    expect(json.hosts.map((h) => h.name)).toEqual(['compute01', 'compute02', 'compute03', 'compute04']);
  });

  it('a pattern that selects nothing is a usage error', async () => {
    const kolla = all.find((e) => e.folder === 'kolla')!;
    await expect(hostsCommand('no-such-group', { inventory: kolla.files, sshConfig: '/dev/null' })).rejects.toThrow(/^PATTERN: hosts: .*"no-such-group"/);
    // The positional pattern is not --limit: a message naming --limit sends the operator to an option never given.
    await expect(hostsCommand('no-such-group', { inventory: kolla.files, sshConfig: '/dev/null' })).rejects.not.toThrow(/--limit/);
    // A limit that matches nothing still names --limit.
    await expect(hostsCommand('nova-compute', { inventory: kolla.files, sshConfig: '/dev/null', limit: 'nothing-here' })).rejects.toThrow(/^--limit: /);
  });
});
