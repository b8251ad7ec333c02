// Live-migrates one instance off a host and waits for the outcome: bounded retries, a deadline that really fires.
import type { NovaApi, Server } from '../openstack/types.js';
import { sleep } from '../util/sleep.js';
import { CommandFailedError } from './errors.js';

export interface MigrationPolicy {
  timeoutMs: number;
  retries: number;
  pollMs: number;
}

/** An instance that could not be moved: the drain fails (a command on the cloud failed), naming it. */
export class MigrationError extends CommandFailedError {
  constructor(message: string, readonly serverId: string) {
    super(message);
  }
}

type Outcome = 'moved' | 'failed' | 'timeout';

async function waitForOutcome(nova: NovaApi, server: Server, source: string, deadline: number, policy: MigrationPolicy, signal: AbortSignal): Promise<Outcome> {
  while (Date.now() < deadline) {
    await sleep(policy.pollMs, signal);
    const now = await nova.getServer(server.id);
    if (now.host !== source && now.status === 'ACTIVE' && !now.taskState) return 'moved';
    if (now.status === 'ERROR') throw new MigrationError(`instance ${server.name} (${server.id}) went to ERROR during live migration`, server.id);
    if (now.host === source && !now.taskState && now.status === 'ACTIVE') {
      // Back on the source and idle: Nova gave up (e.g. NoValidHost or a failed migration).
      const migs = await nova.listMigrations({ instanceUuid: server.id, migrationType: 'live-migration' });
      if (migs.some((m) => ['error', 'failed', 'cancelled'].includes(m.status))) return 'failed';
    }
  }
  return 'timeout';
}

/**
 * Nova migration states after which nothing more happens (the one list, shared by the drain's incoming check and the
 * reboot's last look). os-migrations keeps history: a resize long confirmed or reverted must not block a host for ever.
 */
const FINISHED = new Set(['completed', 'error', 'failed', 'cancelled', 'done', 'finished', 'confirmed', 'reverted']);

export function isFinishedMigration(status: string): boolean {
  return FINISHED.has(status);
}

/**
 * A migration past its deadline is aborted, not left running: a MIGRATING instance would block every later drain and
 * reboot of its host until someone aborted it by hand. Says what happened; never throws for the abort itself.
 */
async function abortRunning(nova: NovaApi, server: Server, source: string, policy: MigrationPolicy, signal: AbortSignal): Promise<string> {
  try {
    const running = (await nova.listMigrations({ instanceUuid: server.id, migrationType: 'live-migration' })).filter((m) => !isFinishedMigration(m.status));
    if (running.length === 0) return 'no migration was running any more';
    for (const m of running) await nova.abortLiveMigration(server.id, m.id);
    // As long again as the migration had, within reason: an abort that does not take is reported, not waited on forever.
    const deadline = Date.now() + Math.max(policy.pollMs * 4, Math.min(policy.timeoutMs, 60_000));
    while (Date.now() < deadline) {
      await sleep(policy.pollMs, signal);
      const now = await nova.getServer(server.id);
      if (!now.taskState) return now.host === source ? 'the migration was aborted' : `the migration was aborted but the instance is on ${now.host ?? '?'}`;
    }
    return 'the migration was asked to abort but the instance is still migrating';
  } catch (err) {
    return `aborting the migration failed (${err instanceof Error ? err.message : String(err)})`;
  }
}

/** Named hosts Nova may refuse for one instance before the scheduler chooses. */
export const MAX_NAMED_TARGETS = 3;

/**
 * Resolves once the instance runs elsewhere; throws MigrationError when it cannot be moved. `resume` skips the first
 * request. `pickTarget` may name a host for the first request; if Nova refuses it there, the picker is told and may
 * name another (up to MAX_NAMED_TARGETS), then the scheduler chooses; refusals of a named host use up no retry. A
 * failure of a migration the scheduler placed is retried by the scheduler.
 */
export async function migrateAway(nova: NovaApi, server: Server, source: string, policy: MigrationPolicy, signal: AbortSignal, resume = false,
  pickTarget?: (server: Server, refused?: string) => Promise<string | null>): Promise<number> {
  let attempt = 0;
  let named: string | null = null;
  let askPicker = pickTarget !== undefined;
  let refused: string | undefined;
  let namedTries = 0;
  for (;;) {
    attempt += 1;
    if (!(resume && attempt === 1)) {
      named = askPicker && pickTarget ? await pickTarget(server, refused).catch(() => null) : null;
      // A picker that names the host just refused again is not listened to: the scheduler chooses.
      if (named !== null && named === refused) named = null;
      askPicker = false;
      if (named !== null) namedTries += 1;
      await nova.liveMigrate(server.id, named);
    }
    const outcome = await waitForOutcome(nova, server, source, Date.now() + policy.timeoutMs, policy, signal);
    if (outcome === 'moved') return attempt;
    if (outcome === 'failed' && named !== null) {
      refused = named;
      askPicker = namedTries < MAX_NAMED_TARGETS;
      named = null;
      attempt -= 1;
      continue;
    }
    if (outcome === 'timeout') {
      const aborted = await abortRunning(nova, server, source, policy, signal);
      throw new MigrationError(`live migration of ${server.name} (${server.id}) did not finish within ${Math.round(policy.timeoutMs / 1000)}s; ${aborted}; it stays on ${source}`, server.id);
    }
    if (attempt > policy.retries) {
      throw new MigrationError(`live migration of ${server.name} (${server.id}) failed ${attempt} times; it stays on ${source}`, server.id);
    }
  }
}
