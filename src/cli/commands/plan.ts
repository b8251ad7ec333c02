// `plan PLAYBOOK`: the dry run; connects and gathers facts, runs only the read-only checks, changes nothing.
import { executePlaybook, type WorkflowOptions } from '../workflow.js';

export async function planCommand(playbook: string, opts: Record<string, unknown>): Promise<number> {
  return executePlaybook('plan', playbook, opts as unknown as WorkflowOptions);
}
