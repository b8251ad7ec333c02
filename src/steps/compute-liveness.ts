// Is nova-compute alive on a host: the agent's systemd unit (the host's word) and Nova's service state (the cloud's word).
import type { ComputeService, NovaApi } from '../openstack/types.js';
import { Deadline } from '../util/deadline.js';
import { sleep } from '../util/sleep.js';
import { computeServiceOf } from './nova-service.js';
import type { StepContext } from './types.js';

/** What `systemctl is-active` said; unknown when it said nothing we can read (never taken as active). */
export type AgentState = 'active' | 'inactive' | 'unknown';

export interface Liveness {
  agent: AgentState;
  /** The agent's own word: is-active's output, or why it could not be read. */
  agentDetail: string;
  service: ComputeService;
}

/** Why the compute service is not alive, or null when both sides say it is. */
export function deadReason(l: Liveness, unit: string): string | null {
  const why: string[] = [];
  if (l.agent !== 'active') why.push(`${unit} is ${l.agent === 'unknown' ? `of unknown state (${l.agentDetail})` : `not active on the host (systemctl is-active: ${l.agentDetail})`}`);
  if (l.service.forcedDown === true) why.push(`Nova has the service forced down`);
  if (l.service.state !== 'up') why.push(`Nova reports the service ${l.service.state}`);
  return why.length ? why.join('; ') : null;
}

export async function agentState(ctx: StepContext<unknown>, unit: string): Promise<{ state: AgentState; detail: string }> {
  let res;
  try {
    res = await ctx.transport.exec(`systemctl is-active ${unit}`, { signal: ctx.signal, timeoutMs: 30_000 });
  } catch (err) {
    if (ctx.signal.aborted) throw err;
    return { state: 'unknown', detail: (err as Error).message };
  }
  const out = res.stdout.trim().split('\n')[0]?.trim() ?? '';
  // is-active exits 0 only for "active"; a known non-active word (exit 3) is a stopped agent; anything else is unread.
  if (res.code === 0 && out === 'active') return { state: 'active', detail: out };
  if (['inactive', 'failed', 'activating', 'deactivating', 'reloading'].includes(out)) return { state: 'inactive', detail: out };
  return { state: 'unknown', detail: out || res.stderr.trim() || `exit ${String(res.code)}` };
}

export async function liveness(ctx: StepContext<unknown>, nova: NovaApi, unit: string): Promise<Liveness> {
  const agent = await agentState(ctx, unit);
  const service = await computeServiceOf(nova, ctx.host.novaHost);
  return { agent: agent.state, agentDetail: agent.detail, service };
}

/**
 * Polls until both the agent and Nova say alive, or the deadline passes; returns the last look either way. Nova marks a
 * freshly started agent up only after its first report, so a short wait after a reboot is normal.
 */
export async function waitForLiveness(ctx: StepContext<unknown>, nova: NovaApi, unit: string, timeoutMs: number, pollMs: number): Promise<Liveness> {
  const deadline = new Deadline(timeoutMs, { graceMs: pollMs });
  for (;;) {
    const l = await liveness(ctx, nova, unit);
    const left = deadline.left();
    if (deadReason(l, unit) === null || left <= 0) return l;
    // The last look is made at the deadline itself, not one poll before it.
    await sleep(Math.min(pollMs, left), ctx.signal);
  }
}
