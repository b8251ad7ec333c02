// The simulated durations (boot, live migration, package update, command and API latency) with a seeded, reproducible spread.
import { createHash } from 'node:crypto';

export interface DurationSettings {
  /** Boot time of a host (from power-off to sshd answering); null = each host's own boot_delay from the lab description. */
  bootMs: number | null;
  /** Live migration: a fixed part per instance plus a part per GiB of the flavor's RAM; null fixed = the lab's migration_time. */
  migrationMs: number | null;
  migrationPerGbMs: number;
  /** `yum/dnf -y update` of the MDS packages, and the read-only `check-update` before it. */
  packageUpdateMs: number;
  checkUpdateMs: number;
  /** The one gather exec (rpm, sysfs, dmesg, virsh) and any other short command; an SSH connect (handshake, auth). */
  gatherMs: number;
  commandMs: number;
  connectMs: number;
  /** Every Nova API call (round trip and Nova's own work). */
  apiMs: number;
  /** nova-compute restart (cpu-flags on a host that needs no reboot). */
  serviceRestartMs: number;
  /** Each duration is multiplied by a factor drawn uniformly from [1 - spread, 1 + spread]. */
  spread: number;
  seed: number;
}

/**
 * The lab's own costs: what the fake hosts' shell tools and the fake Nova take, set from the per-step medians of a
 * 12-host lab run (test/bench/rehearse-lab-run.ts, 2026-12-07: update-packages 1.0 s = check-update + yum + a gather;
 * guests 0.18 s = one gather). Boot and migration times come from the lab description itself.
 */
export const LAB_DURATIONS: DurationSettings = {
  bootMs: null,
  migrationMs: null,
  migrationPerGbMs: 0,
  packageUpdateMs: 600,
  checkUpdateMs: 200,
  gatherMs: 150,
  commandMs: 30,
  connectMs: 60,
  apiMs: 8,
  serviceRestartMs: 300,
  spread: 0.1,
  seed: 1,
};

/**
 * A production compute node, for rehearsing a real fleet (plan's ETA) when the playbook's `vars.rehearse` says nothing:
 * boots of minutes, live migrations of tens of seconds growing with RAM, a package update of minutes, a 50 ms API.
 * The same figures as the 1,000-host benchmark (test/bench/rehearse-fleet.ts).
 */
export const FLEET_DURATIONS: DurationSettings = {
  bootMs: 300_000,
  migrationMs: 20_000,
  migrationPerGbMs: 4000,
  packageUpdateMs: 120_000,
  checkUpdateMs: 10_000,
  gatherMs: 2000,
  commandMs: 100,
  connectMs: 300,
  apiMs: 50,
  serviceRestartMs: 10_000,
  spread: 0.2,
  seed: 1,
};

/**
 * Draws keyed by what they are for ("boot:compute0042:3"), not by the order they are asked in: the same seed gives the
 * same durations even when the interleaving of hosts changes, which keeps runs reproducible and comparable.
 */
export class Durations {
  constructor(readonly s: DurationSettings) {}

  /** A factor in [1 - spread, 1 + spread] for this key. */
  factor(key: string): number {
    if (this.s.spread <= 0) return 1;
    const h = createHash('sha1').update(`${this.s.seed}:${key}`).digest();
    const u = h.readUInt32BE(0) / 0x1_0000_0000;
    return 1 + this.s.spread * (2 * u - 1);
  }

  spreadOf(base: number, key: string): number {
    return Math.max(0, Math.round(base * this.factor(key)));
  }

  /** One live migration of an instance: the same instance always takes the same time (its RAM does not change). */
  migration(instance: string, ramMb: number, labMigrationMs: number): number {
    const fixed = this.s.migrationMs ?? labMigrationMs;
    return this.spreadOf(fixed + this.s.migrationPerGbMs * (ramMb / 1024), `migration:${instance}`);
  }

  boot(host: string, labBootMs: number, n: number): number {
    return this.spreadOf(this.s.bootMs ?? labBootMs, `boot:${host}:${n}`);
  }

  packageUpdate(host: string): number {
    return this.spreadOf(this.s.packageUpdateMs, `update:${host}`);
  }
}
