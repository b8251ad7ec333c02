// End to end: a plan shows each host's true changes and touches nothing, `run --plan` refuses a host changed by hand,
// sweeps before/after a run tell the trend, every report format from real runs, scheduled sweeps, and file modes.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPORT_JSON_SCHEMA } from '../../src/report/json-schema.js';
import type { Report } from '../../src/report/model.js';
import { validateJsonSchema } from '../helpers/json-schema.js';
import { jenkinsJunitProblems } from '../helpers/junit-schema.js';
import { cli, FAST_PLAYBOOK, REPO, spawnCli, sshHost, startLab, type LabHandle } from '../helpers/lab.js';
import { parsePrometheusText, sampleValue } from '../helpers/prometheus-text.js';
import type { LabStateSnapshot as LabState } from '../../src/lab/cloud/index.js';

const PORT = 2235;
const HOSTS = [
  { name: 'ps-c1', dist: 'el7', cpu_mode: 'host-model', availability_zone: 'az1' },
  { name: 'ps-c2', dist: 'el8', cpu_mode: 'custom', cpu_model: 'IvyBridge', extra_flags: 'spec-ctrl,ssbd', availability_zone: 'az1' },
  { name: 'ps-c3', dist: 'el7', cpu_mode: 'custom', cpu_models: ['SandyBridge', 'IvyBridge'], availability_zone: 'az2' },
  { name: 'ps-c4', dist: 'el8', fixed: true, availability_zone: 'az2' },
  { name: 'ps-c5', dist: 'el7', cpu: 'amd', availability_zone: 'az2' },
];
const NAMES = HOSTS.map((h) => h.name);
const AFFECTED = NAMES.filter((n) => n !== 'ps-c4');
const addr = (name: string) => `127.35.0.${NAMES.indexOf(name) + 1}`;
const minimums = (parseYaml(readFileSync(FAST_PLAYBOOK, 'utf8')) as { steps: Record<string, { minimums?: Record<string, Record<string, string>> }>[] })
  .steps.find((s) => s['update-packages'])!['update-packages']!.minimums!;


let lab: LabHandle;
const work = mkdtempSync(join(tmpdir(), 'mds-plan-sweep-work-'));
const planFile = join(work, 'plan.json');
const reportPaths = (dir: string) => ({ json: join(work, dir, 'r.json'), junit: join(work, dir, 'r.xml'), html: join(work, dir, 'r.html'),
  markdown: join(work, dir, 'r.md'), prometheus: join(work, dir, 'r.prom') });
const reportArgs = (dir: string) => Object.entries(reportPaths(dir)).flatMap(([f, p]) => [`--${f}`, p]);
const readReport = (dir: string) => JSON.parse(readFileSync(reportPaths(dir).json, 'utf8')) as Report;
const host = (r: Report, name: string) => r.hosts.find((h) => h.name === name)!;
const target = () => ['-i', lab.inventory, '--state-dir', lab.stateDir];
const sweepArgs = () => ['sweep', '--playbook', FAST_PLAYBOOK, ...target()];

/** Everything a dry run must not touch on a host: packages, nova.conf (bytes and mtime), the boot, the guests. */
const hostPicture = (name: string) => sshHost(lab, addr(name),
  'rpm -qa | sort; echo @@; cat /etc/nova/nova.conf; stat -c "%s %Y" /etc/nova/nova.conf; echo @@; uname -r; cat /proc/sys/kernel/random/boot_id; echo @@; virsh list --all', PORT);
const fleetPicture = async () => ({ nova: await lab.labGet('state'), hosts: await Promise.all(NAMES.map(hostPicture)) });

/** The printed block of one host in a plan or sweep (from its header line to the next blank line). */
function block(stdout: string, name: string): string {
  const start = stdout.indexOf(`\n${name} (`);
  expect(start, `${name} in the output`).toBeGreaterThanOrEqual(0);
  return stdout.slice(start + 1, stdout.indexOf('\n\n', start + 1));
}

