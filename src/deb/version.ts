// Debian package versions ([epoch:]upstream[-revision]): parsing as dpkg's parseversion does, comparing as dpkg does.
import type { Evr } from '../facts/types.js';
import { OrchestratorError } from '../util/errors.js';
import { verrevcmp } from './verrevcmp.js';

/** A string dpkg would refuse or warn about as a version: refused here rather than compared by a guess. */
export class DebVersionError extends OrchestratorError {
  constructor(message: string) {
    super('E_DEB_VERSION', message);
  }
}

const UPSTREAM_CHARS = /^[A-Za-z0-9.+~:-]*$/;
const REVISION_CHARS = /^[A-Za-z0-9.+~]*$/;
const MAX_EPOCH = 2147483647;

/**
 * Splits like dpkg: the epoch is what precedes the FIRST ':' (decimal, 0 to INT_MAX), the revision what follows the LAST
 * '-' (absent = "", which dpkg compares equal to "0"). The upstream part must start with a digit and hold only
 * alphanumerics and `. + ~ - :`; the revision only alphanumerics and `. + ~`. dpkg reports those two as warnings and
 * still compares; here every such string is refused, so nothing is ever judged from a version dpkg itself flags.
 * The Evr fields carry epoch, upstream version and revision (null when the string has no '-').
 */
export function parseDebVersion(s: string): Evr {
  const text = s.trim();
  const where = JSON.stringify(s);
  if (text === '') throw new DebVersionError(`not a Debian version: empty`);
  if (/\s/.test(text)) throw new DebVersionError(`not a Debian version: ${where} has embedded blanks`);
  let epoch: string | null = null;
  let rest = text;
  const colon = text.indexOf(':');
  if (colon >= 0) {
    const e = text.slice(0, colon);
    if (!/^\d+$/.test(e)) throw new DebVersionError(`not a Debian version: ${where}: epoch is not a number`);
    if (Number(e) > MAX_EPOCH) throw new DebVersionError(`not a Debian version: ${where}: epoch is too big`);
    rest = text.slice(colon + 1);
    if (rest === '') throw new DebVersionError(`not a Debian version: ${where}: nothing after the colon`);
    epoch = e;
  }
  const dash = rest.lastIndexOf('-');
  const version = dash < 0 ? rest : rest.slice(0, dash);
  const release = dash < 0 ? null : rest.slice(dash + 1);
  if (release === '') throw new DebVersionError(`not a Debian version: ${where}: revision is empty`);
  if (version === '') throw new DebVersionError(`not a Debian version: ${where}: version number is empty`);
  if (!/^\d/.test(version)) throw new DebVersionError(`not a Debian version: ${where}: version number does not start with a digit`);
  if (!UPSTREAM_CHARS.test(version)) throw new DebVersionError(`not a Debian version: ${where}: invalid character in version number`);
  if (release !== null && !REVISION_CHARS.test(release)) throw new DebVersionError(`not a Debian version: ${where}: invalid character in revision`);
  return { epoch, version, release };
}

function sign(n: number): -1 | 0 | 1 {
  return n < 0 ? -1 : n > 0 ? 1 : 0;
}

/** dpkg's dpkg_version_compare: epoch as a number (absent = 0), then upstream, then revision (absent = ""). */
export function compareDebVersions(a: Evr, b: Evr): -1 | 0 | 1 {
  const ea = Number(a.epoch ?? '0');
  const eb = Number(b.epoch ?? '0');
  if (ea !== eb) return ea < eb ? -1 : 1;
  return sign(verrevcmp(a.version, b.version)) || sign(verrevcmp(a.release ?? '', b.release ?? ''));
}

/** Both strings parsed and compared; throws DebVersionError for a string dpkg would flag. */
export function compareDebVersionStrings(a: string, b: string): -1 | 0 | 1 {
  return compareDebVersions(parseDebVersion(a), parseDebVersion(b));
}

/**
 * Whether `installed` is at or above `minimum`, with dpkg's own rule throughout: a minimum without an epoch has epoch 0.
 * Ubuntu's and Debian's notices print the epoch (qemu's `1:2.11+dfsg-1ubuntu7.13`), so unlike the rpm rule there is no
 * "whatever the epoch" reading: a minimum copied from a notice compares exactly as `dpkg --compare-versions ge` does.
 */
export function debSatisfiesMinimum(installed: Evr, minimum: string): boolean {
  return compareDebVersions(installed, parseDebVersion(minimum)) >= 0;
}

/** The newest of several versions (the first wins a tie). */
export function newestDeb<T extends Evr>(pkgs: readonly T[]): T {
  let best: T | undefined;
  for (const p of pkgs) if (best === undefined || compareDebVersions(p, best) > 0) best = p;
  if (best === undefined) throw new DebVersionError('newestDeb() needs at least one version');
  return best;
}
