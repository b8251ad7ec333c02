// Fleet coordination: migration slots, failure-domain locks, maintenance windows.
import { describe, expect, it } from 'vitest';
import { Fleet, failureDomainKey } from '../../../src/engine/fleet.js';
import { HostFleetView } from '../../../src/engine/host-fleet-view.js';
import { Semaphore } from '../../../src/engine/semaphore.js';
import { inMaintenanceWindow } from '../../../src/engine/window.js';
import { host } from './fixtures.js';

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('Semaphore / migration slots', () => {
  it('never lets more than the slot count run at once', async () => {
    const fleet = new Fleet({ migrationSlots: 2 });
    let running = 0;
    let peak = 0;
    await Promise.all(
      Array.from({ length: 8 }, () =>
        fleet.withMigrationSlot(async () => {
          running++;
          peak = Math.max(peak, running);
          await tick();
          running--;
        }),
      ),
    );
    expect(peak).toBe(2);
    expect(fleet.migrationSlotsFree).toBe(2);
  });

  it('a waiter can be aborted and does not take a slot', async () => {
    const sem = new Semaphore(1);
    const release = await sem.acquire();
    const ac = new AbortController();
    const waiting = sem.acquire(ac.signal);
    ac.abort();
    await expect(waiting).rejects.toMatchObject({ code: 'E_ABORTED' });
    expect(sem.waiting).toBe(0);
    release();
    expect(sem.available).toBe(1);
  });
});

describe('failure domains', () => {
  it('builds the key from the configured host vars', () => {
    expect(failureDomainKey(host('a', { availability_zone: 'az1', aggregate: 'g' }), ['availability_zone'])).toBe('availability_zone=az1');
    expect(failureDomainKey(host('a', { aggregate: 'g' }), ['availability_zone', 'aggregate'])).toBe('aggregate=g');
    expect(failureDomainKey(host('a'), ['availability_zone'])).toBeNull();
  });

  it('serialises hosts of one domain and lets other domains run alongside', async () => {
    const fleet = new Fleet({ failureDomainKeys: ['availability_zone'] });
    const order: string[] = [];
    const inside = new Map<string, number>();
    const work = (name: string, az: string) =>
      fleet.withFailureDomain(host(name, { availability_zone: az }), async () => {
        inside.set(az, (inside.get(az) ?? 0) + 1);
        order.push(`${name}:${inside.get(az)}`);
        await tick();
        inside.set(az, inside.get(az)! - 1);
      });
    await Promise.all([work('a1', 'az1'), work('a2', 'az1'), work('b1', 'az2')]);
    expect(order).toContain('b1:1');
    expect(order.filter((o) => o.startsWith('a'))).toEqual(['a1:1', 'a2:1']);
    expect(order.indexOf('b1:1')).toBeLessThan(order.indexOf('a2:1'));
  });

  it('does not lock when failure domains are not asked for', async () => {
    const fleet = new Fleet();
    let concurrent = 0;
    let peak = 0;
    const work = () =>
      fleet.withFailureDomain(host('x', { availability_zone: 'az1' }), async () => {
        peak = Math.max(peak, ++concurrent);
        await tick();
        concurrent--;
      });
    await Promise.all([work(), work()]);
    expect(peak).toBe(2);
  });

  it("a host's view holds its domain across steps and does not deadlock on re-entry", async () => {
    const fleet = new Fleet({ failureDomainKeys: ['availability_zone'] });
    const h1 = new HostFleetView(fleet, host('h1', { availability_zone: 'az1' }));
    const h2 = new HostFleetView(fleet, host('h2', { availability_zone: 'az1' }));
    await h1.enterDomain();
    expect(await h1.withFailureDomain(host('h1', { availability_zone: 'az1' }), async () => 'inner')).toBe('inner');
    let h2In = false;
    const p = h2.enterDomain().then(() => (h2In = true));
    await tick();
    expect(h2In).toBe(false);
    h1.leaveDomain();
    await p;
    expect(h2In).toBe(true);
    h2.leaveDomain();
  });
});

describe('maintenance window', () => {
  const at = (iso: string) => new Date(iso);

  it('a same-day window', () => {
    const w = { start: '09:00', end: '17:00', timezone: 'UTC' };
    expect(inMaintenanceWindow(w, at('2024-05-01T08:59:00Z'))).toBe(false);
    expect(inMaintenanceWindow(w, at('2024-05-01T09:00:00Z'))).toBe(true);
    expect(inMaintenanceWindow(w, at('2024-05-01T17:00:00Z'))).toBe(false);
  });

  it('a window across midnight belongs to the day it opens', () => {
    // 2024-05-03 is a Friday.
    const w = { start: '22:00', end: '06:00', timezone: 'UTC', days: ['fri' as const] };
    expect(inMaintenanceWindow(w, at('2024-05-03T21:59:00Z'))).toBe(false);
    expect(inMaintenanceWindow(w, at('2024-05-03T22:00:00Z'))).toBe(true);
    expect(inMaintenanceWindow(w, at('2024-05-04T03:00:00Z'))).toBe(true); // Saturday morning, opened Friday
    expect(inMaintenanceWindow(w, at('2024-05-03T03:00:00Z'))).toBe(false); // Friday morning: opened Thursday
    expect(inMaintenanceWindow(w, at('2024-05-04T06:00:00Z'))).toBe(false);
  });

  it('honours the time zone', () => {
    const w = { start: '22:00', end: '06:00', timezone: 'Asia/Tokyo' }; // UTC+9
    expect(inMaintenanceWindow(w, at('2024-05-01T13:30:00Z'))).toBe(true); // 22:30 in Tokyo
    expect(inMaintenanceWindow(w, at('2024-05-01T22:30:00Z'))).toBe(false); // 07:30 in Tokyo
  });

  it('Fleet.inWindow uses the injected clock; no window = always', () => {
    let now = at('2024-05-01T23:00:00Z');
    const fleet = new Fleet({ window: { start: '22:00', end: '06:00', timezone: 'UTC' }, now: () => now });
    expect(fleet.inWindow()).toBe(true);
    now = at('2024-05-01T12:00:00Z');
    expect(fleet.inWindow()).toBe(false);
    expect(new Fleet().inWindow()).toBe(true);
  });
});
