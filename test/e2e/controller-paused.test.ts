// A controller stopped (SIGSTOP: a laptop asleep, a VM paused) past the reboot deadline, against the lab (issue 13, item 7).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostAddress, playbookWith, waitFor } from '../helpers/fault-tools.js';
import { baseline, checkInvariants, rerunToEnd, type Baseline } from '../helpers/invariants.js';
import { cli, sshHost, spawnCli, startLab, type LabHandle, type RunningCli } from '../helpers/lab.js';

interface JsonReport { hosts: { name: string; status: string; steps: { id: string; status: string; error?: string }[] }[] }
interface LogLine { host?: string; step?: string; msg?: string; pausedPastDeadline?: boolean }

const PORT = 2273;
// The host is back 25 s after the reboot is asked for: after the 15 s deadline, and before the 40 s pause ends.
const BOOT = '25s';
const STOPPED_MS = 40_000;

let lab: LabHandle;
let base: Baseline;
let playbook: string;
const children: RunningCli[] = [];

beforeAll(async () => {
  lab = await startLab({
    address_base: '127.73.0.0', port: PORT, instances: 2,
    nova: { migration_time: '300ms' },
    hosts: [{ name: 'p1', boot_delay: BOOT }, { name: 'n1', boot_delay: BOOT }, { name: 't1', boot_delay: '300ms' }],
  }, 'controller-paused');
  base = await baseline(lab);
  playbook = playbookWith(lab.dir, 'short-reboot', {}, { reboot: { timeout: '15s' } });
}, 120_000);

afterAll(async () => {
  // Whatever failed, no controller is left stopped or running against a lab that goes away.
  for (const c of children) {
    if (c.child.exitCode === null && c.child.signalCode === null) {
      c.child.kill('SIGCONT');
      c.child.kill('SIGKILL');
    }
  }
  await lab?.down();
}, 60_000);

const logLines = (file: string): LogLine[] =>
  existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as LogLine) : [];

const rebootStep = (json: string, host: string) =>
  (JSON.parse(readFileSync(json, 'utf8')) as JsonReport).hosts.find((h) => h.name === host)!.steps.find((s) => s.id === 'reboot')!;

const bootId = async (host: string) => (await sshHost(lab, hostAddress(lab, host), 'cat /proc/sys/kernel/random/boot_id', PORT)).trim();

describe('a controller paused past the reboot deadline', () => {
  it('tries once more after the pause, finds the new boot and finishes; the log says it was paused', async () => {
    const before = await bootId('p1');
    const log = join(lab.dir, 'paused.log');
    const json = join(lab.dir, 'paused.json');
    const r = spawnCli(['run', playbook, '-i', lab.inventory, '--state-dir', lab.stateDir, '-y', '-l', 'p1', '--log-file', log, '--json', json]);
    children.push(r);
    await waitFor('the reboot of p1 to be requested', () => logLines(log).some((l) => l.host === 'p1' && l.msg === 'reboot requested'), 90_000, 50);
    // Stopped while it waits for the host: longer than the deadline (15 s) and the pause threshold (30 s).
    r.child.kill('SIGSTOP');
    try {
      await new Promise((res) => setTimeout(res, STOPPED_MS));
      // The host came back while the controller slept.
      expect(await bootId('p1')).not.toBe(before);
    } finally {
      r.child.kill('SIGCONT');
    }
    const code = await r.exited;
    expect(code, r.output().slice(-2000)).toBe(0);
    const step = rebootStep(json, 'p1');
    expect(step.status, step.error).toBe('changed');
    const warned = logLines(log).filter((l) => l.host === 'p1' && l.pausedPastDeadline === true);
    expect(warned.map((l) => l.msg)).toEqual(['the controller was paused past the reboot deadline: one more try']);
    const s = await checkInvariants(lab, base);
    expect(s.services.find((v) => v.host === 'p1' && v.binary === 'nova-compute')!.status).toBe('enabled');
  }, 150_000);

  it('without the pause, the same deadline fails the host; a rerun then converges', async () => {
    const before = await bootId('n1');
    const log = join(lab.dir, 'unpaused.log');
    const json = join(lab.dir, 'unpaused.json');
    const r = await cli(['run', playbook, '-i', lab.inventory, '--state-dir', lab.stateDir, '-y', '-l', 'n1', '--log-file', log, '--json', json], { timeoutMs: 120_000 });
    expect(r.code, r.stdout.slice(-2000)).toBe(1);
    const step = rebootStep(json, 'n1');
    expect(step.status).toBe('failed');
    expect(step.error).toMatch(/the host did not come back within 15s of the reboot/);
    expect(step.error).not.toContain('paused');
    expect(logLines(log).some((l) => l.pausedPastDeadline === true)).toBe(false);
    let s = await checkInvariants(lab, base);
    expect(s.services.find((v) => v.host === 'n1' && v.binary === 'nova-compute')!.status).toBe('disabled');

    // The host does come back, later; a rerun finds the reboot done and finishes the fleet.
    await waitFor('n1 to come back', async () => (await bootId('n1').catch(() => before)) !== before, 60_000, 500);
    await rerunToEnd(lab);
    s = await checkInvariants(lab, base);
    expect(s.services.filter((v) => v.binary === 'nova-compute').map((v) => `${v.host}:${v.status}`).sort()).toEqual(['n1:enabled', 'p1:enabled', 't1:enabled']);
  }, 240_000);
});
