// The reboot's last look against the lab: a migration forced INTO a drained host, or its service re-enabled, after the drain and before the reboot.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { hostAddress, waitFor } from '../helpers/fault-tools.js';
import { baseline, checkInvariants, rerunToEnd, type Baseline } from '../helpers/invariants.js';
import { cli, FAST_PLAYBOOK, sshHost, startLab, type CliResult, type LabHandle } from '../helpers/lab.js';
import type { LabStateSnapshot as State } from '../../src/lab/cloud/index.js';

interface JsonReport { hosts: { name: string; status: string; error?: string; steps: { id: string; status: string; error?: string }[] }[] }

let lab: LabHandle;
let base: Baseline;

beforeAll(async () => {
  lab = await startLab({
    address_base: '127.43.0.0', port: 2243, instances: 6,
    nova: { migration_time: '300ms' },
    hosts: ['s1', 's2', 's3'].map((name) => ({ name, boot_delay: '300ms' })),
  }, 'reboot-last-look');
  base = await baseline(lab);
}, 120_000);

afterAll(async () => { await lab?.down(); });

const state = () => lab.labGet<State>('state');
const service = async (h: string) => (await state()).services.find((s) => s.host === h && s.binary === 'nova-compute')!;
const bootId = (h: string) => sshHost(lab, hostAddress(lab, h), 'cat /proc/sys/kernel/random/boot_id', 2243);

/** An operator's admin calls to the lab's Nova, as `openstack server migrate --live-migration --host X` would make them. */
async function operatorNova(method: string, path: string, body: unknown): Promise<Response> {
  const clouds = parse(readFileSync(lab.clouds, 'utf8')) as { clouds: Record<string, { auth: Record<string, string> }> };
  const auth = Object.values(clouds.clouds)[0]!.auth;
  const login = await fetch(`${auth['auth_url']}/auth/tokens`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ auth: {
      identity: { methods: ['password'], password: { user: { name: auth['username'], domain: { name: 'Default' }, password: auth['password'] } } },
      scope: { project: { name: auth['project_name'], domain: { name: 'Default' } } },
    } }),
  });
  expect(login.status).toBe(201);
  // 2.67: the last microversion where an explicit host may bypass the scheduler (force), as an operator's override does.
  return fetch(`${lab.novaUrl}/compute/v2.1${path}`, {
    method, body: JSON.stringify(body),
    headers: { 'content-type': 'application/json', 'X-Auth-Token': login.headers.get('x-subject-token')!, 'OpenStack-API-Version': 'compute 2.67' },
  });
}

/**
 * Runs the playbook on one host, holding the reboot's last look (its os-migrations query by host alone, which neither the
 * drain nor the migration waits make) until `meanwhile` has changed the world: the change lands after the drain, before the reboot.
 */
async function runWithChangeBeforeReboot(host: string, json: string, meanwhile: () => Promise<void>): Promise<CliResult> {
  await lab.labPost('faults', { endpoints: [{ method: 'GET', path: '**/os-migrations', query: { host, migration_type: null, instance_uuid: null }, kind: 'hold' }] });
  let done = false;
  const running = cli(['run', FAST_PLAYBOOK, '-i', lab.inventory, '--state-dir', lab.stateDir, '-y', '-l', host, '--json', json], { timeoutMs: 100_000 })
    .finally(() => { done = true; });
  try {
    await waitFor('the reboot step to look', async () => done || (await lab.labGet<{ held: number }>('faults')).held === 1);
    expect(done, 'the run ended without reaching the reboot').toBe(false);
    await meanwhile();
  } finally {
    await lab.labPost('faults', { clear: true });
  }
  return running;
}

function hostOf(json: string, host: string): JsonReport['hosts'][number] {
  const h = (JSON.parse(readFileSync(json, 'utf8')) as JsonReport).hosts.find((x) => x.name === host);
  if (!h) throw new Error(`no host ${host} in the report`);
  return h;
}

