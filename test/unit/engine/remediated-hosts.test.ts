// The fleet remembers which hosts a run left remediated (ok or changed), for the drain's choice of live-migration targets.
import { describe, expect, it } from 'vitest';
import { EngineEvents } from '../../../src/engine/events.js';
import { Fleet } from '../../../src/engine/fleet.js';
import { runFleet } from '../../../src/engine/runner.js';
import { MemoryTransport } from '../../../src/transport/memory-transport.js';
import { fakeFacts, flagStep, host, planned, type Calls } from './fixtures.js';

describe('remediated hosts', () => {
  it('hosts that end ok or changed are marked by Nova host name; a failed one and a plan mark nothing', async () => {
    const calls: Calls = { log: [] };
    const good = flagStep('good', calls, { apply: (ctx) => { if (ctx.host.name === 'h2') throw new Error('broken'); } });
    const fleet = new Fleet();
    const opts = (mode: 'apply' | 'plan') => ({
      runId: 'r', mode, forks: 2, hosts: [host('h1'), host('h2')], steps: planned(good), fleet, events: new EngineEvents(),
      transportFactory: (h: { name: string }) => new MemoryTransport(h.name), gatherFacts: async (t: MemoryTransport) => fakeFacts(t.host),
    });
    const plan = new Fleet();
    await runFleet({ ...opts('plan'), fleet: plan } as never);
    expect([...plan.remediatedHosts()]).toEqual([]);
    await runFleet(opts('apply') as never);
    expect([...fleet.remediatedHosts()]).toEqual([host('h1').novaHost]);
  });
});
