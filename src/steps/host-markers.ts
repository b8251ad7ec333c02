// Markers this tool keeps on the host itself, so a second controller or a rerun after a crash sees the same truth.
import type { Transport } from '../transport/types.js';
import { CommandFailedError } from './errors.js';

export const MARKER_DIR = '/var/lib/mds-orchestrate';
/** Holds the boot_id at the time nova.conf was edited: a restart (or reboot) is pending while it matches the current boot. */
export const RESTART_PENDING_MARKER = `${MARKER_DIR}/restart-pending`;

export async function readRestartPending(transport: Transport, bootId: string, signal?: AbortSignal): Promise<boolean> {
  const res = await transport.exec(`cat ${RESTART_PENDING_MARKER} 2>/dev/null || true`, { become: true, signal, timeoutMs: 30_000 });
  const recorded = res.stdout.trim();
  return recorded !== '' && recorded === bootId.trim();
}

/** Written BEFORE nova.conf changes: a crash between the two costs at worst one needless restart, never a missed one. */
export async function markRestartPending(transport: Transport, bootId: string, signal?: AbortSignal): Promise<void> {
  const id = bootId.trim().replace(/[^0-9a-f-]/gi, '');
  const dir = await transport.exec(`umask 077 && mkdir -p ${MARKER_DIR}`, { become: true, signal, timeoutMs: 30_000 });
  if (dir.code !== 0) throw new CommandFailedError(`cannot create ${MARKER_DIR}: ${dir.stderr.trim()}`);
  await transport.writeFile(RESTART_PENDING_MARKER, `${id}\n`, { become: true, mode: 0o600, signal });
}

export async function clearRestartPending(transport: Transport, signal?: AbortSignal): Promise<void> {
  await transport.exec(`rm -f ${RESTART_PENDING_MARKER}`, { become: true, signal, timeoutMs: 30_000 });
}
