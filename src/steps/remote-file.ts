// Replaces a config file on a host atomically, keeping owner, mode and a one-time backup; a failed write leaves the original.
import { sh } from '../transport/shell-quote.js';
import type { Transport } from '../transport/types.js';

export interface ReplaceOptions {
  backupSuffix: string;
  signal?: AbortSignal;
}

/**
 * The new content travels on stdin (never on a command line). The temp file sits beside the target so the rename is atomic,
 * and the trap removes it on any failure (e.g. the disk filling up mid-write), leaving the original intact.
 */
export async function replaceFileAtomically(transport: Transport, path: string, content: string, opts: ReplaceOptions): Promise<void> {
  const backup = `${path}${opts.backupSuffix}`;
  const script = sh`set -eu
f=${path}; b=${backup}
[ -e "$b" ] || cp -p -- "$f" "$b"
t=$(mktemp -- "$f.XXXXXX")
trap 'rm -f -- "$t"' EXIT
cat > "$t"
chown --reference="$f" -- "$t"
chmod --reference="$f" -- "$t"
sync -- "$t"
mv -f -- "$t" "$f"
trap - EXIT
sync -- "$(dirname -- "$f")" 2>/dev/null || sync`;
  const res = await transport.exec(script, { become: true, stdin: content, signal: opts.signal, timeoutMs: 60_000 });
  if (res.code !== 0) {
    throw new Error(`could not write ${path} (exit ${res.code}): ${res.stderr.trim().split('\n').slice(-2).join(' / ')}; the original is unchanged`);
  }
}
