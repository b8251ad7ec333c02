// The options every host-targeting verb shares, typed, as commander hands them over.
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
}

export function newRunId(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `${stamp}-${Math.random().toString(36).slice(2, 6)}`;
}
