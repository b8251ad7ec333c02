// withServerSnapshot: per-host server and compute-service listings answered from one fleet-wide listing, placeholders, retry after a failure.
import { describe, expect, it } from 'vitest';
import { withServerSnapshot } from '../../../src/openstack/server-snapshot.js';
import type { ComputeService, NovaApi, Server } from '../../../src/openstack/types.js';

const srv = (id: string, host: string | null, status = 'ACTIVE'): Server =>
  ({ id, name: `vm-${id}`, status, host, taskState: null, vmState: null, projectId: 'p', flavor: null });

function fakeNova(listing: () => Promise<Server[]>): { nova: NovaApi; calls: { host?: string }[] } {
  const calls: { host?: string }[] = [];
  const unused = () => Promise.reject(new Error('not used by this test'));
  const nova: NovaApi = {
    listComputeServices: unused, setServiceStatus: unused, getServer: unused, listHypervisors: unused, liveMigrate: unused,
    listMigrations: unused, abortLiveMigration: unused, stopServer: unused, startServer: unused,
    listServers: (filter = {}) => {
      calls.push(filter);
      return listing();
    },
  };
  return { nova, calls };
}

describe('withServerSnapshot', () => {
  it('answers every host from one fleet-wide listing, with down-cell placeholders on each', async () => {
    const { nova, calls } = fakeNova(async () => [srv('a', 'cmp1'), srv('b', 'cmp2'), srv('c', 'cmp1'), srv('u', null, 'UNKNOWN'), srv('s', null, 'SHELVED_OFFLOADED')]);
    const snap = withServerSnapshot(nova);
    const [one, two, three] = await Promise.all([snap.listServers({ host: 'cmp1' }), snap.listServers({ host: 'cmp2' }), snap.listServers({ host: 'cmp3' })]);
    expect(one.map((s) => s.id)).toEqual(['a', 'c', 'u']);
    expect(two.map((s) => s.id)).toEqual(['b', 'u']);
    expect(three.map((s) => s.id)).toEqual(['u']);
    expect(calls).toEqual([{}]);
  });

  it('asks again after a failed listing instead of remembering the failure', async () => {
    let n = 0;
    const { nova, calls } = fakeNova(async () => {
      if (n++ === 0) throw new Error('503');
      return [srv('a', 'cmp1')];
    });
    const snap = withServerSnapshot(nova);
    await expect(snap.listServers({ host: 'cmp1' })).rejects.toThrow('503');
    expect((await snap.listServers({ host: 'cmp1' })).map((s) => s.id)).toEqual(['a']);
    expect(calls).toHaveLength(2);
  });

  it('answers each host\'s compute service from one fleet-wide listing, asked again after a failure', async () => {
    const svc = (id: string, host: string): ComputeService =>
      ({ id, binary: 'nova-compute', host, zone: 'nova', status: 'enabled', state: 'up', disabledReason: null });
    const asked: (string | undefined)[] = [];
    let n = 0;
    const { nova } = fakeNova(async () => []);
    nova.listComputeServices = async (host?: string) => {
      asked.push(host);
      if (n++ === 0) throw new Error('503');
      return [svc('1', 'cmp1'), svc('2', 'cmp2'), svc('3', 'CMP1')];
    };
    const snap = withServerSnapshot(nova);
    await expect(snap.listComputeServices('cmp1')).rejects.toThrow('503');
    const [one, two, none] = await Promise.all([snap.listComputeServices('cmp1'), snap.listComputeServices('cmp2'), snap.listComputeServices('cmp9')]);
    expect(one.map((s) => s.id)).toEqual(['1']);
    expect(two.map((s) => s.id)).toEqual(['2']);
    expect(none).toEqual([]);
    // A fleet-wide listing is still the cloud's own, fresh each time.
    expect((await snap.listComputeServices()).map((s) => s.id)).toEqual(['1', '2', '3']);
    expect(asked).toEqual([undefined, undefined, undefined]);
  });
});
