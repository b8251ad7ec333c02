// Option values: the default state directory, the --schedule form, --history-max-age, and each verb's exit codes in --help.
import type { Command } from 'commander';
import { describe, expect, it, vi } from 'vitest';
import { defaultStateDir } from '../../../src/cli/common-options.js';
import { describeError, EXIT, EXIT_CODE_LINES, VERB_EXIT_CODES, VERB_EXIT_LINES } from '../../../src/cli/exit-codes.js';
import { buildProgram } from '../../../src/cli/main-program.js';
import { cronFields, cronOption, durationOption } from '../../../src/cli/options.js';

describe('the default state directory', () => {
  it('does not depend on the working directory: /var/lib for root, XDG_STATE_HOME or ~/.local/state for others', () => {
    expect(defaultStateDir({}, 0, '/root')).toBe('/var/lib/mds-orchestrate');
    expect(defaultStateDir({ XDG_STATE_HOME: '/srv/state' }, 0, '/root')).toBe('/var/lib/mds-orchestrate');
    expect(defaultStateDir({ XDG_STATE_HOME: '/home/op/.state' }, 1000, '/home/op')).toBe('/home/op/.state/mds-orchestrate');
    expect(defaultStateDir({}, 1000, '/home/op')).toBe('/home/op/.local/state/mds-orchestrate');
    // A relative XDG_STATE_HOME is invalid by the spec and would bring the working directory back.
    expect(defaultStateDir({ XDG_STATE_HOME: 'state' }, 1000, '/home/op')).toBe('/home/op/.local/state/mds-orchestrate');
  });
});

describe('an empty --state-dir', () => {
  // Every verb that takes --state-dir, with placeholders for its required arguments.
  const verbs = (program: Command) => program.commands.filter((c) => c.options.some((o) => o.long === '--state-dir'));

  it('is a usage error (exit 4) for every verb that takes it, before the verb runs', async () => {
    const names = verbs(buildProgram()).map((c) => c.name());
    expect(names).toEqual(expect.arrayContaining(['plan', 'run', 'sweep', 'status', 'exec', 'rehearse']));
    for (const name of names) {
      for (const bad of ['', '  ']) {
        const program = buildProgram();
        const cmd = verbs(program).find((c) => c.name() === name)!;
        const action = vi.fn();
        cmd.action(action);
        const args = cmd.registeredArguments.filter((a) => a.required).map(() => 'x');
        const err = await program.parseAsync(['node', 'm', name, ...args, '--state-dir', bad]).then(() => null, (e: unknown) => e);
        expect(err, `${name} --state-dir ${JSON.stringify(bad)}`).not.toBeNull();
        expect(describeError(err)).toEqual({ message: `--state-dir: expected a directory, got ${JSON.stringify(bad)}`, code: EXIT.USAGE });
        expect(action).not.toHaveBeenCalled();
      }
    }
  });

  it('a named directory still parses', async () => {
    const program = buildProgram();
    const status = program.commands.find((c) => c.name() === 'status')!;
    const action = vi.fn();
    status.action(action);
    await program.parseAsync(['node', 'm', 'status', '--state-dir', '/srv/mds']);
    expect(action.mock.calls[0]?.[0]).toMatchObject({ stateDir: '/srv/mds' });
  });
});

describe('--schedule and --history-max-age', () => {
  it('counts cron fields; nicknames are minute-level', () => {
    expect(cronFields('*/5 * * * *')).toBe(5);
    expect(cronFields('*/5 * * * * *')).toBe(6);
    expect(cronFields('0 */5 * * * * 2027')).toBe(7);
    expect(cronFields('@hourly')).toBe(5);
    expect(cronOption('0 3 * * *')).toBe('0 3 * * *');
    expect(() => cronOption('* * *')).toThrow(/not a cron expression of 5 fields/);
  });

  it('takes ages in days, weeks, hours', () => {
    const age = durationOption('--history-max-age');
    expect(age('90d')).toBe(90 * 86_400_000);
    expect(age('2w')).toBe(14 * 86_400_000);
    expect(age('36h')).toBe(36 * 3_600_000);
    expect(() => age('soon')).toThrow(/--history-max-age: expected an age/);
    expect(() => age('0d')).toThrow(/expected an age/);
  });
});

