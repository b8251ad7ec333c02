// Step reboot: only when needed, never with instances on board; waits for a new boot_id and checks the host stays up.
import { z } from 'zod';
import { AbortedError, AuthError, HostKeyError } from '../transport/types.js';
import { rebootEvidence, requireEvidence } from './evidence-rules.js';
import { CommandFailedError, RefusedError } from './errors.js';
import { rebootLastLook } from './reboot-last-look.js';
import { duration } from './params.js';
import { rebootReasons } from './reboot-reasons.js';
import type { Diff, Step, StepContext } from './types.js';
import type { HostFacts } from '../facts/types.js';
import { formatEvr } from '../rpm/index.js';
import { Deadline } from '../util/deadline.js';
import { packageRules } from './package-rules.js';
import { sleep } from '../util/sleep.js';

export const rebootParams = z.strictObject({
  timeout: duration.default(1_200_000),
  stable_for: duration.default(10_000),
  /** First wait between reconnect attempts; doubles up to max_backoff. */
  backoff: duration.default(1000),
  max_backoff: duration.default(15_000),
  /** Seconds the detached reboot waits, so the command's own session ends cleanly first. */
  delay: z.number().int().min(0).max(60).default(1),
  /** Reboot even though an earlier reboot came back on the same old kernel (after the operator fixed the default boot entry). */
  again: z.boolean().default(false),
});
export type RebootParams = z.infer<typeof rebootParams>;

interface RebootCheckpoint {
  bootIdBefore: string;
  requestedAt: string;
  /** Set once the host came back and stayed up, so a later, new reboot is not mistaken for this one. */
  done?: boolean;
  /** The reboot came back, but not on the newest installed kernel: a rerun does not reboot for that again unless told to. */
  kernelKept?: KernelKept;
}

interface KernelKept {
  running: string;
  newest: string;
  at: string;
  /** What the host said its default boot entry is (grubby --default-kernel, else grub2-editenv list), if it said. */
  bootEntry?: string;
}

const BOOT_ENTRY_HINT = 'the default boot entry (grubby --default-kernel; grub2-editenv list where grubby is missing) still points at the old kernel';

function newestKernel(facts: HostFacts): string | null {
  const kernels = facts.packages['kernel'] ?? [];
  return kernels.length ? formatEvr(packageRules(facts).newest(kernels)) : null;
}

async function check(ctx: StepContext<RebootParams>): Promise<Diff> {
  const facts = await ctx.facts();
  // An unread rpm database or libvirt would hide a reason: "no reboot needed" must be known, not assumed.
  requireEvidence(facts, rebootEvidence(facts), 'whether a reboot is due', ctx.host);
  const reasons = rebootReasons(facts, false);
  const diff: Diff = { step: 'reboot', changes: [], notes: [] };
  if (reasons.length === 0) {
    diff.notes.push('no reboot needed: running kernel is the newest installed, microcode loaded, libvirt offers md-clear where it can');
    return diff;
  }
  // A reboot already came back on this same old kernel: another one would do the same, and cost the host another boot.
  const kept = ctx.checkpoint.get<RebootCheckpoint>()?.kernelKept;
  if (kept && !ctx.params.again && reasons.some((r) => r.code === 'kernel') && facts.kernelRunning === kept.running && newestKernel(facts) === kept.newest) {
    throw new RefusedError(
      `an earlier reboot (${kept.at}) came back on kernel ${kept.running}, not the newest installed ${kept.newest}: ${BOOT_ENTRY_HINT}` +
        `${kept.bootEntry ? ` (it said: ${kept.bootEntry})` : ''}; fix the boot entry, then set again: true on the reboot step to reboot once more`,
    );
  }
  diff.changes.push({ kind: 'reboot', summary: `reboot: ${reasons.map((r) => r.message).join('; ')}`, data: { reasons } });
  return diff;
}

async function readBootId(ctx: StepContext<RebootParams>, signal: AbortSignal = ctx.signal): Promise<string> {
  const res = await ctx.transport.exec('cat /proc/sys/kernel/random/boot_id', { signal, timeoutMs: 15_000 });
  if (res.code !== 0) throw new CommandFailedError(`cannot read boot_id (exit ${res.code})`);
  return res.stdout.trim();
}

async function waitForNewBoot(ctx: StepContext<RebootParams>, before: string): Promise<string> {
  // Each try is bounded by what is left of the deadline, reconnects included: a connect attempt that never answers cannot
  // outlive it. A controller paused past the deadline (SIGSTOP, a laptop asleep) gets one more try before the host fails.
  const deadline = new Deadline(ctx.params.timeout);
  let wait = ctx.params.backoff;
  let lastError = 'no answer yet';
  ctx.progress?.({ phase: 'waiting for ssh down' });
  let granted = 0;
  for (let left = deadline.left(); left > 0; left = deadline.left()) {
    const signal = AbortSignal.any([ctx.signal, AbortSignal.timeout(left)]);
    // The extra try after a pause asks at once: the host had all the pause to come back.
    const afterPause = deadline.extensions > granted;
    granted = deadline.extensions;
    if (afterPause) ctx.log.warn({ pausedPastDeadline: true }, 'the controller was paused past the reboot deadline: one more try');
    try {
      await sleep(afterPause ? 0 : wait, signal);
      wait = Math.min(wait * 2, ctx.params.max_backoff);
      await ctx.transport.reconnect(signal);
      const now = await readBootId(ctx, signal);
      if (now !== before) return now;
      lastError = 'still the old boot';
      ctx.progress?.({ phase: 'waiting for ssh down' });
    } catch (err) {
      if (ctx.signal.aborted) throw err instanceof AbortedError ? err : new AbortedError();
      if (err instanceof AuthError || err instanceof HostKeyError) throw new CommandFailedError(`the host came back but refuses us: ${err.message}`);
      // The try our own deadline cut says nothing about the host: the last real answer is kept.
      if (!signal.aborted) lastError = err instanceof Error ? err.message : String(err);
      ctx.progress?.({ phase: 'down, waiting for ssh up' });
    }
  }
  throw new CommandFailedError(`the host did not come back within ${Math.round(ctx.params.timeout / 1000)}s of the reboot (${lastError})${deadline.note()}; its compute service stays disabled`);
}

