// `lab up|down|status|audit`: the rehearsal lab's lifecycle, run as a detached daemon process.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { LabStateSnapshot } from '../../lab/cloud/index.js';
import { defaultLabConfig, labConfig, type LabConfig, type LabConfigInput } from '../../lab/lab-config.js';
import { labPaths, readRuntime } from '../../lab/lab-files.js';
import { hostSpecsFromLabConfig } from '../../lab/host/from-lab-config.js';
import { novaHostName } from '../../lab/lab-mapping.js';
import { updateHostImage } from '../../lab/host/image-update.js';
import { hostLayout } from '../../lab/host/layout.js';
import { LAB_LAYOUT_PROFILES } from '../../lab/host/deployment-layouts.js';
import type { FakeHostSpec } from '../../lab/host/spec.js';
import { ensureLabPrerequisites } from '../../lab/prerequisites.js';
import { writeFileAtomic } from '../../state/atomic-write.js';
import { cliEntry } from '../../util/package-root.js';
import { validateYamlFile } from '../../util/yaml-validate.js';
import { EXIT } from '../exit-codes.js';
import { UsageError } from '../options.js';

const CLI = cliEntry();

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Validated here (errors name file:line), handed to the daemon as input so it is parsed exactly once there. */
async function loadLab(opts: Record<string, unknown>): Promise<{ input: LabConfigInput; lab: LabConfig }> {
  let input: LabConfigInput;
  if (typeof opts['config'] === 'string') {
    await validateYamlFile(opts['config'], labConfig);
    input = parseYaml(readFileSync(opts['config'], 'utf8')) as LabConfigInput;
    if (typeof opts['instances'] === 'number') input = { ...input, instances: opts['instances'] };
  } else {
    const layouts = opts['layouts'] ?? 'baremetal';
    if (layouts !== 'baremetal' && layouts !== 'mixed') throw new UsageError(`--layouts: expected baremetal or mixed, got ${JSON.stringify(layouts)}`);
    input = defaultLabConfig((opts['hosts'] as number | undefined) ?? 12, (opts['instances'] as number | undefined) ?? 40, layouts);
  }
  return { input, lab: labConfig.parse(input) };
}

export async function labUpCommand(opts: Record<string, unknown>): Promise<number> {
  const dir = resolve(String(opts['dir']));
  const { input, lab } = await loadLab(opts);
  const paths = labPaths(dir);
  const running = readRuntime(dir);
  if (running && alive(running.pid)) throw new UsageError(`a lab already runs in ${dir} (pid ${running.pid}): 'mds-orchestrate lab down --dir ${dir}' first`);
  ensureLabPrerequisites((line) => process.stderr.write(`${line}\n`));
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  for (const p of [paths.ready, paths.runtime]) rmSync(p, { force: true });
  await writeFileAtomic(paths.config, `${JSON.stringify(input, null, 2)}\n`);
  const out = openSync(paths.log, 'a', 0o600);
  const child = spawn(process.execPath, [CLI, 'lab', 'daemon', '--dir', dir], { detached: true, stdio: ['ignore', out, out] });
  child.unref();
  process.stdout.write(`lab: starting ${lab.hosts.length} hosts and a fake Nova with ${lab.instances} instances (daemon pid ${child.pid}, log ${paths.log})\n`);
  let exited: number | null = null;
  child.on('exit', (code) => { exited = code ?? 1; });
  const deadline = Date.now() + Math.max(120_000, lab.hosts.length * 2_000);
  while (!existsSync(paths.ready)) {
    if (exited !== null || Date.now() > deadline) {
      const tail = readFileSync(paths.log, 'utf8').trim().split('\n').slice(-15).join('\n');
      if (exited === null && child.pid) process.kill(child.pid, 'SIGTERM');
      process.stderr.write(`lab: the daemon did not come up${exited !== null ? ` (exit ${exited})` : ' in time'}; its log:\n${tail}\n`);
      return EXIT.FAILED;
    }
    await sleep(100);
  }
  const rt = readRuntime(dir)!;
  process.stdout.write([
    `lab: up — ${rt.hosts.length} hosts (${rt.hosts[0]?.address} …), Nova at ${rt.novaUrl}`,
    `  inventory:  ${paths.inventory}`,
    `  clouds.yaml: ${paths.clouds} (cloud "lab")`,
    `next: mds-orchestrate plan playbooks/remediate.yaml -i ${paths.inventory}`,
    '',
  ].join('\n'));
  return EXIT.OK;
}

export async function labDownCommand(opts: Record<string, unknown>): Promise<number> {
  const dir = resolve(String(opts['dir']));
  const rt = readRuntime(dir);
  if (!rt) {
    process.stdout.write(`lab: nothing runs in ${dir}\n`);
    return EXIT.OK;
  }
  if (alive(rt.pid)) {
    process.kill(rt.pid, 'SIGTERM');
    const deadline = Date.now() + 60_000;
    while (alive(rt.pid) && Date.now() < deadline) await sleep(100);
    if (alive(rt.pid)) process.kill(rt.pid, 'SIGKILL');
  }
  // A daemon that died hard leaves its hosts: their supervisors die with a SIGKILL (--kill-child takes the namespace along).
  for (const pid of rt.hostPids) if (alive(pid)) { try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ } }
  rmSync(labPaths(dir).runtime, { force: true });
  rmSync(labPaths(dir).ready, { force: true });
  process.stdout.write(`lab: stopped (${rt.hosts.length} hosts)\n`);
  return EXIT.OK;
}

