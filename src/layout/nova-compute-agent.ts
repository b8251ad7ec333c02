// How nova-compute is restarted and asked whether it runs, the layout's way: a systemd unit, or a container restarted by its engine.
import type { HostFacts } from '../facts/types.js';
import { sh } from '../transport/shell-quote.js';
import { layoutOf } from './commands.js';
import type { LayoutFact } from './names.js';

export type NovaComputeAgent = LayoutFact['novaCompute'];

/** systemd unit names (the playbook's `service` override): letters, digits, '@', '.', '_', '-'. */
export const UNIT_NAME = /^[A-Za-z0-9][A-Za-z0-9@._-]*$/;

/**
 * The agent of this host: the step's explicit `service` (a systemd unit) when given, else the layout's (facts built by
 * hand without one are bare metal), or null when the gather could not decide the layout: unknown, never a guessed unit.
 * An override wins over the layout because the operator named it for this host or group.
 */
export function novaComputeAgent(facts: Pick<HostFacts, 'layout' | 'evidence'>, override?: string): NovaComputeAgent | null {
  if (override !== undefined) return { kind: 'unit', unit: override };
  if (!facts.layout && facts.evidence.layout?.state === 'unreadable') return null;
  return layoutOf(facts).novaCompute;
}

/** Why novaComputeAgent() gave no agent, for messages. */
export function unknownAgentReason(facts: Pick<HostFacts, 'evidence'>): string {
  const p = facts.evidence.layout;
  return `how nova-compute runs here is unknown (${p?.state === 'unreadable' ? p.reason : 'no layout'}); name its systemd unit with the step's service param or set mds_layout / mds_nova_compute in the inventory`;
}

/** What an operator reads: "tripleo_nova_compute" or "the nova_compute container (docker)". */
export function describeAgent(a: NovaComputeAgent): string {
  return a.kind === 'unit' ? a.unit : `the ${a.container} container (${a.engine})`;
}

/** The command that restarts nova-compute so it reads nova.conf again (containers copy it in at start). */
export function restartCommand(a: NovaComputeAgent): string {
  return a.kind === 'unit' ? sh`systemctl restart ${a.unit}` : sh`${a.engine} restart ${a.container}`;
}

/**
 * The command that asks whether the agent runs, and whether it needs root: `systemctl is-active` answers any user;
 * docker's socket and podman's root storage answer only root (a user's podman sees its own, empty, storage).
 */
export function isActiveCommand(a: NovaComputeAgent): { command: string; become: boolean } {
  if (a.kind === 'unit') return { command: sh`systemctl is-active ${a.unit}`, become: false };
  return { command: sh`${a.engine} inspect --format ${'{{.State.Status}}'} ${a.container}`, become: true };
}

export type AgentState = 'active' | 'inactive' | 'unknown';

/** The answer of isActiveCommand() as a state: only a clear "running" is active; an answer not understood is unknown. */
export function parseAgentState(a: NovaComputeAgent, res: { code: number | null; stdout: string; stderr: string }): { state: AgentState; detail: string } {
  const out = res.stdout.trim().split('\n')[0]?.trim() ?? '';
  if (a.kind === 'unit') {
    // is-active exits 0 only for "active"; a known non-active word (exit 3) is a stopped agent; anything else is unread.
    if (res.code === 0 && out === 'active') return { state: 'active', detail: out };
    if (['inactive', 'failed', 'activating', 'deactivating', 'reloading'].includes(out)) return { state: 'inactive', detail: out };
    return { state: 'unknown', detail: out || res.stderr.trim() || `exit ${String(res.code)}` };
  }
  // docker/podman inspect: State.Status is created|restarting|running|removing|paused|exited|dead.
  if (res.code === 0 && out === 'running') return { state: 'active', detail: `${a.container}: ${out}` };
  if (res.code === 0 && ['created', 'restarting', 'removing', 'paused', 'exited', 'dead', 'stopped', 'configured'].includes(out)) {
    return { state: 'inactive', detail: `${a.container}: ${out}` };
  }
  return { state: 'unknown', detail: out || res.stderr.trim().split('\n')[0] || `exit ${String(res.code)}` };
}

/** Where its log is, for a failure message. */
export function logHint(a: NovaComputeAgent): string {
  return a.kind === 'unit' ? `journalctl -u ${a.unit}` : `${a.engine} logs ${a.container}`;
}
