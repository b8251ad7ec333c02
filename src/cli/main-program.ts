// The command line's verbs, options and help (commander); main.ts runs it.
import { Command, Option } from 'commander';
import { EXIT_CODE_HELP, exitCodeHelp, VERB_EXIT_CODES, VERB_EXIT_LINES } from './exit-codes.js';
import { defaultStateDir } from './common-options.js';
import { collect, cronOption, durationOption, hostKeyPolicyOption, intOption, logLevelOption, percentOption, serialOption, stateDirOption, UsageError } from './options.js';
import { VERSION } from '../util/version.js';

/** What every verb that reaches hosts over SSH takes. */
function sshOptions(cmd: Command): Command {
  return cmd
    .option('-i, --inventory <path>', 'inventory file (YAML, INI or JSON); repeat to merge several', collect)
    .option('-l, --limit <pattern>', "host pattern like Ansible's --limit (a:b, a:&b, a:!b, ~regex, group[0:9], @file)")
    .option('-f, --forks <n>', 'hosts worked on at once', intOption('--forks', 1, 5000))
    .option('--state-dir <dir>', 'where per-host state, locks and logs live (the same for cron and interactive runs)', stateDirOption, defaultStateDir())
    .option('--log-file <path>', 'JSON log file (default: <state-dir>/logs/<run-id>.log)')
    .option('--log-level <level>', 'fatal, error, warn, info, debug, trace', logLevelOption, 'info')
    .option('--known-hosts <path>', 'OpenSSH known_hosts file to verify host keys against (repeatable)', collect)
    .option('--host-key-checking <policy>', 'strict (default), accept-new, or off (never silently)', hostKeyPolicyOption)
    .option('-F, --ssh-config <path>', 'OpenSSH client config to read (default ~/.ssh/config)');
}

/** The playbook verbs also talk to Nova and print coloured reports. */
function targetOptions(cmd: Command): Command {
  return sshOptions(cmd)
    .option('--cloud <name>', 'cloud in clouds.yaml for the Nova API (default: playbook cloud, then OS_CLOUD)')
    .option('--insecure', 'do not verify TLS certificates of Keystone/Nova (prints a warning)')
    .option('--no-color', 'plain output (NO_COLOR is honoured too)');
}

function reportOptions(cmd: Command): Command {
  return cmd
    .option('--json <file>', 'write the full report as JSON')
    .option('--junit <file>', 'write a JUnit XML report (one testcase per host and check)')
    .option('--html <file>', 'write a self-contained HTML report')
    .option('--markdown <file>', 'write a Markdown summary for a change ticket')
    .option('--prometheus <file>', "write a Prometheus textfile for node_exporter's textfile collector");
}

/** run and sweep: the guests that still need a cold boot, for the notice to tenants. */
function guestOptions(cmd: Command): Command {
  return cmd
    .option('--guests-csv <file>', 'write the guests needing a cold boot, by project, as CSV (RFC 4180)')
    .option('--guests-json <file>', 'write the guests needing a cold boot, by project, as JSON')
    .option('--list-guests', 'print every guest needing a cold boot at the end (a short list is printed anyway)');
}

/** The program and its help; each group of verbs is added by its own function below. */
export function buildProgram(): Command {
  const program = new Command('mds-orchestrate')
    .description('Remediate the Intel MDS flaws on an OpenStack Nova compute fleet, agentless over SSH.')
    .version(VERSION, '--version')
    // Set before the verbs are added: subcommands copy it, so their usage errors exit 4 instead of commander's 1.
    .exitOverride()
    .showHelpAfterError()
    .addHelpText('after', `
Examples:
  mds-orchestrate lab up --hosts 12 --instances 40           start the rehearsal lab (root)
  mds-orchestrate plan playbooks/remediate.yaml -i .lab/inventory.yaml
  mds-orchestrate run playbooks/remediate.yaml -i .lab/inventory.yaml -y
  mds-orchestrate sweep -i inventories/prod.yaml --junit sweep.xml
  mds-orchestrate exec 'uname -r' -i inventories/prod.yaml -l 'compute[0:9]'
  mds-orchestrate status --json

${EXIT_CODE_HELP}`);

  playbookVerbs(program);
  hostVerbs(program);
  rehearseVerb(program);
  labVerbs(program);
  return program;
}

