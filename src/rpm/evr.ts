// Epoch:version-release values: parsing as rpm splits them, comparing as rpmverCmp does, formatting, picking the newest.
import type { Evr } from '../facts/types.js';
import { OrchestratorError } from '../util/errors.js';
import { rpmvercmp } from './rpmvercmp.js';

export type { Evr };

/** An EVR string that cannot be a package version (empty version). */
export class EvrError extends OrchestratorError {
  constructor(message: string) {
    super('E_EVR', message);
  }
}

/**
 * Splits `[epoch:]version[-release]` like rpmio/rpmver.cc parseEVR: the epoch is the leading digits when a ':'
 * follows them (an empty epoch before ':' becomes "0"); the release is everything after the LAST '-'.
 */
export function parseEvr(s: string): Evr {
  const text = s.trim();
  const digits = /^\d*/.exec(text)?.[0] ?? '';
  let epoch: string | null = null;
  let rest = text;
  if (text.charAt(digits.length) === ':') {
    epoch = digits === '' ? '0' : digits;
    rest = text.slice(digits.length + 1);
  }
  // rpm searches for '-' only after the epoch digits; with the epoch removed that is the same as searching `rest`.
  const dash = rest.lastIndexOf('-');
  const version = dash < 0 ? rest : rest.slice(0, dash);
  const release = dash < 0 ? null : rest.slice(dash + 1);
  if (version === '') throw new EvrError(`not a package version: ${JSON.stringify(s)}`);
  return { epoch, version, release };
}

// rpmverCmp's compare_values: an absent component is older than any present one, two absent ones are equal.
function compareValues(a: string | null, b: string | null): -1 | 0 | 1 {
  if (a === null && b === null) return 0;
  if (b === null) return 1;
  if (a === null) return -1;
  return rpmvercmp(a, b);
}

/** Like rpmverCmp (and Python rpm.labelCompare): missing epoch = "0"; a missing release is older than any release. */
export function compareEvr(a: Evr, b: Evr): -1 | 0 | 1 {
  return compareValues(a.epoch ?? '0', b.epoch ?? '0') || compareValues(a.version, b.version) || compareValues(a.release, b.release);
}

/** `epoch:version-release`, each part only when present (an explicit epoch "0" is kept, as written). */
export function formatEvr(evr: Evr): string {
  return `${evr.epoch === null ? '' : `${evr.epoch}:`}${evr.version}${evr.release === null ? '' : `-${evr.release}`}`;
}

/** The newest of several versions (the first one wins a tie, so rpmdb order decides between equals). */
export function newestOf<T extends Evr>(pkgs: readonly T[]): T {
  let best: T | undefined;
  for (const p of pkgs) if (best === undefined || compareEvr(p, best) > 0) best = p;
  if (best === undefined) throw new EvrError('newestOf() needs at least one version');
  return best;
}
