// plan's ETA: the rollout rehearsed in process over the plan's own fleet (its verdicts, the cloud's instances and room).
import { inMaintenanceWindow, type MaintenanceWindow } from '../engine/window.js';
import type { HostSpec } from '../inventory/types.js';
import type { NovaApi, Server } from '../openstack/types.js';
import type { Playbook } from '../playbook/index.js';
import type { HostReport, Report } from '../report/model.js';
import type { ExplicitInstances } from '../rehearse/cloud-sim.js';
import { FLEET_DURATIONS, type DurationSettings } from '../rehearse/durations.js';
import { fleetOfCloud } from '../rehearse/fleet-input.js';
import { playbookDurations } from '../rehearse/playbook-durations.js';
import { rehearseFleet, SimFleet } from '../rehearse/rehearse.js';
import { readFleet, type FleetRead } from './rollout-shape.js';

/** What `plan` prints and its JSON report carries under `rehearsal`. */
export interface RehearsedDuration {
  /** The rollout's rehearsed working time: the sum of each window's makespan (one run when the playbook has no window). */
  makespanMs: number;
  /** Maintenance windows the rollout needs; null when the playbook has none (one uninterrupted run). */
  windows: number | null;
  window: string | null;
  /** Hosts rehearsed (the plan would change them or found them compliant) and left out (failed, refused, unknown, unreachable). */
  hosts: number;
  leftOut: number;
  instances: number;
  batches: number;
  migrationsPerMovedInstance: number | null;
  /** Set when the rehearsed rollout did not finish every host (a failure stopped it, or the window cap was reached). */
  unfinished: string | null;
  durations: DurationSettings;
  /** Where the durations came from. */
  durationSource: 'defaults' | 'playbook vars.rehearse over defaults';
  /** Wall time the rehearsal took on the controller. */
  costMs: number;
}

/** A rollout needing more windows than this is cut short and said to (a week of nights is the longest plan worth printing). */
export const MAX_WINDOWS = 60;

const REHEARSED = new Set(['would-change', 'ok']);

function distOf(h: HostReport): 'el7' | 'el8' {
  const major = /\b(\d+)(?:\.\d+)?\b/.exec(h.facts?.os ?? '')?.[1];
  return major === '8' ? 'el8' : 'el7';
}

/** The first minute at or after `fromMs` inside the window (a week ahead at most: a window opens at least weekly). */
export function nextOpening(w: MaintenanceWindow, fromMs: number): number {
  const minute = 60_000;
  let t = Math.ceil(fromMs / minute) * minute;
  for (let i = 0; i < 8 * 24 * 60; i++, t += minute) if (inMaintenanceWindow(w, new Date(t))) return t;
  throw new Error('the maintenance window never opens');
}

export function windowLabel(w: MaintenanceWindow): string {
  return `${w.start}–${w.end} ${w.timezone ?? 'UTC'}${w.days ? ` (${w.days.join(', ')})` : ''}`;
}

export interface RehearsePlanInput {
  playbook: Playbook;
  report: Report;
  /** The plan's targets, in rollout order (novaHost ties a report host to Nova's). */
  targets: HostSpec[];
  nova: NovaApi;
  serial?: (number | string)[] | 'auto';
  forks?: number;
  /** Virtual start; default now. */
  startMs?: number;
  /** What the plan already read of the cloud (else read here). */
  read?: FleetRead;
}

/**
 * Rehearses the rollout the plan describes with the real engine and steps on a virtual clock (src/rehearse), seeded
 * from what the plan read: every compute node Placement (or os-hypervisors) lists, sized so its room is what Placement
 * says now (capacity = free + what its instances use, at ratio 1), the instances where Nova says they run with their
 * flavors, and the plan's verdicts (a compliant host stays as it is; a host the plan would change is rehearsed through
 * the whole update, drain and reboot). With a maintenance window, the rehearsal runs again from each next opening until
 * no host is deferred: the number of runs is the number of windows.
 */
