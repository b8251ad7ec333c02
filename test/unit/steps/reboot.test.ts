// reboot: only when a reason exists, never with instances aboard, waits for a new boot_id, a deadline that fires, stays up.
import { describe, expect, it } from 'vitest';
import type { Migration } from '../../../src/openstack/types.js';
import { disableReason } from '../../../src/steps/nova-service.js';
import { reboot } from '../../../src/steps/reboot.js';
import { PauseWatch, useProcessPauseWatch } from '../../../src/util/deadline.js';
import { FakeNovaApi } from '../../helpers/fake-nova-api.js';
import { guest, VERSIONS } from '../../helpers/host-facts.js';
import { converge, kinds, MemoryCheckpoint, stepContext } from './context.js';
import { FakeHost, type RebootScript } from './fake-host.js';

const NAME = 'compute-0.example.org';
const FAST = { timeout: '2s', stable_for: '1ms', backoff: '1ms', max_backoff: '4ms', delay: 0 };

const RUN = 'run-20190515T0900';

/** The reboot follows a drain: the host's compute service is disabled by this run. */
function cloud(): FakeNovaApi {
  return new FakeNovaApi().addHost(NAME, { status: 'disabled', disabledReason: disableReason(RUN) }).addHost('compute-1.example.org');
}

function migration(over: Partial<Migration>): Migration {
  return { id: '41', instanceUuid: 'c0ffee00-0000-4000-8000-00000000002a', status: 'running', sourceCompute: 'compute-1.example.org', destCompute: NAME, migrationType: 'live-migration', createdAt: '2019-05-15T09:10:00.000000', ...over };
}

async function setup(script: RebootScript = {}, params: Record<string, unknown> = FAST) {
  const host = new FakeHost({ hostname: NAME, stage: 'updated' });
  host.nextReboot = script;
  const nova = cloud();
  const checkpoint = new MemoryCheckpoint();
  const ctx = await stepContext(reboot, host, nova, params, { checkpoint, runId: RUN });
  return { host, nova, ctx, checkpoint, bootBefore: host.state.bootId };
}