async function getJson(url: string): Promise<unknown> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  return res.json();
}

function runtimeOrFail(dir: string) {
  const rt = readRuntime(dir);
  if (!rt || !alive(rt.pid)) throw new UsageError(`no lab runs in ${dir}: start one with 'mds-orchestrate lab up --dir ${dir}'`);
  return rt;
}

export async function labAuditCommand(opts: Record<string, unknown>): Promise<number> {
  const rt = runtimeOrFail(resolve(String(opts['dir'])));
  const audit = (await getJson(`${rt.novaUrl}/_lab/audit`)) as unknown[];
  process.stdout.write(`${JSON.stringify(audit, null, 2)}\n`);
  return audit.length === 0 ? EXIT.OK : EXIT.FAILED;
}

export async function labStatusCommand(opts: Record<string, unknown>): Promise<number> {
  const dir = resolve(String(opts['dir']));
  const rt = runtimeOrFail(dir);
  const state = (await getJson(`${rt.novaUrl}/_lab/state`)) as LabStateSnapshot;
  const audit = (await getJson(`${rt.novaUrl}/_lab/audit`)) as unknown[];
  const hosts = JSON.parse(readFileSync(labPaths(dir).hostStatus, 'utf8')) as Record<string, { status: string; bootId: string | null }>;
  if (opts['json']) {
    process.stdout.write(`${JSON.stringify({ runtime: rt, hosts, nova: state, audit }, null, 2)}\n`);
    return EXIT.OK;
  }
  const labHosts = new Map(labConfig.parse(JSON.parse(readFileSync(labPaths(dir).config, 'utf8'))).hosts.map((h) => [h.name, h]));
  process.stdout.write(`lab in ${dir}: daemon pid ${rt.pid}, Nova ${rt.novaUrl}\n`);
  for (const h of rt.hosts) {
    const cfg = labHosts.get(h.name);
    const novaHost = cfg ? novaHostName(cfg) : h.name;
    const svc = state.services.find((s) => s.host === novaHost);
    const inst = state.instances.filter((i) => i.host === novaHost);
    const byStatus = [...new Set(inst.map((i) => i.status))].map((s) => `${inst.filter((i) => i.status === s).length} ${s}`).join(', ');
    process.stdout.write(`  ${h.name.padEnd(12)} ${h.address.padEnd(14)} ${(cfg?.layout ?? '?').padEnd(15)} ${(hosts[h.name]?.status ?? '?').padEnd(8)} nova-compute ${svc?.status ?? '?'}/${svc?.state ?? '?'}${svc?.disabledReason ? ` ("${svc.disabledReason}")` : ''}  instances: ${byStatus || 'none'}\n`);
  }
  process.stdout.write(`${state.instances.length} instances; ${audit.length} safety violation(s)${audit.length ? ' — see lab audit' : ''}\n`);
  return EXIT.OK;
}

/** The hidden `lab daemon` that `lab up` starts: the only way into src/lab/daemon.ts, so the CLI reaches the lab through this file. */
export async function labDaemonCommand(opts: Record<string, unknown>): Promise<void> {
  const { runLabDaemon } = await import('../../lab/daemon.js');
  await runLabDaemon(String(opts['dir']));
}

/** `lab update-image HOST...`: what `openstack overcloud update run --limit` or `kolla-ansible pull` + `deploy-containers` do to a host. */
export async function labUpdateImageCommand(hosts: string[], opts: Record<string, unknown>): Promise<number> {
  const dir = resolve(String(opts['dir']));
  runtimeOrFail(dir);
  const lab = labConfig.parse(JSON.parse(readFileSync(labPaths(dir).config, 'utf8')));
  for (const spec of imageUpdateTargets(hosts, hostSpecsFromLabConfig(lab), dir)) {
    const done = updateHostImage(hostLayout(dir, spec.name), spec);
    process.stdout.write(`${spec.name}: ${done.before.join(' ')} -> ${done.after.join(' ')}; restarted ${done.restarted.join(', ')}\n`);
  }
  return EXIT.OK;
}

/**
 * The hosts `lab update-image` names, checked before any is touched: an unknown host, or one whose qemu and libvirt are
 * host packages (bare metal, devstack: no image to pull), is the operator's mistake, a usage error (exit 4), not a failure.
 */
export function imageUpdateTargets(hosts: string[], all: FakeHostSpec[], dir: string): FakeHostSpec[] {
  const specs = new Map(all.map((s) => [s.name, s]));
  const unknown = hosts.filter((h) => !specs.has(h));
  if (unknown.length) throw new UsageError(`lab update-image: no host named ${unknown.join(', ')} in ${dir}`);
  const targets = hosts.map((h) => specs.get(h)!);
  const imageless = targets.filter((s) => !LAB_LAYOUT_PROFILES[s.layout].qemuInImage);
  if (imageless.length) {
    throw new UsageError(`lab update-image: ${imageless.map((s) => `${s.name} (layout ${s.layout})`).join(', ')} ${imageless.length === 1 ? 'runs' : 'run'} qemu and libvirt from host packages: there is no image to update (update its packages with 'mds-orchestrate run' instead)`);
  }
  return targets;
}
