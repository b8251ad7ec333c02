// The run report agrees with the run: packages below minimum, facts before → after and the timeline come from the events.
import { describe, expect, it } from 'vitest';
import { EngineEvents } from '../../../src/engine/events.js';
import { ReportBuilder } from '../../../src/report/build.js';
import type { Diff } from '../../../src/steps/types.js';
import { updatePackages, updatePackagesParams } from '../../../src/steps/update-packages.js';
import { hostFacts, minimumsFor, VERSIONS } from '../../helpers/host-facts.js';
import { host } from '../engine/fixtures.js';

const params = updatePackagesParams.parse({ minimums: minimumsFor('el7') });
const steps = [{ step: updatePackages, params }];
const v = VERSIONS.el7;

/** The diff update-packages' check returns on an unfixed host: every package below its minimum. */
function preRunDiff(): Diff {
  const changes = Object.keys(v.minimum).map((name) => ({
    kind: 'package-update' as const,
    summary: `${name} old -> new`,
    data: { name, installed: v.old[name]!, minimum: v.minimum[name]!, available: v.fixed[name]! },
  }));
  return { step: 'update-packages', changes, notes: [] };
}

function drive(kind: 'run' | 'plan', after: ReturnType<typeof hostFacts>) {
  const events = new EngineEvents();
  const builder = new ReportBuilder(kind, 'r1', null, [host('a'), host('b')], steps);
  builder.listen(events);
  events.emit({ type: 'batch-start', index: 0, batches: 1, hosts: ['a'] });
  events.emit({ type: 'host-start', host: 'a', batch: 0 });
  events.emit({ type: 'facts', host: 'a', facts: hostFacts({ stage: 'unfixed' }) });
  events.emit({ type: 'step-start', host: 'a', step: 'update-packages', title: 't', attempt: 1 });
  if (kind === 'run') events.emit({ type: 'facts', host: 'a', facts: after });
  events.emit({ type: 'step-end', host: 'a', step: 'update-packages', status: kind === 'run' ? 'changed' : 'would-change', diff: preRunDiff(), durationMs: 5 });
  events.emit({ type: 'host-end', host: 'a', result: kind === 'run' ? 'changed' : 'would-change', durationMs: 6 });
  events.emit({ type: 'batch-end', index: 0, failed: 0, unreachable: 0, size: 1, stopReason: null });
  return builder.finish();
}

describe('ReportBuilder after a run', () => {
  it('lists no package below minimum once the run updated them, and shows before → after', () => {
    const r = drive('run', hostFacts({ stage: 'fixed' }));
    const a = r.hosts[0]!;
    expect(a.packagesBelowMinimum).toEqual([]);
    expect(a.before?.packages?.['kernel']).toBe('3.10.0-957.10.1.el7');
    expect(a.facts?.packages?.['kernel']).toBe('3.10.0-957.12.2.el7');
    expect(a.before?.mds).toBeNull();
    expect(a.facts?.mds).toBe('Mitigation: Clear CPU buffers; SMT vulnerable');
    expect(a.before?.kernelRunning).not.toBe(a.facts?.kernelRunning);
  });

  it('shows the versions the host has now when the update fell short', () => {
    // The update brought the kernel only: the others still show their old versions, the kernel is gone from the list.
    const partial = hostFacts({ stage: 'unfixed', installed: { kernel: [v.old['kernel']!, v.fixed['kernel']!] } });
    const a = drive('run', partial).hosts[0]!;
    expect(a.packagesBelowMinimum.map((p) => p.name).sort()).toEqual(['libvirt', 'microcode_ctl', 'qemu-kvm']);
    expect(a.packagesBelowMinimum.find((p) => p.name === 'libvirt')).toEqual({ name: 'libvirt', installed: v.old['libvirt'], minimum: v.minimum['libvirt'] });
  });

  it('keeps what the check found when rpm could not be read after the run', () => {
    const unread = hostFacts({ stage: 'fixed' });
    unread.evidence.rpm = { state: 'unreadable', reason: 'rpm: timed out' };
    const a = drive('run', unread).hosts[0]!;
    expect(a.packagesBelowMinimum).toHaveLength(4);
    expect(a.facts?.packages).toBeUndefined();
  });

  it('in a plan, lists the packages as they are, with no before snapshot', () => {
    const a = drive('plan', hostFacts({ stage: 'fixed' })).hosts[0]!;
    expect(a.packagesBelowMinimum).toHaveLength(4);
    expect(a.before).toBeUndefined();
  });

  it('records the batch and the step spans of each host started, none for a host never started', () => {
    const r = drive('run', hostFacts({ stage: 'fixed' }));
    expect(r.batches).toHaveLength(1);
    expect(r.batches![0]).toMatchObject({ index: 1, hosts: 1 });
    expect(r.batches![0]!.end).not.toBeNull();
    const t = r.hosts[0]!.timeline!;
    expect(t.batch).toBe(1);
    expect(t.steps.map((s) => [s.id, s.status])).toEqual([['update-packages', 'changed']]);
    expect(Date.parse(t.steps[0]!.end)).toBeGreaterThanOrEqual(Date.parse(t.steps[0]!.start));
    expect(Date.parse(t.end!)).toBeGreaterThanOrEqual(Date.parse(t.start));
    expect(r.hosts[1]!.timeline).toBeUndefined();
  });
});
