// placeInstances: Placement's rule per instance (free room and max_unit), largest first, zones, and what the plan is told.
import { describe, expect, it } from 'vitest';
import type { Server } from '../../../src/openstack/types.js';
import type { CapacityView, NodeRoom } from '../../../src/steps/capacity-view.js';
import { placeInstances } from '../../../src/steps/capacity.js';

const node = (host: string, vcpu: number, ram: number, o: Partial<NodeRoom> = {}): NodeRoom =>
  ({ host, zone: 'az1', usable: true, free: { VCPU: vcpu, MEMORY_MB: ram }, maxUnit: { VCPU: 8, MEMORY_MB: 65536 }, ...o });
const view = (nodes: NodeRoom[]): CapacityView => ({ source: 'placement', nodes, notes: [], hypervisors: [] });
const server = (name: string, vcpus: number, ramMb: number, o: Partial<Server> = {}): Server => ({
  id: `id-${name}`, name, status: 'ACTIVE', host: 'src', taskState: null, vmState: 'active', projectId: 'p', flavor: { vcpus, ramMb },
  availabilityZone: 'az1', pinnedAvailabilityZone: null, ...o,
});

describe('placeInstances', () => {
  it('fits every instance somewhere and reports the room left', () => {
    const v = placeInstances('src', [server('a', 4, 8192), server('b', 2, 4096)], view([node('src', 0, 0), node('t1', 4, 8192), node('t2', 2, 4096)]));
    expect(v.ok).toBe(true);
    expect(v.placement.get('id-a')).toBe('t1');
    expect(v.placement.get('id-b')).toBe('t2');
    expect(v.notes).toEqual(['capacity (placement): 6 vCPU / 12288 MB to move; room left after the move: 0 vCPU / 0 MB on 2 other enabled hosts']);
  });

  it('refuses when the sum fits but no single host takes the largest (first fit, largest first)', () => {
    const v = placeInstances('src', [server('big', 4, 8192)], view([node('t1', 2, 8192), node('t2', 2, 8192)]));
    expect(v.ok).toBe(false);
    expect(v.reason).toBe('Placement has no room for instance big (4 vCPU / 8192 MB) on the 2 other enabled hosts (free after the larger ones: t1 2 vCPU / 8192 MB, t2 2 vCPU / 8192 MB)');
  });

  it('honours max_unit: an allocation larger than the host\'s physical size never fits, whatever the ratio', () => {
    const v = placeInstances('src', [server('wide', 8, 1024)], view([node('t1', 32, 65536, { maxUnit: { VCPU: 4, MEMORY_MB: 65536 } })]));
    expect(v.ok).toBe(false);
  });

  it('skips disabled or down hosts and the source; none left is the classic message', () => {
    const v = placeInstances('src', [server('a', 1, 512)], view([node('src', 64, 65536), node('t1', 64, 65536, { usable: false })]));
    expect(v).toMatchObject({ ok: false, reason: 'no other enabled and up compute host can receive instances' });
  });

  it('keeps a pinned instance in its zone; when Nova cannot say (undefined), assumes the current zone and says so', () => {
    const nodes = [node('src', 0, 0), node('other', 8, 16384, { zone: 'az2' })];
    expect(placeInstances('src', [server('free', 1, 512)], view(nodes)).ok).toBe(true);
    expect(placeInstances('src', [server('pinned', 1, 512, { pinnedAvailabilityZone: 'az1' })], view(nodes)).ok).toBe(false);
    const unknown = { ...server('old', 1, 512) } as Server;
    delete unknown.pinnedAvailabilityZone;
    expect(placeInstances('src', [unknown], view(nodes)).ok).toBe(false);
    const ok = placeInstances('src', [unknown], view([...nodes, node('same', 8, 16384)]));
    expect(ok.ok).toBe(true);
    expect(ok.notes[0]).toMatch(/does not say which instances were booted into a zone, so 1 instance\(s\) are kept in their current zone/);
  });

  it('refuses when a flavor is unknown rather than counting it as free', () => {
    const v = placeInstances('src', [server('mystery', 1, 1, { flavor: null })], view([node('t1', 64, 65536)]));
    expect(v.ok).toBe(false);
    expect(v.reason).toMatch(/flavor of mystery is not known/);
  });
});
