// `run PLAYBOOK`: apply in rolling batches (or `--check`, the dry run); asks before touching hosts unless -y.
import { createInterface } from 'node:readline/promises';
import { EXIT } from '../exit-codes.js';
import { executePlaybook, type WorkflowOptions } from '../workflow.js';

async function confirm(question: string): Promise<boolean> {
  if (!process.stdin.isTTY) return false;
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question(question)).trim());
  } finally {
    rl.close();
  }
}

export async function runCommand(playbook: string, opts: Record<string, unknown>): Promise<number> {
  const o = opts as unknown as WorkflowOptions & { check?: boolean };
  if (o.check) return executePlaybook('plan', playbook, o);
  if (!o.yes) {
    if (!process.stdin.isTTY) {
      process.stderr.write('mds-orchestrate: run changes hosts; pass -y/--yes when there is no terminal to confirm on (review it first with plan)\n');
      return EXIT.USAGE;
    }
    if (!(await confirm(`Apply ${playbook} to the selected hosts? Review it first with 'plan'. [y/N] `))) return EXIT.USAGE;
  }
  return executePlaybook('apply', playbook, o);
}