function checkFormats(dir: string, kind: Report['kind']): { report: Report; junit: Record<string, { name: string; failed: boolean }[]>; prom: ReturnType<typeof parsePrometheusText> } {
  const p = reportPaths(dir);
  const report = readReport(dir);
  expect(validateJsonSchema(REPORT_JSON_SCHEMA, report)).toEqual([]);
  expect(report.kind).toBe(kind);
  expect(report.hosts.map((h) => h.name).sort()).toEqual(NAMES);
  expect(jenkinsJunitProblems(readFileSync(p.junit, 'utf8'))).toEqual([]);
  const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@_', isArray: (n) => n === 'testcase' }).parse(readFileSync(p.junit, 'utf8'));
  const suite = xml.testsuites.testsuite as { '@_tests': string; '@_failures': string; testcase: { '@_classname': string; '@_name': string; failure?: unknown }[] };
  expect(Number(suite['@_tests'])).toBe(suite.testcase.length);
  expect(Number(suite['@_failures'])).toBe(suite.testcase.filter((c) => c.failure !== undefined).length);
  const junit: Record<string, { name: string; failed: boolean }[]> = {};
  // Class names are "<kind>.<host>" (the host's dots as _), so CI tools file hosts under the kind.
  for (const c of suite.testcase) (junit[c['@_classname'].replace(`${kind}.`, '')] ??= []).push({ name: c['@_name'], failed: c.failure !== undefined });
  expect(Object.keys(junit).sort()).toEqual(NAMES);
  for (const h of report.hosts) {
    // One testcase per host and check, failing exactly when the check failed on a host that is not compliant
    // (on a compliant one, guests still to cold boot are advice, not a failure).
    for (const ch of h.checks) expect(junit[h.name]).toContainEqual({ name: ch.name, failed: !ch.ok && h.status !== 'ok' && h.status !== 'changed' });
  }
  const prom = parsePrometheusText(readFileSync(p.prometheus, 'utf8'));
  for (const h of report.hosts) {
    const labels = { host: h.name, az: h.availabilityZone ?? '', aggregate: '' };
    expect(sampleValue(prom, 'mds_orchestrate_host_compliant', labels), h.name).toBe(h.status === 'ok' || h.status === 'changed' ? 1 : 0);
    expect(sampleValue(prom, 'mds_orchestrate_host_reboot_required', labels), h.name).toBe(h.rebootReasons.length ? 1 : 0);
    expect(sampleValue(prom, 'mds_orchestrate_host_guests_needing_cold_boot', labels), h.name).toBe(h.guestsNeedingColdBoot.length);
    expect(sampleValue(prom, 'mds_orchestrate_host_unreachable', labels), h.name).toBe(0);
  }
  const html = readFileSync(p.html, 'utf8');
  expect(html).toMatch(/^<!DOCTYPE html>/i);
  expect(html).not.toMatch(/\b(src|href)\s*=\s*["']?\s*(https?:)?\/\//i);
  expect(html).not.toMatch(/url\(\s*["']?\s*(https?:)?\/\/|@import/i);
  for (const n of NAMES) expect(html).toContain(n);
  const md = readFileSync(p.markdown, 'utf8');
  expect(md).toMatch(/^\| Host \|.*\| Status \|/m);
  for (const h of report.hosts) expect(md).toMatch(new RegExp(`^\\| ${h.name} \\|.*\\*\\*${kind === 'sweep' && h.status === 'ok' ? 'compliant' : kind === 'sweep' ? 'not compliant' : h.status}\\*\\*`, 'm'));
  return { report, junit, prom };
}

beforeAll(async () => {
  lab = await startLab({ address_base: '127.35.0.0', port: PORT, hosts: HOSTS, instances: 10 }, 'plan-sweep');
});

afterAll(async () => {
  await lab?.down();
  rmSync(work, { recursive: true, force: true });
});

describe('plan, run --plan, sweeps and reports on a 5-host lab', () => {
  it('plan shows each host\'s true changes and leaves the lab exactly as it was', async () => {
    const before = await fleetPicture();
    const state = before.nova as LabState;
    await fetch(`${lab.novaUrl}/_lab/requests`, { method: 'DELETE' });
    const r = await cli(['plan', FAST_PLAYBOOK, ...target(), '--out', planFile, '--json', join(work, 'plan-report.json')]);
    expect(r.code, r.stderr).toBe(2);
    expect(await fleetPicture()).toEqual(before);
    const requests = await lab.labGet<{ method: string; path: string }[]>('requests');
    expect(requests.filter((q) => q.method !== 'GET' && !(q.method === 'POST' && q.path === '/identity/v3/auth/tokens'))).toEqual([]);
    expect(requests.some((q) => q.path.startsWith('/compute/v2.1/servers/detail'))).toBe(true);

    const report = JSON.parse(readFileSync(join(work, 'plan-report.json'), 'utf8')) as Report;
    expect(validateJsonSchema(REPORT_JSON_SCHEMA, report)).toEqual([]);
    for (const [i, spec] of HOSTS.entries()) {
      const out = block(r.stdout, spec.name);
      const h = host(report, spec.name);
      const changes = (id: string) => h.steps.find((s) => s.id === id)!.changes;
      if (spec.fixed) {
        expect(h.status).toBe('ok');
        expect(out.match(/: nothing to do$/gm)).toHaveLength(7);
        continue;
      }
      expect(h.status).toBe('would-change');
      expect(out).toContain(`${spec.name} (${addr(spec.name)}, ${spec.availability_zone}): would-change`);
      // Packages: every one below the minimum, from the version really installed to the playbook's minimum.
      const rpms = before.hosts[i]!.split('@@')[0]!;
      const mins = minimums[spec.dist]!;
      expect(changes('update-packages').map((c) => (c.data as { name: string }).name).sort()).toEqual(Object.keys(mins).sort());
      for (const c of changes('update-packages')) {
        const d = c.data as { name: string; installed: string; available: string };
        expect(rpms).toContain(`${d.name}-${d.installed.replace(/^\d+:/, '')}.x86_64`);
        expect(d.available.replace(/^\d+:/, '')).toBe(mins[d.name]);
        expect(out).toContain(`- ${d.name} ${d.installed} -> ${d.available}`);
      }
      // Instances: exactly the ones Nova has on the host.
      const onHost = state.instances.filter((x) => x.host === spec.name).map((x) => `- live-migrate ${x.name} (${x.uuid})`).sort();
      expect(onHost.length).toBeGreaterThan(0);
      expect(out.split('\n').map((l) => l.trim()).filter((l) => l.startsWith('- live-migrate')).map((l) => l.replace(/ \(\d+ vCPU.*$/, '')).sort()).toEqual(onHost);
      // Reboot: needed, because of the kernel the update installs, named against the kernel running now.
      const running = before.hosts[i]!.split('@@')[2]!.trim().split('\n')[0]!;
      expect(out).toMatch(new RegExp(`reboot:\\n\\s+- reboot: running kernel ${running.replace(/\./g, '\\.')} is older than the newest installed kernel`));
      // nova.conf: a unified diff for the custom hosts whose old side is the file on the host; nothing for the others.
      const edits = changes('cpu-flags');
      if (spec.cpu_mode !== 'custom') {
        expect(edits).toEqual([]);
        continue;
      }
      const diff = (edits[0]!.data as { diff: string }).diff;
      const conf = before.hosts[i]!.split('@@')[1]!.split('\n').slice(1);
      const hunk = /^@@ -(\d+),\d+ \+\d+,\d+ @@$/m.exec(diff)!;
      const body = diff.slice(diff.indexOf('\n', hunk.index) + 1).split('\n').filter((l) => l !== '');
      expect(body.filter((l) => !l.startsWith('+')).map((l) => l.slice(1))).toEqual(conf.slice(Number(hunk[1]) - 1, Number(hunk[1]) - 1 + body.filter((l) => !l.startsWith('+')).length));
      const minus = body.filter((l) => l.startsWith('-'));
      const plus = body.filter((l) => l.startsWith('+'));
      expect(minus).toEqual([spec.extra_flags ? `-cpu_model_extra_flags = ${spec.extra_flags}` : '-#cpu_model_extra_flags =']);
      expect(plus).toEqual([`+cpu_model_extra_flags = ${spec.extra_flags ? `${spec.extra_flags},` : ''}md-clear`]);
      for (const l of diff.split('\n').filter(Boolean)) expect(out).toContain(`      ${l}`.trimEnd());
    }
    const saved = JSON.parse(readFileSync(planFile, 'utf8')) as { hosts: Record<string, { fingerprint: unknown }> };
    expect(Object.keys(saved.hosts).sort()).toEqual(NAMES);
  });

  it('a sweep before remediation reports every affected host as drift (exit 2), in every format', async () => {
    await fetch(`${lab.novaUrl}/_lab/requests`, { method: 'DELETE' });
    const r = await cli([...sweepArgs(), ...reportArgs('before')]);
    expect(r.code, r.stderr).toBe(2);
    // One fleet-wide server listing answers every host's census, not one request per host.
    const listings = (await lab.labGet<{ method: string; path: string }[]>('requests')).filter((q) => q.path.startsWith('/compute/v2.1/servers/detail'));
    expect(listings.map((q) => q.path)).toEqual(['/compute/v2.1/servers/detail?all_tenants=1']);
    for (const n of NAMES) expect(block(r.stdout, n)).toMatch(new RegExp(`^${n} .*: ${n === 'ps-c4' ? 'compliant' : 'drift'}$`, 'm'));
    const { report, junit, prom } = checkFormats('before', 'sweep');
    expect(report.trend).toEqual([]);
    for (const n of AFFECTED) {
      expect(host(report, n).status).toBe('drift');
      expect(junit[n]).toContainEqual({ name: 'step verify', failed: true });
    }
    expect(junit['ps-c4']!.filter((c) => c.failed)).toEqual([]);
    expect(sampleValue(prom, 'mds_orchestrate_hosts', { status: 'drift' })).toBe(4);
    expect(sampleValue(prom, 'mds_orchestrate_hosts', { status: 'ok' })).toBe(1);
    expect(r.stdout).toMatch(/^trend: ps-c1: not compliant at sweep /m);
  });

  it('an interrupted plan --out writes no plan file (exit 130)', async () => {
    // Nova hangs on the drain's capacity check, so the plan is surely still running when Ctrl-C comes (twice: abort).
    await fetch(`${lab.novaUrl}/_lab/requests`, { method: 'DELETE' });
    await lab.labPost('faults', { clear: true, endpoints: [{ method: 'GET', path: '**/os-hypervisors/**', kind: 'hang', count: 100 }] });
    const out = join(work, 'interrupted-plan.json');
    const { child, output, exited } = spawnCli(['plan', FAST_PLAYBOOK, ...target(), '--out', out]);
    try {
      const end = Date.now() + 60_000;
      const hung = async () => (await lab.labGet<{ path: string }[]>('requests')).some((q) => q.path.includes('/os-hypervisors'));
      while (!(await hung()) && Date.now() < end) await new Promise((res) => setTimeout(res, 100));
      child.kill('SIGINT');
      await new Promise((res) => setTimeout(res, 300));
      child.kill('SIGINT');
      const code = await Promise.race([exited, new Promise<'hung'>((res) => setTimeout(() => res('hung'), 60_000))]);
      expect(code, output()).toBe(130);
      expect(output()).toContain(`plan interrupted: ${out} not written`);
      expect(existsSync(out)).toBe(false);
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await lab.labPost('faults', { clear: true });
    }
  });

  it('run --plan refuses the host changed by hand since the plan, and remediates the others', async () => {
    await sshHost(lab, addr('ps-c3'), 'yum -y update kernel', PORT);
    const drifted = await hostPicture('ps-c3');
    const r = await cli(['run', FAST_PLAYBOOK, ...target(), '--plan', planFile, '-y', '--max-fail-percentage', '100', ...reportArgs('run')]);
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(r.stdout).toMatch(/ps-c3 .*refused: the host changed since the plan was made \(package kernel changed\)/);
    const { report } = checkFormats('run', 'run');
    // Left untouched on purpose: refused, apart from failed (the exit code still says 1: the host was not remediated).
    expect(host(report, 'ps-c3').status).toBe('refused');
    expect(host(report, 'ps-c3').error).toContain('package kernel changed');
    for (const n of ['ps-c1', 'ps-c2', 'ps-c5']) expect(host(report, n).status, n).toBe('changed');
    expect(host(report, 'ps-c4').status).toBe('ok');
    expect(await lab.labGet('audit')).toEqual([]);
    // The refused host was not touched: same packages, nova.conf, boot and guests, and its service still enabled.
    expect(await hostPicture('ps-c3')).toBe(drifted);
    expect((await lab.labGet<LabState>('state')).services.find((s) => s.host === 'ps-c3')!.status).toBe('enabled');
    expect(await sshHost(lab, addr('ps-c2'), 'grep ^cpu_model_extra_flags /etc/nova/nova.conf', PORT)).toBe('cpu_model_extra_flags = spec-ctrl,ssbd,md-clear\n');
  });

  it('after a fresh run, a sweep reports every host compliant (exit 0) and the trend names the change', async () => {
    // A fresh run without the stale plan: only the refused host is left to do.
    const run = await cli(['run', FAST_PLAYBOOK, ...target(), '-l', 'ps-c3', '-y']);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(await lab.labGet('audit')).toEqual([]);
    const r = await cli([...sweepArgs(), ...reportArgs('after')]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const { report, prom } = checkFormats('after', 'sweep');
    for (const n of NAMES) {
      expect(host(report, n).status, n).toBe('ok');
      expect(block(r.stdout, n)).toMatch(new RegExp(`^${n} .*: compliant$`, 'm'));
      expect(sampleValue(prom, 'mds_orchestrate_host_reboot_required', { host: n, az: host(report, n).availabilityZone!, aggregate: '' })).toBe(0);
    }
    const previous = readReport('before');
    expect(report.trend).toEqual([{ runId: previous.runId, at: previous.finishedAt, hosts: Object.fromEntries(previous.hosts.map((h) => [h.name, h.status])) }]);
    for (const n of AFFECTED) expect(r.stdout).toContain(`trend: ${n}: not compliant → compliant at sweep ${report.runId}`);
    expect(r.stdout).toContain('trend: ps-c4: compliant in all 2 sweeps');
    expect(readdirSync(join(lab.stateDir, 'sweeps'))).toHaveLength(2);
  });

  it('a sweep opens one SSH exec per healthy host: the gather, which also asks nova-compute\'s agent (issue 18)', async () => {
    const log = join(work, 'ssh-execs.json');
    const preload = join(import.meta.dirname, '../helpers/count-ssh-execs.mjs');
    // tsc's output, not the bundle: the bundle carries its own copy of ssh2, out of a preload's reach; the code is the same.
    // Its own state directory: the sweep history the other tests count stays as it was.
    const args = ['sweep', '--playbook', FAST_PLAYBOOK, '-i', lab.inventory, '--state-dir', mkdtempSync(join(work, 'state-execs-')), '--json', join(work, 'execs.json')];
    const r = spawnSync(process.execPath, ['--import', preload, join(REPO, 'dist/cli/main.js'), ...args],
      { cwd: REPO, encoding: 'utf8', timeout: 120_000, env: { ...process.env, NO_COLOR: '1', MDS_TEST_SSH_EXEC_LOG: log } });
    expect(r.status, r.stdout + r.stderr).toBe(0);
    const report = JSON.parse(readFileSync(join(work, 'execs.json'), 'utf8')) as Report;
    for (const n of NAMES) expect(host(report, n).checks.find((c) => c.name === 'nova-compute'), n).toMatchObject({ ok: true, detail: 'up, enabled, agent active' });
    expect(JSON.parse(readFileSync(log, 'utf8'))).toEqual(Object.fromEntries(NAMES.map((n) => [`${addr(n)}:${PORT}`, 1])));
  });

  it('sweep --schedule runs repeatedly without overlapping and stops cleanly on SIGINT', async () => {
    const sweepsDir = join(lab.stateDir, 'sweeps');
    const had = new Set(readdirSync(sweepsDir));
    const { child, output, exited } = spawnCli([...sweepArgs(), '-l', 'ps-c1:ps-c4', '--schedule', '*/2 * * * * *', '--allow-sub-minute']);
    try {
      const end = Date.now() + 90_000;
      while ((output().match(/^next sweep at /gm) ?? []).length < 2 && Date.now() < end) await new Promise((res) => setTimeout(res, 100));
      expect((output().match(/^next sweep at /gm) ?? []).length, output()).toBeGreaterThanOrEqual(2);
      child.kill('SIGINT');
      const code = await Promise.race([exited, new Promise<'hung'>((res) => setTimeout(() => res('hung'), 60_000))]);
      const interrupted = output().includes('sweep interrupted');
      expect(code, output()).toBe(interrupted ? 130 : 0);
      const runIds = [...output().matchAll(/^sweep (\S+): 2 hosts/gm)].map((m) => m[1]!);
      const added = readdirSync(sweepsDir).filter((f) => !had.has(f));
      expect(added.length).toBe(runIds.length - (interrupted ? 1 : 0));
      expect(added.length).toBeGreaterThanOrEqual(2);
      expect(readdirSync(sweepsDir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
      for (const f of added) expect(JSON.parse(readFileSync(join(sweepsDir, f), 'utf8')).hosts).toEqual({ 'ps-c1': 'ok', 'ps-c4': 'ok' });
      // No overlap: each sweep's session opened only after the previous one's run had finished.
      const spans = runIds.map((id) => {
        const lines = readFileSync(join(lab.stateDir, 'logs', `${id}.log`), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { time: string; msg: string });
        return { open: Date.parse(lines[0]!.time), done: Date.parse(lines.find((l) => l.msg === 'run finished')!.time) };
      }).sort((a, b) => a.open - b.open);
      for (let i = 1; i < spans.length; i++) expect(spans[i]!.open).toBeGreaterThanOrEqual(spans[i - 1]!.done);
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  });

  it('writes every file 0600 inside 0700 directories (state dir, logs, history, reports, plan); the textfile 0644 in 0755 for node_exporter', () => {
    const walk = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? [join(dir, e.name), ...walk(join(dir, e.name))] : [join(dir, e.name)]));
    const mode = (p: string) => (statSync(p).mode & 0o777).toString(8);
    const reportDirs = ['before', 'run', 'after'].map((d) => join(work, d));
    const paths = [lab.stateDir, ...walk(lab.stateDir), planFile, ...reportDirs.flatMap((d) => [d, ...walk(d)])];
    expect(paths.filter((p) => p.includes('/logs/')).length).toBeGreaterThan(0);
    expect(paths.filter((p) => p.endsWith('.prom')).length).toBe(3);
    // node_exporter (not root) reads the textfile: it and the directory made for it are readable; nothing else is.
    const expected = (p: string) => (p.endsWith('.prom') ? '644' : reportDirs.includes(p) ? '755' : statSync(p).isDirectory() ? '700' : '600');
    const wrong = paths.filter((p) => mode(p) !== expected(p)).map((p) => `${mode(p)} ${p}`);
    expect(wrong).toEqual([]);
  });
});
