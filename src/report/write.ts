// Writes one report file crash-safely: 0700 directory, 0600 temp file beside the target, fsync, rename.
import { dirname } from 'node:path';
import { ensureDir, writeFileAtomic } from '../state/atomic-write.js';

export interface WriteReportOptions {
  /** Defaults to 0600; a Prometheus textfile read by an unprivileged node_exporter may need 0640/0644. */
  mode?: number;
}

/**
 * Readers (node_exporter's textfile collector, a browser, CI) only ever see the old or the new file, never half of one.
 * The temp name starts with '.' and ends in '.tmp', which node_exporter (it reads *.prom only) ignores.
 */
export async function writeReportFile(path: string, content: string, opts: WriteReportOptions = {}): Promise<void> {
  await ensureDir(dirname(path));
  await writeFileAtomic(path, content, { mode: opts.mode ?? 0o600 });
}
