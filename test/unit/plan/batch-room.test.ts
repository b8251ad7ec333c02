// The plan's room per batch: Placement's room left once each batch drains, and a warning for a batch that cannot drain.
import { describe, expect, it } from 'vitest';
import { batchRoomLines, batchRooms } from '../../../src/plan/batch-room.js';
import type { Server } from '../../../src/openstack/types.js';
import type { CapacityView, NodeRoom } from '../../../src/steps/capacity-view.js';
import { placeInstances } from '../../../src/steps/capacity.js';

const node = (host: string, vcpus: number, ramMb: number): NodeRoom => ({ host, zone: 'nova', usable: true, free: { VCPU: vcpus, MEMORY_MB: ramMb }, maxUnit: { VCPU: 64, MEMORY_MB: 262144 } });
const view: CapacityView = { source: 'placement', nodes: [node('a', 10, 10240), node('b', 10, 10240), node('c', 10, 10240)], notes: [], hypervisors: [] };
const vm = (id: string, host: string, vcpus: number, ramMb: number, status = 'ACTIVE'): Server => ({
  id, name: id, status, host, taskState: null, vmState: 'active', projectId: 'p', flavor: { vcpus, ramMb }, availabilityZone: 'nova', pinnedAvailabilityZone: null,
}) as Server;

describe('batchRooms', () => {
  it('gives the room left on the hosts outside each batch once its running instances moved there', () => {
    const servers = [vm('x', 'a', 2, 4096), vm('y', 'a', 2, 4096, 'SHUTOFF'), vm('z', 'b', 4, 8192)];
    const rooms = batchRooms([{ hosts: ['a'], draining: ['a'] }, { hosts: ['b', 'c'], draining: ['b'] }], view, servers);
    expect(rooms[0]).toMatchObject({ batch: 1, toMove: { instances: 1, vcpus: 2, ramMb: 4096 }, roomLeft: { vcpus: 18, ramMb: 16384, hosts: 2 }, cannotDrain: null });
    // c does not drain (no reboot due): it stays a target.
    expect(rooms[1]).toMatchObject({ batch: 2, toMove: { instances: 1, vcpus: 4, ramMb: 8192 }, roomLeft: { vcpus: 16, ramMb: 12288, hosts: 2 }, cannotDrain: null });
    expect(batchRoomLines(rooms, 'placement')[1]).toBe('  batch 1 (1 host, 1 to drain): moves 1 instances (2 vCPU, 4.0 GiB); room left 18 vCPU, 16 GiB on 2 hosts');
  });

  it('says when a batch cannot drain, with Placement\'s numbers, and warns', () => {
    const servers = [vm('big1', 'a', 2, 9216), vm('big2', 'b', 2, 9216)];
    const rooms = batchRooms([{ hosts: ['a', 'b'], draining: ['a', 'b'] }], view, servers);
    expect(rooms[0]!.roomLeft).toBeNull();
    expect(rooms[0]!.cannotDrain).toMatch(/^Placement has no room for instance big\d \(2 vCPU \/ 9216 MB\)/);
    const lines = batchRoomLines(rooms, 'placement');
    expect(lines[1]).toMatch(/CANNOT DRAIN$/);
    expect(lines[2]).toMatch(/^warning: batch 1 cannot drain: Placement has no room/);
  });

  it('catches what the drain\'s own check, one host at a time, passes (the README says so)', () => {
    // The same batch: each host's check, as the drain makes it when that host starts, finds room for its instance,
    // because the other host's instance has not landed yet. Only the plan's check per batch sees they do not both fit.
    const servers = [vm('big1', 'a', 2, 9216), vm('big2', 'b', 2, 9216)];
    expect(placeInstances('a', [servers[0]!], view).ok).toBe(true);
    expect(placeInstances('b', [servers[1]!], view).ok).toBe(true);
    expect(batchRooms([{ hosts: ['a', 'b'], draining: ['a', 'b'] }], view, servers)[0]!.cannotDrain).not.toBeNull();
  });
});
