// The gather's dpkg section: dpkg-query over the playbook's Debian-valid names and every kernel image, each with its status.
import { shq } from '../transport/shell-quote.js';
import { ABSENT_RC } from './evidence.js';
import { DPKG_QUERY_FORMAT, KERNEL_IMAGE_PATTERN, dpkgQueryNames } from './dpkg-query.js';

/**
 * dpkg-query exits 1 when some name matched nothing (an answer: not installed) and 2 on a real error (an unreadable
 * status database). A host without dpkg-query gives the absent status: normal on RHEL, unreadable on a Debian-family
 * host (dpkg-evidence.ts decides, once os-release is known). The kernel images are
 * always listed, so "is a reboot due" can compare the running kernel with the newest installed one.
 */
export function dpkgSection(packages: readonly string[]): string {
  const names = [...dpkgQueryNames(packages), KERNEL_IMAGE_PATTERN];
  return `command -v dpkg-query >/dev/null 2>&1 || exit ${ABSENT_RC}; dpkg-query -W -f ${shq(DPKG_QUERY_FORMAT)} ${names.map(shq).join(' ')}`;
}
