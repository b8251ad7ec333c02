// The lab's cloud model in process: seeded like the lab, indexed usage equal to a full scan, audit of unsafe reboots.
import { describe, expect, it } from 'vitest';
import { createCloudSim } from '../../../src/rehearse/cloud-sim.js';
import { Durations, LAB_DURATIONS } from '../../../src/rehearse/durations.js';
import { InProcessNova } from '../../../src/rehearse/in-process-nova.js';
import { CloudWorld, hostRebooting, MigrationEngine } from '../../../src/rehearse/lab-model.js';
import { usagesOn } from '../../../src/lab/cloud/placement-model.js';
import { VirtualClock } from '../../../src/rehearse/virtual-clock.js';
import { createFakeCloud } from '../../../src/lab/cloud/index.js';

const config = {
  hosts: Array.from({ length: 5 }, (_, i) => ({ name: `c${i + 1}`, vcpus: 32, ramMb: 65536 })),
  instances: { count: 30, shutoff: 2 }, migrationMs: 30_000, seed: 4,
};

// Every migration takes the lab's own time, as the lab runs them.
const HOOKS = { guestCpuProbe: () => false, migrationMs: (_i: unknown, _f: unknown, labMs: number) => labMs };

describe('cloud sim', () => {
  it('places instances exactly as the lab cloud does for the same seed', async () => {
    const lab = createFakeCloud(config);
    const sim = createCloudSim(config, HOOKS);
    const place = (w: { instances: Map<string, { uuid: string; name: string; host: string; flavorId: string; vmState: string }> }) =>
      [...w.instances.values()].map((i) => `${i.uuid} ${i.name} ${i.host} ${i.flavorId} ${i.vmState}`).sort();
    expect(place(sim.world)).toEqual(place(lab.world));
    await lab.close();
  });

  it('keeps usage equal to a full scan while migrations run, complete and free their claims', async () => {
    const sim = createCloudSim(config, HOOKS);
    const nova = new InProcessNova(sim, new Durations({ ...LAB_DURATIONS, apiMs: 0, spread: 0 }));
    // The lab's own answers, computed by its full scans (the prototype's methods, which the index shadows on the instance):
    // if the lab's model changes what usage or a host's guests mean, this fails and the index must follow.
    const check = () => {
      for (const h of sim.world.hosts.keys()) {
        expect(sim.world.usage(h)).toEqual(CloudWorld.prototype.usage.call(sim.world, h));
        expect(sim.world.instancesOn(h)).toEqual(CloudWorld.prototype.instancesOn.call(sim.world, h));
        expect(sim.world.computeService(h)).toBe(CloudWorld.prototype.computeService.call(sim.world, h));
        expect(sim.engine.inFlightTouching(h)).toEqual(MigrationEngine.prototype.inFlightTouching.call(sim.engine, h));
      }
    };
    // Placement's usages as the in-process client answers them, against the lab's own allocations scan.
    const checkPlacement = async () => {
      const placement = nova.placement();
      for (const rp of await placement.listResourceProviders()) {
        const host = [...sim.world.hosts.values()].find((h) => h.hypervisorUuid === rp.uuid)!.name;
        expect(await placement.usages(rp.uuid)).toEqual(usagesOn(sim.world, host));
      }
    };
    check();
    await new VirtualClock(0).run(async () => {
      const svc = (await nova.listComputeServices('c1'))[0]!;
      await nova.setServiceStatus(svc.id, 'disabled', 'test');
      const servers = (await nova.listServers({ host: 'c1' })).filter((s) => s.status === 'ACTIVE');
      for (const s of servers) await nova.liveMigrate(s.id, null);
      await new Promise((r) => setTimeout(r, 1_000));
      check();
      await checkPlacement();
      // The lab's nova-compute runs one live migration per source host at a time; the rest wait queued.
      const statuses = (await nova.listMigrations({ host: 'c1' })).map((m) => m.status);
      expect(statuses.filter((st) => st !== 'queued')).toHaveLength(1);
      expect(statuses.filter((st) => st === 'queued')).toHaveLength(servers.length - 1);
      await new Promise((r) => setTimeout(r, 9_000));
      check();
      await checkPlacement();
      expect((await nova.listMigrations({ host: 'c1' })).length).toBe(servers.length);
      await new Promise((r) => setTimeout(r, servers.length * 30_000));
      check();
      await checkPlacement();
      expect((await nova.listMigrations({ host: 'c1' })).every((m) => m.status === 'completed')).toBe(true);
      expect(await nova.listServers({ host: 'c1' })).toEqual((await nova.listServers({ host: 'c1' })).filter((s) => s.status === 'SHUTOFF'));
    });
  });

  it('audits a host that goes down with running instances on it (what the rehearsal must never show)', () => {
    const sim = createCloudSim(config, HOOKS);
    hostRebooting(sim.world, sim.engine, 'c2');
    expect(sim.world.auditRecords().map((a) => a.kind)).toContain('reboot-with-instances');
  });
});