const ADOPT_HELP = "take over hosts leased by this run of another controller (and the compute services it disabled), once that controller is gone";

/** A run id as newRunId makes them (and nothing a message or a file name could trip on). */
function adoptLeaseOption(value: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/.test(value)) throw new UsageError(`--adopt-lease: ${JSON.stringify(value)} is not a run id (the lease and the disable reason name it, e.g. 20260101T000000Z-ab12)`);
  return value;
}

/** run, plan and sweep: the verbs that run a playbook's steps. */
function playbookVerbs(program: Command): void {
  guestOptions(reportOptions(targetOptions(program.command('run').argument('<playbook>', 'playbook YAML, e.g. playbooks/remediate.yaml'))))
    .description('apply the playbook in rolling batches (resumes an interrupted run)')
    .option('--serial <list>', 'batch sizes, e.g. 1,5,20%, or auto: from the room Placement reports (overrides the playbook)', serialOption)
    .option('--max-fail-percentage <pct>', 'per batch; the rollout stops when it is exceeded', percentOption('--max-fail-percentage'))
    .option('--check', 'dry run: same as plan')
    .option('--plan <file>', 'apply exactly this saved plan; hosts whose facts drifted are refused')
    .option('-y, --yes', 'do not ask for confirmation before changing hosts')
    .option('--adopt-lease <run-id>', ADOPT_HELP, adoptLeaseOption)
    .addHelpText('after', `\n${exitCodeHelp(VERB_EXIT_CODES.run)}`)
    .action(async (playbook: string, opts: Record<string, unknown>) => {
      const { runCommand } = await import('./commands/run.js');
      process.exitCode = await runCommand(playbook, opts);
    });

  reportOptions(targetOptions(program.command('plan').argument('<playbook>', 'playbook YAML')))
    .description('dry run: connect, gather facts, show per host and step what would change; changes nothing')
    .option('--out <file>', 'save the plan (JSON) for run --plan; not written when no host could be planned')
    // Both at once would silently pick one: a usage error instead (exit 4).
    .addOption(new Option('--full', 'every host\'s diff (the default up to 20 hosts)').conflicts('compact'))
    .addOption(new Option('--compact', 'hosts grouped by what would change, names folded (the default above 20 hosts)'))
    .option('--no-rehearse', 'do not rehearse the rollout for its duration and maintenance windows')
    .option('--adopt-lease <run-id>', ADOPT_HELP, adoptLeaseOption)
    .addHelpText('after', `\n${exitCodeHelp(VERB_EXIT_CODES.plan)}`)
    .action(async (playbook: string, opts: Record<string, unknown>) => {
      const { planCommand } = await import('./commands/plan.js');
      process.exitCode = await planCommand(playbook, opts);
    });

  guestOptions(reportOptions(targetOptions(program.command('sweep'))))
    .description('read-only compliance sweep: verify checks, sysfs states, packages, reboot pending, guests needing a cold boot')
    .option('--playbook <file>', 'take minimum versions from this playbook', 'playbooks/remediate.yaml')
    .option('--schedule <cron>', 'keep running and sweep on this 5-field cron expression (runs never overlap)', cronOption)
    .option('--allow-sub-minute', 'accept a 6- or 7-field --schedule with a seconds field (sweeps as often as every second)')
    .option('--history <n>', 'sweeps kept in the history', intOption('--history', 1, 10000), 100)
    .option('--history-max-age <age>', 'also forget sweeps older than this (e.g. 90d, 12w, 36h)', durationOption('--history-max-age'))
    .addHelpText('after', `\n${exitCodeHelp(VERB_EXIT_CODES.sweep)}`)
    .action(async (opts: Record<string, unknown>) => {
      const { sweepCommand } = await import('./commands/sweep.js');
      process.exitCode = await sweepCommand(opts);
    });

}

