// Reading, taking and releasing the lease file on a host, through the one transport (atomic write, root via become).
import { CommandFailedError, UnknownEvidenceError } from '../steps/errors.js';
import { MARKER_DIR } from '../steps/host-markers.js';
import { RemoteFileError } from '../transport/remote-files.js';
import type { Transport } from '../transport/types.js';
import { LEASE_PATH, parseLease, renderLease, type Lease, type LeaseRead } from './lease.js';

/** An unreadable lease is an error, never "free": a lease nobody could read may be another controller's. */
export async function readLease(transport: Transport): Promise<LeaseRead> {
  try {
    return parseLease((await transport.readFile(LEASE_PATH, { become: true })).toString('utf8'));
  } catch (err) {
    if (err instanceof RemoteFileError && err.notFound) return { kind: 'none' };
    // Unknown, never free: without root (ansible_become) the lease under /var/lib/mds-orchestrate (0700) cannot be read.
    throw new UnknownEvidenceError(['lease'], `cannot read the lease ${LEASE_PATH}, so whether another controller works on this host is unknown: ${err instanceof Error ? err.message : String(err)}`,
      'set ansible_become (the lease is root\'s), or check the file', { cause: err });
  }
}

export async function writeLease(transport: Transport, lease: Lease, signal?: AbortSignal): Promise<void> {
  const dir = await transport.exec(`umask 077 && mkdir -p ${MARKER_DIR}`, { become: true, ...(signal ? { signal } : {}), timeoutMs: 30_000 });
  if (dir.code !== 0) throw new CommandFailedError(`cannot create ${MARKER_DIR}: ${dir.stderr.trim()}`);
  await transport.writeFile(LEASE_PATH, renderLease(lease), { become: true, mode: 0o600, ...(signal ? { signal } : {}) });
}

/** Removes the lease only while it is still this run's: one another controller adopted meanwhile is its, not ours. */
export async function releaseLease(transport: Transport, runId: string, signal?: AbortSignal): Promise<boolean> {
  const read = await readLease(transport);
  if (read.kind !== 'held' || read.lease.runId !== runId) return false;
  const res = await transport.exec(`rm -f ${LEASE_PATH}`, { become: true, ...(signal ? { signal } : {}), timeoutMs: 30_000 });
  if (res.code !== 0) throw new CommandFailedError(`cannot remove the lease ${LEASE_PATH}: ${res.stderr.trim()}`);
  return true;
}
