// Runs an operator's command on this machine (where the deployment tool lives), not on the host: /bin/sh -c, the host
// passed in the environment (MDS_HOST, MDS_NOVA_HOST) rather than spliced into the text, so no name can inject shell.
import { spawn } from 'node:child_process';
import { DEFAULT_SECRET_ENV } from '../transport/secrets.js';

export interface LocalResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** The last lines of stdout and stderr together, for an error message. */
  tail: string;
  timedOut: boolean;
}

export async function runLocalCommand(command: string, env: Record<string, string>, opts: { timeoutMs: number; signal: AbortSignal }): Promise<LocalResult> {
  return new Promise((resolve, reject) => {
    if (opts.signal.aborted) return reject(opts.signal.reason ?? new Error('aborted'));
    // This tool's own SSH and sudo secrets are not the command's business (its OS_* cloud settings are).
    const base = { ...process.env };
    for (const name of Object.values(DEFAULT_SECRET_ENV)) delete base[name];
    const child = spawn('/bin/sh', ['-c', command], { env: { ...base, ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let out = '';
    const keep = (d: Buffer) => { out = (out + d.toString()).slice(-8192); };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    let timedOut = false;
    // The whole process group: the command's own children (ansible-playbook) go with it.
    const kill = () => { try { process.kill(-child.pid!, 'SIGTERM'); } catch { /* already gone */ } };
    const timer = setTimeout(() => { timedOut = true; kill(); }, opts.timeoutMs);
    const onAbort = () => kill();
    opts.signal.addEventListener('abort', onAbort, { once: true });
    child.on('error', (err) => { clearTimeout(timer); opts.signal.removeEventListener('abort', onAbort); reject(err); });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      opts.signal.removeEventListener('abort', onAbort);
      if (opts.signal.aborted) return reject(opts.signal.reason ?? new Error('aborted'));
      resolve({ code, signal, tail: out.trim().split('\n').slice(-4).join(' / '), timedOut });
    });
  });
}
