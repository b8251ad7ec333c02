// Fixed hosts first: the picker names a remediated host with room by Placement, else leaves the choice to the scheduler.
import { afterEach, describe, expect, it } from 'vitest';
import { createFakeCloud, type FakeCloud, type FakeCloudConfig } from '../../../src/lab/cloud/index.js';
import { connectNova, type NovaConnection } from '../../../src/openstack/connect.js';
import { createTargetPicker } from '../../../src/steps/migration-target.js';
import { migrateAway } from '../../../src/steps/live-migration.js';

const clouds: FakeCloud[] = [];
const conns: NovaConnection[] = [];
afterEach(async () => {
  for (const c of conns.splice(0)) c.close();
  for (const c of clouds.splice(0)) await c.close();
});

async function setup(extra: Partial<FakeCloudConfig>, maxMicroversion?: string) {
  const cloud = createFakeCloud({
    hosts: [{ name: 'src', vcpus: 4, ramMb: 16384 }, { name: 'fixed', vcpus: 4, ramMb: 16384 }, { name: 'roomy', vcpus: 64, ramMb: 262144 }],
    users: [{ name: 'admin', password: 'pw', projects: ['admin'], roles: ['admin'] }],
    flavors: [{ name: 'm', vcpus: 2, ramMb: 4096 }], migrationMs: 30, reservedHostMemoryMb: 0, ...extra,
  });
  clouds.push(cloud);
  await cloud.listen(0, '127.0.0.1');
  const conn = connectNova({ name: 'lab', file: 'test', interface: 'public', tls: { verify: true },
    auth: { authUrl: `${cloud.url}/identity/v3`, username: 'admin', password: 'pw', projectName: 'admin', userDomain: { id: 'default' }, projectDomain: { id: 'default' } } },
  { warn: () => undefined, ...(maxMicroversion ? { maxMicroversion } : {}) });
  conns.push(conn);
  return { cloud, nova: conn.nova };
}

const policy = { timeoutMs: 10_000, retries: 1, pollMs: 10 };

describe('createTargetPicker', () => {
  it('names the remediated host even when another has more room, and Nova moves the instance there', async () => {
    const { cloud, nova } = await setup({ instances: [{ name: 'v', host: 'src', flavor: 'm' }] });
    const [server] = await nova.listServers({ host: 'src' });
    const pick = createTargetPicker(nova, () => new Set(['fixed', 'src']), 'src');
    expect(await pick(server!)).toBe('fixed');
    expect(await migrateAway(nova, server!, 'src', policy, new AbortController().signal, false, pick)).toBe(1);
    expect(cloud.state().instances[0]!.host).toBe('fixed');
    expect(cloud.state().migrations[0]!.dest).toBe('fixed');
  });

  it('leaves the choice to the scheduler when no remediated host has room, none is known, or Nova is older than 2.30', async () => {
    const { nova } = await setup({ cpuAllocationRatio: 1, instances: [{ name: 'v', host: 'src', flavor: 'm' },
      { name: 'f1', host: 'fixed', flavor: 'm' }, { name: 'f2', host: 'fixed', flavor: 'm' }] });
    const [server] = await nova.listServers({ host: 'src' });
    expect(await createTargetPicker(nova, () => new Set(['fixed']), 'src')(server!)).toBeNull();
    expect(await createTargetPicker(nova, () => new Set(), 'src')(server!)).toBeNull();
    const old = await setup({ instances: [{ name: 'v', host: 'src', flavor: 'm' }] }, '2.29');
    const [s2] = await old.nova.listServers({ host: 'src' });
    expect(await createTargetPicker(old.nova, () => new Set(['fixed']), 'src')(s2!)).toBeNull();
  });

  it('a named host Nova refuses is followed by a scheduler pick, without using up a retry', async () => {
    const { cloud, nova } = await setup({ instances: [{ name: 'v', host: 'src', flavor: 'm' }] });
    const [server] = await nova.listServers({ host: 'src' });
    // The picker's choice went stale: the operator cordoned it meanwhile.
    cloud.setServiceStatusAs('fixed', 'disabled', 'operator', 'cordoned');
    const attempts = await migrateAway(nova, server!, 'src', { ...policy, retries: 0 }, new AbortController().signal, false, async () => 'fixed');
    expect(attempts).toBe(1);
    expect(cloud.state().migrations.map((m) => [m.dest, m.status])).toEqual([['fixed', 'error'], ['roomy', 'completed']]);
  });
});

