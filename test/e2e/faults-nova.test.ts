// Nova-side faults: 500/503/hang/401 answers, a 409, failing and hanging migrations, a target rebooting, no capacity left.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { baseline, checkInvariants, rerunToEnd, type Baseline } from '../helpers/invariants.js';
import { hostAddress, playbookWith, waitFor } from '../helpers/fault-tools.js';
import { cli, FAST_PLAYBOOK, sshHost, startLab, type LabHandle } from '../helpers/lab.js';

interface State {
  services: { host: string; binary: string; status: string; disabledReason: string | null }[];
  instances: { uuid: string; name: string; host: string; status: string; taskState: string | null }[];
  migrations: { id: number; instanceUuid: string; source: string; dest: string | null; status: string }[];
}
interface Req { method: string; path: string; status: number | null }

let lab: LabHandle;
let base: Baseline;
let quickTimeout: string;
const HOSTS = ['n1', 'n2', 'n3', 'n4', 'n5'];
/** Instances whose migrations a scenario made fail or hang: their cut migrations are the scenario's, not the tool's doing. */
const madeToFail: string[] = [];

const run = (limit: string, playbook = FAST_PLAYBOOK) => cli(['run', playbook, '-i', lab.inventory, '--state-dir', lab.stateDir, '-y', '-l', limit], { timeoutMs: 100_000 });
const state = () => lab.labGet<State>('state');
const onHost = async (h: string) => (await state()).instances.filter((i) => i.host === h && i.status === 'ACTIVE');
const service = async (h: string) => (await state()).services.find((s) => s.host === h && s.binary === 'nova-compute')!;


beforeAll(async () => {
  lab = await startLab({
    address_base: '127.37.0.0', port: 2237, instances: 12,
    nova: { migration_time: '300ms' },
    hosts: [...HOSTS.map((name) => ({ name, boot_delay: '300ms' })), { name: 'opx', boot_delay: '300ms', operator_disabled: 'RMA ticket 4711' }],
  }, 'faults-nova');
  base = await baseline(lab);
  quickTimeout = playbookWith(lab.dir, 'quick-timeout', {}, { drain: { migration_timeout: '4s', retries: 1 } });
}, 120_000);

afterAll(async () => { await lab?.down(); });