/** status and exec: the verbs that read the state directory or run one command. */
function hostVerbs(program: Command): void {
  program.command('status')
    .description("the last sweep's verdicts and the last run's per-host progress, from the state directory (contacts nothing)")
    .option('--state-dir <dir>', 'state directory', stateDirOption, defaultStateDir())
    .option('--json', 'machine-readable output')
    .addHelpText('after', `\n${exitCodeHelp(VERB_EXIT_CODES.status, VERB_EXIT_LINES.status)}`)
    .action(async (opts: Record<string, unknown>) => {
      const { statusCommand } = await import('./commands/status.js');
      process.exitCode = await statusCommand(opts);
    });

  sshOptions(program.command('exec').argument('<command>', 'shell command run on every selected host'))
    .description('run an ad-hoc command across hosts and print each host\'s output')
    .option('--become', 'run it with sudo')
    .option('--timeout <seconds>', 'per-host command timeout', intOption('--timeout', 1, 86400), 120)
    .addHelpText('after', `\n${exitCodeHelp(VERB_EXIT_CODES.exec, VERB_EXIT_LINES.exec)}`)
    .action(async (command: string, opts: Record<string, unknown>) => {
      const { execCommand } = await import('./commands/exec.js');
      process.exitCode = await execCommand(command, opts);
    });

  program.command('hosts').argument('[pattern]', "host pattern, as in `ansible PATTERN --list-hosts`", 'all')
    .description('list the hosts an inventory and a pattern select, and what each resolves to (address, port, user, become, Nova host); contacts nothing')
    .option('-i, --inventory <path>', 'inventory file (YAML, INI or JSON); repeat to merge several', collect)
    .option('-l, --limit <pattern>', 'further limit the selection, like --limit')
    .option('-F, --ssh-config <path>', 'OpenSSH client config to resolve addresses with (default ~/.ssh/config)')
    .option('--json', 'machine-readable output')
    .addHelpText('after', `\n${exitCodeHelp(VERB_EXIT_CODES.hosts, VERB_EXIT_LINES.hosts)}`)
    .action(async (pattern: string, opts: Record<string, unknown>) => {
      const { hostsCommand } = await import('./commands/hosts.js');
      process.exitCode = await hostsCommand(pattern, opts);
    });

}

/** rehearse: the rollout on a simulated fleet on a virtual clock (src/rehearse). */
function rehearseVerb(program: Command): void {
  program.command('rehearse').argument('<playbook>', 'playbook YAML')
    .description('rehearse the rollout on a simulated fleet on a virtual clock: makespan, batches, peak drained, migrations, capacity left')
    .option('--hosts <n>', "the lab's default mixed fleet at this size", intOption('--hosts', 1, 100000))
    .option('--instances <n>', 'Nova instances placed on it', intOption('--instances', 0, 10000000))
    .option('--config <file>', 'lab description (YAML) instead of --hosts')
    .option('--spare <fraction>', 'size every host so this share of vCPU and RAM stays free (0.1 or 10%)')
    .option('--serial <list>', 'batch sizes, or auto (overrides the playbook)', serialOption)
    .option('-f, --forks <n>', 'hosts worked on at once', intOption('--forks', 1, 100000))
    .option('--boot <duration>', "boot time of a host (default: the description's boot_delay)")
    .option('--migration <duration>', "live-migration time per instance (default: the description's nova.migration_time)")
    .option('--migration-per-gb <duration>', "added live-migration time per GiB of the flavor's RAM")
    .option('--update <duration>', 'yum/dnf update time')
    .option('--check-update <duration>', 'yum/dnf check-update time')
    .option('--gather <duration>', 'facts gather time')
    .option('--command <duration>', 'time of any other remote command')
    .option('--connect <duration>', 'SSH connect time')
    .option('--api <duration>', 'Nova API round trip')
    .option('--restart <duration>', 'nova-compute restart time')
    .option('--spread <fraction>', 'each duration varies by up to this share (seeded)')
    .option('--seed <n>', 'seed of the spread')
    .option('--start <iso-time>', 'virtual start time (matters with a maintenance window)')
    .option('--with-plan', 'as run --plan: the hosts a plan finds with nothing to drain are migration targets from the first batch')
    .option('-i, --inventory <path>', 'seed from the real fleet: these hosts as plan selects and gathers them (read only), and their cloud; repeatable', collect)
    .option('-l, --limit <pattern>', "with -i: host pattern like Ansible's --limit")
    .option('--cloud <name>', 'with -i: cloud in clouds.yaml (default: playbook cloud, then OS_CLOUD, then OS_*)')
    .option('--insecure', 'with -i: do not verify TLS certificates of Keystone/Nova (prints a warning)')
    .option('--state-dir <dir>', 'with -i: where the read-only gather logs', stateDirOption, defaultStateDir())
    .option('--log-file <path>', 'with -i: JSON log file')
    .option('--log-level <level>', 'with -i: fatal, error, warn, info, debug, trace', logLevelOption, 'info')
    .option('--known-hosts <path>', 'with -i: OpenSSH known_hosts file (repeatable)', collect)
    .option('--host-key-checking <policy>', 'with -i: strict (default), accept-new, or off', hostKeyPolicyOption)
    .option('-F, --ssh-config <path>', 'with -i: OpenSSH client config to read (default ~/.ssh/config)')
    .option('--json <file>', "write every figure as JSON ('-': to stdout, instead of the text)")
    .addHelpText('after', `\n${exitCodeHelp(VERB_EXIT_CODES.rehearse, VERB_EXIT_LINES.rehearse)}`)
    .action(async (playbook: string, opts: Record<string, unknown>) => {
      const { rehearseCommand } = await import('./commands/rehearse.js');
      process.exitCode = await rehearseCommand(playbook, opts);
    });
}

