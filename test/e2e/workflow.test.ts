// End to end: the workflow's Done-means on the lab — a mixed 12-host fleet remediated by one run and left alone by the next,
// then a controller SIGKILLed mid-migration, mid-reboot and mid-edit and resumed, and the guests report before/after a cold boot.
import { spawn } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, cli, FAST_PLAYBOOK, REPO, sshHost, startLab, type CliResult, type LabHandle } from '../helpers/lab.js';
import { defaultLabConfig } from '../../src/lab/lab-config.js';
import type { LabStateSnapshot as LabState } from '../../src/lab/cloud/index.js';
import { REPORT_SCHEMA_FILE } from '../../src/report/json-schema.js';
import type { Report } from '../../src/report/model.js';
import { validateJsonSchema } from '../helpers/json-schema.js';

interface ReportJson {
  migrations?: { total: number; unconfirmed: number; perInstance: number | null; instances: { serverId: string; migrations: number }[] };
  summary: { hosts: number; ok: number; changed: number; failed: number; unreachable: number; drift: number; guestsNeedingColdBoot: number };
  hosts: { name: string; status: string; steps: { id: string; status: string }[]; guestsNeedingColdBoot: { uuid: string; name: string }[] }[];
}
type HostStatusFile = Record<string, { status: string; bootId: string | null }>;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const readJson = <T>(file: string): T => JSON.parse(readFileSync(file, 'utf8')) as T;
const PACKAGES = 'rpm -q kernel microcode_ctl libvirt qemu-kvm qemu-kvm-rhev 2>&1; echo; cat /proc/sys/kernel/random/boot_id';
const IN_PROGRESS = new Set(['queued', 'preparing', 'running', 'post-migrating']);
/** A 12-host run takes ~1 min on an idle machine; several labs share this one, so the budget is generous. */
const LONG = 600_000;

/** The one-line nova.conf edit: after equals before except for one changed or added cpu_model_extra_flags line. */
function intendedEdit(before: string, after: string): string {
  const b = before.split('\n');
  const a = after.split('\n');
  let i = 0;
  while (i < b.length && a[i] === b[i]) i++;
  const changed = a[i]!;
  const rest = a.length === b.length ? i + 1 : i;
  expect(a.length - b.length, 'at most one line added').toBeLessThanOrEqual(1);
  expect(a.slice(i + 1), 'every other line byte-identical').toEqual(b.slice(rest));
  expect(changed).toMatch(/^cpu_model_extra_flags\s*=/);
  return changed;
}