describe('Nova faults', () => {
  it('no capacity left for a drain: the host fails before anything moves, its service untouched; rerun completes', async () => {
    // Everyone else is cordoned by an operator: nowhere to go.
    const others = ['n2', 'n3', 'n4', 'n5'];
    for (const h of others) await lab.labPost(`services/${h}/disable`, { user: 'operator', reason: 'capacity test' });
    try {
      const r = await run('n1');
      expect(r.code, r.stdout.slice(-2000)).toBe(1);
      expect(r.stdout + r.stderr).toMatch(/can receive instances/);
      const s = await checkInvariants(lab, base);
      expect(s.migrations).toEqual([]);
      expect((await service('n1')).status).toBe('enabled');
    } finally {
      for (const h of others) await lab.labPost(`services/${h}/enable`, { user: 'operator' });
    }
  }, 120_000);

  it('500 and 503 answers are retried; a token expiring mid-run is renewed; the host completes', async () => {
    await lab.labPost('faults', { clear: true, endpoints: [
      { method: 'GET', path: '**/servers/detail', kind: 'status', status: 500, count: 2 },
      { method: 'PUT', path: '**/os-services/*', kind: 'status', status: 503, count: 1 },
    ] });
    await fetch(`${lab.novaUrl}/_lab/requests`, { method: 'DELETE' });
    const running = run('n1:opx');
    // The token dies mid-run, once the drain has begun.
    let finished = false;
    void running.then(() => { finished = true; });
    await waitFor('drain of n1', async () => finished || (await service('n1')).status === 'disabled');
    await lab.labPost('faults', { expireTokens: true });
    const r = await running;
    expect(r.code, r.stdout.slice(-2000)).toBe(0);
    const reqs = await lab.labGet<Req[]>('requests');
    const statuses = reqs.map((q) => q.status);
    expect(statuses).toContain(500);
    expect(statuses).toContain(503);
    expect(statuses).toContain(401);
    expect(reqs.filter((q) => q.method === 'POST' && q.path.includes('auth/tokens')).length).toBeGreaterThanOrEqual(2);
    expect((await lab.labGet<{ endpoints: unknown[] }>('faults')).endpoints).toEqual([]);
    await checkInvariants(lab, base);
    // The operator's service was remediated but never re-enabled by us.
    expect((await service('opx')).status).toBe('disabled');
  }, 150_000);

  it('a 409 on live-migrate fails the host cleanly: nothing rebooted, the instances stay; the rerun completes', async () => {
    await lab.labPost('faults', { clear: true, endpoints: [{ method: 'POST', path: '**/servers/*/action', action: 'os-migrateLive', kind: 'status', status: 409, count: 3 }] });
    const before = (await onHost('n2')).length;
    expect(before).toBeGreaterThan(0);
    const r = await run('n2');
    expect(r.code, r.stdout.slice(-2000)).toBe(1);
    await checkInvariants(lab, base);
    await lab.labPost('faults', { clear: true });
    await rerunToEnd(lab, ['-l', 'n2']);
    expect(await onHost('n2')).toEqual([]);
  }, 120_000);

  it('a Nova GET that never answers times out and is sent again, then the host fails before anything changed (n5 completes later)', async () => {
    // A 3 s api_timeout (openstacksdk's clouds.yaml key) instead of the default 30 s keeps the four attempts short.
    const clouds = join(lab.dir, 'clouds-quick.yaml');
    writeFileSync(clouds, readFileSync(lab.clouds, 'utf8').replace(/^(\s+)auth:$/m, '$1api_timeout: 3\n$1auth:'));
    await fetch(`${lab.novaUrl}/_lab/requests`, { method: 'DELETE' });
    await lab.labPost('faults', { clear: true, endpoints: [{ method: 'GET', path: '**/os-hypervisors/**', kind: 'hang', count: 4 }] });
    const r = await cli(['run', FAST_PLAYBOOK, '-i', lab.inventory, '--state-dir', lab.stateDir, '-y', '-l', 'n5'], { timeoutMs: 100_000, env: { OS_CLIENT_CONFIG_FILE: clouds } });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/timed out after 3000 ms/);
    // Sent once and retried three times (a GET is safe to send again); nothing after it.
    const asked = (await lab.labGet<Req[]>('requests')).filter((q) => q.method === 'GET' && q.path.includes('/os-hypervisors'));
    expect(asked).toHaveLength(4);
    const s = await checkInvariants(lab, base);
    expect(s.services.find((v) => v.host === 'n5' && v.binary === 'nova-compute')!.status).toBe('enabled');
    await lab.labPost('faults', { clear: true });
  }, 150_000);

  it('a live migration that errors is retried, then fails the host; the instance stays ACTIVE on it; rerun completes', async () => {
    const victim = (await onHost('n3'))[0]!;
    await lab.labPost('faults', { clear: true, migrationFailures: [victim.name] });
    madeToFail.push(victim.uuid);
    const r = await run('n3');
    expect(r.code).toBe(1);
    expect(r.stdout + r.stderr).toMatch(/failed 2 times/);
    // The shared check sees the tool's two failed migrations as cut unless the scenario owns them.
    await expect(checkInvariants(lab, base)).rejects.toThrow(/migrations the tool started that were cut/);
    const s = await checkInvariants(lab, base, { accounted: madeToFail });
    expect(s.instances.find((i) => i.uuid === victim.uuid)!.host).toBe('n3');
    expect(s.migrations.filter((m) => m.instanceUuid === victim.uuid && m.status === 'error').length).toBe(2); // retries: 1
    await lab.labPost('faults', { clear: true });
    await rerunToEnd(lab, ['-l', 'n3']);
  }, 120_000);

  it('a live migration that hangs hits migration_timeout; the host fails without a reboot; rerun completes', async () => {
    const victim = (await onHost('n4'))[0]!;
    await lab.labPost('faults', { clear: true, migrationHangs: [victim.name] });
    madeToFail.push(victim.uuid);
    const r = await run('n4', quickTimeout);
    expect(r.code).toBe(1);
    expect(r.stdout + r.stderr).toMatch(/did not finish within 4s/);
    // Not lost and not left MIGRATING: the tool aborted the migration, so the instance runs on n4, idle; n4 not rebooted.
    expect(r.stdout + r.stderr).toMatch(/the migration was aborted/);
    const s = await checkInvariants(lab, base, { accounted: madeToFail });
    expect(s.instances.find((i) => i.uuid === victim.uuid)).toMatchObject({ host: 'n4', status: 'ACTIVE', taskState: null });
    expect(s.migrations.some((m) => m.instanceUuid === victim.uuid && m.status === 'cancelled')).toBe(true);
    await lab.labPost('faults', { clear: true });
    await rerunToEnd(lab, ['-l', 'n4']);
    await checkInvariants(lab, base, { accounted: madeToFail });
  }, 150_000);

  it('the target host reboots mid-migration: the failure is reported and the source host is not rebooted', async () => {
    await lab.labPost('faults', { clear: true, migrationMs: 6000 });
    const running = run('n5');
    let target = '';
    await waitFor('a running migration off n5', async () => {
      const m = (await state()).migrations.find((x) => x.source === 'n5' && x.status === 'running' && x.dest);
      target = m?.dest ?? '';
      return target !== '';
    });
    const lostWithTarget = (await onHost(target)).map((i) => i.uuid);
    await sshHost(lab, hostAddress(lab, target), 'reboot', 2237).catch(() => '');
    const r = await running;
    expect(r.code).toBe(1);
    // The lab's own reboot of the target is audited against the target only, never against n5.
    const audit = await lab.labGet<{ kind: string; host: string; instances: string[] }[]>('audit');
    expect(audit.filter((a) => a.host === 'n5')).toEqual([]);
    const interrupted = audit.flatMap((a) => a.instances);
    await checkInvariants(lab, base, { allowAudit: ['migration-interrupted', 'reboot-with-instances'], accounted: [...madeToFail, ...lostWithTarget, ...interrupted] });
    await lab.labPost('faults', { clear: true, migrationMs: 300 });
  }, 120_000);

});
