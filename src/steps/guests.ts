// Step guests: list running guests whose CPU lacks md-clear (they need a cold boot), and cold-boot an allow-list on request.
import { z } from 'zod';
import type { HostFacts } from '../facts/types.js';
import { mdClearExposed } from '../facts/index.js';
import type { NovaApi, Server } from '../openstack/types.js';
import { AbortedError } from '../transport/types.js';
import { missingEvidence, requireEvidence } from './evidence-rules.js';
import { Deadline } from '../util/deadline.js';
import { sleep } from '../util/sleep.js';
import { changesOf, findingOf, type GuestNeedingColdBoot } from './changes.js';
import { CommandFailedError, PreconditionError } from './errors.js';
import { duration } from './params.js';
import type { Diff, Step, StepContext } from './types.js';

export const guestsParams = z.strictObject({
  /** Opt in: stop and start (through Nova) the instances on the allow-list. */
  cold_boot: z.boolean().default(false),
  /** Instance ids or names allowed to be cold-booted; "*" allows all. */
  allow: z.array(z.string().min(1)).default([]),
  timeout: duration.default(600_000),
  poll_interval: duration.default(2000),
});
export type GuestsParams = z.infer<typeof guestsParams>;

export type { GuestNeedingColdBoot } from './changes.js';

export function hostGivesMdClear(facts: HostFacts): boolean {
  return facts.cpu.vendor !== 'amd' && facts.domcaps !== null && mdClearExposed(facts.novaLibvirt, facts.domcaps);
}

/** Running guests whose live CPU definition lacks md-clear; only meaningful on Intel hosts. */
export function guestsNeedingColdBoot(facts: HostFacts, host: string, servers: Server[]): GuestNeedingColdBoot[] {
  if (facts.cpu.vendor === 'amd' || facts.mds.kind === 'not-affected') return [];
  const byId = new Map(servers.map((s) => [s.id, s]));
  return facts.guests
    .filter((g) => g.state === 'running' && g.mdClear === false)
    .map((g) => ({ uuid: g.uuid, name: byId.get(g.uuid)?.name ?? g.name, host, projectId: byId.get(g.uuid)?.projectId ?? null }));
}

function allowed(g: GuestNeedingColdBoot, allow: string[]): boolean {
  return allow.includes('*') || allow.includes(g.uuid) || allow.includes(g.name);
}

async function check(ctx: StepContext<GuestsParams>): Promise<Diff> {
  const facts = await ctx.facts();
  // An empty guest list from a virsh that did not answer is not "no guest needs a cold boot".
  if (facts.cpu.vendor !== 'amd' && facts.mds.kind !== 'not-affected') requireEvidence(facts, ['guests'], 'which guests need a cold boot', ctx.host);
  const servers = ctx.nova ? await ctx.nova.listServers({ host: ctx.host.novaHost }) : [];
  const needing = guestsNeedingColdBoot(facts, ctx.host.novaHost, servers);
  const diff: Diff = { step: 'guests', changes: [], notes: [], findings: [{ kind: 'guests-needing-cold-boot', guests: needing }] };
  const fixed = hostGivesMdClear(facts);
  for (const g of needing) {
    if (ctx.params.cold_boot && allowed(g, ctx.params.allow) && fixed) {
      diff.changes.push({ kind: 'cold-boot', summary: `stop and start ${g.name} (${g.uuid}) so it gets md-clear`, data: g });
    } else {
      diff.notes.push(`needs a cold boot: ${g.name} (${g.uuid})${g.projectId ? `, project ${g.projectId}` : ''}${fixed ? '' : ' (after this host is fixed)'}`);
    }
  }
  return diff;
}

async function waitForStatus(nova: NovaApi, id: string, status: string, timeoutMs: number, pollMs: number, signal: AbortSignal): Promise<void> {
  const deadline = new Deadline(timeoutMs, { graceMs: pollMs });
  while (!deadline.passed()) {
    if (signal.aborted) throw new AbortedError();
    const s = await nova.getServer(id);
    if (s.status === status && !s.taskState) return;
    if (s.status === 'ERROR') throw new CommandFailedError(`instance ${s.name} (${id}) went to ERROR`);
    await sleep(pollMs, signal);
  }
  throw new CommandFailedError(`instance ${id} did not reach ${status} within ${Math.round(timeoutMs / 1000)}s`);
}

async function apply(ctx: StepContext<GuestsParams>, diff: Diff): Promise<void> {
  if (!ctx.nova) throw new PreconditionError('the guests cold boot needs the Nova API');
  for (const { data: g } of changesOf(diff.changes, 'cold-boot')) {
    const current = await ctx.nova.getServer(g.uuid);
    if (current.status === 'ACTIVE') {
      await ctx.nova.stopServer(g.uuid);
      await waitForStatus(ctx.nova, g.uuid, 'SHUTOFF', ctx.params.timeout, ctx.params.poll_interval, ctx.signal);
    }
    await ctx.nova.startServer(g.uuid);
    await waitForStatus(ctx.nova, g.uuid, 'ACTIVE', ctx.params.timeout, ctx.params.poll_interval, ctx.signal);
    ctx.log.info({ instance: g.uuid }, 'instance cold-booted');
  }
  await ctx.refreshFacts();
}

export const guests: Step<GuestsParams> = {
  id: 'guests',
  title: 'Guests that need a cold boot (optional stop/start through Nova)',
  disruptive: false,
  needsNova: true,
  params: guestsParams,
  sweep: () => guestsParams.parse({}),
  // A live migration keeps a guest's CPU: guests drained later from unfixed hosts land on hosts already done.
  recheckAfterRun: true,
  report(diff, host, kind) {
    const found = findingOf(diff.findings, 'guests-needing-cold-boot');
    if (!found) return;
    host.guestsNeedingColdBoot = found.guests.map((g) => ({ uuid: g.uuid, name: g.name, host: g.host, projectId: g.projectId }));
    if (kind === 'sweep') {
      const n = host.guestsNeedingColdBoot.length;
      host.checks = host.checks.filter((c) => c.name !== 'guests')
        .concat({ name: 'guests', ok: n === 0, detail: n ? `${n} guest(s) need a cold boot` : 'no guest needs a cold boot' });
    }
  },
  reportFacts(host, facts, kind) {
    if (kind !== 'sweep') return;
    // A guest list virsh did not give is not "no guest needs a cold boot"; nor is a guests check that never ran.
    const unread = missingEvidence(facts, ['guests']);
    if (unread.length === 0 && host.checks.some((c) => c.name === 'guests')) return;
    const detail = unread.length ? `unknown: could not read ${unread.map((m) => m.text).join(', ')}` : 'unknown: the guests check did not run';
    host.checks = host.checks.filter((c) => c.name !== 'guests').concat({ name: 'guests', ok: false, detail, unknown: true });
  },
  check,
  apply,
};
