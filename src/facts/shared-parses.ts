// The section parsers the gather report shares between hosts: each a memo of a pure parse, keyed by every input it reads.
import { parseCpuinfo } from './cpuinfo.js';
import { parseDpkgQuery } from './dpkg-query.js';
import { kernelLogLines, kernelLogProvenance, parseKernelLog } from './kernel-log.js';
import { keyOfAll, memoByText } from './memo.js';
import { parseAgentSection } from './nova-compute-agent-section.js';
import { parseNovaConfTarget } from './nova-conf-target.js';
import { parseOsRelease } from './os-release.js';
import { parsePrivilege } from './privilege.js';
import { parseRpmQuery } from './rpm-query.js';
import { parseLayoutSection } from '../layout/parse-layout.js';

// Not here, on purpose: the hostname, boot id and guests (UUIDs) sections differ on every host, and so does nova.conf
// (host, my_ip); the whole output carries the run's nonce. A memo of those would only churn. The sysfs strings are
// classified in less than a lookup costs.

/** The meta section: the names the gather asked about and nova.conf's path, the same on every host of one playbook. */
export const sharedMeta = memoByText((body: string) => {
  const lines = body.split('\n');
  const values = (key: string) => lines.filter((l) => l.startsWith(`${key}\t`)).map((l) => l.slice(key.length + 1));
  return { packageNames: values('package'), imagePackageNames: values('image-package'), novaConfPath: values('nova-conf-path')[0] ?? '' };
}, (body) => body);

export const sharedOsRelease = memoByText((osRelease: string | null, redhatRelease: string | null) => parseOsRelease(osRelease, redhatRelease), keyOfAll);

/** rpm -q's rows depend on the names asked too: each one asked is pre-seeded with an empty list. */
export const sharedRpmQuery = memoByText((text: string, names: readonly string[]) => parseRpmQuery(text, names), keyOfAll);

/** rpm -q in the container, answered for every name (a row, or "package X is not installed"), else null: an engine's error prints neither. */
export const sharedImageRpm = memoByText((body: string, names: readonly string[]) => {
  const rows = parseRpmQuery(body, []);
  const lines = new Set(body.split('\n').map((l) => l.trim()));
  const answered = names.every((n) => (rows[n]?.length ?? 0) > 0 || lines.has(`package ${n} is not installed`));
  return answered ? parseRpmQuery(body, names) : null;
}, keyOfAll);

/** The running kernel picks which kernel images count (its flavour), so uname -r is part of the key. */
export const sharedDpkgQuery = memoByText((text: string, names: readonly string[], unameR: string) => parseDpkgQuery(text, names, unameR), keyOfAll);

export const sharedLayout = memoByText((body: string) => parseLayoutSection(body), (body) => body);

/** The kernel log with what every host reads from it next: the MDS lines and the log's provenance. */
export const sharedKernelLog = memoByText((text: string) => {
  const log = parseKernelLog(text);
  return { log, mdsLines: kernelLogLines(log, 'mds'), provenance: kernelLogProvenance(log) };
}, (text) => text);

export const sharedCpuinfo = memoByText((text: string) => parseCpuinfo(text), (text) => text);

/** Whether a not-writable directory blocks the edit or is only unknown depends on the gather's uid. */
export const sharedNovaConfTarget = memoByText((body: string | null, uid: number | null) => parseNovaConfTarget(body, uid), keyOfAll);

export const sharedPrivilege = memoByText((text: string) => parsePrivilege(text), (text) => text);

/** The agent section's words and its exit status: both decide the state. */
export const sharedAgentSection = memoByText((body: string, rc: number | null) => parseAgentSection({ body, rc }), keyOfAll);
