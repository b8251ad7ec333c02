// refreshGuestLists: after a run, finished hosts list the guests that later drains moved onto them; others are left as they were.
import { describe, expect, it } from 'vitest';
import { refreshGuestLists } from '../../../src/cli/guests-refresh.js';
import type { HostSpec } from '../../../src/inventory/types.js';
import type { NovaApi, Server } from '../../../src/openstack/types.js';
import type { HostReport, Report } from '../../../src/report/model.js';
import type { Transport } from '../../../src/transport/types.js';
import { hostFacts } from '../../helpers/host-facts.js';

const U1 = '11111111-1111-4111-8111-111111111111';
const U2 = '22222222-2222-4222-8222-222222222222';
const U3 = '33333333-3333-4333-8333-333333333333';

function hostReport(name: string, status: HostReport['status'], guests: HostReport['guestsNeedingColdBoot'] = []): HostReport {
  return {
    name, address: name, novaHost: name, availabilityZone: null, aggregate: null, status,
    steps: [{ id: 'guests', status: 'ok', changes: [], notes: [], durationMs: 1 }],
    checks: [], rebootReasons: [], packagesBelowMinimum: [], guestsNeedingColdBoot: guests, warnings: [],
  };
}

function server(id: string, name: string, host: string): Server {
  return { id, name, status: 'ACTIVE', host, taskState: null, vmState: 'active', projectId: 'p1', flavor: null };
}

describe('refreshGuestLists', () => {
  it('replaces the lists of finished hosts, skips failed ones, keeps the old list (with a warning) where a host cannot be read', async () => {
    const report = {
      summary: { guestsNeedingColdBoot: 1 },
      hosts: [hostReport('a', 'changed'), hostReport('b', 'failed'), hostReport('c', 'ok', [{ uuid: U3, name: 'vm-3', host: 'c', projectId: null }])],
    } as unknown as Report;
    const specs = ['a', 'b', 'c'].map((n) => ({ name: n, address: n, novaHost: n, vars: {} }) as unknown as HostSpec);
    const opened: string[] = [];
    const closed: string[] = [];
    const transportFactory = (h: HostSpec): Transport => ({
      host: h.name,
      connect: async () => {
        opened.push(h.name);
        if (h.name === 'c') throw new Error('connection refused');
      },
      close: async () => { closed.push(h.name); },
    }) as unknown as Transport;
    const gatherFacts = async () => hostFacts({
      guests: [
        { uuid: U1, name: 'instance-00000001', state: 'running', mdClear: false },
        { uuid: U2, name: 'instance-00000002', state: 'running', mdClear: true },
      ],
    });
    const nova = { listServers: async () => [server(U1, 'vm-1', 'a'), server(U2, 'vm-2', 'a')] } as unknown as NovaApi;
    const warnings: string[] = [];

    await refreshGuestLists(report, {
      hosts: specs, transportFactory, gatherFacts, nova, forks: 2, signal: new AbortController().signal,
      warn: (host, message) => warnings.push(`${host}: ${message}`),
    });

    expect(report.hosts[0]!.guestsNeedingColdBoot).toEqual([{ uuid: U1, name: 'vm-1', host: 'a', projectId: 'p1' }]);
    expect(report.hosts[1]!.guestsNeedingColdBoot).toEqual([]);
    expect(report.hosts[2]!.guestsNeedingColdBoot.map((g) => g.name)).toEqual(['vm-3']);
    expect(report.summary.guestsNeedingColdBoot).toBe(2);
    expect(opened.sort()).toEqual(['a', 'c']);
    expect(closed.sort()).toEqual(['a', 'c']);
    expect(warnings).toEqual(['c: could not list the guests again after the run: connection refused']);
  });
});