describe('reboot', () => {
  it('does not reboot a host with no reason to', async () => {
    const host = new FakeHost({ hostname: NAME, stage: 'fixed' });
    const ctx = await stepContext(reboot, host, cloud(), FAST);
    const { first, second } = await converge(reboot, ctx);
    expect(first.changes).toEqual([]);
    expect(first.notes[0]).toMatch(/^no reboot needed/);
    expect(second.changes).toEqual([]);
    expect(host.reboots).toBe(0);
  });

  it('reboots into the new kernel, waits out the refused connections and the old boot_id; twice', async () => {
    const { host, ctx, checkpoint, bootBefore } = await setup({ oldAnswers: 2, refusals: 3 });
    const { first, verified, second } = await converge(reboot, ctx);
    expect(kinds(first)).toEqual(['reboot']);
    expect(first.changes[0]?.summary).toMatch(/running kernel 3\.10\.0-957\.10\.1\.el7\.x86_64 is older than the newest installed kernel 3\.10\.0-957\.12\.2\.el7/);
    expect(verified.changes).toEqual([]);
    expect(second.changes).toEqual([]);
    expect(host.reboots).toBe(1);
    expect(host.state.bootId).not.toBe(bootBefore);
    expect((await ctx.facts()).kernelRunning).toBe(`${VERSIONS.el7.fixed['kernel']}.x86_64`);
    expect(checkpoint.data).toMatchObject({ bootIdBefore: bootBefore, done: true });
  });

  it('tells the live view each phase of the reboot: last look, ssh down, ssh up, the stability wait', async () => {
    const { ctx } = await setup({ oldAnswers: 2, refusals: 3 });
    const phases: (string | undefined)[] = [];
    ctx.progress = (p) => phases.push(p.phase);
    await reboot.apply(ctx, await reboot.check(ctx));
    // Collapse repeats: each poll says its phase again.
    expect(phases.filter((p, i) => p !== phases[i - 1])).toEqual([
      'last look', 'waiting for ssh down', 'down, waiting for ssh up', 'up, stable check 0s', 'stable, reading facts',
    ]);
  });

  it('reboots a host whose microcode is not loaded yet', async () => {
    const host = new FakeHost({ hostname: NAME, stage: 'no-microcode', installed: { microcode_ctl: [VERSIONS.el7.fixed['microcode_ctl']!] } });
    const ctx = await stepContext(reboot, host, cloud(), FAST);
    const { first, second } = await converge(reboot, ctx);
    expect(first.changes[0]?.summary).toMatch(/microcode is not loaded: sysfs mds says "Vulnerable: Clear CPU buffers attempted, no microcode; SMT vulnerable"/);
    expect(second.changes).toEqual([]);
    expect((await ctx.facts()).mds.kind).toBe('mitigated');
  });

  it('refuses while Nova shows instances on the host (SHUTOFF ones do not count)', async () => {
    const { host, nova, ctx } = await setup();
    nova.addServer({ name: 'off', host: NAME, status: 'SHUTOFF' });
    nova.addServer({ name: 'left-behind', host: NAME });
    const diff = await reboot.check(ctx);
    await expect(reboot.apply(ctx, diff)).rejects.toThrow(/refusing to reboot: the host changed since the drain: Nova shows 1 instance\(s\) on compute-0\.example\.org: left-behind \(ACTIVE\);.*rerun to re-drain/);
    expect(host.reboots).toBe(0);
  });

  it('refuses while virsh shows a guest that is not shut off, whatever Nova believes', async () => {
    const { host, ctx } = await setup();
    host.state.guests.push(guest('instance-0000002a', { state: 'running' }), guest('instance-0000002b', { state: 'shut off' }));
    const diff = await reboot.check(ctx);
    await expect(reboot.apply(ctx, diff)).rejects.toThrow(/virsh shows 1 guest\(s\) not shut off: instance-0000002a \(running\)/);
    expect(host.reboots).toBe(0);
  });

  describe('last look right before the command', () => {
    it('refuses while a live migration INTO the host is unfinished, though neither Nova nor virsh lists its instance here yet', async () => {
      const { host, nova, ctx } = await setup();
      const diff = await reboot.check(ctx);
      // Started after the drain's last loop: the instance is still on the source in Nova and not running here.
      nova.migrations.push(migration({ status: 'running' }));
      await expect(reboot.apply(ctx, diff)).rejects.toMatchObject({
        code: 'E_REFUSED',
        message: expect.stringMatching(/unfinished migration\(s\): live-migration 41 of instance c0ffee00-0000-4000-8000-00000000002a into compute-0\.example\.org from compute-1\.example\.org \(running\);.*left drained with its compute service disabled.*let the migration finish \(or abort it\), then rerun/),
      });
      expect(host.reboots).toBe(0);
      expect(nova.mutatingCalls()).toEqual([]);
    });

    it('refuses while a live migration INTO the host is in any unfinished state, queued and preparing included', async () => {
      for (const status of ['accepted', 'queued', 'preparing', 'running', 'post-migrating']) {
        const { host, nova, ctx } = await setup();
        const diff = await reboot.check(ctx);
        nova.migrations.push(migration({ status }));
        await expect(reboot.apply(ctx, diff)).rejects.toThrow(new RegExp(`live-migration 41 of instance .* into compute-0\\.example\\.org from compute-1\\.example\\.org \\(${status}\\)`));
        expect(host.reboots).toBe(0);
        expect(nova.mutatingCalls()).toEqual([]);
      }
    });

    it('refuses while a migration OUT of the host is unfinished (any type, any unfinished state)', async () => {
      for (const status of ['accepted', 'queued', 'preparing', 'post-migrating', 'migrating']) {
        const { host, nova, ctx } = await setup();
        nova.migrations.push(migration({ status, sourceCompute: NAME, destCompute: 'compute-1.example.org', migrationType: 'migration' }));
        const diff = await reboot.check(ctx);
        await expect(reboot.apply(ctx, diff)).rejects.toThrow(new RegExp(`migration 41 of instance .* out of compute-0\\.example\\.org to compute-1\\.example\\.org \\(${status}\\)`));
        expect(host.reboots).toBe(0);
      }
    });

    it('reboots when every migration touching the host is finished (history is not a blocker)', async () => {
      const { host, nova, ctx } = await setup();
      for (const [i, status] of ['completed', 'error', 'failed', 'cancelled', 'done', 'confirmed', 'reverted'].entries()) {
        nova.migrations.push(migration({ id: String(i), status }));
      }
      await converge(reboot, ctx);
      expect(host.reboots).toBe(1);
    });

    it('refuses when someone re-enabled the compute service after the drain', async () => {
      const { host, nova, ctx } = await setup();
      const diff = await reboot.check(ctx);
      Object.assign(nova.service(NAME), { status: 'enabled', disabledReason: null });
      await expect(reboot.apply(ctx, diff)).rejects.toThrow(/nova-compute on compute-0\.example\.org is enabled again \(someone re-enabled it after the drain\).*the host is left as it is and not rebooted; rerun to re-drain/);
      expect(host.reboots).toBe(0);
      expect(nova.mutatingCalls()).toEqual([]);
    });

    it('refuses when another run of this tool disabled the service since the drain', async () => {
      const { host, nova, ctx } = await setup();
      const diff = await reboot.check(ctx);
      Object.assign(nova.service(NAME), { disabledReason: disableReason('run-20190514T2300') });
      await expect(reboot.apply(ctx, diff)).rejects.toThrow(/is disabled, but not by this run \(reason "mds-orchestrate: MDS remediation \(run run-20190514T2300\)", expected "mds-orchestrate: MDS remediation \(run run-20190515T0900\)"\)/);
      expect(host.reboots).toBe(0);
    });

    it("reboots a host an operator disabled (the drain left that disable in place; it keeps the scheduler away as well)", async () => {
      const { host, nova, ctx } = await setup();
      Object.assign(nova.service(NAME), { disabledReason: 'RMA ticket 4711: bad DIMM' });
      await converge(reboot, ctx);
      expect(host.reboots).toBe(1);
    });

    it('reads the guests again instead of trusting the facts the plan was made on', async () => {
      const { host, ctx } = await setup();
      const diff = await reboot.check(ctx);
      host.state.guests.push(guest('instance-0000002c', { state: 'paused' }));
      await expect(reboot.apply(ctx, diff)).rejects.toThrow(/virsh shows 1 guest\(s\) not shut off: instance-0000002c \(paused\)/);
      expect(host.reboots).toBe(0);
    });

    it('names every change at once', async () => {
      const { host, nova, ctx } = await setup();
      const diff = await reboot.check(ctx);
      Object.assign(nova.service(NAME), { status: 'enabled', disabledReason: null });
      nova.addServer({ name: 'scheduled-here', host: NAME, status: 'BUILD', taskState: 'spawning' });
      nova.migrations.push(migration({}));
      host.state.guests.push(guest('instance-0000002d', { state: 'running' }));
      const err = await reboot.apply(ctx, diff).then(() => null, (e: unknown) => e as Error);
      expect(err?.message).toMatch(/unfinished migration.*scheduled-here \(BUILD, spawning\).*enabled again.*instance-0000002d \(running\)/);
      expect(host.reboots).toBe(0);
    });
  });

  it('fails when the host does not come back before the deadline', async () => {
    const { host, ctx } = await setup({ never: true }, { ...FAST, timeout: '60ms' });
    const diff = await reboot.check(ctx);
    await expect(reboot.apply(ctx, diff)).rejects.toThrow(/did not come back within .* of the reboot \(.*ECONNREFUSED.*\); its compute service stays disabled/);
    expect(host.reboots).toBe(1);
  });

  describe('a controller paused past the deadline (SIGSTOP, a laptop asleep)', () => {
    /** A fake clock behind every deadline made meanwhile; each reconnect attempt lets `perTry` happen to it first. */
    async function pausedSetup(script: RebootScript, perTry: (clock: { mono: number; wall: number }, attempt: number) => void) {
      const clock = { mono: 1_000, wall: Date.parse('2019-05-15T09:00:00Z') };
      const watch = new PauseWatch({ mono: () => clock.mono, wall: () => clock.wall });
      const undo = useProcessPauseWatch(watch);
      const s = await setup(script, { ...FAST, timeout: '60s' });
      const reconnect = s.host.transport.reconnect.bind(s.host.transport);
      let attempt = 0;
      s.host.transport.reconnect = async (signal?: AbortSignal) => {
        attempt += 1;
        perTry(clock, attempt);
        return reconnect(signal);
      };
      return { ...s, undo, attempts: () => attempt };
    }

    it('tries once more when it resumes, and the host that came back meanwhile is found', async () => {
      // The first try is refused (the host is rebooting), then the controller sleeps for two hours.
      const { host, ctx, undo, attempts } = await pausedSetup({ refusals: 1 }, (clock, n) => {
        if (n === 1) { clock.mono += 7_200_000; clock.wall += 7_200_000; }
      });
      try {
        await reboot.apply(ctx, await reboot.check(ctx));
        expect(host.reboots).toBe(1);
        expect(attempts()).toBe(2);
      } finally {
        undo();
      }
    });

    it('fails after that one more try if the host is still down, saying it was paused', async () => {
      const { ctx, undo, attempts } = await pausedSetup({ never: true }, (clock, n) => {
        if (n === 1) { clock.wall += 7_200_000; } // asleep: the monotonic clock stands, the date jumps
        else { clock.mono += 25_000; clock.wall += 25_000; }
      });
      try {
        await expect(reboot.apply(ctx, await reboot.check(ctx))).rejects.toThrow(
          /did not come back within 60s of the reboot \(.*ECONNREFUSED.*\) \(the controller itself was paused for 7200s meanwhile, so it tried once more after the deadline\)/);
        // 2 h asleep spend none of the 60 s; tries 2 to 4 do (25 s each), then the one more try (30 s) for the pause.
        expect(attempts()).toBe(6);
      } finally {
        undo();
      }
    });

    it('time the controller lived through is no pause: no extra try', async () => {
      const { ctx, undo, attempts } = await pausedSetup({ never: true }, (clock) => { clock.mono += 25_000; clock.wall += 25_000; });
      try {
        const err = await reboot.apply(ctx, await reboot.check(ctx)).then(() => null, (e: unknown) => e as Error);
        expect(err?.message).toMatch(/did not come back within 60s/);
        expect(err?.message).not.toMatch(/paused/);
        expect(attempts()).toBe(3);
      } finally {
        undo();
      }
    });
  });

  it('fires the deadline even when a reconnect attempt itself never answers', { timeout: 5000 }, async () => {
    const { ctx } = await setup({ hangWhileDown: true }, { ...FAST, timeout: '80ms' });
    const diff = await reboot.check(ctx);
    await expect(reboot.apply(ctx, diff)).rejects.toThrow(/did not come back within/);
  });

  it('stops waiting at once when the run is cancelled', async () => {
    const host = new FakeHost({ hostname: NAME, stage: 'updated' });
    host.nextReboot = { never: true };
    const ac = new AbortController();
    const ctx = await stepContext(reboot, host, cloud(), { ...FAST, timeout: '30s', backoff: '5ms' }, { signal: ac.signal });
    const diff = await reboot.check(ctx);
    const done = reboot.apply(ctx, diff);
    setTimeout(() => ac.abort(), 20);
    await expect(done).rejects.toMatchObject({ code: 'E_ABORTED' });
  });

  it('fails clearly when the host comes back but refuses our key', async () => {
    const { ctx } = await setup({ refusals: 1, authRefused: true });
    const diff = await reboot.check(ctx);
    await expect(reboot.apply(ctx, diff)).rejects.toThrow(/the host came back but refuses us: .*authentication methods failed/);
  });

  it('fails when the host reboots again while it should stay up', async () => {
    // Reads after the return: the one that sees the new boot, the stays-up baseline, then it falls over.
    const { ctx } = await setup({ refusals: 1, crashAfterReads: 2 }, { ...FAST, stable_for: '5ms' });
    const diff = await reboot.check(ctx);
    await expect(reboot.apply(ctx, diff)).rejects.toThrow(/rebooted again while we waited for it to stay up/);
  });

  it('after a crash, recognises that the reboot it requested happened and does not reboot again', async () => {
    // The reboot happened while the controller was away, but the microcode is still not loaded: a second reboot would not help.
    const host = new FakeHost({ hostname: NAME, stage: 'no-microcode' });
    const checkpoint = new MemoryCheckpoint();
    await checkpoint.set({ bootIdBefore: 'e0d1c2b3-0000-4000-8000-000000000001', requestedAt: '2019-05-15T09:00:00.000Z' });
    const ctx = await stepContext(reboot, host, cloud(), FAST, { checkpoint });
    const diff = await reboot.check(ctx);
    expect(kinds(diff)).toEqual(['reboot']);
    await reboot.apply(ctx, diff);
    expect(host.reboots).toBe(0);
    expect(checkpoint.data).toMatchObject({ done: true });
  });

  it('reboots again in a later run once the earlier reboot was recorded as done', async () => {
    const { host, ctx, checkpoint } = await setup();
    await checkpoint.set({ bootIdBefore: 'e0d1c2b3-0000-4000-8000-000000000001', requestedAt: '2019-04-01T09:00:00.000Z', done: true });
    await converge(reboot, ctx);
    expect(host.reboots).toBe(1);
  });

  it('a reboot that comes back on the old kernel fails the host, names the boot entry, and is remembered', async () => {
    const { host, ctx, checkpoint } = await setup();
    host.bootsOldKernel = true;
    const old = host.state.kernelRunning;
    const diff = await reboot.check(ctx);
    await expect(reboot.apply(ctx, diff)).rejects.toThrow(new RegExp(`came back on kernel ${old.replace(/\./g, '\\.')}, not the newest installed .*grubby --default-kernel.*it says: /boot/vmlinuz-${old.replace(/\./g, '\\.')}`));
    expect(host.reboots).toBe(1);
    expect(checkpoint.data).toMatchObject({ done: true, kernelKept: { running: old, newest: VERSIONS.el7.fixed['kernel'], bootEntry: `/boot/vmlinuz-${old}` } });

    // A rerun (same state directory, so the same checkpoint) refuses in its check: no second reboot for the same reason.
    const rerun = await stepContext(reboot, host, cloud(), FAST, { checkpoint, runId: RUN });
    await expect(reboot.check(rerun)).rejects.toThrow(/an earlier reboot .* came back on kernel .*default boot entry .*set again: true on the reboot step/);
    expect(host.reboots).toBe(1);

    // The operator fixed the boot entry and asks for it: the reboot happens, onto the new kernel, and converges.
    host.bootsOldKernel = false;
    const again = await stepContext(reboot, host, cloud(), { ...FAST, again: true }, { checkpoint, runId: RUN });
    const { first, verified } = await converge(reboot, again);
    expect(kinds(first)).toEqual(['reboot']);
    expect(verified.changes).toEqual([]);
    expect(host.reboots).toBe(2);
    expect((await again.facts()).kernelRunning).toBe(`${VERSIONS.el7.fixed['kernel']}.x86_64`);
  });

  it('a newer kernel installed since the remembered reboot is a new reason: that reboot is not refused', async () => {
    const { host, ctx, checkpoint } = await setup();
    await checkpoint.set({ bootIdBefore: 'x', requestedAt: '2019-05-15T09:00:00.000Z', done: true, kernelKept: { running: host.state.kernelRunning, newest: '3.10.0-957.5.1.el7', at: '2019-05-15T09:05:00.000Z' } });
    expect(kinds(await reboot.check(ctx))).toEqual(['reboot']);
  });

  it('needs Nova to make sure the host is empty', async () => {
    const host = new FakeHost({ hostname: NAME, stage: 'updated' });
    const ctx = await stepContext(reboot, host, null, FAST);
    const diff = await reboot.check(ctx);
    await expect(reboot.apply(ctx, diff)).rejects.toThrow(/needs the Nova API/);
    expect(host.reboots).toBe(0);
  });
});
