// Shell scripts behind Transport.readFile / writeFile, and the error for a file operation the host refused.
import { createHash } from 'node:crypto';
import { OrchestratorError, type ErrorContext } from '../util/errors.js';
import { sh } from './shell-quote.js';

/** A remote file could not be read or written; the connection itself is fine. */
export class RemoteFileError extends OrchestratorError {
  constructor(
    message: string,
    readonly path: string,
    readonly notFound: boolean,
    ctx: ErrorContext = {},
  ) {
    super(notFound ? 'E_REMOTE_FILE_NOT_FOUND' : 'E_REMOTE_FILE', message, ctx);
  }
}

/** Exit status the read script uses for "no such file", distinct from cat's own failure (1). */
export const READ_NOT_FOUND_EXIT = 44;

export function readFileScript(path: string): string {
  return sh`if [ ! -e ${path} ]; then exit ${READ_NOT_FOUND_EXIT}; fi; exec cat -- ${path}`;
}

/**
 * Content arrives on stdin, and only content that arrived whole is installed: its size and SHA-256 are part of the script,
 * because a controller killed mid-write (kill -9, a cut connection) closes stdin early and `cat` ends at that EOF as if the
 * file were complete; an empty or truncated nova.conf (or lease) must never replace the real one. The temp file sits
 * beside the target so `mv` is an atomic rename; the trap
 * removes it on any failure (a full disk mid-write), leaving the original untouched. Mode: the one asked for, else the
 * existing file's (owner too, when allowed), else what the umask gives a new file. With a backup suffix, the file as it
 * was before the first write is kept beside it (beside the real file when the path is a symlink) (cp -p: mode, owner and times), once: later writes keep that copy.
 */
export function writeFileScript(path: string, content: Buffer | string, mode: number | undefined, backupSuffix?: string): string {
  const data = Buffer.from(content);
  const bytes = data.length;
  const sha256 = createHash('sha256').update(data).digest('hex');
  const modeStep = mode === undefined
    ? sh`if [ -e "$f" ]; then chmod --reference="$f" -- "$t"; chown --reference="$f" -- "$t" 2>/dev/null || :; ` +
      `else chmod "$(printf '%o' $(( 0666 & ~$(umask) )))" -- "$t"; fi`
    : sh`chmod ${(mode & 0o7777).toString(8).padStart(4, '0')} -- "$t"`;
  const backupStep = backupSuffix === undefined ? '' : sh`b="$f"${backupSuffix}
if [ -e "$f" ] && [ ! -e "$b" ]; then cp -p -- "$f" "$b"; fi
`;
  // A symlink is followed (readlink -f, in this same command): the file it points to is replaced and the link stays, as
  // configuration management put it; renaming over the link itself would detach the running config from the managed one.
  return sh`set -eu
f=${path}
f=$(readlink -f -- "$f")
` + backupStep + `t=$(mktemp -- "$f.XXXXXX")
trap 'rm -f -- "$t"' EXIT
cat > "$t"
n=$(wc -c < "$t")
if [ "$n" -ne ${bytes} ]; then echo "incomplete write: $n of ${bytes} bytes arrived" >&2; exit 75; fi
if command -v sha256sum >/dev/null 2>&1 && ! printf '%s  %s\n' ${sha256} "$t" | sha256sum -c --status -; then echo "incomplete write: content differs from what was sent" >&2; exit 75; fi
` + modeStep + `
sync -- "$t" 2>/dev/null || sync
mv -f -- "$t" "$f"
trap - EXIT
sync -- "$(dirname -- "$f")" 2>/dev/null || :`;
}
