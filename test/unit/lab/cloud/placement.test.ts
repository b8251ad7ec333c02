// The fake Placement: Nova's default ratios and reserved memory, usages and allocations that move with a migration, policy.
import { describe, expect, it } from 'vitest';
import { baseConfig, call, instanceByName, login, MEMBER, startCloud, waitFor } from './cloud-harness.js';

const P = { headers: { 'OpenStack-API-Version': 'placement 1.39' } };

describe('fake Placement', () => {
  it('publishes one provider per compute node with Nova\'s default inventories (cpu 16.0, ram 1.5, 512 MB reserved)', async () => {
    const cloud = await startCloud(baseConfig({ cpuAllocationRatio: undefined, reservedHostMemoryMb: undefined,
      hosts: [{ name: 'cmp-a', vcpus: 8, ramMb: 32768 }, { name: 'cmp-b', vcpus: 8, ramMb: 32768 }],
      instances: [{ name: 'a', host: 'cmp-a', flavor: 'big' }, { name: 'b', host: 'cmp-a', flavor: 'small' }] }));
    const token = await login(cloud);
    const root = await call(cloud, 'GET', '/placement/');
    expect(root.body.versions[0]).toMatchObject({ id: 'v1.0', min_version: '1.0', max_version: '1.39' });
    const list = await call(cloud, 'GET', '/placement/resource_providers?name=cmp-a', { token, ...P });
    expect(list.headers.get('openstack-api-version')).toBe('placement 1.39');
    expect(list.body.resource_providers).toHaveLength(1);
    const rp = list.body.resource_providers[0];
    const hv = (await call(cloud, 'GET', '/compute/v2.1/os-hypervisors/detail', { token, mv: '2.53' })).body.hypervisors
      .find((h: { hypervisor_hostname: string }) => h.hypervisor_hostname === 'cmp-a');
    expect(rp.uuid).toBe(hv.id); // the compute node's uuid is its provider's uuid
    const inv = await call(cloud, 'GET', `/placement/resource_providers/${rp.uuid}/inventories`, { token, ...P });
    expect(inv.body.inventories.VCPU).toEqual({ total: 8, reserved: 0, min_unit: 1, max_unit: 8, step_size: 1, allocation_ratio: 16 });
    expect(inv.body.inventories.MEMORY_MB).toMatchObject({ total: 32768, reserved: 512, max_unit: 32768, allocation_ratio: 1.5 });
    const usages = await call(cloud, 'GET', `/placement/resource_providers/${rp.uuid}/usages`, { token, ...P });
    expect(usages.body.usages).toEqual({ VCPU: 8, MEMORY_MB: 16384, DISK_GB: 20 });
  });

  it('lets instances use more vCPUs than a host has, up to the ratio, and holds both hosts during a migration', async () => {
    const cloud = await startCloud(baseConfig({
      cpuAllocationRatio: 4, reservedHostMemoryMb: 0, migrationMs: 400,
      hosts: [{ name: 'cmp-a', vcpus: 2, ramMb: 65536 }, { name: 'cmp-b', vcpus: 2, ramMb: 65536 }],
      instances: Array.from({ length: 4 }, (_, i) => ({ name: `v${i}`, host: 'cmp-a', flavor: 'small' })),
    }));
    const token = await login(cloud);
    expect(cloud.state().hosts.find((h) => h.name === 'cmp-a')!.vcpusUsed).toBe(8); // 8 of 2 physical: 4:1
    const v0 = instanceByName(cloud, 'v0');
    await call(cloud, 'POST', `/compute/v2.1/servers/${v0.uuid}/action`, { token, mv: '2.60', body: { 'os-migrateLive': { host: null, block_migration: 'auto' } } });
    const m = await waitFor(() => cloud.state().migrations.find((x) => x.status === 'running'), 'running');
    const rps = (await call(cloud, 'GET', '/placement/resource_providers', { token, ...P })).body.resource_providers as { uuid: string; name: string }[];
    const uuidOf = (n: string) => rps.find((r) => r.name === n)!.uuid;
    const mine = await call(cloud, 'GET', `/placement/allocations/${v0.uuid}`, { token, ...P });
    expect(Object.keys(mine.body.allocations)).toEqual([uuidOf('cmp-b')]);
    const held = await call(cloud, 'GET', `/placement/allocations/${m.uuid}`, { token, ...P });
    expect(held.body.allocations[uuidOf('cmp-a')].resources).toEqual({ VCPU: 2, MEMORY_MB: 4096, DISK_GB: 10 });
    await waitFor(() => cloud.state().migrations.find((x) => x.status === 'completed'), 'completed');
    expect((await call(cloud, 'GET', `/placement/allocations/${m.uuid}`, { token, ...P })).body.allocations).toEqual({});
    const usage = async (n: string) => (await call(cloud, 'GET', `/placement/resource_providers/${uuidOf(n)}/usages`, { token, ...P })).body.usages.VCPU;
    expect([await usage('cmp-a'), await usage('cmp-b')]).toEqual([6, 2]);
  });

  it('refuses a non-admin with 403 in Placement\'s error format, and has no catalog entry when disabled', async () => {
    const cloud = await startCloud(baseConfig());
    const token = await login(cloud, MEMBER, 'demo');
    const res = await call(cloud, 'GET', '/placement/resource_providers', { token, ...P });
    expect(res.status).toBe(403);
    expect(res.body.errors[0]).toMatchObject({ status: 403, title: 'Forbidden' });
    expect(res.body.errors[0].detail).toContain('Policy does not allow placement:resource_providers:list to be performed.');
    const without = await startCloud(baseConfig({ placement: false }));
    const auth = await call(without, 'POST', '/identity/v3/auth/tokens', { body: { auth: { identity: { methods: ['password'], password: { user: { name: 'mds-orchestrate', domain: { id: 'default' }, password: 'tool-pw-123' } } }, scope: { project: { name: 'admin', domain: { id: 'default' } } } } } });
    expect(auth.body.token.catalog.map((s: { type: string }) => s.type)).not.toContain('placement');
    expect(auth.body.token.catalog.map((s: { type: string }) => s.type)).toContain('compute');
  });
});
