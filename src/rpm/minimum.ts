// The minimum-version rule the workflow applies to "is the installed package at least the fixed version?".
import type { Evr } from '../facts/types.js';
import { compareEvr, parseEvr } from './evr.js';

/**
 * Whether `installed` is at or above `minimum`.
 *
 * A minimum written WITHOUT an epoch means "this version-release or newer, whatever the epoch": errata print
 * versions without epochs (RHSA-2019:1155 lists microcode_ctl-2.1-47.2.el7_6) while RHEL 7's microcode_ctl carries
 * epoch 2, and rpmverCmp would rank any epoch-2 build above an epoch-less minimum, so 2:2.1-29.el7 would wrongly pass.
 * A minimum WITH an epoch compares the full EVR (missing installed epoch = 0).
 * A minimum without a release accepts every release of that version (absent release is older than any release).
 * Unlike rpm's dependency matching (rpmdsCompare), an installed package without a release is still compared fully.
 */
export function satisfiesMinimum(installed: Evr, minimum: string): boolean {
  const min = parseEvr(minimum);
  if (min.epoch === null) return compareEvr({ ...installed, epoch: null }, min) >= 0;
  return compareEvr(installed, min) >= 0;
}
