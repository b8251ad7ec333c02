// The run's FleetCoordinator: fleet-wide live-migration slots, failure-domain locks and the maintenance window.
import type { HostSpec } from '../inventory/types.js';
import type { FleetCoordinator } from '../steps/types.js';
import { Semaphore } from './semaphore.js';
import { inMaintenanceWindow, type MaintenanceWindow } from './window.js';

export interface FleetOptions {
  /** Live migrations running at once across the fleet. */
  migrationSlots?: number;
  /** Host vars whose values form the failure-domain key; absent/empty = no failure-domain locking. */
  failureDomainKeys?: string[];
  window?: MaintenanceWindow | null;
  /** Injectable clock (tests). */
  now?: () => Date;
}

export const DEFAULT_MIGRATION_SLOTS = 4;

/** The failure domain of a host: e.g. "availability_zone=az1" ; null when the host carries none of the keys. */
export function failureDomainKey(host: HostSpec, keys: readonly string[]): string | null {
  const parts: string[] = [];
  for (const k of keys) {
    const v = host.vars[k];
    if (v !== undefined && v !== null && v !== '') parts.push(`${k}=${String(v)}`);
  }
  return parts.length ? parts.join(',') : null;
}

export class Fleet implements FleetCoordinator {
  private readonly slots: Semaphore;
  private readonly domains = new Map<string, Semaphore>();
  private readonly keys: string[];
  private readonly window: MaintenanceWindow | null;
  private readonly now: () => Date;
  private readonly remediated = new Set<string>();

  constructor(opts: FleetOptions = {}) {
    this.slots = new Semaphore(opts.migrationSlots ?? DEFAULT_MIGRATION_SLOTS);
    this.keys = opts.failureDomainKeys ?? [];
    this.window = opts.window ?? null;
    this.now = opts.now ?? (() => new Date());
  }

  get migrationSlotsFree(): number {
    return this.slots.available;
  }

  withMigrationSlot<T>(fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    return this.slots.run(fn, signal);
  }

  /** Waits for the domain's lock; hosts without a domain (or with locking off) run at once. */
  withFailureDomain<T>(host: HostSpec, fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    const key = this.keys.length ? failureDomainKey(host, this.keys) : null;
    if (key === null) return fn();
    let lock = this.domains.get(key);
    if (!lock) {
      lock = new Semaphore(1);
      this.domains.set(key, lock);
    }
    return lock.run(fn, signal);
  }

  remediatedHosts(): ReadonlySet<string> {
    return this.remediated;
  }

  markRemediated(novaHost: string): void {
    this.remediated.add(novaHost);
  }

  inWindow(now?: Date): boolean {
    if (!this.window) return true;
    return inMaintenanceWindow(this.window, now ?? this.now());
  }
}