describe('a named host Nova refuses', () => {
  it('is taken out of the picks and another remediated host is named before the scheduler chooses', async () => {
    const { cloud, nova } = await setup({ instances: [{ name: 'v', host: 'src', flavor: 'm' }] });
    const [server] = await nova.listServers({ host: 'src' });
    const pick = createTargetPicker(nova, () => new Set(['fixed', 'roomy']), 'src');
    // Warm the picker's figures, then make its first choice (roomy, the most free RAM) stale: cordoned meanwhile.
    expect(await pick({ ...server!, id: 'warm' })).toBe('roomy');
    cloud.setServiceStatusAs('roomy', 'disabled', 'operator', 'cordoned');
    expect(await migrateAway(nova, server!, 'src', { ...policy, retries: 0 }, new AbortController().signal, false, pick)).toBe(1);
    expect(cloud.state().migrations.map((m) => [m.dest, m.status])).toEqual([['roomy', 'error'], ['fixed', 'completed']]);
  });

  it('is never named twice for one instance: a picker that insists is overruled by the scheduler', async () => {
    const { cloud, nova } = await setup({ instances: [{ name: 'v', host: 'src', flavor: 'm' }] });
    const [server] = await nova.listServers({ host: 'src' });
    cloud.setServiceStatusAs('fixed', 'disabled', 'operator', 'cordoned');
    const asked: (string | undefined)[] = [];
    await migrateAway(nova, server!, 'src', { ...policy, retries: 0 }, new AbortController().signal, false, async (_s, refused) => {
      asked.push(refused);
      return 'fixed';
    });
    expect(asked).toEqual([undefined, 'fixed']);
    expect(cloud.state().migrations.map((m) => [m.dest, m.status])).toEqual([['fixed', 'error'], ['roomy', 'completed']]);
  });
});

describe('createTargetPicker reads Placement once per drain', () => {
  it('answers later picks from what it read, minus what earlier picks took; reads again when more hosts are remediated or the figures age', async () => {
    const { cloud, nova } = await setup({ ramAllocationRatio: 1, instances: [
      { name: 'a', host: 'src', flavor: 'm' }, { name: 'b', host: 'src', flavor: 'm' }, { name: 'c', host: 'src', flavor: 'm' },
      { name: 'f1', host: 'fixed', flavor: 'm' }, { name: 'f2', host: 'fixed', flavor: 'm' }] });
    const servers = await nova.listServers({ host: 'src' });
    let clock = 0;
    const remediated = new Set(['fixed']);
    const pick = createTargetPicker(nova, () => remediated, 'src', () => clock);
    const placementReads = () => cloud.requests().filter((r) => r.path.includes('/placement/resource_providers')).length;
    // 'fixed' has 16 GiB at 1:1 with 8 GiB used, and each flavor takes 4 GiB: two picks fit, the third would overcommit it.
    expect(await pick(servers[0]!)).toBe('fixed');
    const afterFirst = placementReads();
    expect(afterFirst).toBeGreaterThan(0);
    expect(await pick(servers[1]!)).toBe('fixed');
    expect(await pick(servers[2]!)).toBeNull();
    expect(placementReads(), 'the second and third picks read nothing').toBe(afterFirst);
    // A newly remediated host is a reason to read again, and so is age.
    remediated.add('roomy');
    expect(await pick(servers[2]!)).toBe('roomy');
    const afterGrowth = placementReads();
    expect(afterGrowth).toBeGreaterThan(afterFirst);
    clock += 61_000;
    await pick(servers[2]!);
    expect(placementReads()).toBeGreaterThan(afterGrowth);
  });
});
