// Starts and stops a rehearsal lab for an e2e test through the real CLI, on an address range of the test's own.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { stringify } from 'yaml';

const run = promisify(execFile);
export const REPO = resolve(import.meta.dirname, '../..');
/** The command line as it ships: package.json's bin (the bundle `npm run build` writes), not tsc's module tree. */
export const CLI = join(REPO, (JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { bin: Record<string, string> }).bin['mds-orchestrate']!);
/** Fast timings for tests: same steps as playbooks/remediate.yaml, shorter waits. */
export const FAST_PLAYBOOK = join(REPO, 'test/fixtures/playbooks/fast-remediate.yaml');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI; never throws on a non-zero exit (tests assert the code). */
export async function cli(args: string[], opts: { env?: Record<string, string>; cwd?: string; timeoutMs?: number } = {}): Promise<CliResult> {
  return new Promise((resolveP) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: opts.cwd ?? REPO,
      env: { ...process.env, NO_COLOR: '1', ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 600_000);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolveP({ code: code ?? (signal ? 128 : 1), stdout, stderr });
    });
  });
}

/** A CLI process the test can signal while it runs; stdout and stderr are collected together. */
export interface RunningCli {
  child: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
}

export function spawnCli(args: string[]): RunningCli {
  const child = spawn(process.execPath, [CLI, ...args], { cwd: REPO, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
  child.stderr!.on('data', (d: Buffer) => { out += d.toString(); });
  const exited = new Promise<number | null>((res) => child.on('close', (code) => res(code)));
  return { child, output: () => out, exited };
}

export interface LabHandle {
  dir: string;
  inventory: string;
  clouds: string;
  stateDir: string;
  novaUrl: string;
  /** GET a /_lab/ control endpoint of the fake cloud. */
  labGet<T = unknown>(path: string): Promise<T>;
  labPost<T = unknown>(path: string, body: unknown): Promise<T>;
  down(): Promise<void>;
}

/**
 * `lab` is a lab description (see src/lab/lab-config.ts); give each test file its own address_base
 * (e.g. 127.31.0.0) and port so files never collide.
 */
export async function startLab(lab: Record<string, unknown>, name = 'lab'): Promise<LabHandle> {
  const dir = mkdtempSync(join(tmpdir(), `mds-${name}-`));
  const config = join(dir, 'lab.yaml');
  writeFileSync(config, stringify(lab));
  const labDir = join(dir, 'lab');
  const up = await cli(['lab', 'up', '--config', config, '--dir', labDir]);
  if (up.code !== 0) {
    await cli(['lab', 'down', '--dir', labDir]);
    throw new Error(`lab up failed (${up.code}): ${up.stdout}\n${up.stderr}`);
  }
  const runtime = JSON.parse(readFileSync(join(labDir, 'lab.json'), 'utf8')) as { novaUrl: string };
  const handle: LabHandle = {
    dir: labDir,
    inventory: join(labDir, 'inventory.yaml'),
    clouds: join(labDir, 'clouds.yaml'),
    stateDir: join(dir, 'state'),
    novaUrl: runtime.novaUrl,
    async labGet<T>(path: string): Promise<T> {
      const res = await fetch(`${runtime.novaUrl}/_lab/${path}`);
      if (!res.ok) throw new Error(`GET /_lab/${path}: ${res.status}`);
      return (await res.json()) as T;
    },
    async labPost<T>(path: string, body: unknown): Promise<T> {
      const res = await fetch(`${runtime.novaUrl}/_lab/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      if (!res.ok) throw new Error(`POST /_lab/${path}: ${res.status} ${await res.text()}`);
      const text = await res.text();
      return (text ? JSON.parse(text) : undefined) as T;
    },
    async down() {
      await cli(['lab', 'down', '--dir', labDir]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return handle;
}

/** Runs a command on a lab host with the real OpenSSH client, as root. */
export async function sshHost(lab: LabHandle, address: string, command: string, port = 2222): Promise<string> {
  const { stdout } = await run('ssh', [
    '-i', join(lab.dir, 'id_ed25519'), '-o', `UserKnownHostsFile=${join(lab.dir, 'known_hosts')}`, '-o', 'BatchMode=yes',
    '-o', 'StrictHostKeyChecking=yes', '-p', String(port), `root@${address}`, command,
  ], { timeout: 30_000 });
  return stdout;
}
