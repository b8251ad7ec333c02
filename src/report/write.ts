// Writes one report file crash-safely: 0700 directory (by default), 0600 temp file beside the target, fsync, rename.
import { dirname, relative, sep } from 'node:path';
import { chmod, mkdir } from 'node:fs/promises';
import { writeFileAtomic } from '../state/atomic-write.js';

export interface WriteReportOptions {
  /** Defaults to 0600; a Prometheus textfile read by an unprivileged node_exporter may need 0640/0644. */
  mode?: number;
  /** Mode of the directories created for it; default 0700. An existing directory is left as it is. */
  dirMode?: number;
}

/**
 * Readers (node_exporter's textfile collector, a browser, CI) only ever see the old or the new file, never half of one.
 * The temp name starts with '.' and ends in '.tmp', which node_exporter (it reads *.prom only) ignores.
 */
export async function writeReportFile(path: string, content: string, opts: WriteReportOptions = {}): Promise<void> {
  await makeDir(dirname(path), opts.dirMode ?? 0o700);
  await writeFileAtomic(path, content, { mode: opts.mode ?? 0o600 });
}

/** mkdir -p with `mode` on every directory it creates, whatever the umask; existing ones are left alone. */
export async function makeDir(dir: string, mode: number): Promise<void> {
  const first = await mkdir(dir, { recursive: true, mode });
  if (first === undefined) return;
  let path = first;
  await chmod(path, mode);
  for (const part of relative(first, dir).split(sep).filter(Boolean)) {
    path = `${path}${sep}${part}`;
    await chmod(path, mode);
  }
}
