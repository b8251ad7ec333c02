// The capacity view reads a provider's inventories and usages again only when Placement's generation for it moved.
import { afterEach, describe, expect, it } from 'vitest';
import { createFakeCloud, type FakeCloud } from '../../../src/lab/cloud/index.js';
import { connectNova, type NovaConnection } from '../../../src/openstack/connect.js';
import { readCapacityView } from '../../../src/steps/capacity-view.js';
import { migrateAway } from '../../../src/steps/live-migration.js';

const clouds: FakeCloud[] = [];
const conns: NovaConnection[] = [];
afterEach(async () => {
  for (const c of conns.splice(0)) c.close();
  for (const c of clouds.splice(0)) await c.close();
});

async function setup() {
  const cloud = createFakeCloud({
    hosts: [{ name: 'src', vcpus: 4, ramMb: 16384 }, { name: 'a', vcpus: 4, ramMb: 16384 }, { name: 'b', vcpus: 8, ramMb: 32768 }],
    users: [{ name: 'admin', password: 'pw', projects: ['admin'], roles: ['admin'] }],
    flavors: [{ name: 'm', vcpus: 2, ramMb: 4096 }], migrationMs: 20, reservedHostMemoryMb: 0,
    instances: [{ name: 'v', host: 'src', flavor: 'm' }, { name: 'w', host: 'a', flavor: 'm' }],
  });
  clouds.push(cloud);
  await cloud.listen(0, '127.0.0.1');
  const connect = () => {
    const conn = connectNova({ name: 'lab', file: 'test', interface: 'public', tls: { verify: true },
      auth: { authUrl: `${cloud.url}/identity/v3`, username: 'admin', password: 'pw', projectName: 'admin', userDomain: { id: 'default' }, projectDomain: { id: 'default' } } },
    { warn: () => undefined });
    conns.push(conn);
    return conn.nova;
  };
  return { cloud, nova: connect(), connect };
}

const perProvider = (cloud: FakeCloud) => cloud.requests().filter((r) => /\/resource_providers\/[^/]+\/(inventories|usages)/.test(r.path)).length;
const rooms = (v: Awaited<ReturnType<typeof readCapacityView>>) => v.nodes.map((n) => [n.host, n.free.VCPU, n.free.MEMORY_MB]).sort();

describe('readCapacityView and Placement generations', () => {
  it('reads nothing per provider when no generation moved, and only the moved providers after a live migration, with the figures a fresh client reads', async () => {
    const { cloud, nova, connect } = await setup();
    const first = await readCapacityView(nova);
    expect(perProvider(cloud), 'the first view reads every provider').toBe(6);
    const again = await readCapacityView(nova);
    expect(perProvider(cloud), 'nothing changed: no provider read again').toBe(6);
    expect(rooms(again)).toEqual(rooms(first));

    const [server] = await nova.listServers({ host: 'src' });
    await migrateAway(nova, server!, 'src', { timeoutMs: 10_000, retries: 0, pollMs: 10 }, new AbortController().signal, false, async () => 'b');
    const after = await readCapacityView(nova);
    // Only src and b changed allocations (the migration's claim and its move): two providers, two documents each.
    expect(perProvider(cloud)).toBe(10);
    expect(rooms(after)).toEqual(rooms(await readCapacityView(connect())));
    expect(rooms(after)).not.toEqual(rooms(first));
  });
});