describe('per-verb exit codes in --help', () => {
  const program = buildProgram();
  const verb = (name: string) => program.commands.find((c) => c.name() === name)!;
  const helpOf = (name: string): string => {
    let text = '';
    const cmd = verb(name);
    cmd.configureOutput({ writeOut: (s) => { text += s; } });
    cmd.outputHelp();
    return text;
  };

  for (const [name, codes] of Object.entries(VERB_EXIT_CODES)) {
    it(`${name} --help lists exactly the codes ${name} can return`, () => {
      const help = helpOf(name);
      const listed = help.slice(help.indexOf('Exit codes')).split('\n').slice(1).map((l) => /^\s+(\d+)\s/.exec(l)?.[1]).filter(Boolean).map(Number);
      expect(listed.sort((a, b) => a - b)).toEqual([...codes].sort((a, b) => a - b));
      for (const c of codes) expect(help).toContain(VERB_EXIT_LINES[name as keyof typeof VERB_EXIT_LINES]?.[c] ?? EXIT_CODE_LINES[c]);
    });
  }

  it('status and hosts say what their codes mean for them', () => {
    expect(helpOf('hosts')).toContain('0    listed');
    expect(helpOf('hosts')).not.toContain('all hosts done');
    expect(helpOf('status')).toContain("0    printed");
    // status leads with the last sweep (README): its help must not describe it as the last run alone.
    expect(verb('status').description()).toMatch(/sweep/);
    expect(helpOf('exec')).toContain('0    the command exited 0 on every host');
    expect(helpOf('exec')).not.toMatch(/compliant|refused/);
  });

  it('plan refuses --full with --compact (a usage error, exit 4) rather than picking one', async () => {
    const program = buildProgram();
    let err = '';
    for (const c of [program, ...program.commands]) c.configureOutput({ writeErr: (s) => { err += s; }, writeOut: () => {} });
    const planAction = vi.fn();
    program.commands.find((c) => c.name() === 'plan')!.action(planAction);
    await expect(program.parseAsync(['node', 'm', 'plan', 'p.yaml', '--full', '--compact'])).rejects.toMatchObject({ code: 'commander.conflictingOption' });
    expect(err).toMatch(/--full.*cannot be used with.*--compact/);
    expect(planAction).not.toHaveBeenCalled();
  });

  it('exec offers no option it ignores (no cloud, TLS or colour), and still the SSH ones', () => {
    const flags = verb('exec').options.map((o) => o.long);
    for (const f of ['--cloud', '--insecure', '--no-color', '--json', '--junit']) expect(flags).not.toContain(f);
    for (const f of ['--inventory', '--limit', '--forks', '--state-dir', '--log-file', '--known-hosts', '--host-key-checking', '--ssh-config', '--become', '--timeout']) expect(flags).toContain(f);
  });

  it('run and sweep offer the tenants\' list as files and in full; plan and exec do not', () => {
    const wanted = ['--guests-csv', '--guests-json', '--list-guests'];
    for (const name of ['run', 'sweep']) expect(verb(name).options.map((o) => o.long)).toEqual(expect.arrayContaining(wanted));
    for (const name of ['plan', 'exec']) for (const f of wanted) expect(verb(name).options.map((o) => o.long)).not.toContain(f);
    const parsed = buildProgram().commands.find((c) => c.name() === 'sweep')!.parseOptions(['--guests-csv', 'g.csv', '--list-guests']);
    expect(parsed.unknown).toEqual([]);
  });

  it('sweep refuses nothing at parse time for 6 fields, but offers --allow-sub-minute and --history-max-age', () => {
    const flags = verb('sweep').options.map((o) => o.long);
    expect(flags).toEqual(expect.arrayContaining(['--schedule', '--allow-sub-minute', '--history', '--history-max-age']));
  });
});

describe('sweep --schedule with a seconds field', () => {
  it('is refused before anything is read or contacted, naming the way to ask for it', async () => {
    const { sweepCommand } = await import('../../../src/cli/commands/sweep.js');
    // No inventory at all: the refusal must come before the inventory is even looked for.
    for (const schedule of ['*/5 * * * * *', '0 */5 * * * * *']) {
      await expect(sweepCommand({ schedule, history: 10, stateDir: '/nonexistent', logLevel: 'info', playbook: 'x.yaml' }))
        .rejects.toThrow(/seconds.*--allow-sub-minute/s);
    }
  });

  it('with --allow-sub-minute is scheduled (and stops on SIGHUP like on SIGTERM)', async () => {
    const { sweepCommand } = await import('../../../src/cli/commands/sweep.js');
    let said = '';
    const out = vi.spyOn(process.stdout, 'write').mockImplementation((s) => { said += String(s); return true; });
    try {
      const done = sweepCommand({ schedule: '0 0 0 1 1 * 2099', allowSubMinute: true, history: 10, stateDir: '/nonexistent', logLevel: 'info', playbook: 'x.yaml' });
      for (let i = 0; i < 100 && !said.includes('sweeping on'); i++) await new Promise((r) => setTimeout(r, 10));
      expect(said).toMatch(/sweeping on "0 0 0 1 1 \* 2099"; next at 2099-01-01/);
      process.emit('SIGHUP');
      expect(await done).toBe(0);
    } finally {
      out.mockRestore();
    }
  });
});