async function apply(ctx: StepContext<RebootParams>): Promise<void> {
  const saved = ctx.checkpoint.get<RebootCheckpoint>();
  const current = (await ctx.facts()).bootId;
  if (saved && !saved.done && saved.bootIdBefore !== current) {
    ctx.log.info('the reboot requested earlier has happened');
  } else {
    // The last line of defence: whatever earlier steps believed, the world is read again from both sides just before the command.
    ctx.progress?.({ phase: 'last look' });
    await rebootLastLook(ctx);
    const before = (await ctx.facts()).bootId;
    await ctx.checkpoint.set({ bootIdBefore: before, requestedAt: new Date().toISOString() } satisfies RebootCheckpoint);
    // Detached, so the session that asked is not the one the reboot cuts: its drop is expected, not an error.
    const cmd = `nohup sh -c 'sleep ${ctx.params.delay}; systemctl reboot || reboot' >/dev/null 2>&1 </dev/null &`;
    const res = await ctx.transport.exec(cmd, { become: true, signal: ctx.signal, timeoutMs: 30_000 }).catch((err: unknown) => {
      ctx.log.warn({ err: String(err) }, 'session dropped while requesting the reboot (expected)');
      return null;
    });
    if (res && res.code !== 0) throw new CommandFailedError(`could not request the reboot (exit ${res.code}): ${res.stderr.trim()}`);
    ctx.log.info('reboot requested');
    await waitForNewBoot(ctx, before);
  }
  // A host that comes up and falls over again is not done: it must stay up for a while.
  const booted = await readBootIdAfterReconnect(ctx);
  ctx.progress?.({ phase: `up, stable check ${Math.round(ctx.params.stable_for / 1000)}s` });
  await sleep(ctx.params.stable_for, ctx.signal);
  const later = await readBootIdAfterReconnect(ctx);
  if (later !== booted) throw new CommandFailedError('the host rebooted again while we waited for it to stay up');
  const cp = ctx.checkpoint.get<RebootCheckpoint>();
  if (cp) await ctx.checkpoint.set({ ...cp, done: true } satisfies RebootCheckpoint);
  ctx.progress?.({ phase: 'stable, reading facts' });
  const after = await ctx.refreshFacts();
  await rememberKernelKept(ctx, after);
}

/** Came back on a kernel older than the newest installed: recorded in the checkpoint (kept, as the step fails) and named. */
async function rememberKernelKept(ctx: StepContext<RebootParams>, after: HostFacts): Promise<void> {
  const newest = newestKernel(after);
  if (newest === null || !rebootReasons(after, false).some((r) => r.code === 'kernel')) return;
  const res = await ctx.transport
    .exec('grubby --default-kernel 2>/dev/null || grub2-editenv list 2>/dev/null', { become: true, signal: ctx.signal, timeoutMs: 30_000 })
    .catch(() => null);
  const bootEntry = res && res.code === 0 ? res.stdout.trim().split('\n').slice(0, 3).join('; ') : '';
  const kept: KernelKept = { running: after.kernelRunning, newest, at: new Date().toISOString(), ...(bootEntry ? { bootEntry } : {}) };
  await ctx.checkpoint.set({ ...(ctx.checkpoint.get<RebootCheckpoint>() ?? { bootIdBefore: '', requestedAt: kept.at }), done: true, kernelKept: kept } satisfies RebootCheckpoint);
  throw new CommandFailedError(
    `the host rebooted but came back on kernel ${after.kernelRunning}, not the newest installed ${newest}: ${BOOT_ENTRY_HINT}${bootEntry ? ` (it says: ${bootEntry})` : ''}; ` +
      'a rerun will not reboot it for this again until the reboot step has again: true; its compute service stays disabled',
  );
}

async function readBootIdAfterReconnect(ctx: StepContext<RebootParams>): Promise<string> {
  try {
    return await readBootId(ctx);
  } catch {
    await ctx.transport.reconnect(ctx.signal);
    return readBootId(ctx);
  }
}

export const reboot: Step<RebootParams> = {
  id: 'reboot',
  title: 'Reboot into the fixed kernel and microcode (only when needed)',
  disruptive: true,
  needsNova: true,
  params: rebootParams,
  // A run that stopped mid-reboot finds the host booting: the resumed run waits for it as long as the reboot itself would.
  resumeConnectWaitMs: (params) => params.timeout,
  check,
  apply,
};
