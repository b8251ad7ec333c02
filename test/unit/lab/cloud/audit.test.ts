import { describe, expect, it } from 'vitest';
import { baseConfig, call, instanceByName, login, startCloud, waitFor } from './cloud-harness.js';

describe('fake cloud audit of host reboots', () => {
  it('a reboot with only SHUTOFF instances is clean; the service is down until booted', async () => {
    const cloud = await startCloud(baseConfig({ instances: [{ name: 'off', host: 'cmp-a', flavor: 'small', state: 'SHUTOFF' }] }));
    const token = await login(cloud);
    cloud.hostRebooting('cmp-a');
    const svc = await call(cloud, 'GET', '/compute/v2.1/os-services?host=cmp-a&binary=nova-compute', { token, mv: '2.53' });
    expect(svc.body.services[0].state).toBe('down');
    cloud.hostBooted('cmp-a');
    expect(cloud.state().services.find((s) => s.host === 'cmp-a' && s.binary === 'nova-compute')!.state).toBe('up');
    expect(cloud.audit()).toEqual([]);
    expect(instanceByName(cloud, 'off').status).toBe('SHUTOFF');
  });

  it('a reboot holding running instances is audited and those instances are lost (ERROR)', async () => {
    const cloud = await startCloud(baseConfig({ instances: [
      { name: 'run', host: 'cmp-a', flavor: 'small' }, { name: 'off', host: 'cmp-a', flavor: 'small', state: 'SHUTOFF' },
      { name: 'elsewhere', host: 'cmp-b', flavor: 'small' },
    ] }));
    const res = await call(cloud, 'POST', '/_lab/hosts/cmp-a/rebooting');
    expect(res.status).toBe(204);
    const audit = (await call(cloud, 'GET', '/_lab/audit')).body;
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ kind: 'reboot-with-instances', host: 'cmp-a', instances: [instanceByName(cloud, 'run').uuid] });
    expect(Date.parse(audit[0].time)).not.toBeNaN();
    expect(instanceByName(cloud, 'run').status).toBe('ERROR');
    expect(instanceByName(cloud, 'off').status).toBe('SHUTOFF');
    expect(instanceByName(cloud, 'elsewhere').status).toBe('ACTIVE');
    expect(cloud.guestsOn('cmp-a').every((g) => g.state === 'shut off')).toBe(true);
  });

  it('a migration in flight when its target reboots fails and leaves the instance in ERROR', async () => {
    const cloud = await startCloud(baseConfig({
      hosts: [{ name: 'cmp-a', vcpus: 8, ramMb: 16384 }, { name: 'cmp-b', vcpus: 8, ramMb: 16384 }],
      instances: [{ name: 'hang', host: 'cmp-a', flavor: 'small' }],
    }));
    cloud.setFaults({ migrationHangs: ['hang'] });
    const token = await login(cloud);
    const inst = instanceByName(cloud, 'hang');
    await call(cloud, 'POST', `/compute/v2.1/servers/${inst.uuid}/action`, { token, mv: '2.60', body: { 'os-migrateLive': { host: null, block_migration: 'auto' } } });
    await waitFor(() => cloud.state().migrations.find((m) => m.status === 'running'), 'running');
    cloud.hostRebooting('cmp-b');
    const audit = cloud.audit();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ kind: 'migration-interrupted', host: 'cmp-b', instances: [inst.uuid] });
    expect(audit[0]!.detail).toContain('target');
    expect(cloud.state().migrations[0]!.status).toBe('error');
    expect(instanceByName(cloud, 'hang')).toMatchObject({ status: 'ERROR', host: 'cmp-a' });
  });

  it('a migration in flight when its source reboots is audited once, as interrupted', async () => {
    const cloud = await startCloud(baseConfig({ migrationMs: 5000, instances: [{ name: 'mover', host: 'cmp-a', flavor: 'small' }] }));
    const token = await login(cloud);
    const inst = instanceByName(cloud, 'mover');
    await call(cloud, 'POST', `/compute/v2.1/servers/${inst.uuid}/action`, { token, mv: '2.60', body: { 'os-migrateLive': { host: null, block_migration: 'auto' } } });
    // The conductor creates the record after the 202; the reboot comes once it exists.
    await waitFor(() => cloud.state().migrations[0], 'the migration record');
    cloud.hostRebooting('cmp-a');
    expect(cloud.audit().map((a) => [a.kind, a.host])).toEqual([['migration-interrupted', 'cmp-a']]);
    expect(instanceByName(cloud, 'mover').status).toBe('ERROR');
  });
});
