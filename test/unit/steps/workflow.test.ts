// The whole workflow on one host, in playbook order, then the whole playbook again: the second pass changes nothing.
import { describe, expect, it } from 'vitest';
import { STEPS } from '../../../src/steps/registry.js';
import type { Diff } from '../../../src/steps/types.js';
import { FakeNovaApi } from '../../helpers/fake-nova-api.js';
import { guest, minimumsFor, type Release } from '../../helpers/host-facts.js';
import { MemoryCheckpoint, stepContext } from './context.js';
import { FakeHost } from './fake-host.js';

const NAME = 'compute-0.example.org';

const PARAMS: Record<string, unknown> = {
  'update-packages': { minimums: minimumsFor() },
  drain: { poll_interval: '1ms', migration_timeout: '2s' },
  'cpu-flags': {},
  reboot: { timeout: '2s', stable_for: '1ms', backoff: '1ms', max_backoff: '4ms', delay: 0 },
  verify: { minimums: minimumsFor() },
  restore: {},
  guests: { cold_boot: true, allow: ['*'], poll_interval: '1ms' },
};

function world(release: Release) {
  const nova = new FakeNovaApi().addHost(NAME).addHost('compute-1.example.org').addHost('compute-2.example.org');
  const web = nova.addServer({ name: 'web-1', host: NAME, vcpus: 4, ramMb: 8192 });
  const db = nova.addServer({ name: 'db-1', host: NAME });
  const off = nova.addServer({ name: 'parked', host: NAME, status: 'SHUTOFF' });
  const host = new FakeHost({
    hostname: NAME,
    release,
    stage: 'unfixed',
    cpuMode: 'custom',
    extraFlags: ['spec-ctrl', 'ssbd'],
    guests: [
      guest('instance-00000010', { uuid: web.id }),
      guest('instance-00000011', { uuid: db.id }),
      guest('instance-00000012', { uuid: off.id, state: 'shut off' }),
    ],
  });
  nova.onMoved = (s, from) => {
    if (from === NAME) host.state.guests = host.state.guests.filter((g) => g.uuid !== s.id);
  };
  return { nova, host };
}

async function pass(host: FakeHost, nova: FakeNovaApi, runId: string, checkpoints: Map<string, MemoryCheckpoint>): Promise<Record<string, Diff>> {
  const seen: Record<string, Diff> = {};
  for (const step of STEPS) {
    const checkpoint = checkpoints.get(step.id) ?? new MemoryCheckpoint();
    checkpoints.set(step.id, checkpoint);
    const ctx = await stepContext(step, host, nova, PARAMS[step.id], { runId, checkpoint });
    const diff = await step.check(ctx);
    seen[step.id] = diff;
    if (diff.changes.length === 0) continue;
    await step.apply(ctx, diff);
    const after = await (step.verify ?? step.check)(ctx);
    expect(after.changes, `${step.id} left changes behind`).toEqual([]);
  }
  return seen;
}

describe('the workflow, end to end in memory', () => {
  it.each(['el7', 'el8'] as const)('remediates an unfixed %s host, then a second pass changes nothing', async (release) => {
    const { nova, host } = world(release);
    const checkpoints = new Map<string, MemoryCheckpoint>();
    const first = await pass(host, nova, 'run-1', checkpoints);
    expect(Object.entries(first).filter(([, d]) => d.changes.length).map(([id]) => id)).toEqual(['update-packages', 'drain', 'cpu-flags', 'reboot', 'restore']);
    // verify found everything fine once the reboot was done, so it had nothing to apply.
    expect(first['verify']?.changes).toEqual([]);

    expect(host.reboots).toBe(1);
    expect(host.restarts).toEqual([]); // the reboot restarted nova-compute
    expect(host.novaConf).toContain('cpu_model_extra_flags = spec-ctrl,ssbd,md-clear');
    expect(nova.service(NAME)).toMatchObject({ status: 'enabled', disabledReason: null });
    expect(nova.serversOn(NAME).map((s) => s.name)).toEqual(['parked']);

    const mutations = nova.mutatingCalls().length;
    const commands = host.transport.commands.length;
    const second = await pass(host, nova, 'run-2', checkpoints);
    for (const [id, diff] of Object.entries(second)) expect(diff.changes, id).toEqual([]);
    expect(nova.mutatingCalls()).toHaveLength(mutations);
    // Reads only: files, and restore's look at whether the nova-compute agent runs.
    expect(host.transport.commands.slice(commands).filter((c) => !c.startsWith('cat ') && !c.startsWith('systemctl is-active '))).toEqual([]);
  });
});
