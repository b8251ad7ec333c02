import { describe, expect, it } from 'vitest';
import type { GuestInfo } from '../../../../src/lab/cloud/index.js';
import { baseConfig, call, instanceByName, login, startCloud, waitFor } from './cloud-harness.js';

const migrateBody = (host: string | null) => ({ 'os-migrateLive': { host, block_migration: 'auto' } });

async function migrationOf(cloud: Awaited<ReturnType<typeof startCloud>>, uuid: string, status: string[]) {
  return waitFor(() => cloud.state().migrations.find((m) => m.instanceUuid === uuid && status.includes(m.status)), `migration ${status.join('|')}`);
}

describe('fake Nova live migration', () => {
  it('moves an instance, updates hypervisor usage, keeps mdClear and emits guests-changed for both hosts', async () => {
    const events: [string, GuestInfo[]][] = [];
    const cloud = await startCloud(baseConfig({
      hosts: [{ name: 'cmp-a', vcpus: 8, ramMb: 16384 }, { name: 'cmp-b', vcpus: 8, ramMb: 16384 }],
      instances: [{ name: 'web', host: 'cmp-a', flavor: 'small' }],
    }), { guestCpuProbe: (h) => h === 'cmp-a', guestsChanged: (h, g) => events.push([h, g]) });
    const token = await login(cloud);
    const web = instanceByName(cloud, 'web');
    expect(web.mdClear).toBe(true);
    const res = await call(cloud, 'POST', `/compute/v2.1/servers/${web.uuid}/action`, { token, mv: '2.60', body: migrateBody(null) });
    expect(res.status).toBe(202);
    expect(res.body).toBeUndefined();
    const during = await call(cloud, 'GET', `/compute/v2.1/servers/${web.uuid}`, { token, mv: '2.60' });
    expect(during.body.server).toMatchObject({ status: 'MIGRATING', 'OS-EXT-STS:task_state': 'migrating' });
    const seen = new Set<string>();
    await waitFor(async () => {
      const r = await call(cloud, 'GET', `/compute/v2.1/os-migrations?instance_uuid=${web.uuid}&migration_type=live-migration`, { token, mv: '2.60' });
      const st = r.body.migrations[0]?.status as string | undefined;
      if (st) seen.add(st);
      return st === 'completed' ? st : undefined;
    }, 'completed');
    expect(seen.has('completed')).toBe(true);
    const after = (await call(cloud, 'GET', `/compute/v2.1/servers/${web.uuid}`, { token, mv: '2.60' })).body.server;
    expect(after).toMatchObject({ status: 'ACTIVE', 'OS-EXT-SRV-ATTR:host': 'cmp-b', 'OS-EXT-STS:task_state': null });
    expect(instanceByName(cloud, 'web').mdClear).toBe(true); // the CPU model travels as-is, even to a host that would not expose md-clear
    const hv = (await call(cloud, 'GET', '/compute/v2.1/os-hypervisors/detail', { token, mv: '2.60' })).body.hypervisors;
    const used = Object.fromEntries(hv.map((h: { hypervisor_hostname: string; vcpus_used: number; memory_mb_used: number }) => [h.hypervisor_hostname, [h.vcpus_used, h.memory_mb_used]]));
    expect(used).toEqual({ 'cmp-a': [0, 0], 'cmp-b': [2, 4096] });
    expect(events.find(([h]) => h === 'cmp-a')![1]).toEqual([]);
    expect(events.find(([h]) => h === 'cmp-b')![1]).toEqual([{ uuid: web.uuid, name: 'web', state: 'running', mdClear: true }]);
    expect(cloud.audit()).toEqual([]);
  });

  it('answers 409 for a second migration of a migrating instance and for a SHUTOFF one', async () => {
    const cloud = await startCloud(baseConfig({
      migrationMs: 2000,
      instances: [{ name: 'busy', host: 'cmp-a', flavor: 'small' }, { name: 'off', host: 'cmp-a', flavor: 'small', state: 'SHUTOFF' }],
    }));
    const token = await login(cloud);
    const busy = instanceByName(cloud, 'busy');
    expect((await call(cloud, 'POST', `/compute/v2.1/servers/${busy.uuid}/action`, { token, mv: '2.60', body: migrateBody(null) })).status).toBe(202);
    const again = await call(cloud, 'POST', `/compute/v2.1/servers/${busy.uuid}/action`, { token, mv: '2.60', body: migrateBody(null) });
    expect(again.status).toBe(409);
    expect(again.body.conflictingRequest.message).toContain('task_state migrating');
    const off = instanceByName(cloud, 'off');
    const stopped = await call(cloud, 'POST', `/compute/v2.1/servers/${off.uuid}/action`, { token, mv: '2.60', body: migrateBody(null) });
    expect(stopped.status).toBe(409);
    expect(stopped.body.conflictingRequest.message).toContain('vm_state stopped');
    const inProgress = await call(cloud, 'GET', `/compute/v2.1/servers/${busy.uuid}/migrations`, { token, mv: '2.60' });
    expect(inProgress.status).toBe(200);
  });

  it('with no host able to take the flavor the migration errors and the instance stays ACTIVE on the source', async () => {
    const cloud = await startCloud(baseConfig({
      hosts: [{ name: 'cmp-a', vcpus: 8, ramMb: 16384 }, { name: 'cmp-b', vcpus: 8, ramMb: 16384 }],
      instances: [{ name: 'huge', host: 'cmp-a', flavor: 'big' }, { name: 'filler1', host: 'cmp-b', flavor: 'small' }, { name: 'filler2', host: 'cmp-b', flavor: 'small' }],
    }));
    const token = await login(cloud);
    const huge = instanceByName(cloud, 'huge');
    expect((await call(cloud, 'POST', `/compute/v2.1/servers/${huge.uuid}/action`, { token, mv: '2.60', body: migrateBody(null) })).status).toBe(202);
    const m = await migrationOf(cloud, huge.uuid, ['error', 'completed']);
    expect(m.status).toBe('error');
    expect(instanceByName(cloud, 'huge')).toMatchObject({ host: 'cmp-a', status: 'ACTIVE', taskState: null });
  });

  it('the scheduler skips disabled hosts and never picks the source; 2.30+ validates an explicit host the same way', async () => {
    const cloud = await startCloud(baseConfig({ instances: [{ name: 'v1', host: 'cmp-a', flavor: 'small' }, { name: 'v2', host: 'cmp-a', flavor: 'small' }] }));
    const token = await login(cloud);
    cloud.setServiceStatusAs('cmp-b', 'disabled', 'operator', 'broken');
    const v1 = instanceByName(cloud, 'v1');
    await call(cloud, 'POST', `/compute/v2.1/servers/${v1.uuid}/action`, { token, mv: '2.60', body: migrateBody(null) });
    expect((await migrationOf(cloud, v1.uuid, ['completed'])).dest).toBe('cmp-c');
    const v2 = instanceByName(cloud, 'v2');
    await call(cloud, 'POST', `/compute/v2.1/servers/${v2.uuid}/action`, { token, mv: '2.60', body: migrateBody('cmp-b') });
    expect((await migrationOf(cloud, v2.uuid, ['error', 'completed'])).status).toBe('error');
    const unknown = await call(cloud, 'POST', `/compute/v2.1/servers/${v2.uuid}/action`, { token, mv: '2.60', body: migrateBody('nowhere') });
    expect(unknown.status).toBe(400);
  });

  it('before 2.30 a named host bypasses the scheduler; before 2.34 a failed pre-check is the call\'s 400', async () => {
    const cloud = await startCloud(baseConfig({ instances: [{ name: 'v1', host: 'cmp-a', flavor: 'small' }, { name: 'v2', host: 'cmp-a', flavor: 'big' }] }));
    const token = await login(cloud);
    cloud.setServiceStatusAs('cmp-b', 'disabled', 'operator', 'testing');
    const v1 = instanceByName(cloud, 'v1');
    const forced = await call(cloud, 'POST', `/compute/v2.1/servers/${v1.uuid}/action`, {
      token, mv: '2.24', body: { 'os-migrateLive': { host: 'cmp-b', block_migration: false, disk_over_commit: false } } });
    expect(forced.status).toBe(202);
    expect((await migrationOf(cloud, v1.uuid, ['completed'])).dest).toBe('cmp-b');
    cloud.setServiceStatusAs('cmp-c', 'disabled', 'operator', 'testing');
    const v2 = instanceByName(cloud, 'v2');
    const noHost = await call(cloud, 'POST', `/compute/v2.1/servers/${v2.uuid}/action`, {
      token, mv: '2.33', body: { 'os-migrateLive': { host: null, block_migration: 'auto' } } });
    expect(noHost.status).toBe(400);
    expect(noHost.body.badRequest.message).toContain('No valid host');
    expect(instanceByName(cloud, 'v2')).toMatchObject({ status: 'ACTIVE', taskState: null, host: 'cmp-a' });
  });

  it('a failure fault ends in status error; a hang fault stays running until aborted', async () => {
    const cloud = await startCloud(baseConfig({ instances: [{ name: 'bad', host: 'cmp-a', flavor: 'small' }, { name: 'stuck', host: 'cmp-a', flavor: 'small' }] }));
    const token = await login(cloud);
    cloud.setFaults({ migrationFailures: ['bad'], migrationHangs: ['stuck'] });
    const bad = instanceByName(cloud, 'bad');
    const stuck = instanceByName(cloud, 'stuck');
    for (const id of [bad.uuid, stuck.uuid]) {
      expect((await call(cloud, 'POST', `/compute/v2.1/servers/${id}/action`, { token, mv: '2.60', body: migrateBody(null) })).status).toBe(202);
    }
    expect((await migrationOf(cloud, bad.uuid, ['error', 'completed'])).status).toBe('error');
    expect(instanceByName(cloud, 'bad')).toMatchObject({ host: 'cmp-a', status: 'ACTIVE' });
    const running = await migrationOf(cloud, stuck.uuid, ['running']);
    const list = await call(cloud, 'GET', `/compute/v2.1/servers/${stuck.uuid}/migrations`, { token, mv: '2.60' });
    expect(list.body.migrations).toHaveLength(1);
    expect(list.body.migrations[0]).toMatchObject({ id: running.id, server_uuid: stuck.uuid, status: 'running', source_compute: 'cmp-a' });
    const del = await call(cloud, 'DELETE', `/compute/v2.1/servers/${stuck.uuid}/migrations/${running.id}`, { token, mv: '2.60' });
    expect(del.status).toBe(202);
    expect(instanceByName(cloud, 'stuck')).toMatchObject({ host: 'cmp-a', status: 'ACTIVE', taskState: null });
    expect(cloud.state().migrations.find((m) => m.id === running.id)!.status).toBe('cancelled');
    const empty = await call(cloud, 'GET', `/compute/v2.1/servers/${stuck.uuid}/migrations`, { token, mv: '2.60' });
    expect(empty.body.migrations).toEqual([]);
  });

  it('os-migrations filters by host and, from 2.59, rejects unknown query parameters', async () => {
    const cloud = await startCloud(baseConfig({ instances: [{ name: 'v1', host: 'cmp-a', flavor: 'small' }] }));
    const token = await login(cloud);
    const v1 = instanceByName(cloud, 'v1');
    await call(cloud, 'POST', `/compute/v2.1/servers/${v1.uuid}/action`, { token, mv: '2.60', body: migrateBody(null) });
    await migrationOf(cloud, v1.uuid, ['completed']);
    const byHost = await call(cloud, 'GET', '/compute/v2.1/os-migrations?host=cmp-a', { token, mv: '2.80' });
    expect(byHost.body.migrations).toHaveLength(1);
    expect(byHost.body.migrations[0]).toMatchObject({ instance_uuid: v1.uuid, migration_type: 'live-migration', source_compute: 'cmp-a', status: 'completed' });
    expect(byHost.body.migrations[0].uuid).toBeDefined();
    expect(byHost.body.migrations[0].user_id).toBeDefined();
    expect((await call(cloud, 'GET', '/compute/v2.1/os-migrations?host=cmp-c&status=running', { token, mv: '2.80' })).body.migrations).toEqual([]);
    expect((await call(cloud, 'GET', '/compute/v2.1/os-migrations?bogus=1', { token, mv: '2.59' })).status).toBe(400);
    expect((await call(cloud, 'GET', '/compute/v2.1/os-migrations?bogus=1', { token, mv: '2.58' })).status).toBe(200);
  });
});
