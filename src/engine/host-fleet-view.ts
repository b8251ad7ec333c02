// One host's view of the FleetCoordinator: the engine holds the host's failure-domain lock from its first disruptive apply
// to the end of the host, and a step asking for the same lock inside that span runs at once instead of deadlocking.
import type { HostSpec } from '../inventory/types.js';
import type { FleetCoordinator } from '../steps/types.js';

export class HostFleetView implements FleetCoordinator {
  private release: (() => void) | null = null;
  private entering: Promise<void> | null = null;

  constructor(
    private readonly fleet: FleetCoordinator,
    private readonly host: HostSpec,
  ) {}

  get holdsDomain(): boolean {
    return this.release !== null;
  }

  /** Takes the host's failure-domain lock and keeps it until leaveDomain(); idempotent. */
  enterDomain(signal?: AbortSignal): Promise<void> {
    if (this.release) return Promise.resolve();
    this.entering ??= new Promise<void>((entered, fail) => {
      this.fleet
        .withFailureDomain(
          this.host,
          () =>
            new Promise<void>((done) => {
              this.release = done;
              entered();
            }),
          signal,
        )
        .catch(fail);
    }).finally(() => {
      this.entering = null;
    });
    return this.entering;
  }

  leaveDomain(): void {
    const r = this.release;
    this.release = null;
    r?.();
  }

  withMigrationSlot<T>(fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    return this.fleet.withMigrationSlot(fn, signal);
  }

  withFailureDomain<T>(host: HostSpec, fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    if (host.name === this.host.name && this.release) return fn();
    return this.fleet.withFailureDomain(host, fn, signal);
  }

  inWindow(now?: Date): boolean {
    return this.fleet.inWindow(now);
  }

  remediatedHosts(): ReadonlySet<string> {
    return this.fleet.remediatedHosts?.() ?? new Set<string>();
  }

  markRemediated(novaHost: string): void {
    this.fleet.markRemediated?.(novaHost);
  }
}