describe("the reboot's last look", () => {
  it('an operator live-migrates an instance INTO the host after its drain: refused, not rebooted, nothing cut; a rerun converges', async () => {
    const victim = (await state()).instances.find((i) => i.host === 's2' && i.status === 'ACTIVE')!;
    expect(victim).toBeDefined();
    const bootBefore = await bootId('s1');
    // The migration stays running until force-completed: it is in flight for sure when the reboot looks.
    await lab.labPost('faults', { clear: true, migrationHangs: [victim.name] });
    const json = join(lab.dir, 'migrate-in.json');
    const r = await runWithChangeBeforeReboot('s1', json, async () => {
      // The drain is over: s1 is disabled by the run and empty.
      expect((await service('s1')).disabledReason).toMatch(/^mds-orchestrate: /);
      expect((await state()).instances.filter((i) => i.host === 's1' && i.status === 'ACTIVE')).toEqual([]);
      const res = await operatorNova('POST', `/servers/${victim.uuid}/action`, { 'os-migrateLive': { host: 's1', block_migration: 'auto', force: true } });
      expect(res.status).toBe(202);
      await waitFor('the forced migration to run', async () =>
        (await state()).migrations.some((m) => m.instanceUuid === victim.uuid && m.dest === 's1' && m.status === 'running'), 20_000);
      // The instance is still on its source in Nova and not running on s1 yet: only the migration list shows it coming.
      expect((await state()).instances.find((i) => i.uuid === victim.uuid)!.host).toBe('s2');
    });

    expect(r.code, r.stdout.slice(-2000)).toBe(1);
    const s1 = hostOf(json, 's1');
    expect(s1.status).toBe('refused');
    const reboot = s1.steps.find((x) => x.id === 'reboot')!;
    expect(reboot.status).toBe('refused');
    expect(reboot.error).toMatch(new RegExp(`unfinished migration\\(s\\): live-migration \\d+ of instance ${victim.uuid} into s1 from s2 \\(running\\)`));
    expect(reboot.error).toMatch(/left drained with its compute service disabled, and not rebooted; let the migration finish \(or abort it\), then rerun/);
    expect(await bootId('s1')).toBe(bootBefore);
    expect((await service('s1')).status).toBe('disabled');

    // The operator's migration was not cut: it finishes (forced to complete) and lands on s1.
    const mig = (await state()).migrations.find((m) => m.instanceUuid === victim.uuid && m.dest === 's1' && m.status === 'running')!;
    expect((await operatorNova('POST', `/servers/${victim.uuid}/migrations/${mig.id}/action`, { force_complete: null })).status).toBe(202);
    await waitFor('the migration to land', async () => (await state()).instances.find((i) => i.uuid === victim.uuid)!.host === 's1', 20_000);
    const after = await checkInvariants(lab, base);
    expect(after.migrations.find((m) => m.id === mig.id)!.status).toBe('completed');

    // The rerun re-drains (the new arrival moves on) and reboots.
    await rerunToEnd(lab, ['-l', 's1']);
    const end = await checkInvariants(lab, base);
    expect(end.instances.filter((i) => i.host === 's1' && i.status === 'ACTIVE')).toEqual([]);
    expect(end.instances.find((i) => i.uuid === victim.uuid)!.status).toBe('ACTIVE');
    expect(await bootId('s1')).not.toBe(bootBefore);
  }, 300_000);

  it('someone re-enables the compute service after the drain: refused, not rebooted, left as they set it; a rerun converges', async () => {
    const bootBefore = await bootId('s3');
    const json = join(lab.dir, 're-enabled.json');
    const r = await runWithChangeBeforeReboot('s3', json, async () => {
      expect((await service('s3')).status).toBe('disabled');
      await lab.labPost('services/s3/enable', { user: 'operator' });
    });

    expect(r.code, r.stdout.slice(-2000)).toBe(1);
    const reboot = hostOf(json, 's3').steps.find((x) => x.id === 'reboot')!;
    expect(reboot.status).toBe('refused');
    expect(reboot.error).toMatch(/nova-compute on s3 is enabled again \(someone re-enabled it after the drain\).*the host is left as it is and not rebooted; rerun to re-drain/);
    expect(await bootId('s3')).toBe(bootBefore);
    expect((await service('s3')).status).toBe('enabled');
    // The lab audits the operator's re-enable of a service the tool disabled: that is this scenario's doing, nothing else is.
    await checkInvariants(lab, base, { allowAudit: ['enabled-by-other-user'] });

    await rerunToEnd(lab, ['-l', 's3']);
    await checkInvariants(lab, base, { allowAudit: ['enabled-by-other-user'] });
    expect(await bootId('s3')).not.toBe(bootBefore);
    expect((await service('s3')).status).toBe('enabled');
  }, 300_000);

  it('a migration INTO the host still queued behind another (not yet running anywhere) also refuses the reboot; a rerun converges', async () => {
    const bootBefore = await bootId('s2');
    const json = join(lab.dir, 'queued-in.json');
    let victim = '';
    let blocker = { uuid: '', mig: 0 };
    const r = await runWithChangeBeforeReboot('s2', json, async () => {
      // After s2's drain: a source with two instances; the first one's migration takes the source's only slot
      // (max_concurrent_live_migrations 1) and hangs, so the second one's, forced into s2, waits queued.
      const now = await state();
      const source = ['s1', 's3'].find((h) => now.instances.filter((i) => i.host === h && i.status === 'ACTIVE').length >= 2)!;
      const [first, second] = now.instances.filter((i) => i.host === source && i.status === 'ACTIVE');
      const other = source === 's1' ? 's3' : 's1';
      await lab.labPost('faults', { migrationHangs: [first!.name] });
      expect((await operatorNova('POST', `/servers/${first!.uuid}/action`, { 'os-migrateLive': { host: other, block_migration: 'auto', force: true } })).status).toBe(202);
      await waitFor('the first migration to run', async () => (await state()).migrations.some((m) => m.instanceUuid === first!.uuid && m.status === 'running'), 20_000);
      blocker = { uuid: first!.uuid, mig: (await state()).migrations.find((m) => m.instanceUuid === first!.uuid && m.status === 'running')!.id };
      victim = second!.uuid;
      expect((await operatorNova('POST', `/servers/${victim}/action`, { 'os-migrateLive': { host: 's2', block_migration: 'auto', force: true } })).status).toBe(202);
      await waitFor('the forced migration into s2 to wait queued', async () =>
        (await state()).migrations.some((m) => m.instanceUuid === victim && m.dest === 's2' && m.status === 'queued'), 20_000);
    });

    expect(r.code, r.stdout.slice(-2000)).toBe(1);
    const reboot = hostOf(json, 's2').steps.find((x) => x.id === 'reboot')!;
    expect(reboot.status).toBe('refused');
    expect(reboot.error).toMatch(new RegExp(`live-migration \\d+ of instance ${victim} into s2 from s[13] \\(queued\\)`));
    expect(await bootId('s2')).toBe(bootBefore);
    expect((await service('s2')).status).toBe('disabled');

    // The operator aborts the blocker; the queued migration then runs (the hang fault is cleared) and lands on s2.
    expect((await operatorNova('DELETE', `/servers/${blocker.uuid}/migrations/${blocker.mig}`, undefined)).status).toBe(202);
    await waitFor('the queued migration to land', async () => (await state()).instances.find((i) => i.uuid === victim)!.host === 's2', 20_000);
    await checkInvariants(lab, base, { allowAudit: ['enabled-by-other-user'] });

    await rerunToEnd(lab, ['-l', 's2']);
    const end = await checkInvariants(lab, base, { allowAudit: ['enabled-by-other-user'] });
    expect(end.instances.filter((i) => i.host === 's2' && i.status === 'ACTIVE')).toEqual([]);
    expect(await bootId('s2')).not.toBe(bootBefore);
  }, 300_000);
});
