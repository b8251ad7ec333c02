// rollout_order and the saved plan's undrained hosts: least to move first, known targets out of the way.
import { describe, expect, it } from 'vitest';
import type { HostSpec } from '../../../src/inventory/types.js';
import { orderRollout } from '../../../src/engine/rollout-order.js';
import { undrainedByPlan } from '../../../src/plan/plan-undrained.js';
import { requireCloudForAuto, shapeRollout } from '../../../src/plan/rollout-shape.js';
import type { SavedPlan } from '../../../src/plan/saved-plan.js';
import type { Server } from '../../../src/openstack/types.js';

const spec = (n: string) => ({ name: n, novaHost: `nova-${n}`, vars: {} }) as unknown as HostSpec;
const load = (instances: number, ramMb: number) => ({ instances, vcpus: instances, ramMb });

describe('orderRollout', () => {
  it('room: fewest instances first, then least RAM, then inventory order; unknown loads last in inventory order', () => {
    const hosts = ['a', 'b', 'c', 'd', 'e'].map(spec);
    const loads: Record<string, ReturnType<typeof load> | undefined> = {
      'nova-a': load(3, 6144), 'nova-b': load(1, 8192), 'nova-c': undefined, 'nova-d': load(1, 2048), 'nova-e': load(3, 6144),
    };
    expect(orderRollout(hosts, 'room', (h) => loads[h]).map((h) => h.name)).toEqual(['d', 'b', 'a', 'e', 'c']);
    expect(orderRollout(hosts, 'inventory', (h) => loads[h]).map((h) => h.name)).toEqual(['a', 'b', 'c', 'd', 'e']);
  });
});

describe('undrainedByPlan', () => {
  const step = (id: string, changes: string[] = []) => ({ id, changes });
  const fp = { kernelRunning: 'k', bootId: 'b', novaConfSha256: null, packages: {}, instances: [] };
  const ids = ['update-packages', 'drain', 'reboot'];
  const plan = (hosts: SavedPlan['hosts']): SavedPlan => ({ schemaVersion: 1, kind: 'mds-orchestrate-plan', runId: 'r', playbook: null, createdAt: '', hosts });

  it('names the hosts whose every check ran and found nothing to drain; not a host cut short, unread, or absent', () => {
    const saved = plan({
      a: { fingerprint: fp, steps: ids.map((i) => step(i)) },
      b: { fingerprint: fp, steps: [step('update-packages', ['update kernel']), step('drain', ['disable nova-compute']), step('reboot', ['reboot'])] },
      c: { fingerprint: fp, steps: [step('update-packages')] },
      d: { fingerprint: null, steps: ids.map((i) => step(i)) },
      e: { fingerprint: fp, steps: [step('update-packages'), step('drain'), step('reboot', ['restart nova-compute'])] },
    });
    expect([...undrainedByPlan(saved, ['a', 'b', 'c', 'd', 'e', 'f'].map(spec), ids)]).toEqual(['nova-a', 'nova-e']);
    expect(undrainedByPlan(null, ['a'].map(spec), ids).size).toBe(0);
    expect(undrainedByPlan(saved, ['a'].map(spec), ['update-packages', 'reboot']).size).toBe(0);
  });
});

describe('shapeRollout', () => {
  const vm = (host: string, ramMb: number): Server => ({ id: `${host}-${ramMb}`, name: 'v', status: 'ACTIVE', host, taskState: null, flavor: { vcpus: 1, ramMb } }) as Server;
  const fleet = async () => ({ view: { source: 'placement' as const, nodes: [], notes: [], hypervisors: [] }, servers: [vm('nova-a', 8192), vm('nova-b', 2048), vm('nova-b', 2048), vm('nova-c', 1024)] });

  it('room puts the known undrained hosts last and the least loaded first; without any known one it keeps the inventory order', async () => {
    const hosts = ['a', 'b', 'c', 'd'].map(spec);
    const known = await shapeRollout({ hosts, order: 'room', undrained: new Set(['nova-c']), serial: [1, 2], failureDomains: [], forks: 50, fleet });
    expect(known.hosts.map((h) => h.name)).toEqual(['d', 'a', 'b', 'c']);
    expect(known).toMatchObject({ orderApplied: 'room', sizes: [1, 2, 1] });
    const unknown = await shapeRollout({ hosts, order: 'room', serial: [1, 2], failureDomains: [], forks: 50, fleet });
    expect(unknown.hosts.map((h) => h.name)).toEqual(['a', 'b', 'c', 'd']);
    expect(unknown.orderApplied).toBe('inventory');
  });
});

describe('serial: auto without a cloud', () => {
  it('is a configuration error naming the playbook and the field, before anything starts', () => {
    expect(() => requireCloudForAuto('auto', false, 'pb.yaml')).toThrow(/pb\.yaml.*serial.*needs a cloud/s);
    expect(() => requireCloudForAuto('auto', true, 'pb.yaml')).not.toThrow();
    expect(() => requireCloudForAuto([1, 5], false, 'pb.yaml')).not.toThrow();
  });
});