/** The rehearsal lab's verbs (lab up, down, status, audit, demo). */
function labVerbs(program: Command): void {
  const lab = program.command('lab').description('the rehearsal lab: fake compute hosts (sshd in namespaces) and a fake Nova (needs root)');
  lab.command('up')
    .description('start the lab in the background and write DIR/inventory.yaml, DIR/clouds.yaml, the lab key and known_hosts')
    .option('--hosts <n>', 'number of compute hosts (ignored with --config)', intOption('--hosts', 1, 5000))
    .option('--instances <n>', 'number of Nova instances', intOption('--instances', 0, 100000))
    .option('--config <file>', 'lab description (YAML)')
    .option('--layouts <mix>', 'baremetal (default) or mixed: every deployment layout in turn (ignored with --config)')
    .option('--dir <dir>', 'lab directory', '.lab')
    .action(async (opts: Record<string, unknown>) => {
      const { labUpCommand } = await import('./commands/lab.js');
      process.exitCode = await labUpCommand(opts);
    });
  lab.command('down').description('stop everything the lab started and remove its processes, mounts and namespaces')
    .option('--dir <dir>', 'lab directory', '.lab')
    .action(async (opts: Record<string, unknown>) => {
      const { labDownCommand } = await import('./commands/lab.js');
      process.exitCode = await labDownCommand(opts);
    });
  lab.command('status').description('hosts, instances and safety violations')
    .option('--dir <dir>', 'lab directory', '.lab')
    .option('--json', 'machine-readable output')
    .action(async (opts: Record<string, unknown>) => {
      const { labStatusCommand } = await import('./commands/lab.js');
      process.exitCode = await labStatusCommand(opts);
    });
  lab.command('audit').description('print the safety violations as a JSON array; exit 1 when there are any')
    .option('--dir <dir>', 'lab directory', '.lab')
    .action(async (opts: Record<string, unknown>) => {
      const { labAuditCommand } = await import('./commands/lab.js');
      process.exitCode = await labAuditCommand(opts);
    });
  lab.command('update-image').argument('<hosts...>')
    .description("stand-in for the deployment tool's image update: the hosts' containers restart on the image with the fixed qemu/libvirt")
    .option('--dir <dir>', 'lab directory', '.lab')
    .action(async (hosts: string[], opts: Record<string, unknown>) => {
      const { labUpdateImageCommand } = await import('./commands/lab.js');
      process.exitCode = await labUpdateImageCommand(hosts, opts);
    });
  lab.command('demo')
    .description('start a lab, show the plan, remediate it with live progress, sweep, audit, and stop the lab')
    .option('--hosts <n>', 'number of compute hosts', intOption('--hosts', 1, 5000), 12)
    .option('--instances <n>', 'number of Nova instances', intOption('--instances', 0, 100000), 40)
    .option('--dir <dir>', 'lab directory (default: a new temporary one)')
    .action(async (opts: Record<string, unknown>) => {
      const { labDemoCommand } = await import('./commands/demo.js');
      process.exitCode = await labDemoCommand(opts);
    });
  lab.command('daemon', { hidden: true }).option('--dir <dir>', 'lab directory', '.lab')
    .action(async (opts: Record<string, unknown>) => {
      const { labDaemonCommand } = await import('./commands/lab.js');
      await labDaemonCommand(opts);
    });

}
