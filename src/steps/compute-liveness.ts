// Is nova-compute alive on a host: the agent's unit or container, the layout's way (the host's word), and Nova's service state (the cloud's word).
import type { HostFacts } from '../facts/types.js';
import { describeAgent, isActiveCommand, novaComputeAgent, parseAgentState, unknownAgentReason, type AgentState, type NovaComputeAgent } from '../layout/nova-compute-agent.js';
import type { ComputeService, NovaApi } from '../openstack/types.js';
import { Deadline } from '../util/deadline.js';
import { sleep } from '../util/sleep.js';
import { UnknownEvidenceError } from './errors.js';
import { computeServiceOf } from './nova-service.js';
import type { StepContext } from './types.js';

/** What `systemctl is-active` (or the engine's inspect) said; unknown when it said nothing we can read (never taken as active). */
export type { AgentState } from '../layout/nova-compute-agent.js';

export interface Liveness {
  agent: AgentState;
  /** The agent's own word: is-active's (or inspect's) output, or why it could not be read. */
  agentDetail: string;
  service: ComputeService;
}

/** The host's nova-compute agent (the override, else the layout's); a layout the gather could not decide is unknown. */
export function requireAgent(facts: Pick<HostFacts, 'layout' | 'evidence'>, override: string | undefined): NovaComputeAgent {
  const agent = novaComputeAgent(facts, override);
  if (agent === null) throw new UnknownEvidenceError(['layout'], unknownAgentReason(facts));
  return agent;
}

/** Why the compute service is not alive, or null when both sides say it is. */
export function deadReason(l: Liveness, agent: NovaComputeAgent): string | null {
  const why: string[] = [];
  const said = agent.kind === 'unit' ? 'systemctl is-active' : `${agent.engine} inspect`;
  if (l.agent !== 'active') why.push(`${describeAgent(agent)} is ${l.agent === 'unknown' ? `of unknown state (${l.agentDetail})` : `not active on the host (${said}: ${l.agentDetail})`}`);
  if (l.service.forcedDown === true) why.push(`Nova has the service forced down`);
  if (l.service.state !== 'up') why.push(`Nova reports the service ${l.service.state}`);
  return why.length ? why.join('; ') : null;
}

/** Asks the host now, in an exec of its own: the look a decision that acts on the answer must make. */
export async function agentState(ctx: StepContext<unknown>, agent: NovaComputeAgent): Promise<{ state: AgentState; detail: string }> {
  const { command, become } = isActiveCommand(agent);
  let res;
  try {
    res = await ctx.transport.exec(command, { become, signal: ctx.signal, timeoutMs: 30_000 });
  } catch (err) {
    if (ctx.signal.aborted) throw err;
    return { state: 'unknown', detail: (err as Error).message };
  }
  return parseAgentState(agent, res);
}

/** The same unit (systemctl takes `x` and `x.service` alike), or the same engine and container. */
function sameAgent(a: NovaComputeAgent, b: NovaComputeAgent): boolean {
  const unit = (u: string) => u.replace(/\.service$/, '');
  if (a.kind === 'unit') return b.kind === 'unit' && unit(a.unit) === unit(b.unit);
  return b.kind === 'container' && a.engine === b.engine && a.container === b.container;
}

/**
 * The gather's answer for exactly this agent, when it gave a state (active or inactive); null when it asked another
 * agent (a step's `service` naming another unit), none, or could not read one: the caller then asks live.
 */
export function gatheredAgentState(facts: Pick<HostFacts, 'novaComputeAgent'>, agent: NovaComputeAgent): { state: AgentState; detail: string } | null {
  const g = facts.novaComputeAgent;
  if (!g || g.agent === null || g.state === 'unknown' || !sameAgent(g.agent, agent)) return null;
  return { state: g.state, detail: g.detail };
}

async function look(ctx: StepContext<unknown>, nova: NovaApi, agent: { state: AgentState; detail: string }): Promise<Liveness> {
  const service = await computeServiceOf(nova, ctx.host.novaHost);
  return { agent: agent.state, agentDetail: agent.detail, service };
}

/**
 * Liveness for a read-only check (restore's, in sweeps and plans): the gather already asked the agent, in the same exec
 * as every other fact, so a sweep makes one exec per host (issue 18); only an agent it did not ask or could not read
 * costs an exec of its own. Never for a decision that acts: that is waitForLiveness, which always asks live.
 */
export async function liveness(ctx: StepContext<unknown>, nova: NovaApi, unit: NovaComputeAgent): Promise<Liveness> {
  const agent = gatheredAgentState(await ctx.facts(), unit) ?? await agentState(ctx, unit);
  return look(ctx, nova, agent);
}

/** Liveness asked of the host now, whatever the facts hold: a gather may be from before a reboot. */
async function liveLiveness(ctx: StepContext<unknown>, nova: NovaApi, unit: NovaComputeAgent): Promise<Liveness> {
  return look(ctx, nova, await agentState(ctx, unit));
}

/**
 * Polls until both the agent and Nova say alive, or the deadline passes; returns the last look either way. Nova marks a
 * freshly started agent up only after its first report, so a short wait after a reboot is normal. Every look asks the
 * host live (never the gathered facts): the enable that follows acts on it, right after a reboot.
 */
export async function waitForLiveness(ctx: StepContext<unknown>, nova: NovaApi, unit: NovaComputeAgent, timeoutMs: number, pollMs: number): Promise<Liveness> {
  const deadline = new Deadline(timeoutMs, { graceMs: pollMs });
  for (;;) {
    const l = await liveLiveness(ctx, nova, unit);
    const left = deadline.left();
    if (deadReason(l, unit) === null || left <= 0) return l;
    // The last look is made at the deadline itself, not one poll before it.
    await sleep(Math.min(pollMs, left), ctx.signal);
  }
}
