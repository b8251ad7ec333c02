// The batch schedule a run would follow: which hosts in batch i/N, given serial, failure domains, forks and the window.
import { splitBatches, type SerialSpec } from '../engine/batches.js';
import { failureDomainKey } from '../engine/fleet.js';
import { inMaintenanceWindow, type MaintenanceWindow } from '../engine/window.js';
import type { HostSpec } from '../inventory/types.js';

export interface ScheduleInput {
  /** The selected hosts, in inventory order (the order the engine batches them in). */
  hosts: readonly HostSpec[];
  serial: SerialSpec;
  forks: number;
  failureDomainKeys: readonly string[];
  window: MaintenanceWindow | null;
  now?: Date;
}

export interface ScheduledBatch {
  /** 0-based. */
  index: number;
  hosts: string[];
  /** Failure domains with more than one host in this batch: their hosts take the disruptive steps one at a time. */
  sharedDomains: { key: string; hosts: string[] }[];
  /**
   * Hosts that must go one after another, at the least, in this batch: the forks' waves (size / forks, rounded up) or the
   * largest failure domain, whichever is longer. One host's time times this is the batch's time, roughly.
   */
  rounds: number;
}

export interface Schedule {
  batches: ScheduledBatch[];
  forks: number;
  failureDomainKeys: string[];
  window: MaintenanceWindow | null;
  /** Whether `now` is inside the window (null: no window). */
  inWindowNow: boolean | null;
}

export function buildSchedule(input: ScheduleInput): Schedule {
  const keys = [...input.failureDomainKeys];
  const batches = splitBatches(input.hosts, input.serial).map((batch, index): ScheduledBatch => {
    const domains = new Map<string, string[]>();
    if (keys.length) {
      for (const h of batch) {
        const key = failureDomainKey(h, keys);
        if (key === null) continue;
        const list = domains.get(key);
        if (list) list.push(h.name);
        else domains.set(key, [h.name]);
      }
    }
    const sharedDomains = [...domains].filter(([, hosts]) => hosts.length > 1).map(([key, hosts]) => ({ key, hosts }));
    const longestDomain = Math.max(0, ...sharedDomains.map((d) => d.hosts.length));
    return { index, hosts: batch.map((h) => h.name), sharedDomains, rounds: Math.max(Math.ceil(batch.length / Math.max(1, input.forks)), longestDomain) };
  });
  const inWindowNow = input.window ? inMaintenanceWindow(input.window, input.now ?? new Date()) : null;
  return { batches, forks: input.forks, failureDomainKeys: keys, window: input.window, inWindowNow };
}
