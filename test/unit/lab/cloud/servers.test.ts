import { describe, expect, it } from 'vitest';
import { MEMBER, baseConfig, call, login, startCloud } from './cloud-harness.js';

const instances = [
  { name: 'a1', host: 'cmp-a', flavor: 'small', project: 'demo' },
  { name: 'a2', host: 'cmp-a', flavor: 'small', project: 'web' },
  { name: 'a3', host: 'cmp-a', flavor: 'small', project: 'demo', state: 'SHUTOFF' as const },
  { name: 'b1', host: 'cmp-b', flavor: 'big', project: 'web' },
  { name: 'c1', host: 'cmp-c', flavor: 'small', project: 'demo', state: 'ERROR' as const },
];

describe('fake Nova servers', () => {
  it('pages /servers/detail with servers_links until a short page, covering every server once', async () => {
    const cloud = await startCloud(baseConfig({ instances }));
    const token = await login(cloud);
    let next: string | undefined = '/compute/v2.1/servers/detail?all_tenants=1&limit=2';
    const seen: string[] = [];
    let pages = 0;
    while (next !== undefined) {
      const res = await call(cloud, 'GET', next, { token, mv: '2.60' });
      expect(res.status).toBe(200);
      pages += 1;
      expect(res.body.servers.length).toBeLessThanOrEqual(2);
      seen.push(...res.body.servers.map((s: { name: string }) => s.name));
      next = res.body.servers_links?.find((l: { rel: string }) => l.rel === 'next')?.href;
      if (next !== undefined) expect(next.startsWith(`${cloud.url}/compute/v2.1/servers/detail?`)).toBe(true);
    }
    expect(pages).toBe(3);
    expect([...seen].sort()).toEqual(['a1', 'a2', 'a3', 'b1', 'c1']);
  });

  it('an exactly full last page still links to an empty next page, as Nova does', async () => {
    const cloud = await startCloud(baseConfig({ instances: instances.slice(0, 4) }));
    const token = await login(cloud);
    const first = await call(cloud, 'GET', '/compute/v2.1/servers/detail?all_tenants=1&limit=2&host=cmp-a', { token });
    const second = await call(cloud, 'GET', first.body.servers_links[0].href, { token });
    expect(second.body.servers).toHaveLength(1);
    expect(second.body.servers_links).toBeUndefined();
    const all = await call(cloud, 'GET', '/compute/v2.1/servers/detail?all_tenants=1&limit=4', { token });
    const tail = await call(cloud, 'GET', all.body.servers_links[0].href, { token });
    expect(tail.body.servers).toEqual([]);
    const badMarker = await call(cloud, 'GET', '/compute/v2.1/servers/detail?marker=nope', { token });
    expect(badMarker.status).toBe(400);
  });

  it('filters by host for admins and shows admin fields and the 2.47 embedded flavor', async () => {
    const cloud = await startCloud(baseConfig({ instances }));
    const token = await login(cloud);
    const res = await call(cloud, 'GET', '/compute/v2.1/servers/detail?all_tenants=1&host=cmp-a', { token, mv: '2.47' });
    expect(res.body.servers.map((s: { name: string }) => s.name).sort()).toEqual(['a1', 'a2', 'a3']);
    const a3 = res.body.servers.find((s: { name: string }) => s.name === 'a3');
    expect(a3).toMatchObject({
      status: 'SHUTOFF', 'OS-EXT-SRV-ATTR:host': 'cmp-a', 'OS-EXT-SRV-ATTR:hypervisor_hostname': 'cmp-a',
      'OS-EXT-STS:vm_state': 'stopped', 'OS-EXT-STS:task_state': null, 'OS-EXT-STS:power_state': 4,
      flavor: { vcpus: 2, ram: 4096, original_name: 'small' },
    });
    expect(a3.tenant_id).toMatch(/^[0-9a-f]{32}$/);
    const old = await call(cloud, 'GET', `/compute/v2.1/servers/${a3.id}`, { token, mv: '2.46' });
    expect(old.body.server.flavor.vcpus).toBeUndefined();
    expect(old.body.server.flavor.id).toBeDefined();
    const err = await call(cloud, 'GET', '/compute/v2.1/servers/detail?all_tenants=1&status=ERROR', { token });
    expect(err.body.servers.map((s: { name: string }) => s.name)).toEqual(['c1']);
  });

  it('without all_tenants an admin sees only its own project', async () => {
    const cloud = await startCloud(baseConfig({ instances }));
    const token = await login(cloud);
    const res = await call(cloud, 'GET', '/compute/v2.1/servers/detail', { token });
    expect(res.body.servers).toEqual([]);
  });

  it('refuses all_tenants to a non-admin with 403 and Nova\'s policy message, like the default policy', async () => {
    const cloud = await startCloud(baseConfig({ instances }));
    const token = await login(cloud, MEMBER, 'demo');
    for (const [path, rule] of [['servers/detail', 'detail'], ['servers', 'index']] as const) {
      const res = await call(cloud, 'GET', `/compute/v2.1/${path}?all_tenants=1`, { token, mv: '2.60' });
      expect(res.status).toBe(403);
      expect(res.body).toEqual({ forbidden: { code: 403, message: `Policy doesn't allow os_compute_api:servers:${rule}:get_all_tenants to be performed.` } });
    }
    for (const path of ['os-services', 'os-hypervisors/detail', 'os-migrations']) {
      const res = await call(cloud, 'GET', `/compute/v2.1/${path}`, { token, mv: '2.60' });
      expect(res.status).toBe(403);
      expect(res.body.forbidden.message).toMatch(/^Policy doesn't allow os_compute_api:os-\w+:\w+ to be performed\.$/);
    }
  });

  it('ignores host for a non-admin and hides admin fields', async () => {
    const cloud = await startCloud(baseConfig({ instances }));
    const token = await login(cloud, MEMBER, 'demo');
    const res = await call(cloud, 'GET', '/compute/v2.1/servers/detail?host=cmp-b', { token, mv: '2.60' });
    expect(res.body.servers.map((s: { name: string }) => s.name).sort()).toEqual(['a1', 'a3', 'c1']);
    expect(res.body.servers[0]['OS-EXT-SRV-ATTR:host']).toBeUndefined();
    const b1 = cloud.state().instances.find((i) => i.name === 'b1')!;
    expect((await call(cloud, 'GET', `/compute/v2.1/servers/${b1.uuid}`, { token })).status).toBe(404);
  });

  it('GET /servers/{id} returns one server; unknown ids are 404', async () => {
    const cloud = await startCloud(baseConfig({ instances }));
    const token = await login(cloud);
    const b1 = cloud.state().instances.find((i) => i.name === 'b1')!;
    const res = await call(cloud, 'GET', `/compute/v2.1/servers/${b1.uuid}`, { token, mv: '2.60' });
    expect(res.body.server).toMatchObject({ id: b1.uuid, name: 'b1', status: 'ACTIVE', 'OS-EXT-SRV-ATTR:host': 'cmp-b' });
    const missing = await call(cloud, 'GET', '/compute/v2.1/servers/00000000-0000-4000-8000-000000000000', { token });
    expect(missing.status).toBe(404);
    expect(missing.body.itemNotFound.message).toContain('could not be found');
  });

  it('reports hypervisor capacity below 2.88 and drops it from 2.88', async () => {
    const cloud = await startCloud(baseConfig({ instances }));
    const token = await login(cloud);
    const res = await call(cloud, 'GET', '/compute/v2.1/os-hypervisors/detail', { token, mv: '2.60' });
    const a = res.body.hypervisors.find((h: { hypervisor_hostname: string }) => h.hypervisor_hostname === 'cmp-a');
    expect(a).toMatchObject({ vcpus: 8, vcpus_used: 6, memory_mb: 16384, memory_mb_used: 12288, state: 'up', status: 'enabled', service: { host: 'cmp-a', disabled_reason: null } });
    expect(a.id).toMatch(/^[0-9a-f-]{36}$/);
    const new88 = await call(cloud, 'GET', '/compute/v2.1/os-hypervisors/detail', { token, mv: '2.88' });
    expect(new88.body.hypervisors[0].vcpus).toBeUndefined();
    expect(new88.body.hypervisors[0].service.host).toBeDefined();
  });
});
