// End to end: the engine over a 50-host lab — exec, host key policies, unreachable hosts, --limit patterns, kill -9 and resume, status.
import { execFile, spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { CLI, cli, FAST_PLAYBOOK, REPO, sshHost, startLab, type LabHandle } from '../helpers/lab.js';

const run = promisify(execFile);
const PORT = 2233;
const N = 50;
const name = (i: number) => `h${String(i).padStart(2, '0')}`;
const address = (i: number) => `127.33.0.${i}`;
/** Every fifth host runs el8; h07 is already remediated. */
const isEl8 = (i: number) => i % 5 === 0;
const FIXED = 7;
const ALL = Array.from({ length: N }, (_, k) => k + 1);
const EL8 = ALL.filter(isEl8).map(name);
const RACK1 = ALL.slice(0, 10).map(name);

let lab: LabHandle;
/** The lab's inventory plus groups to aim --limit patterns at: el8 and rack1 (h01-h10). */
let groupsInventory: string;

/** Exec output: the hosts that answered rc=0 and each one's stdout. */
function okHosts(stdout: string): Map<string, string> {
  const out = new Map<string, string>();
  const blocks = stdout.split(/^(?=\S+ \| )/m);
  for (const b of blocks) {
    const m = /^(\S+) \| rc=0\n([\s\S]*)$/.exec(b);
    if (m) out.set(m[1]!, m[2]!.replace(/\n?\d+ hosts: .*\n?$/, '').trim());
  }
  return out;
}

function unreachableLine(stdout: string, host: string): string | undefined {
  return stdout.split('\n').find((l) => l.startsWith(`${host} | UNREACHABLE: `));
}

async function fingerprint(pubKeyFile: string): Promise<string> {
  const { stdout } = await run('ssh-keygen', ['-lf', pubKeyFile]);
  const fp = /SHA256:\S+/.exec(stdout)?.[0];
  if (!fp) throw new Error(`no fingerprint in: ${stdout}`);
  return fp;
}

beforeAll(async () => {
  lab = await startLab({
    address_base: '127.33.0.0',
    port: PORT,
    hosts: ALL.map((i) => ({ name: name(i), dist: isEl8(i) ? 'el8' : 'el7', ...(i === FIXED ? { fixed: true } : {}), boot_delay: '500ms' })),
    instances: 10,
    nova: { migration_time: '300ms' },
  }, 'engine');
  const inv = parse(readFileSync(lab.inventory, 'utf8')) as { all: { children: Record<string, unknown> } };
  inv.all.children['el8'] = { hosts: Object.fromEntries(EL8.map((h) => [h, null])) };
  inv.all.children['rack1'] = { hosts: Object.fromEntries(RACK1.map((h) => [h, null])) };
  groupsInventory = join(lab.dir, 'groups-inventory.yaml');
  writeFileSync(groupsInventory, stringify(inv));
});

afterAll(async () => {
  await lab?.down();
});

describe('exec across the fleet', () => {
  it(`runs uname -r on all ${N} hosts and returns each host's own kernel`, async () => {
    const r = await cli(['exec', 'echo "$(hostname) $(uname -r)"', '-i', lab.inventory, '--state-dir', lab.stateDir]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`${N} hosts: ${N} ok, 0 failed, 0 unreachable`);
    const out = okHosts(r.stdout);
    expect([...out.keys()].sort()).toEqual(ALL.map(name));
    const kernelOf = (i: number) => {
      const [host, kernel] = out.get(name(i))!.split(' ');
      expect(host, 'output came from another host').toBe(name(i));
      return kernel!;
    };
    const el7Kernels = new Set(ALL.filter((i) => !isEl8(i) && i !== FIXED).map(kernelOf));
    const el8Kernels = new Set(ALL.filter(isEl8).map(kernelOf));
    expect(el7Kernels.size).toBe(1);
    expect(el8Kernels.size).toBe(1);
    const [el7] = el7Kernels;
    const [el8] = el8Kernels;
    expect(el7).toMatch(/\.el7\.x86_64$/);
    expect(el8).toMatch(/\.el8(_\d+)?\.x86_64$/);
    // The already-remediated host booted the fixed kernel: it alone differs from its el7 peers.
    expect(kernelOf(FIXED)).toMatch(/^3\.10\.0-957\.12\.2\.el7/);
    expect(kernelOf(FIXED)).not.toBe(el7);
    // The real OpenSSH client agrees with what the tool reported.
    for (const i of [1, FIXED, 10]) expect((await sshHost(lab, address(i), 'uname -r', PORT)).trim()).toBe(kernelOf(i));
  });
});

describe('host keys', () => {
  it('refuses a changed host key, naming both fingerprints; the other hosts still run (exit 3)', async () => {
    const other = join(lab.dir, 'other_host_key');
    await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', other]);
    const otherKey = readFileSync(`${other}.pub`, 'utf8').trim().split(' ').slice(0, 2).join(' ');
    const victim = address(13);
    const lines = readFileSync(join(lab.dir, 'known_hosts'), 'utf8').split('\n');
    const forged = lines.map((l) => (l.startsWith(`[${victim}]:${PORT} `) ? `[${victim}]:${PORT} ${otherKey}` : l));
    expect(forged).not.toEqual(lines);
    const kh = join(lab.dir, 'known_hosts.forged');
    writeFileSync(kh, forged.join('\n'));

    const r = await cli(['exec', 'true', '-i', lab.inventory, '--known-hosts', kh, '--state-dir', lab.stateDir]);
    expect(r.code, r.stderr).toBe(3);
    expect(r.stdout).toContain(`${N} hosts: ${N - 1} ok, 0 failed, 1 unreachable`);
    const line = unreachableLine(r.stdout, name(13));
    expect(line).toBeDefined();
    expect(line).toMatch(/HOST KEY CHANGED/);
    expect(line).toContain(await fingerprint(join(lab.dir, 'ssh_host_ed25519_key.pub')));
    expect(line).toContain(await fingerprint(`${other}.pub`));
    expect(okHosts(r.stdout).has(name(13))).toBe(false);
    expect(okHosts(r.stdout).size).toBe(N - 1);
    // Refusing is all it does: the forged entry is left as it was, never "fixed" to the offered key.
    expect(readFileSync(kh, 'utf8')).toBe(forged.join('\n'));
  });

  it('accept-new records the keys of new hosts into an empty known_hosts, which then verifies strictly', async () => {
    const kh = join(lab.dir, 'known_hosts.empty');
    writeFileSync(kh, '');
    const r = await cli(['exec', 'true', '-i', groupsInventory, '-l', 'rack1', '--known-hosts', kh, '--host-key-checking', 'accept-new', '--state-dir', lab.stateDir]);
    expect(r.code, r.stderr).toBe(0);
    const labKey = readFileSync(join(lab.dir, 'ssh_host_ed25519_key.pub'), 'utf8').trim().split(' ').slice(0, 2).join(' ');
    const recorded = readFileSync(kh, 'utf8').split('\n').filter((l) => l.trim() !== '').sort();
    expect(recorded).toEqual(ALL.slice(0, 10).map((i) => `[${address(i)}]:${PORT} ${labKey}`).sort());

    const strict = await cli(['exec', 'true', '-i', groupsInventory, '-l', 'rack1', '--known-hosts', kh, '--host-key-checking', 'strict', '--state-dir', lab.stateDir]);
    expect(strict.code, strict.stderr).toBe(0);
    expect(strict.stdout).toContain('10 hosts: 10 ok');
    // A host outside what was recorded is still refused under strict.
    const unknown = await cli(['exec', 'true', '-i', groupsInventory, '-l', 'h11', '--known-hosts', kh, '--state-dir', lab.stateDir]);
    expect(unknown.code).toBe(3);
    expect(unreachableLine(unknown.stdout, 'h11')).toBeDefined();
  });
});

describe('an unreachable host', () => {
  it('is reported unreachable while every other host finishes (exit 3)', async () => {
    const inv = parse(readFileSync(lab.inventory, 'utf8')) as { all: { children: { compute: { hosts: Record<string, unknown> } } } };
    // Nothing listens on .250 (the lab uses .1-.50).
    inv.all.children.compute.hosts['ghost'] = { ansible_host: '127.33.0.250' };
    const withGhost = join(lab.dir, 'ghost-inventory.yaml');
    writeFileSync(withGhost, stringify(inv));
    const r = await cli(['exec', 'hostname', '-i', withGhost, '--state-dir', lab.stateDir]);
    expect(r.code, r.stderr).toBe(3);
    expect(r.stdout).toContain(`${N + 1} hosts: ${N} ok, 0 failed, 1 unreachable`);
    expect(unreachableLine(r.stdout, 'ghost')).toMatch(/127\.33\.0\.250/);
    const out = okHosts(r.stdout);
    expect([...out.keys()].sort()).toEqual(ALL.map(name));
    for (const [host, text] of out) expect(text).toBe(host);
  });
});

// Each case is its own exec over a few hosts: run them side by side.
describe.concurrent('--limit patterns select exactly the expected hosts', () => {
  const cases: [string, () => string, string[]][] = [
    ['a:b (union)', () => 'h01:h02', ['h01', 'h02']],
    ['a:&b (intersection)', () => 'rack1:&el8', ['h05', 'h10']],
    ['a:!b (exclusion)', () => 'rack1:!el8', RACK1.filter((h) => !EL8.includes(h))],
    ['~regex', () => '~h4[5-9]$', ['h45', 'h46', 'h47', 'h48', 'h49']],
    ['group[0:2] (inclusive slice)', () => 'el8[0:2]', ['h05', 'h10', 'h15']],
    ['@file', () => {
      const f = join(lab.dir, 'limit.txt');
      writeFileSync(f, 'h03\nh33\n\nel8[-1]\n');
      return `@${f}`;
    }, ['h03', 'h33', 'h50']],
  ];
  it.each(cases)('%s', async (_label, pattern, expected) => {
    const r = await cli(['exec', 'hostname', '-i', groupsInventory, '-l', pattern(), '--state-dir', lab.stateDir]);
    expect(r.code, r.stderr).toBe(0);
    const out = okHosts(r.stdout);
    expect([...out.keys()].sort()).toEqual([...expected].sort());
    for (const [host, text] of out) expect(text).toBe(host);
    expect(r.stdout).toContain(`${expected.length} hosts: ${expected.length} ok`);
  });
});

interface StatusJson {
  lock: { pid: number; stale: boolean } | null;
  runs: { runId: string; result: string; mode: string }[];
  hosts: { host: string; status: string; currentStep: string | null; steps: { id: string; status: string; outcome?: string; attempt: number }[] }[];
}

async function status(stateDir: string): Promise<StatusJson> {
  const r = await cli(['status', '--state-dir', stateDir, '--json']);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as StatusJson;
}

function hostRecord(stateDir: string, host: string): { currentStep: string | null; steps: Record<string, { status: string }> } | null {
  try {
    return JSON.parse(readFileSync(join(stateDir, 'hosts', `${host}.json`), 'utf8'));
  } catch {
    return null;
  }
}

describe('kill -9 in the middle of a run, then a rerun', () => {
  it('resumes and completes; status shows per-host progress; the safety audit stays empty', async () => {
    const stateDir = join(lab.dir, 'state-kill');
    const limit = 'h01:h02:h05';
    const args = ['run', FAST_PLAYBOOK, '-i', lab.inventory, '-l', limit, '--state-dir', stateDir, '-y'];
    const child = spawn(process.execPath, [CLI, ...args], { cwd: REPO, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { out += d.toString(); });
    const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
    try {
      // Mid-host: h01 (batch 1) has finished update-packages and is inside a later step.
      const deadline = Date.now() + 180_000;
      for (;;) {
        const rec = hostRecord(stateDir, 'h01');
        if (rec?.steps['update-packages']?.status === 'done' && rec.currentStep !== null) break;
        if (child.exitCode !== null) throw new Error(`run ended before it could be killed: ${out}`);
        if (Date.now() > deadline) throw new Error(`h01 never got past update-packages: ${out}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      child.kill('SIGKILL');
      await exited;
    } finally {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await exited;
      }
    }
    expect(child.signalCode).toBe('SIGKILL');

    const mid = await status(stateDir);
    expect(mid.lock?.stale).toBe(true);
    expect(mid.runs[0]?.result).toBe('running');
    const h01 = mid.hosts.find((h) => h.host === 'h01');
    expect(h01?.status).toBe('running');
    expect(h01?.steps.find((s) => s.id === 'update-packages')?.status).toBe('done');
    expect(mid.hosts.map((h) => h.host)).not.toContain('h02');
    const table = await cli(['status', '--state-dir', stateDir]);
    expect(table.stdout).toMatch(/stale/);
    expect(table.stdout).toMatch(/^h01\s+running\s+\S+/m);

    const rerun = await cli(args);
    expect(rerun.code, `${rerun.stdout}\n${rerun.stderr}`).toBe(0);
    expect(rerun.stderr).toContain('took over a stale lock');

    const done = await status(stateDir);
    expect(done.lock).toBeNull();
    expect(done.runs).toHaveLength(2);
    expect(done.runs[0]?.result).toBe('completed');
    expect(done.hosts.map((h) => h.host)).toEqual(['h01', 'h02', 'h05']);
    const stepIds = ['update-packages', 'drain', 'cpu-flags', 'reboot', 'verify', 'restore', 'guests'];
    for (const h of done.hosts) {
      expect(['ok', 'changed']).toContain(h.status);
      expect(h.currentStep).toBeNull();
      expect(h.steps.map((s) => s.id)).toEqual(stepIds);
      for (const s of h.steps) expect(s.status, `${h.host} ${s.id}`).toBe('done');
    }
    // The rerun checked h01's update again and found it already applied: a second attempt, nothing reinstalled.
    const up = done.hosts.find((h) => h.host === 'h01')!.steps.find((s) => s.id === 'update-packages')!;
    expect(up.attempt).toBe(2);
    expect(up.outcome).toBe('ok');
    for (const h of ['h02', 'h05']) expect(done.hosts.find((x) => x.host === h)!.steps[0]!.attempt).toBe(1);

    const table2 = await cli(['status', '--state-dir', stateDir]);
    for (const h of ['h01', 'h02', 'h05']) expect(table2.stdout).toMatch(new RegExp(`^${h}\\s+(ok|changed)\\s+-\\s+update-packages:\\w+ drain:`, 'm'));

    expect(await lab.labGet('audit')).toEqual([]);
    // Remediated for real: each host now runs a fixed kernel.
    const k = await cli(['exec', 'uname -r', '-i', lab.inventory, '-l', limit, '--state-dir', stateDir]);
    expect(k.code).toBe(0);
    expect(okHosts(k.stdout).get('h01')).toMatch(/^3\.10\.0-957\.12\.2\.el7/);
    expect(okHosts(k.stdout).get('h05')).toMatch(/^4\.18\.0-80\.1\.2\.el8_0/);
    expect(existsSync(join(stateDir, 'lock'))).toBe(false);
  });
});
