// recheckAfterRun: after a run, finished hosts list the guests that later drains moved onto them; others are left as they were.
import { describe, expect, it } from 'vitest';
import { EngineEvents, type RunSummary } from '../../../src/engine/events.js';
import { recheckAfterRun } from '../../../src/engine/recheck.js';
import type { HostSpec } from '../../../src/inventory/types.js';
import type { NovaApi, Server } from '../../../src/openstack/types.js';
import { ReportBuilder } from '../../../src/report/build.js';
import { guests, guestsParams } from '../../../src/steps/guests.js';
import { verify, verifyParams } from '../../../src/steps/verify.js';
import type { Transport } from '../../../src/transport/types.js';
import { hostFacts } from '../../helpers/host-facts.js';
import { host } from './fixtures.js';

const U1 = '11111111-1111-4111-8111-111111111111';
const U2 = '22222222-2222-4222-8222-222222222222';
const U3 = '33333333-3333-4333-8333-333333333333';

function server(id: string, name: string, on: string): Server {
  return { id, name, status: 'ACTIVE', host: on, taskState: null, vmState: 'active', projectId: 'p1', flavor: null };
}

describe('recheckAfterRun', () => {
  it('replaces the guest lists of finished hosts, skips failed ones, keeps the old list (with a warning) where a host cannot be read', async () => {
    const specs: HostSpec[] = ['a', 'b', 'c'].map((n) => host(n));
    const steps = [{ step: verify, params: verifyParams.parse({}) }, { step: guests, params: guestsParams.parse({}) }];
    const events = new EngineEvents();
    const builder = new ReportBuilder('run', 'r1', null, specs, steps);
    builder.listen(events);
    const result = { a: 'changed', b: 'failed', c: 'ok' } as const;
    for (const h of specs) {
      const listed = h.name === 'c' ? [{ uuid: U3, name: 'vm-3', host: 'c', projectId: null }] : [];
      events.emit({ type: 'step-end', host: h.name, step: 'guests', status: 'ok', diff: { step: 'guests', changes: [], notes: [], findings: [{ kind: 'guests-needing-cold-boot', guests: listed }] }, durationMs: 1 });
      events.emit({ type: 'host-end', host: h.name, result: result[h.name as 'a'], durationMs: 1 });
    }
    const summary = { cancel: null, hosts: specs.map((h) => ({ host: h.name, result: result[h.name as 'a'], changedSteps: [] })) } as unknown as RunSummary;

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
    const checked: string[] = [];

    await recheckAfterRun({
      runId: 'r1', hosts: specs, steps, summary, transportFactory, gatherFacts, nova, forks: 2,
      onStepEnd: (e) => { checked.push(`${e.host}:${e.step}`); builder.recheck(e); },
      warn: (h, message) => builder.warn(h, message),
    });
    const report = builder.finish();

    expect(checked).toEqual(['a:guests']);
    expect(report.hosts[0]!.guestsNeedingColdBoot).toEqual([{ uuid: U1, name: 'vm-1', host: 'a', projectId: 'p1' }]);
    expect(report.hosts[1]!.guestsNeedingColdBoot).toEqual([]);
    expect(report.hosts[2]!.guestsNeedingColdBoot.map((g) => g.name)).toEqual(['vm-3']);
    expect(report.summary.guestsNeedingColdBoot).toBe(2);
    expect(opened.sort()).toEqual(['a', 'c']);
    expect(closed.sort()).toEqual(['a', 'c']);
    expect(report.hosts[2]!.warnings).toEqual(['could not check again after the run (connect): connection refused']);
  });

  it('does nothing after a cancelled run', async () => {
    const specs = [host('a')];
    let connects = 0;
    const transportFactory = (): Transport => ({ connect: async () => { connects++; }, close: async () => {} }) as unknown as Transport;
    const summary = { cancel: 'graceful', hosts: [{ host: 'a', result: 'changed', changedSteps: [] }] } as unknown as RunSummary;
    await recheckAfterRun({
      runId: 'r1', hosts: specs, steps: [{ step: guests, params: guestsParams.parse({}) }], summary, transportFactory,
      gatherFacts: async () => hostFacts({}), onStepEnd: () => {}, warn: () => {},
    });
    expect(connects).toBe(0);
  });
});
