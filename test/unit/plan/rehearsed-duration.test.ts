// plan's ETA: the rehearsal seeded from what a plan reads (verdicts, Nova's instances, Placement's room), with windows.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultLabConfig, labConfig } from '../../../src/lab/lab-config.js';
import type { HostSpec } from '../../../src/inventory/types.js';
import { formatEta, nextOpening, rehearsePlan, rehearsedLines } from '../../../src/plan/rehearsed-duration.js';
import { loadPlaybook } from '../../../src/playbook/index.js';
import type { Report } from '../../../src/report/model.js';
import { LAB_DURATIONS } from '../../../src/rehearse/durations.js';
import { InProcessNova } from '../../../src/rehearse/in-process-nova.js';
import { SimFleet } from '../../../src/rehearse/rehearse.js';
import { stepSchemas } from '../../../src/steps/registry.js';

const START = Date.UTC(2026, 5, 1, 21, 0, 0);

/** A "real" cloud to plan against: the lab model in process, answering at once (no API latency outside a virtual clock). */
function cloud(hosts: number, instances: number) {
  const lab = labConfig.parse(defaultLabConfig(hosts, instances));
  const fleet = new SimFleet(lab, { ...LAB_DURATIONS, apiMs: 0 });
  return { lab, nova: new InProcessNova(fleet.sim, fleet.durations) };
}

function planOf(names: string[], status: (name: string) => string): { report: Report; targets: HostSpec[] } {
  const hosts = names.map((n) => ({ name: n, novaHost: n, status: status(n), facts: { os: 'CentOS Linux 7 (Core)' } }));
  return { report: { hosts } as unknown as Report, targets: names.map((n) => ({ name: n, novaHost: n }) as HostSpec) };
}

async function playbookWith(extra: string) {
  const dir = mkdtempSync(join(tmpdir(), 'rehearsed-'));
  const file = join(dir, 'p.yaml');
  writeFileSync(file, readFileSync('playbooks/remediate.yaml', 'utf8').replace(/^steps:/m, `${extra}\nsteps:`));
  return loadPlaybook(file, stepSchemas());
}

describe('rehearsePlan', () => {
  it('rehearses the hosts the plan would change or found compliant, with the cloud\'s instances, and leaves the others out', async () => {
    const { lab, nova } = cloud(6, 12);
    const names = lab.hosts.map((h) => h.name);
    const { report, targets } = planOf(names, (n) => (n === 'compute03' ? 'ok' : n === 'compute05' ? 'refused' : 'would-change'));
    const r = await rehearsePlan({ playbook: await playbookWith(''), report, targets, nova, startMs: START });
    expect(r).toMatchObject({ hosts: 5, leftOut: 1, instances: 12, windows: null, unfinished: null, durationSource: 'defaults' });
    // Four hosts to update and reboot with the default five-minute boots: at least two batches of one boot each.
    expect(r.makespanMs).toBeGreaterThan(2 * 300_000 * 0.8);
    expect(r.batches).toBe(2);
    expect(rehearsedLines(r)[0]).toMatch(/^rehearsed: ~\d+ min in one run \(the playbook has no maintenance window\)$/);
  });

  it('counts the maintenance windows: a rollout longer than one window is rehearsed again from each next opening', async () => {
    const { lab, nova } = cloud(6, 12);
    const names = lab.hosts.map((h) => h.name);
    const { report, targets } = planOf(names, (n) => (n === 'compute03' ? 'ok' : 'would-change'));
    // A 15-minute window and 20-minute boots: the first batch (one host) fills the first window, the second batch the next.
    const playbook = await playbookWith('window: { start: "22:00", end: "22:15", timezone: UTC }\nvars: { rehearse: { boot: 20m } }');
    const r = await rehearsePlan({ playbook, report, targets, nova, startMs: START });
    expect(r.windows).toBe(2);
    expect(r.window).toBe('22:00–22:15 UTC');
    expect(r.durationSource).toBe('playbook vars.rehearse over defaults');
    expect(r.unfinished).toBeNull();
    // Two boots of 20 minutes (less the spread), one per window: the work of both windows is summed.
    expect(r.makespanMs).toBeGreaterThan(2 * 20 * 60_000 * 0.8);
    expect(rehearsedLines(r)[0]).toMatch(/^rehearsed: ~(\d+ h )?\d+ min, 2 windows of 22:00–22:15 UTC$/);
  });
});

describe('a rehearsal that stops', () => {
  it('gives no duration when the rehearsed rollout stops: the reboot timeout is shorter than the boots', async () => {
    const { lab, nova } = cloud(4, 6);
    const { report, targets } = planOf(lab.hosts.map((h) => h.name), () => 'would-change');
    // The test playbook waits 60 s for a reboot; the default boot is five minutes: the first host fails, the rollout stops.
    const r = await rehearsePlan({ playbook: await loadPlaybook('test/fixtures/playbooks/fast-remediate.yaml', stepSchemas()), report, targets, nova, startMs: START });
    expect(r.unfinished).toMatch(/^the rehearsed rollout stopped: /);
    expect(rehearsedLines(r)[0]).toMatch(/^rehearsed: the rollout does not finish: the rehearsed rollout stopped: .* \(after \d+ min\)$/);
  });
});

describe('nextOpening and formatEta', () => {
  it('finds the first minute inside the window, and rounds an ETA up to the minute', () => {
    const w = { start: '22:00', end: '06:00', timezone: 'UTC' };
    expect(new Date(nextOpening(w, Date.UTC(2026, 5, 1, 12, 0, 30))).toISOString()).toBe('2026-06-01T22:00:00.000Z');
    expect(nextOpening(w, Date.UTC(2026, 5, 1, 23, 0))).toBe(Date.UTC(2026, 5, 1, 23, 0));
    expect(formatEta(61_000)).toBe('~2 min');
    expect(formatEta(29 * 3_600_000 + 5 * 60_000 + 1)).toBe('~29 h 6 min');
  });
});
