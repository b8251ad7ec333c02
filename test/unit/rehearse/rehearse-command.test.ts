// `rehearse` on the command line: bad input is refused before anything runs (exit 4 via UsageError/ConfigError); --json has it all.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { UsageError } from '../../../src/cli/options.js';
import { ConfigError, ConfigErrors } from '../../../src/util/errors.js';
import { rehearseCommand } from '../../../src/cli/commands/rehearse.js';

const PLAYBOOK = 'playbooks/remediate.yaml';

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

/** main.ts's mapping (it runs the CLI on import, so it is not imported here): input errors exit 4. */
function describeError(err: unknown): { code: number; message: string } {
  const message = err instanceof Error ? err.message : String(err);
  return { code: err instanceof UsageError || err instanceof ConfigError || err instanceof ConfigErrors ? 4 : 1, message };
}

async function exitOf(opts: Record<string, unknown>, playbook = PLAYBOOK): Promise<{ code: number; message: string }> {
  try {
    return { code: await rehearseCommand(playbook, opts), message: '' };
  } catch (err) {
    return describeError(err);
  }
}

describe('rehearse command', () => {
  it('-i: refuses a lab fleet option beside it, a missing inventory, and no cloud, before any host is contacted (exit 4)', async () => {
    expect(await exitOf({ inventory: ['inv.yaml'], hosts: 3 })).toMatchObject({ code: 4, message: expect.stringMatching(/--hosts and -i exclude/) });
    expect(await exitOf({ inventory: ['inv.yaml'], spare: '10%' })).toMatchObject({ code: 4, message: expect.stringMatching(/--spare and -i exclude/) });
    const dir = mkdtempSync(join(tmpdir(), 'rehearse-i-'));
    expect(await exitOf({ inventory: [join(dir, 'absent.yaml')] })).toMatchObject({ code: 4, message: expect.stringMatching(/absent\.yaml/) });
    const inv = join(dir, 'hosts.yaml');
    // 192.0.2.0/24 is TEST-NET-1: nothing answers there, and nothing may be tried before the cloud is known.
    // In a compute group: the shipped playbook selects the compute nodes (hosts: ~(nova_compute|compute)$).
    writeFileSync(inv, 'all:\n  children:\n    compute:\n      hosts:\n        compute01:\n          ansible_host: 192.0.2.1\n');
    for (const k of Object.keys(process.env)) if (k.startsWith('OS_')) vi.stubEnv(k, '');
    writeFileSync(join(dir, 'clouds.yaml'), 'clouds: {}\n');
    vi.stubEnv('OS_CLIENT_CONFIG_FILE', join(dir, 'clouds.yaml'));
    const r = await exitOf({ inventory: [inv], stateDir: join(dir, 'state'), logLevel: 'fatal' });
    expect(r.code).toBe(4);
    expect(r.message).toMatch(/remediate\.yaml:\d+:\d+: cloud: .*no cloud is configured/);
  });

  it('refuses the real fleet\'s options without -i instead of ignoring them', async () => {
    expect(await exitOf({ hosts: 3, limit: 'c1' })).toMatchObject({ code: 4, message: expect.stringMatching(/--limit needs -i/) });
    expect(await exitOf({ hosts: 3, cloud: 'prod' })).toMatchObject({ code: 4, message: expect.stringMatching(/--cloud needs -i/) });
  });

  it('refuses a bad duration, --hosts with --config, and a bad --spare', async () => {
    expect(await exitOf({ hosts: 3, boot: 'soon' })).toMatchObject({ code: 4, message: expect.stringMatching(/--boot/) });
    expect(await exitOf({ hosts: 3, config: 'lab.yaml' })).toMatchObject({ code: 4, message: expect.stringMatching(/exclude/) });
    expect(await exitOf({ hosts: 3, spare: '150%' })).toMatchObject({ code: 4, message: expect.stringMatching(/--spare/) });
  });

  it('names the file and field of a bad lab description', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rehearse-'));
    const file = join(dir, 'lab.yaml');
    writeFileSync(file, 'hosts:\n  - name: compute01\n    dist: el9\n');
    const r = await exitOf({ config: file });
    expect(r.code).toBe(4);
    expect(r.message).toContain(file);
    expect(r.message).toMatch(/dist/);
  });

  it('writes every figure as JSON and exits 0 when the rollout completes cleanly', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rehearse-'));
    const out = join(dir, 'r.json');
    const printed: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((s) => { printed.push(String(s)); return true; });
    const code = await rehearseCommand(PLAYBOOK, { hosts: 5, instances: 10, json: out, seed: '3' });
    expect(code).toBe(0);
    const r = JSON.parse(readFileSync(out, 'utf8')) as Record<string, unknown>;
    expect(Object.keys(r)).toEqual(expect.arrayContaining(['makespanMs', 'lowerBound', 'ratio', 'batches', 'peakDrained', 'migrations', 'audit']));
    expect(printed.join('')).toMatch(/makespan/);
  });
});

describe('rehearse durations from the playbook', () => {
  const withVars = (vars: string): string => {
    const dir = mkdtempSync(join(tmpdir(), 'rehearse-pb-'));
    const file = join(dir, 'pb.yaml');
    writeFileSync(file, readFileSync(PLAYBOOK, 'utf8').replace(/^steps:/m, `vars:\n  rehearse:\n${vars}\nsteps:`));
    return file;
  };

  it('takes vars.rehearse from the playbook, and the command line over it', async () => {
    const file = withVars('    boot: 7m\n    update: 90s\n    spread: 0');
    const out = join(mkdtempSync(join(tmpdir(), 'rehearse-')), 'r.json');
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    await rehearseCommand(file, { hosts: 3, instances: 3, json: out, update: '30s' });
    const r = JSON.parse(readFileSync(out, 'utf8')) as { settings: { durations: Record<string, number> } };
    expect(r.settings.durations).toMatchObject({ bootMs: 420_000, packageUpdateMs: 30_000, spread: 0 });
  });

  it('names the playbook, line and field of a bad rehearse duration', async () => {
    const file = withVars('    boot: soon');
    const r = await exitOf({ hosts: 3 }, file);
    expect(r.code).toBe(4);
    expect(r.message).toMatch(new RegExp(`${file}:\\d+:\\d+: vars\\.rehearse\\.boot`));
  });
});
