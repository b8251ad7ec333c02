// `hosts` shows each host's layout as the inventory sets it: forced (and which parts), or detected at the gather.
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { hostsCommand } from '../../../src/cli/commands/hosts.js';
import { cleanupTrees, writeTree } from '../inventory/temp-files.js';

afterEach(() => { vi.restoreAllMocks(); });
afterAll(cleanupTrees);

describe('hosts: the LAYOUT column and the JSON layout', () => {
  it('names a forced layout, counts single parts, and says detected otherwise', async () => {
    const dir = writeTree({ 'inv.yml': 'all:\n  hosts:\n    c1:\n      mds_layout: tripleo-podman\n    c2:\n      mds_virsh: podman:nova_virtqemud\n      mds_nova_conf: /srv/nova.conf\n    c3:\n' });
    const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    expect(await hostsCommand('all', { inventory: [path.join(dir, 'inv.yml')], sshConfig: '/dev/null' })).toBe(0);
    const text = out.mock.calls.map((c) => String(c[0])).join('');
    expect(text).toMatch(/NOVA HOST\s+LAYOUT/);
    expect(text).toMatch(/c1\s.*\sc1\*?\s+tripleo-podman\n/);
    expect(text).toMatch(/c2\s.*\sc2\*?\s+detected \(\+2 set\)\n/);
    expect(text).toMatch(/c3\s.*\sc3\*?\s+detected\n/);
    out.mockClear();
    expect(await hostsCommand('all', { inventory: [path.join(dir, 'inv.yml')], sshConfig: '/dev/null', json: true })).toBe(0);
    const json = JSON.parse(out.mock.calls.map((c) => String(c[0])).join('')) as { hosts: { name: string; layout: { name: string | null; overrides: string[] } }[] };
    expect(json.hosts.find((h) => h.name === 'c1')!.layout).toEqual({ name: 'tripleo-podman', overrides: [`mds_layout=tripleo-podman (inventory ${path.join(dir, 'inv.yml')}:4)`] });
    expect(json.hosts.find((h) => h.name === 'c3')!.layout).toEqual({ name: null, overrides: [] });
  });
});
