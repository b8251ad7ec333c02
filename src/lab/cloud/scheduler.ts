// Chooses hosts like Nova's scheduler: for a live migration (enabled, up, not the source, in the instance's zone, with room in
// Placement) and for a new server (the same filters without a source).
import type { FlavorRec, InstanceRec } from './model.js';
import type { CloudWorld } from './world.js';

export type TargetChoice = { ok: true; host: string } | { ok: false; reason: string };

export const NO_VALID_HOST = 'No valid host was found. There are not enough hosts available.';

/**
 * requested null = let the scheduler pick; forced = the pre-2.30 (or force=true) path that skips the scheduler's
 * filters but still needs an up compute service that is not the source.
 */
export function chooseTarget(world: CloudWorld, inst: InstanceRec, requested: string | null, forced: boolean): TargetChoice {
  const flavor = world.flavor(inst.flavorId);
  if (requested !== null && requested === inst.host) {
    return { ok: false, reason: `Unable to migrate instance (${inst.uuid}) to current host (${inst.host}).` };
  }
  if (requested !== null && forced) {
    const svc = world.computeService(requested);
    if (!svc || !world.isUp(svc)) return { ok: false, reason: `Compute service of ${requested} is unavailable at this time.` };
    return { ok: true, host: requested };
  }
  const candidates = [...world.hosts.keys()].filter((h) => {
    if (h === inst.host || (requested !== null && h !== requested)) return false;
    // The AvailabilityZoneFilter keeps an instance booted into a zone in that zone.
    if (inst.requestedAz !== null && world.hosts.get(h)!.az !== inst.requestedAz) return false;
    const svc = world.computeService(h);
    return svc !== undefined && svc.status === 'enabled' && world.isUp(svc) && world.fits(h, flavor);
  });
  if (candidates.length === 0) return { ok: false, reason: NO_VALID_HOST };
  // Nova's default RAM weigher spreads: most free RAM wins; the name breaks ties so runs repeat exactly.
  const free = (h: string): number => world.freeRamMb(h);
  candidates.sort((a, b) => free(b) - free(a) || a.localeCompare(b));
  return { ok: true, host: candidates[0]! };
}

/** A new server's host: enabled and up, in the zone asked for, with room; the RAM weigher spreads. null = NoValidHost. */
export function chooseBootHost(world: CloudWorld, flavor: FlavorRec, az: string | null): string | null {
  const candidates = [...world.hosts.keys()].filter((h) => {
    if (az !== null && world.hosts.get(h)!.az !== az) return false;
    const svc = world.computeService(h);
    return svc !== undefined && svc.status === 'enabled' && world.isUp(svc) && world.fits(h, flavor);
  });
  candidates.sort((a, b) => world.freeRamMb(b) - world.freeRamMb(a) || a.localeCompare(b));
  return candidates[0] ?? null;
}