function expectedColdBoots(before: LabState, after: LabState, amdHosts: string[]): string[] {
  const startedWithout = new Set(before.instances.filter((i) => i.status === 'ACTIVE' && !i.mdClear).map((i) => i.uuid));
  return after.instances.filter((i) => startedWithout.has(i.uuid) && !amdHosts.includes(i.host)).map((i) => i.name).sort();
}
/** The run's reports agree with the run and with each other: the schema file, packages now, before → after, the timeline. */
function checkRunReports(report: Report, html: string, markdown: string): void {
  expect(validateJsonSchema(JSON.parse(readFileSync(join(REPO, REPORT_SCHEMA_FILE), 'utf8')) as object, report)).toEqual([]);
  const changed = report.hosts.filter((h) => h.status === 'changed');
  expect(changed.length).toBeGreaterThan(0);
  for (const h of changed) {
    // What the host has now (the gather verify judged), not what it had before the update.
    expect(h.packagesBelowMinimum, h.name).toEqual([]);
    expect(h.before, h.name).toBeDefined();
    expect(h.facts?.packages, h.name).toBeDefined();
  }
  const rebooted = report.hosts.filter((h) => h.timeline?.steps.some((s) => s.reboot));
  expect(rebooted.length).toBeGreaterThan(0);
  for (const h of rebooted) expect(h.facts!.bootId, h.name).not.toBe(h.before!.bootId);
  const updated = report.hosts.filter((h) => h.steps.some((s) => s.changes.some((c) => c.kind === 'package-update') && s.status === 'changed'));
  expect(updated.length).toBeGreaterThan(0);
  for (const h of updated) expect(h.facts!.packages, h.name).not.toEqual(h.before!.packages);
  // Batches: each host in one, the batches' host counts add up to the fleet, each starts after the one before ends.
  const batches = report.batches!;
  expect(batches.map((b) => b.index)).toEqual(batches.map((_, i) => i + 1));
  expect(batches.reduce((n, b) => n + b.hosts, 0)).toBe(report.hosts.length);
  for (let i = 1; i < batches.length; i++) expect(Date.parse(batches[i]!.start)).toBeGreaterThanOrEqual(Date.parse(batches[i - 1]!.end!));
  for (const h of report.hosts) {
    expect(h.timeline?.batch, h.name).toBeGreaterThan(0);
    for (const s of h.timeline!.steps) expect(Date.parse(s.end)).toBeGreaterThanOrEqual(Date.parse(s.start));
  }
  const timeline = html.split('<section id="timeline">')[1]!.split('</section>')[0]!;
  expect(timeline.match(/<details class="tl-batch"/g)).toHaveLength(batches.length);
  expect(timeline.match(/<div class="tl-row s-/g)).toHaveLength(report.hosts.length);
  expect(timeline.match(/data-reboot=""/g)).toHaveLength(rebooted.length);
  expect(markdown).toContain(`<summary>Hosts (${report.hosts.length})</summary>`);
  expect(markdown).toContain('### Failures and hosts needing attention\n\nNone.');
  expect(markdown).toContain(`<summary>Before → after (${report.hosts.filter((h) => h.before).length} hosts)</summary>`);
}

const listedColdBoots = (r: ReportJson) => r.hosts.flatMap((h) => h.guestsNeedingColdBoot.map((g) => g.name)).sort();

describe('one run remediates a mixed 12-host fleet; a second run changes nothing', () => {
  // The default mixed fleet (src/lab/lab-config.ts), on this file's addresses.
  const hosts = defaultLabConfig(12, 40).hosts;
  const address = (i: number) => `127.32.0.${i + 1}`;
  const custom = hosts.map((h, i) => ({ ...h, i })).filter((h) => h.cpu_mode === 'custom');
  let lab: LabHandle;
  let start: LabState;
  const confBefore = new Map<string, string>();

  beforeAll(async () => {
    lab = await startLab({ address_base: '127.32.0.0', port: 2232, hosts, instances: 40 }, 'workflow');
    start = await lab.labGet<LabState>('state');
    for (const h of custom) confBefore.set(h.name, await sshHost(lab, address(h.i), 'cat /etc/nova/nova.conf', 2232));
  });
  afterAll(async () => {
    await lab?.down();
  });

  it('run exits 0: every host compliant, every instance ACTIVE, nothing unsafe, nova.conf edited by one line', async () => {
    expect(custom.map((h) => h.name)).toEqual(['compute02', 'compute05', 'compute08', 'compute11']);
    const json = join(lab.dir, 'run1.json');
    const csv = join(lab.dir, 'guests.csv');
    const html = join(lab.dir, 'run1.html');
    const markdown = join(lab.dir, 'run1.md');
    const r = await cli(['run', FAST_PLAYBOOK, '-i', lab.inventory, '--state-dir', lab.stateDir, '-y', '--json', json, '--guests-csv', csv, '--html', html, '--markdown', markdown]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const report = readJson<ReportJson>(json);
    checkRunReports(readJson<Report>(json), readFileSync(html, 'utf8'), readFileSync(markdown, 'utf8'));
    expect(report.summary).toMatchObject({ hosts: 12, failed: 0, unreachable: 0 });
    // The tenants' list on file names the guests the report names; the console closes with the count.
    expect(statSync(csv).mode & 0o777).toBe(0o600);
    const rows = readFileSync(csv, 'utf8').split('\r\n').filter(Boolean).map((l) => l.split(','));
    expect(rows[0]).toEqual(['project_id', 'instance_name', 'instance_id', 'nova_host', 'inventory_host']);
    expect(rows.slice(1).map((x) => x[1]).sort()).toEqual(listedColdBoots(report));
    expect(r.stdout).toContain(`${report.summary.guestsNeedingColdBoot} guests in `);
    // Migrations per moved instance: what the lab's Nova recorded as completed covers each one the report counts.
    const done = (await lab.labGet<LabState>('state')).migrations.filter((m) => m.status === 'completed');
    expect(report.migrations!.total).toBeGreaterThan(0);
    expect(report.migrations!.unconfirmed).toBe(0);
    for (const i of report.migrations!.instances) expect(done.filter((m) => m.instanceUuid === i.serverId).length, i.serverId).toBeGreaterThanOrEqual(i.migrations);
    expect(r.stdout).toContain(`live migrations: ${report.migrations!.total} for ${report.migrations!.instances.length} instances`);
    // Everything changes except the host fixed before the lab began (its guests step only lists guests).
    expect(report.hosts.filter((h) => h.status !== 'changed').map((h) => `${h.name} ${h.status}`)).toEqual(['compute03 ok']);

    expect(await lab.labGet('audit')).toEqual([]);
    const after = await lab.labGet<LabState>('state');
    expect(after.instances).toHaveLength(40);
    expect(after.instances.filter((i) => i.status !== 'ACTIVE' || i.taskState !== null)).toEqual([]);
    expect(after.services.filter((s) => s.status !== 'enabled' || s.state !== 'up')).toEqual([]);

    // Live migration keeps a guest's CPU: every guest running before its host was fixed still lacks md-clear,
    // wherever it ended up, and the report names exactly those (AMD hosts are not affected, so never listed).
    expect(listedColdBoots(report)).toEqual(expectedColdBoots(start, after, ['compute04']));
    expect(report.summary.guestsNeedingColdBoot).toBeGreaterThan(0);

    for (const h of custom) {
      const now = await sshHost(lab, address(h.i), 'cat /etc/nova/nova.conf', 2232);
      const line = intendedEdit(confBefore.get(h.name)!, now);
      const flags = line.split('=')[1]!.split(',').map((f) => f.trim());
      expect(flags.filter((f) => f === 'md-clear')).toHaveLength(1);
      expect(flags.filter((f) => f !== 'md-clear')).toEqual(h.extra_flags ? h.extra_flags.split(',') : []);
    }
  }, LONG);

  it('a sweep afterwards finds every host compliant (exit 0, 0 drift)', async () => {
    const json = join(lab.dir, 'sweep.json');
    const r = await cli(['sweep', '--playbook', FAST_PLAYBOOK, '-i', lab.inventory, '--state-dir', lab.stateDir, '--json', json]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/12 hosts, 12 compliant, 0 drift, 0 failed, 0 unreachable/);
    const report = readJson<ReportJson>(json);
    expect(report.summary).toMatchObject({ drift: 0, failed: 0 });
    // The census names each guest as Nova does, from one fleet-wide listing shared by all hosts.
    expect(listedColdBoots(report)).toEqual(expectedColdBoots(start, await lab.labGet<LabState>('state'), ['compute04']));
    // status now leads with this sweep and its verdicts, not with the run's rows under the sweep's header.
    const status = await cli(['status', '--state-dir', lab.stateDir]);
    const lines = status.stdout.split('\n');
    expect(lines[0]).toMatch(/^last sweep \S+ finished \S+: 12 hosts \(12 compliant\)$/);
    expect(lines.slice(0, lines.indexOf('')).filter((l) => /\scompliant$/.test(l))).toHaveLength(12);
    expect(status.stdout).toMatch(/^last run \S+ \(apply, completed\)/m);
  });

  it('a second run changes nothing: no package, no migration, no reboot, no edit', async () => {
    const snapshot = async () => Promise.all(hosts.map(async (h, i) =>
      `${await sshHost(lab, address(i), PACKAGES, 2232)}${await sshHost(lab, address(i), 'md5sum /etc/nova/nova.conf', 2232)}`));
    const migrationsBefore = (await lab.labGet<LabState>('state')).migrations;
    const hostsBefore = readJson<HostStatusFile>(join(lab.dir, 'hosts.json'));
    const before = await snapshot();
    const json = join(lab.dir, 'run2.json');
    const r = await cli(['run', FAST_PLAYBOOK, '-i', lab.inventory, '--state-dir', lab.stateDir, '-y', '--json', json]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const report = readJson<ReportJson>(json);
    expect(report.summary).toMatchObject({ hosts: 12, ok: 12, changed: 0 });
    expect(report.migrations).toMatchObject({ total: 0, unconfirmed: 0, perInstance: null, instances: [] });
    expect(report.hosts.flatMap((h) => h.steps.filter((s) => s.status !== 'ok').map((s) => `${h.name} ${s.id} ${s.status}`))).toEqual([]);
    expect((await lab.labGet<LabState>('state')).migrations).toEqual(migrationsBefore);
    expect(readJson<HostStatusFile>(join(lab.dir, 'hosts.json'))).toEqual(hostsBefore);
    expect(await snapshot()).toEqual(before);
    expect(await lab.labGet('audit')).toEqual([]);
  }, LONG);
});

/** A CLI run that the test can SIGKILL at a moment it picks. */
function startRun(args: string[]): { pid: number; stdout: () => string; done: Promise<CliResult> } {
  const child = spawn(process.execPath, [CLI, ...args], { cwd: REPO, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
  const done = new Promise<CliResult>((resolve) => {
    child.on('close', (code, signal) => resolve({ code: code ?? (signal === 'SIGKILL' ? 137 : 1), stdout, stderr }));
  });
  return { pid: child.pid!, stdout: () => stdout, done };
}

async function killWhen(run: ReturnType<typeof startRun>, what: string, moment: () => Promise<boolean> | boolean): Promise<void> {
  let finished = false;
  void run.done.then(() => { finished = true; });
  const deadline = Date.now() + 120_000;
  while (!finished && Date.now() < deadline) {
    if (await moment()) {
      process.kill(run.pid, 'SIGKILL');
      const r = await run.done;
      expect(r.code, `killed ${what}`).toBe(137);
      return;
    }
    await sleep(25);
  }
  process.kill(run.pid, 'SIGKILL');
  const r = await run.done;
  throw new Error(`never saw the controller ${what}; its output:\n${r.stdout}\n${r.stderr}`);
}

describe('a controller killed with SIGKILL mid-migration, mid-reboot and mid-edit resumes; guests report and cold boot', () => {
  // kc1..kc3 are fixed one by one with --limit, each interrupted once; kc4 started fixed, kc5 is left to the full run.
  const hosts = [
    { name: 'kc1', dist: 'el7', cpu_mode: 'host-model' },
    { name: 'kc2', dist: 'el8', cpu_mode: 'host-passthrough', faults: { slow_boot: '3s' } },
    { name: 'kc3', dist: 'el8', cpu_mode: 'custom', cpu_model: 'IvyBridge', extra_flags: 'spec-ctrl,ssbd' },
    { name: 'kc4', dist: 'el7', cpu_mode: 'host-model', fixed: true },
    { name: 'kc5', dist: 'el7', cpu_mode: 'custom', cpu_models: ['SandyBridge', 'IvyBridge'] },
  ];
  let lab: LabHandle;
  let start: LabState;
  const base = () => ['-i', lab.inventory, '--state-dir', lab.stateDir, '-y'];
  const runArgs = (...extra: string[]) => ['run', FAST_PLAYBOOK, ...base(), ...extra];
  const state = () => lab.labGet<LabState>('state');

  beforeAll(async () => {
    lab = await startLab({
      address_base: '127.31.0.0', port: 2231, hosts: hosts.map((h) => ({ ...h, boot_delay: '300ms' })),
      instances: 14, shutoff_instances: 2, nova: { migration_time: '300ms' },
    }, 'workflow-kill');
    start = await state();
    // Every host holds running guests, so each drain has something to move.
    for (const h of hosts) expect(start.instances.some((i) => i.host === h.name && i.status === 'ACTIVE'), h.name).toBe(true);
  });
  afterAll(async () => {
    await lab?.down();
  });

  async function resume(limit: string): Promise<void> {
    const r = await cli(runArgs('-l', limit));
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stderr).toMatch(/took over a stale lock/);
    expect(await lab.labGet('audit')).toEqual([]);
    const s = await state();
    expect(s.instances.filter((i) => i.host === limit && i.status === 'ACTIVE')).toEqual([]);
    expect(s.services.find((x) => x.host === limit)).toMatchObject({ status: 'enabled', state: 'up' });
  }

  it('killed mid-migration: the rerun adopts the migration Nova finished and completes', async () => {
    await lab.labPost('faults', { migrationMs: 4000 });
    const run = startRun(runArgs('-l', 'kc1'));
    let seen = '';
    await killWhen(run, 'mid-migration', async () => {
      const m = (await state()).migrations.find((x) => x.source === 'kc1' && IN_PROGRESS.has(x.status));
      if (m) seen = m.instanceUuid;
      return m !== undefined;
    });
    expect(seen).not.toBe('');
    await lab.labPost('faults', { migrationMs: 300 });
    await resume('kc1');
    // The interrupted migration was not started twice.
    expect((await state()).migrations.filter((m) => m.instanceUuid === seen && m.source === 'kc1')).toHaveLength(1);
  });

  it('killed mid-reboot: the rerun waits for the host and completes without a second reboot', async () => {
    const run = startRun(runArgs('-l', 'kc2'));
    let bootBefore: string | null = null;
    await killWhen(run, 'mid-reboot', () => {
      const h = readJson<HostStatusFile>(join(lab.dir, 'hosts.json'))['kc2']!;
      bootBefore ??= h.bootId;
      return h.status !== 'up';
    });
    await resume('kc2');
    const log = readFileSync(join(lab.dir, 'daemon.log'), 'utf8');
    expect(log.split('\n').filter((l) => l.includes('kc2: rebooting'))).toHaveLength(1);
    expect(readJson<HostStatusFile>(join(lab.dir, 'hosts.json'))['kc2']!.bootId).not.toBe(bootBefore);
  });

  it('killed mid-edit of nova.conf: the rerun finishes with exactly one md-clear and the rest untouched', async () => {
    const before = await sshHost(lab, '127.31.0.3', 'cat /etc/nova/nova.conf', 2231);
    const run = startRun(runArgs('-l', 'kc3'));
    const runId = async () => /^RUN (\S+):/m.exec(run.stdout())?.[1];
    await killWhen(run, 'mid-edit', async () => {
      const id = await runId();
      if (!id) return false;
      let text = '';
      try {
        text = readFileSync(join(lab.stateDir, 'logs', `${id}.log`), 'utf8');
      } catch { return false; }
      return text.split('\n').some((l) => l.includes('"step":"cpu-flags"') && l.includes('"msg":"applying"'));
    });
    await resume('kc3');
    const after = await sshHost(lab, '127.31.0.3', 'cat /etc/nova/nova.conf', 2231);
    expect(intendedEdit(before, after)).toMatch(/^cpu_model_extra_flags\s*=\s*spec-ctrl,ssbd,md-clear$/);
  });

  it('the full run completes; its guests report lists exactly the guests running before their host was fixed; a cold boot clears it', async () => {
    const json = join(lab.dir, 'full.json');
    const r = await cli([...runArgs('--json', json)]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(await lab.labGet('audit')).toEqual([]);
    const report = readJson<ReportJson>(json);
    expect(report.summary).toMatchObject({ hosts: 5, failed: 0, unreachable: 0 });
    const after = await state();
    const expected = expectedColdBoots(start, after, []);
    // Guests of kc4 (fixed at start) and SHUTOFF guests are not on it.
    expect(expected.length).toBe(start.instances.filter((i) => i.status === 'ACTIVE' && i.host !== 'kc4').length);
    expect(listedColdBoots(report)).toEqual(expected);

    const coldPlaybook = join(lab.dir, 'cold-boot.yaml');
    const doc = parse(readFileSync(FAST_PLAYBOOK, 'utf8')) as { steps: Record<string, unknown>[] };
    doc.steps = doc.steps.map((s) => ('guests' in s ? { guests: { cold_boot: true, allow: ['*'], poll_interval: '250ms' } } : s));
    writeFileSync(coldPlaybook, stringify(doc));
    const coldJson = join(lab.dir, 'cold.json');
    const cold = await cli(['run', coldPlaybook, ...base(), '--json', coldJson]);
    expect(cold.code, cold.stdout + cold.stderr).toBe(0);
    const coldReport = readJson<ReportJson>(coldJson);
    expect(listedColdBoots(coldReport)).toEqual([]);
    expect(coldReport.summary.guestsNeedingColdBoot).toBe(0);
    const final = await state();
    expect(final.instances.filter((i) => expected.includes(i.name) && (i.status !== 'ACTIVE' || !i.mdClear))).toEqual([]);
    expect(final.instances.filter((i) => i.status === 'SHUTOFF')).toHaveLength(2);
    expect(await lab.labGet('audit')).toEqual([]);
  });
});
