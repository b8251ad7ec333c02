// The reboot's last look: right before the command, re-read from Nova and from the hypervisor everything the reboot relies on.
import type { Migration } from '../openstack/types.js';
import { refuseWithoutEvidence } from './evidence-rules.js';
import { RefusedError } from './errors.js';
import { isFinishedMigration } from './live-migration.js';
import { computeServiceOf, disableReason, disabledByUs, requireNova } from './nova-service.js';
import type { StepContext } from './types.js';

function describeMigration(m: Migration, host: string): string {
  const way = m.destCompute === host ? `into ${host} from ${m.sourceCompute ?? '?'}` : `out of ${host} to ${m.destCompute ?? '?'}`;
  return `${m.migrationType ?? 'migration'} ${m.id} of instance ${m.instanceUuid} ${way} (${m.status})`;
}

/**
 * What the drain saw can be stale by the time the reboot runs: an operator's forced live migration into the host (its
 * instance is on neither side's list until it lands), a service someone re-enabled, a guest started by hand. Each is read
 * again here, from both sides, and any of them refuses: the host is left as it is (drained, disabled by this run), never rebooted.
 */
export async function rebootLastLook(ctx: StepContext<unknown>, action = 'reboot'): Promise<void> {
  const nova = requireNova(ctx.nova, action);
  const host = ctx.host.novaHost;
  const changed: string[] = [];
  let reEnabled = false;

  // Migrations first, the service last: whatever changes while the earlier answers travel is caught by a later read.
  // Nova's host filter matches either end: an instance migrating in is on the source's list until it lands.
  const unfinished = (await nova.listMigrations({ host })).filter((m) => !isFinishedMigration(m.status));
  if (unfinished.length) {
    changed.push(`Nova shows ${unfinished.length} unfinished migration(s): ${unfinished.map((m) => describeMigration(m, host)).join(', ')}`);
  }

  const servers = (await nova.listServers({ host })).filter((s) => s.status !== 'SHUTOFF' || s.taskState);
  if (servers.length) {
    changed.push(`Nova shows ${servers.length} instance(s) on ${host}: ${servers.map((s) => `${s.name} (${s.status}${s.taskState ? `, ${s.taskState}` : ''})`).join(', ')}`);
  }
  const svc = await computeServiceOf(nova, host);
  const ours = disableReason(ctx.runId);
  if (svc.status !== 'disabled') {
    reEnabled = true;
    changed.push(`nova-compute on ${host} is ${svc.status} again (someone re-enabled it after the drain), so the scheduler may place instances here`);
  } else if (disabledByUs(svc) && svc.disabledReason !== ours) {
    // Another run of this tool (another controller) disabled it since our drain: it may be draining or rebooting this host too.
    changed.push(`nova-compute on ${host} is disabled, but not by this run (reason "${svc.disabledReason ?? ''}", expected "${ours}")`);
  }
  // An operator's own disable (the drain left it and said so) keeps the scheduler away just as well as ours.

  // A fresh gather, not the facts the plan was made on; an empty list proves nothing unless virsh answered.
  const facts = await ctx.refreshFacts();
  refuseWithoutEvidence(facts, ['guests'], `${action} ${ctx.host.name}`, ctx.host);
  const running = facts.guests.filter((g) => g.state !== 'shut off');
  if (running.length) {
    const where = facts.layout?.virsh ? ` (in ${facts.layout.virsh.engine}:${facts.layout.virsh.container})` : '';
    changed.push(`virsh${where} shows ${running.length} guest(s) not shut off: ${running.map((g) => `${g.name} (${g.state})`).join(', ')}`);
  }

  if (changed.length === 0) return;
  const left = reEnabled
    ? 'the host is left as it is and not rebooted'
    : 'the host is left drained with its compute service disabled, and not rebooted';
  const todo = unfinished.length
    ? 'let the migration finish (or abort it), then rerun to re-drain and reboot'
    : 'rerun to re-drain it and reboot';
  throw new RefusedError(`refusing to ${action}: the host changed since the drain: ${changed.join('; ')}; ${left}; ${todo}`);
}
