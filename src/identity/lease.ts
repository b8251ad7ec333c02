// The per-host lease (issue 13): who works on a host, written on the host itself so two controllers with their own state
// directories never work on one host at once. Pure: the file's form and the rule that decides whose it is.
import { MARKER_DIR } from '../steps/host-markers.js';

/** Under /var/lib, not /run: the lease must outlive the reboot it covers, until restore releases it. */
export const LEASE_PATH = `${MARKER_DIR}/lease.json`;

export interface Lease {
  version: 1;
  /** The run that took (or last renewed) the lease. */
  runId: string;
  /** The controller's host name and user, and its state directory: what an operator needs to find the other run. */
  controller: string;
  user: string;
  stateDir: string;
  /** The inventory name the holder used for this host. */
  host: string;
  takenAt: string;
}

export type LeaseRead =
  | { kind: 'none' }
  | { kind: 'held'; lease: Lease }
  /** A lease file that is not one this tool wrote (hand-edited, truncated): nobody can say whose it is. */
  | { kind: 'corrupt'; text: string };

export function parseLease(text: string): LeaseRead {
  if (text.trim() === '') return { kind: 'corrupt', text };
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return { kind: 'corrupt', text };
  }
  const o = v as Record<string, unknown>;
  const strs = ['runId', 'controller', 'user', 'stateDir', 'host', 'takenAt'] as const;
  if (v === null || typeof v !== 'object' || o['version'] !== 1 || strs.some((k) => typeof o[k] !== 'string') || o['runId'] === '') {
    return { kind: 'corrupt', text };
  }
  return { kind: 'held', lease: v as Lease };
}

export function renderLease(lease: Lease): string {
  return `${JSON.stringify(lease, null, 1)}\n`;
}

export type LeaseVerdict =
  | { kind: 'free' }
  /** This run's, or a run recorded in this state directory (an earlier run that stopped): this controller's to renew. */
  | { kind: 'ours'; lease: Lease }
  /** Another controller's, taken over because the operator named its run with --adopt-lease. */
  | { kind: 'adopted'; lease: Lease }
  | { kind: 'foreign'; lease: Lease }
  | { kind: 'corrupt'; text: string };

export interface LeaseOwner {
  runId: string;
  /** A run recorded in this state directory. */
  isOwnRun(runId: string): boolean;
  /** The run id given to --adopt-lease, if any. */
  adopt?: string | undefined;
}

export function judgeLease(read: LeaseRead, me: LeaseOwner): LeaseVerdict {
  if (read.kind === 'none') return { kind: 'free' };
  if (read.kind === 'corrupt') return read;
  const { lease } = read;
  if (lease.runId === me.runId || me.isOwnRun(lease.runId)) return { kind: 'ours', lease };
  if (me.adopt !== undefined && lease.runId === me.adopt) return { kind: 'adopted', lease };
  return { kind: 'foreign', lease };
}

/** One line naming the holder, for refusals and warnings. */
export function describeLease(lease: Lease): string {
  return `run ${lease.runId} of ${lease.user}@${lease.controller} (state directory ${lease.stateDir}), since ${lease.takenAt}`;
}
