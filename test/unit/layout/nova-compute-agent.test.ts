// nova-compute the layout's way: the restart and is-active commands per layout, the override, and reading their answers.
import { describe, expect, it } from 'vitest';
import { describeAgent, isActiveCommand, logHint, novaComputeAgent, parseAgentState, restartCommand } from '../../../src/layout/nova-compute-agent.js';
import { LAYOUT_NAMES } from '../../../src/layout/names.js';
import { allRead } from '../../../src/facts/evidence.js';
import { LAYOUT_FACTS } from '../../helpers/layout-facts.js';

const READ = allRead();

describe('nova-compute agent per layout', () => {
  it('restarts each layout\'s nova-compute its own way', () => {
    const restarts = Object.fromEntries(LAYOUT_NAMES.map((n) => [n, restartCommand(novaComputeAgent({ layout: LAYOUT_FACTS[n], evidence: READ })!)]));
    expect(restarts).toEqual({
      baremetal: 'systemctl restart openstack-nova-compute',
      'tripleo-docker': 'docker restart nova_compute',
      'tripleo-podman': 'systemctl restart tripleo_nova_compute',
      'tripleo-modular': 'systemctl restart tripleo_nova_compute',
      kolla: 'systemctl restart kolla-nova_compute-container',
      osa: 'systemctl restart nova-compute',
      devstack: 'systemctl restart devstack@n-cpu',
    });
  });

  it('without a layout fact it is the bare-metal unit; the step\'s service names a unit that wins over the layout', () => {
    expect(novaComputeAgent({ evidence: READ })).toEqual({ kind: 'unit', unit: 'openstack-nova-compute' });
    expect(novaComputeAgent({ layout: LAYOUT_FACTS['tripleo-docker'], evidence: READ }, 'my-nova.service')).toEqual({ kind: 'unit', unit: 'my-nova.service' });
    expect(restartCommand(novaComputeAgent({ layout: LAYOUT_FACTS.kolla, evidence: READ }, 'my-nova.service')!)).toBe('systemctl restart my-nova.service');
    // A layout the gather could not decide names no unit at all.
    expect(novaComputeAgent({ evidence: { ...READ, layout: { state: 'unreadable', reason: 'layout unknown' } } })).toBeNull();
  });

  it('asks a container engine as root and a unit as anyone; names the log', () => {
    const docker = novaComputeAgent({ layout: LAYOUT_FACTS['tripleo-docker'], evidence: READ })!;
    expect(isActiveCommand(docker)).toEqual({ command: "docker inspect --format '{{.State.Status}}' nova_compute", become: true });
    expect(isActiveCommand({ kind: 'unit', unit: 'devstack@n-cpu' })).toEqual({ command: 'systemctl is-active devstack@n-cpu', become: false });
    expect(describeAgent(docker)).toBe('the nova_compute container (docker)');
    expect(logHint(docker)).toBe('docker logs nova_compute');
    expect(logHint({ kind: 'unit', unit: 'tripleo_nova_compute' })).toBe('journalctl -u tripleo_nova_compute');
  });

  it('only a clear "running" or "active" is alive; an answer not understood is unknown, never active', () => {
    const c = { kind: 'container' as const, engine: 'podman' as const, container: 'nova_compute' };
    expect(parseAgentState(c, { code: 0, stdout: 'running\n', stderr: '' }).state).toBe('active');
    expect(parseAgentState(c, { code: 0, stdout: 'exited\n', stderr: '' })).toEqual({ state: 'inactive', detail: 'nova_compute: exited' });
    expect(parseAgentState(c, { code: 125, stdout: '', stderr: 'Error: no such container nova_compute\n' })).toEqual({ state: 'unknown', detail: 'Error: no such container nova_compute' });
    // A user's podman sees its own empty storage: no answer at all is not "running".
    expect(parseAgentState(c, { code: 0, stdout: '', stderr: '' }).state).toBe('unknown');
    const u = { kind: 'unit' as const, unit: 'nova-compute' };
    expect(parseAgentState(u, { code: 0, stdout: 'active\n', stderr: '' }).state).toBe('active');
    expect(parseAgentState(u, { code: 3, stdout: 'failed\n', stderr: '' }).state).toBe('inactive');
    expect(parseAgentState(u, { code: 4, stdout: '', stderr: 'Failed to connect to bus' }).state).toBe('unknown');
  });
});
