// A sweep through the real engine and steps over simulated hosts: one exec per healthy host (issue 18), counted at the transport.
import { describe, expect, it } from 'vitest';
import { buildGatherCommand, parseGather } from '../../../src/facts/index.js';
import { EngineEvents } from '../../../src/engine/events.js';
import type { GatherFacts } from '../../../src/engine/host-runner.js';
import { runFleet } from '../../../src/engine/runner.js';
import type { HostSpec } from '../../../src/inventory/types.js';
import { labConfig } from '../../../src/lab/lab-config.js';
import { loadPlaybook } from '../../../src/playbook/index.js';
import { LAB_DURATIONS } from '../../../src/rehearse/durations.js';
import { InProcessNova } from '../../../src/rehearse/in-process-nova.js';
import { SimFleet } from '../../../src/rehearse/rehearse.js';
import { NOVA_CONF_PATH } from '../../../src/rehearse/sim-host.js';
import { SimTransport } from '../../../src/rehearse/sim-transport.js';
import { findingOf } from '../../../src/steps/changes.js';
import type { Diff } from '../../../src/steps/types.js';
import { stepSchemas, sweepSteps, STEP_BY_ID } from '../../../src/steps/registry.js';

const INSTANT = { ...LAB_DURATIONS, packageUpdateMs: 0, checkUpdateMs: 0, gatherMs: 0, commandMs: 0, connectMs: 0, apiMs: 0, serviceRestartMs: 0, bootMs: 0, spread: 0 };

async function sweep(tweak: (fleet: SimFleet) => void = () => {}) {
  const playbook = await loadPlaybook('playbooks/remediate.yaml', stepSchemas());
  const fleet = new SimFleet(labConfig.parse({ hosts: [{ name: 'c1' }, { name: 'c2', fixed: true }, { name: 'c3', dist: 'el8' }] }), INSTANT);
  tweak(fleet);
  const transports = new Map<string, SimTransport>();
  const hosts: HostSpec[] = [...fleet.hosts.values()].map((h) => ({
    name: h.name, address: h.spec.address, port: h.spec.port, user: 'root', become: true, novaHost: h.name, groups: ['compute', 'all'], vars: {},
  }));
  const gatherFacts: GatherFacts = async (t, _h, signal) =>
    parseGather((await t.exec(buildGatherCommand({ packages: ['kernel', 'microcode_ctl', 'libvirt', 'qemu-kvm'], novaConfPath: NOVA_CONF_PATH }), { become: true, signal })).stdout);
  const events = new EngineEvents();
  const diffs = new Map<string, Diff>();
  events.on('step-end', (e) => { if (e.diff && e.step === 'restore') diffs.set(e.host, e.diff); });
  const steps = sweepSteps(playbook.steps.map((s) => ({ step: STEP_BY_ID.get(s.id)!, params: s.params })));
  const summary = await runFleet({
    runId: 'sweep-test', hosts, steps, mode: 'plan', forks: 3, nova: new InProcessNova(fleet.sim, fleet.durations), state: null, events,
    transportFactory: (h) => {
      const t = new SimTransport(fleet.hosts.get(h.name)!, fleet.durations);
      transports.set(h.name, t);
      return t;
    },
    gatherFacts,
  });
  const execs = Object.fromEntries([...transports].map(([n, t]) => [n, t.execs]));
  return { summary, execs, diffs, steps: steps.map((s) => s.step.id) };
}

describe('a sweep over simulated hosts', () => {
  it('makes one exec per healthy host: the gather, which also asked nova-compute\'s agent', async () => {
    const { execs, diffs, steps } = await sweep();
    expect(steps).toContain('restore');
    expect(execs).toEqual({ c1: 1, c2: 1, c3: 1 });
    for (const h of ['c1', 'c2', 'c3']) expect(findingOf(diffs.get(h)?.findings, 'compute-service')).toMatchObject({ agent: 'active', dead: null });
  });

  it('a dead agent is seen from the gather alone', async () => {
    const { execs, diffs } = await sweep((f) => { f.hosts.get('c3')!.isActive = () => ({ code: 3, stdout: 'failed\n' }); });
    expect(execs['c3']).toBe(1);
    expect(findingOf(diffs.get('c3')?.findings, 'compute-service')).toMatchObject({ agent: 'inactive', dead: expect.stringMatching(/systemctl is-active: failed/) });
  });

  it('an agent the gather could not read is asked again on its own (a second exec, still unknown)', async () => {
    const { execs, diffs } = await sweep((f) => { f.hosts.get('c2')!.isActive = () => ({ code: 1, stdout: '' }); });
    expect(execs).toEqual({ c1: 1, c2: 2, c3: 1 });
    expect(findingOf(diffs.get('c2')?.findings, 'compute-service')).toMatchObject({ agent: 'unknown' });
  });
});
