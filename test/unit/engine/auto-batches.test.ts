// serial: auto — a canary, then batches as large as the room outside them holds, one host per failure domain, at most forks.
import { describe, expect, it } from 'vitest';
import { autoBatchSizes } from '../../../src/engine/auto-batches.js';
import type { Server } from '../../../src/openstack/types.js';
import type { CapacityView, NodeRoom } from '../../../src/steps/capacity-view.js';

const node = (host: string, vcpus: number, ramMb: number, zone = 'nova', usable = true): NodeRoom => ({
  host, zone, usable, free: { VCPU: vcpus, MEMORY_MB: ramMb }, maxUnit: { VCPU: 64, MEMORY_MB: 262144 },
});
const view = (nodes: NodeRoom[]): CapacityView => ({ source: 'placement', nodes, notes: [], hypervisors: [] });
let seq = 0;
const vm = (host: string, vcpus: number, ramMb: number, status = 'ACTIVE'): Server => ({
  id: `id-${++seq}`, name: `vm-${seq}`, status, host, taskState: null, vmState: 'active', projectId: 'p', flavor: { vcpus, ramMb }, availabilityZone: 'nova', pinnedAvailabilityZone: null,
}) as Server;
const hosts = (names: string[], domain: (n: string) => string | null = () => null) => names.map((n) => ({ novaHost: n, domain: domain(n) }));

describe('autoBatchSizes', () => {
  it('starts with one host, then grows each batch while its instances fit on the hosts outside it', () => {
    // Ten hosts with 8 GiB free each, each running one 8 GiB instance: a batch of k needs 8k GiB on the other 10-k hosts.
    const names = Array.from({ length: 10 }, (_, i) => `h${i}`);
    const v = view(names.map((n) => node(n, 8, 8192)));
    const servers = names.map((n) => vm(n, 2, 8192));
    expect(autoBatchSizes(hosts(names), v, servers, 50)).toEqual([1, 5, 4]);
  });

  it('never puts two hosts of one failure domain in a batch, and never more than forks', () => {
    const names = Array.from({ length: 9 }, (_, i) => `h${i}`);
    const v = view(names.map((n) => node(n, 64, 262144)));
    expect(autoBatchSizes(hosts(names, (n) => `az${Number(n.slice(1)) % 3}`), v, [], 50)).toEqual([1, 3, 3, 2]);
    expect(autoBatchSizes(hosts(names), v, [], 4)).toEqual([1, 4, 4]);
  });

  it('places every instance before it accepts a batch: room summed over hosts is not room for one large instance', () => {
    // Each host has 4 GiB free; h1 and h2 run one 6 GiB instance each: the sums would allow both, no single host holds one.
    const v = view([node('h0', 8, 4096), node('h1', 8, 4096), node('h2', 8, 4096), node('h3', 8, 4096), node('h4', 8, 4096)]);
    const servers = [vm('h1', 2, 6144), vm('h2', 2, 6144)];
    expect(autoBatchSizes(hosts(['h0', 'h1', 'h2', 'h3', 'h4']), v, servers, 50)).toEqual([1, 1, 1, 2]);
  });

  it('counts only what a drain moves (running instances) and is empty for no hosts', () => {
    const v = view([node('a', 1, 1024), node('b', 1, 1024), node('c', 1, 1024)]);
    expect(autoBatchSizes(hosts(['a', 'b', 'c']), v, [vm('b', 8, 65536, 'SHUTOFF'), vm('c', 8, 65536, 'SHUTOFF')], 50)).toEqual([1, 2]);
    expect(autoBatchSizes([], v, [], 50)).toEqual([]);
  });
});
