// The options every host-targeting verb shares, typed, as commander hands them over.
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import type { HostKeyPolicy } from '../inventory/types.js';

export interface CommonOptions {
  inventory?: string[];
  limit?: string;
  forks?: number;
  stateDir: string;
  logFile?: string;
  logLevel: string;
  knownHosts?: string[];
  hostKeyChecking?: HostKeyPolicy;
  sshConfig?: string;
  cloud?: string;
  insecure?: boolean;
  color?: boolean;
}

export interface ReportOptions {
  json?: string;
  junit?: string;
  html?: string;
  markdown?: string;
  prometheus?: string;
  /** run and sweep only: the tenants' list as files, and in full on the console. */
  guestsCsv?: string;
  guestsJson?: string;
  listGuests?: boolean;
}

export function newRunId(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `${stamp}-${Math.random().toString(36).slice(2, 6)}`;
}

/**
 * The state directory when none is given: one per user, not per working directory, so a cron sweep and an operator's
 * run share history and the lock. root: /var/lib/mds-orchestrate; others: $XDG_STATE_HOME/mds-orchestrate (an absolute
 * XDG_STATE_HOME only, as the XDG spec says), else ~/.local/state/mds-orchestrate.
 */
export function defaultStateDir(env: NodeJS.ProcessEnv = process.env, uid: number = process.getuid?.() ?? -1, home: string = homedir()): string {
  if (uid === 0) return '/var/lib/mds-orchestrate';
  const xdg = env['XDG_STATE_HOME'];
  if (xdg && isAbsolute(xdg)) return join(xdg, 'mds-orchestrate');
  return join(home, '.local', 'state', 'mds-orchestrate');
}
