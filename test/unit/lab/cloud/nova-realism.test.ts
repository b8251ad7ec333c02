// The fake Nova against real Nova's rules: the record after the 202, one live migration per source host, abort rules.
import { describe, expect, it } from 'vitest';
import { baseConfig, call, instanceByName, login, startCloud, waitFor } from './cloud-harness.js';

const migrateBody = (host: string | null) => ({ 'os-migrateLive': { host, block_migration: 'auto' } });

describe('fake Nova behaves like real Nova', () => {
  it('creates the migration record after the 202, not inside the POST (2.34+: the conductor is cast to)', async () => {
    const cloud = await startCloud(baseConfig({ migrationMs: 200, instances: [{ name: 'web', host: 'cmp-a', flavor: 'small' }] }));
    const token = await login(cloud);
    const web = instanceByName(cloud, 'web');
    const statuses: string[] = [];
    let answeredBeforeRecord: boolean | undefined;
    cloud.on('migration-status', (m) => {
      statuses.push(m.status);
      // The request log gets the POST when its answer is written: it must already be there when the record appears.
      answeredBeforeRecord ??= cloud.requests().some((r) => r.method === 'POST' && r.path.endsWith('/action') && r.status === 202);
    });
    const res = await call(cloud, 'POST', `/compute/v2.1/servers/${web.uuid}/action`, { token, mv: '2.60', body: migrateBody(null) });
    expect(res.status).toBe(202);
    await waitFor(() => cloud.state().migrations.find((m) => m.status === 'completed'), 'completed');
    expect(statuses).toEqual(['accepted', 'queued', 'preparing', 'running', 'post-migrating', 'completed']);
    expect(answeredBeforeRecord).toBe(true);
  });

  it('before 2.34 the record exists when the POST answers (the conductor was called, not cast to)', async () => {
    const cloud = await startCloud(baseConfig({ migrationMs: 200, instances: [{ name: 'web', host: 'cmp-a', flavor: 'small' }] }));
    const token = await login(cloud);
    const web = instanceByName(cloud, 'web');
    let answeredBeforeRecord: boolean | undefined;
    cloud.on('migration-status', () => {
      answeredBeforeRecord ??= cloud.requests().some((r) => r.method === 'POST' && r.path.endsWith('/action'));
    });
    const body = { 'os-migrateLive': { host: null, block_migration: false, disk_over_commit: false } };
    expect((await call(cloud, 'POST', `/compute/v2.1/servers/${web.uuid}/action`, { token, mv: '2.24', body })).status).toBe(202);
    expect(answeredBeforeRecord).toBe(false);
  });

  it('runs one live migration at a time per source host and queues the rest (max_concurrent_live_migrations=1)', async () => {
    const cloud = await startCloud(baseConfig({
      migrationMs: 150,
      instances: [{ name: 'a1', host: 'cmp-a', flavor: 'small' }, { name: 'a2', host: 'cmp-a', flavor: 'small' }, { name: 'b1', host: 'cmp-b', flavor: 'small' }],
    }));
    const token = await login(cloud);
    let maxPerHost = 0;
    let sawQueuedWhileOtherRuns = false;
    cloud.on('migration-status', () => {
      const active = cloud.state().migrations.filter((m) => ['preparing', 'running', 'post-migrating'].includes(m.status));
      const perHost = new Map<string, number>();
      for (const m of active) perHost.set(m.source, (perHost.get(m.source) ?? 0) + 1);
      maxPerHost = Math.max(maxPerHost, ...perHost.values(), 0);
      if (active.some((m) => m.source === 'cmp-a') && cloud.state().migrations.some((m) => m.source === 'cmp-a' && m.status === 'queued')) sawQueuedWhileOtherRuns = true;
    });
    for (const name of ['a1', 'a2', 'b1']) {
      const r = await call(cloud, 'POST', `/compute/v2.1/servers/${instanceByName(cloud, name).uuid}/action`, { token, mv: '2.60', body: migrateBody(null) });
      expect(r.status).toBe(202);
    }
    await waitFor(() => (cloud.state().migrations.filter((m) => m.status === 'completed').length === 3 ? true : undefined), 'three completed');
    expect(maxPerHost).toBe(1);
    expect(sawQueuedWhileOtherRuns).toBe(true);
  });

  it('abort: 400 with Nova\'s words unless running; queued and preparing only from 2.65; 404 for another instance\'s migration', async () => {
    const cloud = await startCloud(baseConfig({
      migrationMs: 400,
      instances: [{ name: 'first', host: 'cmp-a', flavor: 'small' }, { name: 'second', host: 'cmp-a', flavor: 'small' }],
    }));
    const token = await login(cloud);
    cloud.setFaults({ migrationHangs: ['first'] });
    const first = instanceByName(cloud, 'first');
    const second = instanceByName(cloud, 'second');
    for (const i of [first, second]) await call(cloud, 'POST', `/compute/v2.1/servers/${i.uuid}/action`, { token, mv: '2.60', body: migrateBody(null) });
    const running = await waitFor(() => cloud.state().migrations.find((m) => m.instanceUuid === first.uuid && m.status === 'running'), 'running');
    const queued = await waitFor(() => cloud.state().migrations.find((m) => m.instanceUuid === second.uuid && m.status === 'queued'), 'queued');
    const old = await call(cloud, 'DELETE', `/compute/v2.1/servers/${second.uuid}/migrations/${queued.id}`, { token, mv: '2.64' });
    expect(old.status).toBe(400);
    expect(old.body.badRequest.message).toBe(`Migration ${queued.id} state of instance ${second.uuid} is queued. Cannot abort live migration while the migration is in this state.`);
    const other = await call(cloud, 'DELETE', `/compute/v2.1/servers/${second.uuid}/migrations/${running.id}`, { token, mv: '2.65' });
    expect(other.status).toBe(404);
    expect(other.body.itemNotFound.message).toBe(`Migration ${running.id} not found for instance ${second.uuid}`);
    expect((await call(cloud, 'DELETE', `/compute/v2.1/servers/${second.uuid}/migrations/${queued.id}`, { token, mv: '2.65' })).status).toBe(202);
    expect(cloud.state().migrations.find((m) => m.id === queued.id)!.status).toBe('cancelled');
    expect((await call(cloud, 'DELETE', `/compute/v2.1/servers/${first.uuid}/migrations/${running.id}`, { token, mv: '2.24' })).status).toBe(202);
    const again = await call(cloud, 'DELETE', `/compute/v2.1/servers/${first.uuid}/migrations/${running.id}`, { token, mv: '2.65' });
    expect(again.status).toBe(409);
    expect(again.body.conflictingRequest.message).toBe(`Instance ${first.uuid} is in an invalid state for 'abort live migration'`);
    expect(instanceByName(cloud, 'second')).toMatchObject({ host: 'cmp-a', status: 'ACTIVE', taskState: null });
  });

  it('keeps an instance booted into a zone in that zone and shows the pin from 2.96', async () => {
    const cloud = await startCloud(baseConfig({
      hosts: [{ name: 'cmp-a', az: 'az1' }, { name: 'cmp-b', az: 'az2', ramMb: 262144 }, { name: 'cmp-c', az: 'az1' }],
      instances: [{ name: 'pinned', host: 'cmp-a', flavor: 'small', availabilityZone: 'az1' }, { name: 'free', host: 'cmp-a', flavor: 'small' }],
    }));
    const token = await login(cloud);
    for (const name of ['pinned', 'free']) {
      await call(cloud, 'POST', `/compute/v2.1/servers/${instanceByName(cloud, name).uuid}/action`, { token, mv: '2.60', body: migrateBody(null) });
    }
    await waitFor(() => (cloud.state().migrations.filter((m) => m.status === 'completed').length === 2 ? true : undefined), 'two completed');
    // The RAM weigher prefers cmp-b (most free memory), which only the unpinned instance may use.
    expect(instanceByName(cloud, 'pinned').host).toBe('cmp-c');
    expect(instanceByName(cloud, 'free').host).toBe('cmp-b');
    const show = async (name: string, mv: string) => (await call(cloud, 'GET', `/compute/v2.1/servers/${instanceByName(cloud, name).uuid}`, { token, mv })).body.server;
    expect((await show('pinned', '2.96')).pinned_availability_zone).toBe('az1');
    expect((await show('free', '2.96')).pinned_availability_zone).toBeNull();
    expect(await show('pinned', '2.95')).not.toHaveProperty('pinned_availability_zone');
  });
});
