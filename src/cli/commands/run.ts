// `run PLAYBOOK`: apply in rolling batches (or `--check`, the dry run); asks before touching hosts unless -y.
import { createInterface } from 'node:readline/promises';
import { planDriftCheck } from '../../plan/plan-hooks.js';
import { EXIT } from '../exit-codes.js';
import { executePlaybook } from '../execute.js';
import { printClosing, printWritten, reportExitCode, writeReportFiles } from '../finish.js';
import { preparePlaybook, type WorkflowOptions } from '../prepare.js';
import { openSession, warnOnStderr } from '../session.js';
import { planCommand } from './plan.js';

async function confirm(question: string): Promise<boolean> {
  if (!process.stdin.isTTY) return false;
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question(question)).trim());
  } finally {
    rl.close();
  }
}

/** Changing hosts needs a yes: -y, or an answer on a terminal. */
export async function confirmed(playbook: string, o: Pick<WorkflowOptions, 'yes'>): Promise<boolean> {
  if (o.yes) return true;
  if (!process.stdin.isTTY) {
    process.stderr.write('mds-orchestrate: run changes hosts; pass -y/--yes when there is no terminal to confirm on (review it first with plan)\n');
    return false;
  }
  return confirm(`Apply ${playbook} to the selected hosts? Review it first with 'plan'. [y/N] `);
}

export async function runCommand(playbookPath: string, opts: Record<string, unknown>): Promise<number> {
  const o = opts as unknown as WorkflowOptions & { check?: boolean };
  if (o.check) return planCommand(playbookPath, opts);
  const prepared = await preparePlaybook(playbookPath, o, 'run');
  if (!(await confirmed(playbookPath, o))) return EXIT.USAGE;
  const session = await openSession(o, { connections: prepared.connections, lock: true, onWarning: warnOnStderr });
  try {
    const hooks = prepared.saved ? planDriftCheck(prepared.saved, session.nova, session.events) : {};
    const { builder, interrupted } = await executePlaybook(prepared, o, session, { kind: 'run', mode: 'apply', hooks });
    const report = builder.finish();
    printClosing(report, o);
    printWritten(await writeReportFiles(report, o), session.logPath);
    return reportExitCode(report, session.stop);
  } finally {
    await session.close();
  }
}
