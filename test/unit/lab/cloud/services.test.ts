import { describe, expect, it } from 'vitest';
import { MEMBER, OPERATOR, baseConfig, call, login, startCloud } from './cloud-harness.js';

const MV = '2.53';

async function setup() {
  const cloud = await startCloud(baseConfig());
  const token = await login(cloud);
  const list = await call(cloud, 'GET', '/compute/v2.1/os-services?binary=nova-compute&host=cmp-b', { token, mv: MV });
  const svc = list.body.services[0];
  return { cloud, token, svc, put: (id: string, body: unknown, t = token) => call(cloud, 'PUT', `/compute/v2.1/os-services/${id}`, { token: t, mv: MV, body }) };
}

describe('fake Nova os-services', () => {
  it('lists services with binary and host filters', async () => {
    const { cloud, token, svc } = await setup();
    expect(svc).toMatchObject({ binary: 'nova-compute', host: 'cmp-b', status: 'enabled', state: 'up', disabled_reason: null, forced_down: false });
    const all = await call(cloud, 'GET', '/compute/v2.1/os-services', { token, mv: MV });
    expect(all.body.services.map((s: { binary: string }) => s.binary)).toContain('nova-scheduler');
    const computes = await call(cloud, 'GET', '/compute/v2.1/os-services?binary=nova-compute', { token, mv: MV });
    expect(computes.body.services).toHaveLength(3);
  });

  it('disables with a reason and enables again (2.53), clearing the reason', async () => {
    const { cloud, svc, put } = await setup();
    const off = await put(svc.id, { status: 'disabled', disabled_reason: 'mds maintenance' });
    expect(off.status).toBe(200);
    expect(off.body.service).toMatchObject({ id: svc.id, status: 'disabled', disabled_reason: 'mds maintenance' });
    const on = await put(svc.id, { status: 'enabled' });
    expect(on.body.service).toMatchObject({ status: 'enabled', disabled_reason: null });
    expect(cloud.audit()).toEqual([]);
  });

  it('applies the 2.53 validation rules with 400s', async () => {
    const { cloud, token, put, svc } = await setup();
    const cases: [string, unknown, string][] = [
      [svc.id, { status: 'enabled', disabled_reason: 'x' }, "Specifying 'disabled_reason' with status 'enabled' is invalid."],
      [svc.id, {}, "No updates were requested. Fields 'status' or 'forced_down' should be specified."],
      [svc.id, { disabled_reason: 'only a reason' }, 'No updates were requested'],
      [svc.id, { status: 'disabled', host: 'cmp-b' }, 'Additional properties are not allowed'],
      [svc.id, { status: 'off' }, 'is not one of'],
      [svc.id, { status: 'disabled', disabled_reason: '' }, 'disabled_reason'],
      [svc.id, { status: 'disabled', disabled_reason: 'x'.repeat(256) }, 'disabled_reason'],
      ['42', { status: 'disabled' }, 'Invalid uuid 42'],
    ];
    for (const [id, body, message] of cases) {
      const res = await put(id, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.badRequest.message).toContain(message);
    }
    const scheduler = (await call(cloud, 'GET', '/compute/v2.1/os-services?binary=nova-scheduler', { token, mv: MV })).body.services[0];
    const notCompute = await put(scheduler.id, { status: 'disabled' });
    expect(notCompute.status).toBe(400);
    expect(notCompute.body.badRequest.message).toContain('Only nova-compute services can be updated.');
    const missing = await put('00000000-0000-4000-8000-000000000000', { status: 'disabled' });
    expect(missing.status).toBe(404);
    expect(cloud.state().services.find((s) => s.host === 'cmp-b')!.status).toBe('enabled');
  });

  it('serves the legacy disable-log-reason / enable actions below 2.53 and rejects them at 2.53', async () => {
    const { cloud, token } = await setup();
    const off = await call(cloud, 'PUT', '/compute/v2.1/os-services/disable-log-reason', {
      token, mv: '2.52', body: { host: 'cmp-a', binary: 'nova-compute', disabled_reason: 'legacy' } });
    expect(off.status).toBe(200);
    expect(off.body.service).toEqual({ host: 'cmp-a', binary: 'nova-compute', status: 'disabled', disabled_reason: 'legacy' });
    const noReason = await call(cloud, 'PUT', '/compute/v2.1/os-services/disable-log-reason', {
      token, mv: '2.52', body: { host: 'cmp-a', binary: 'nova-compute' } });
    expect(noReason.status).toBe(400);
    const on = await call(cloud, 'PUT', '/compute/v2.1/os-services/enable', { token, mv: '2.52', body: { host: 'cmp-a', binary: 'nova-compute' } });
    expect(on.body.service.status).toBe('enabled');
    const modern = await call(cloud, 'PUT', '/compute/v2.1/os-services/enable', { token, mv: MV, body: { host: 'cmp-a', binary: 'nova-compute' } });
    expect(modern.status).toBe(400);
    const unknownAction = await call(cloud, 'PUT', '/compute/v2.1/os-services/reboot', { token, mv: '2.52', body: {} });
    expect(unknownAction.status).toBe(404);
  });

  it('is admin-only', async () => {
    const { cloud } = await setup();
    const member = await login(cloud, MEMBER, 'demo');
    const res = await call(cloud, 'GET', '/compute/v2.1/os-services', { token: member, mv: MV });
    expect(res.status).toBe(403);
    expect(res.body.forbidden.message).toContain('os-services');
  });

  it('audits an enable by a different user than the one who disabled', async () => {
    const { cloud, svc, put } = await setup();
    const operator = await login(cloud, OPERATOR);
    expect((await put(svc.id, { status: 'disabled', disabled_reason: 'operator: bad DIMM' }, operator)).status).toBe(200);
    expect(cloud.state().services.find((s) => s.host === 'cmp-b')!.disabledBy).toBe('operator');
    expect((await put(svc.id, { status: 'enabled' })).status).toBe(200);
    const audit = cloud.audit();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ kind: 'enabled-by-other-user', host: 'cmp-b' });
    expect(audit[0]!.detail).toContain('operator');
    expect(audit[0]!.detail).toContain('mds-orchestrate');
  });

  it('a lab-side operator disable is attributed to that user and audited when the tool enables it', async () => {
    const { cloud, token } = await setup();
    const res = await call(cloud, 'POST', '/_lab/services/cmp-c/disable', { body: { user: 'operator', reason: 'hands off' } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'disabled', disabledBy: 'operator', disabledReason: 'hands off' });
    const listed = await call(cloud, 'GET', '/compute/v2.1/os-services?host=cmp-c&binary=nova-compute', { token, mv: MV });
    expect(listed.body.services[0].disabled_reason).toBe('hands off');
    await call(cloud, 'PUT', '/compute/v2.1/os-services/enable', { token, mv: '2.40', body: { host: 'cmp-c', binary: 'nova-compute' } });
    expect(cloud.audit().map((a) => a.kind)).toEqual(['enabled-by-other-user']);
  });
});
