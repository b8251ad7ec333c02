// `lab demo`: the README's first command — start a lab, show the plan, remediate it with live progress, report, audit, stop.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { cliEntry, PACKAGE_ROOT } from '../../util/package-root.js';
import { EXIT } from '../exit-codes.js';

const CLI = cliEntry();
const REPO = PACKAGE_ROOT;

function step(title: string, args: string[]): number {
  process.stdout.write(`\n\u001b[1m== ${title}\u001b[0m\n$ mds-orchestrate ${args.join(' ')}\n`);
  const res = spawnSync(process.execPath, [CLI, ...args], { stdio: 'inherit', cwd: REPO });
  return res.status ?? EXIT.FAILED;
}

export async function labDemoCommand(opts: Record<string, unknown>): Promise<number> {
  const work = mkdtempSync(join(tmpdir(), 'mds-demo-'));
  const dir = resolve(typeof opts['dir'] === 'string' ? opts['dir'] : join(work, 'lab'));
  const state = join(work, 'state');
  const playbook = join(REPO, 'playbooks/remediate.yaml');
  const inv = join(dir, 'inventory.yaml');
  const hosts = String(opts['hosts'] ?? 12);
  const instances = String(opts['instances'] ?? 40);
  if (step(`Start the rehearsal lab: ${hosts} compute hosts, ${instances} instances`, ['lab', 'up', '--hosts', hosts, '--instances', instances, '--dir', dir]) !== 0) {
    if (existsSync(join(dir, 'lab.json'))) step('Stop the lab', ['lab', 'down', '--dir', dir]);
    return EXIT.FAILED;
  }
  let code: number = EXIT.FAILED;
  try {
    step('Dry run: what would change (exit 2 = changes to make)', ['plan', playbook, '-i', inv, '--state-dir', state, '--markdown', join(work, 'plan.md')]);
    code = step('Remediate the fleet', ['run', playbook, '-i', inv, '--state-dir', state, '-y', '--html', join(work, 'run.html'), '--json', join(work, 'run.json')]);
    step('Compliance sweep after the run', ['sweep', '--playbook', playbook, '-i', inv, '--state-dir', state, '--markdown', join(work, 'sweep.md'), '--html', join(work, 'sweep.html')]);
    const audit = step('Safety audit of the lab (an empty list: no instance was ever on a rebooting host)', ['lab', 'audit', '--dir', dir]);
    if (audit !== 0 && code === 0) code = EXIT.FAILED;
  } finally {
    step('Stop the lab', ['lab', 'down', '--dir', dir]);
  }
  process.stdout.write(`\nreports and state: ${work}\n`);
  return code;
}
