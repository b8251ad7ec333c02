import { describe, expect, it } from 'vitest';
import type { GuestInfo } from '../../../../src/lab/cloud/index.js';
import { baseConfig, call, instanceByName, login, startCloud, waitFor } from './cloud-harness.js';

describe('fake Nova os-stop / os-start', () => {
  it('stops ACTIVE to SHUTOFF and starts it again, re-probing md-clear at the cold boot', async () => {
    let exposes = false;
    const events: [string, GuestInfo[]][] = [];
    const cloud = await startCloud(baseConfig({ instances: [{ name: 'g', host: 'cmp-a', flavor: 'small' }] }),
      { guestCpuProbe: () => exposes, guestsChanged: (h, g) => events.push([h, g]) });
    const token = await login(cloud);
    const g = instanceByName(cloud, 'g');
    expect(g.mdClear).toBe(false);
    expect((await call(cloud, 'POST', `/compute/v2.1/servers/${g.uuid}/action`, { token, body: { 'os-stop': null } })).status).toBe(202);
    await waitFor(() => (instanceByName(cloud, 'g').status === 'SHUTOFF' ? true : undefined), 'SHUTOFF');
    expect(events.at(-1)).toEqual(['cmp-a', [{ uuid: g.uuid, name: 'g', state: 'shut off', mdClear: false }]]);
    exposes = true;
    expect((await call(cloud, 'POST', `/compute/v2.1/servers/${g.uuid}/action`, { token, body: { 'os-start': null } })).status).toBe(202);
    await waitFor(() => (instanceByName(cloud, 'g').status === 'ACTIVE' ? true : undefined), 'ACTIVE');
    expect(instanceByName(cloud, 'g')).toMatchObject({ mdClear: true, powerState: 1, taskState: null });
    expect(events.at(-1)![1][0]).toMatchObject({ state: 'running', mdClear: true });
  });

  it('answers 409 on the wrong state and while an action is in progress; ERROR can be stopped', async () => {
    const cloud = await startCloud(baseConfig({
      powerActionMs: 2000,
      instances: [{ name: 'on', host: 'cmp-a', flavor: 'small' }, { name: 'off', host: 'cmp-a', flavor: 'small', state: 'SHUTOFF' },
        { name: 'err', host: 'cmp-b', flavor: 'small', state: 'ERROR' }, { name: 'paused', host: 'cmp-b', flavor: 'small', state: 'PAUSED' }],
    }));
    const token = await login(cloud);
    const act = (name: string, action: string) => call(cloud, 'POST', `/compute/v2.1/servers/${instanceByName(cloud, name).uuid}/action`, { token, body: { [action]: null } });
    expect((await act('on', 'os-start')).status).toBe(409);
    expect((await act('off', 'os-stop')).status).toBe(409);
    expect((await act('paused', 'os-stop')).status).toBe(409);
    expect((await act('on', 'os-stop')).status).toBe(202);
    const busy = await act('on', 'os-stop');
    expect(busy.status).toBe(409);
    expect(busy.body.conflictingRequest.message).toContain('task_state powering-off');
    expect((await act('err', 'os-stop')).status).toBe(202);
    expect((await act('on', 'os-nonsense')).status).toBe(400);
  });
});