export async function rehearsePlan(input: RehearsePlanInput): Promise<RehearsedDuration> {
  const wallStart = performance.now();
  const { playbook, report, nova } = input;
  const fromPlaybook = await playbookDurations(playbook.file);
  const durations: DurationSettings = { ...FLEET_DURATIONS, ...fromPlaybook };
  const given = Object.keys(fromPlaybook).length;
  const durationSource = given === 0 ? 'defaults' : 'playbook vars.rehearse over defaults';

  const { view, servers } = input.read ?? (await readFleet(nova));
  const byNova = new Map(report.hosts.map((h) => [h.novaHost, h]));
  const rehearsed = input.targets.filter((t) => REHEARSED.has(byNova.get(t.novaHost)?.status ?? ''));
  const leftOut = input.targets.length - rehearsed.length;

  // Simulated names (a lab host name is short and plain), in the order Placement lists the nodes.
  const simName = new Map<string, string>();
  const nodes = view.nodes.filter((n) => {
    if (simName.has(n.host)) return false;
    simName.set(n.host, `h${String(simName.size + 1).padStart(5, '0')}`);
    return true;
  });
  const onHost = new Map<string, Server[]>();
  for (const s of servers) if (s.host !== null && simName.has(s.host)) onHost.set(s.host, [...(onHost.get(s.host) ?? []), s]);
  const unknownFlavor = servers.filter((s) => s.flavor === null).length;
  if (unknownFlavor > 0) throw new Error(`Nova does not give the flavor of ${unknownFlavor} instance(s) (it embeds flavors from 2.47), so their room and migration times are unknown`);

  const flavorName = (f: { vcpus: number; ramMb: number }): string => `f${f.vcpus}c${f.ramMb}m`;
  const explicit: ExplicitInstances = { flavors: [], instances: [] };
  const flavors = new Map<string, { name: string; vcpus: number; ramMb: number }>();
  const labHosts = nodes.map((n) => {
    const report = byNova.get(n.host);
    const mine = onHost.get(n.host) ?? [];
    const used = mine.reduce((a, s) => ({ vcpus: a.vcpus + s.flavor!.vcpus, ramMb: a.ramMb + s.flavor!.ramMb }), { vcpus: 0, ramMb: 0 });
    for (const s of mine) {
      const name = flavorName(s.flavor!);
      if (!flavors.has(name)) flavors.set(name, { name, ...s.flavor! });
      const state = s.status === 'ACTIVE' || s.status === 'SHUTOFF' || s.status === 'PAUSED' || s.status === 'ERROR' ? s.status : 'ERROR';
      explicit.instances.push({ name: `i${explicit.instances.length + 1}`, host: simName.get(n.host)!, flavor: name, state, az: s.pinnedAvailabilityZone ?? null });
    }
    return {
      name: simName.get(n.host)!,
      dist: report ? distOf(report) : 'el7',
      // Compliant, or not in this rollout: nothing to do there; it only receives instances.
      fixed: report === undefined || report.status === 'ok',
      availability_zone: n.zone || 'nova',
      // Room as Placement counts it now, in allocation units (ratio 1, nothing reserved), never below what runs there.
      vcpus: Math.max(1, used.vcpus + Math.max(0, n.free.VCPU)),
      ram_mb: Math.max(1024, used.ramMb + Math.max(0, n.free.MEMORY_MB)),
      ...(n.usable ? {} : { operator_disabled: 'disabled or down in the cloud when the plan read it' }),
    };
  });
  explicit.flavors = [...flavors.values()];
  const lab = fleetOfCloud(labHosts);
  const fleet = new SimFleet(lab, durations, explicit);
  const only = rehearsed.map((t) => simName.get(t.novaHost)).filter((n): n is string => n !== undefined);

  const w = playbook.window ?? null;
  let start = input.startMs ?? Date.now();
  if (w) start = nextOpening(w, start);
  let makespanMs = 0;
  let runs = 0;
  let batches = 0;
  let completed = 0;
  let moved = 0;
  let unfinished: string | null = null;
  for (;;) {
    const r = await rehearseFleet(playbook, fleet, { startMs: start, only, ...(input.serial ? { serial: input.serial } : {}), ...(input.forks ? { forks: input.forks } : {}) });
    runs += 1;
    makespanMs += r.makespanMs;
    batches = Math.max(batches, r.batches.length);
    completed += r.migrations.completed;
    moved += r.migrations.instancesMoved;
    const o = r.outcome;
    if (o.failed + o.refused + o.unknown + o.unreachable > 0 || o.stopReason) {
      unfinished = `the rehearsed rollout stopped: ${o.stopReason ?? `${o.failed + o.refused + o.unknown + o.unreachable} host(s) did not complete`}`;
      break;
    }
    if (!w || o.deferred === 0) break;
    if (runs >= MAX_WINDOWS) {
      unfinished = `${o.deferred} host(s) still deferred after ${MAX_WINDOWS} windows`;
      break;
    }
    start = nextOpening(w, start + r.makespanMs + 60_000);
  }
  return {
    makespanMs, windows: w ? runs : null, window: w ? windowLabel(w) : null, hosts: only.length, leftOut,
    instances: servers.length, batches, migrationsPerMovedInstance: moved ? Math.round((completed / moved) * 100) / 100 : null,
    unfinished, durations, durationSource, costMs: Math.round(performance.now() - wallStart),
  };
}

/** "~29 h 6 min" (minutes rounded up: an ETA errs long). */
export function formatEta(ms: number): string {
  const minutes = Math.ceil(ms / 60_000);
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return h > 0 ? `~${h} h ${m} min` : `~${m} min`;
}

/** The plan's lines: the figure, then how it was derived. */
export function rehearsedLines(r: RehearsedDuration): string[] {
  const d = r.durations;
  const s = (ms: number | null): string => (ms === null ? 'each host\'s own' : ms >= 60_000 && ms % 60_000 === 0 ? `${ms / 60_000}m` : `${ms / 1000}s`);
  // A rollout the rehearsal saw stop has no duration to give: the headline says so, not a figure that looks like an ETA.
  const head = r.unfinished !== null
    ? `rehearsed: the rollout does not finish: ${r.unfinished} (after ${formatEta(r.makespanMs).slice(1)}${r.windows === null ? '' : `, ${r.windows} window${r.windows === 1 ? '' : 's'}`})`
    : r.windows === null
      ? `rehearsed: ${formatEta(r.makespanMs)} in one run (the playbook has no maintenance window)`
      : `rehearsed: ${formatEta(r.makespanMs)}, ${r.windows} window${r.windows === 1 ? '' : 's'} of ${r.window}`;
  return [
    head,
    `  how: the real engine and steps on a virtual clock over the plan's fleet (${r.hosts} hosts to roll${r.leftOut ? `, ${r.leftOut} left out for their verdict` : ''}, `
      + `${r.instances} instances where Nova has them, room as Placement counts it now), ${r.batches} batches, `
      + `${(r.migrationsPerMovedInstance ?? 0).toFixed(2)} live migrations per moved instance; durations (${r.durationSource}): boot ${s(d.bootMs)}, `
      + `migration ${s(d.migrationMs)} + ${s(d.migrationPerGbMs)}/GiB, update ${s(d.packageUpdateMs)}, API ${s(d.apiMs)}, ±${Math.round(d.spread * 100)}%; `
      + `rehearsed in ${(r.costMs / 1000).toFixed(1)} s (skip with --no-rehearse)`,
  ];
}
