// The gather's look at the file a nova.conf edit replaces: its real path behind any symlink, and what would stop the replace.
import { shq } from '../transport/shell-quote.js';
import { ABSENT_RC } from './evidence.js';
import type { NovaConfTarget } from './types.js';

/**
 * Prints `target\t<real path>`, `dir-writable\tyes|no` (access(2) as the gather's user: a read-only mount answers no even
 * for root), `mount\t<options>` (findmnt, to name a read-only mount as such) and `attrs\t<flags>\t<path>` for the file and
 * its directory (lsattr; `-` where the filesystem keeps no such attributes, so none can be set) or `attrs-missing`.
 */
export function novaConfTargetScript(novaConfPath: string, opts: { shellWord?: boolean } = {}): string {
  return [
    // shellWord: the path is already a shell word (the layout's "$_mo_nc"), not a literal to quote.
    `_mo_p=${opts.shellWord ? novaConfPath : shq(novaConfPath)}`,
    `[ -e "$_mo_p" ] || exit ${ABSENT_RC}`,
    '_mo_r=$(readlink -f -- "$_mo_p") || exit 1',
    '_mo_d=$(dirname -- "$_mo_r")',
    `printf 'target\\t%s\\n' "$_mo_r"`,
    `if [ -w "$_mo_d" ]; then printf 'dir-writable\\tyes\\n'; else printf 'dir-writable\\tno\\n'; fi`,
    `_mo_o=$(findmnt -n -o OPTIONS -T "$_mo_d" 2>/dev/null) && printf 'mount\\t%s\\n' "$_mo_o"`,
    'if command -v lsattr >/dev/null 2>&1; then',
    '  for _mo_x in "$_mo_r" "$_mo_d"; do',
    `    if _mo_a=$(lsattr -d -- "$_mo_x" 2>/dev/null); then printf 'attrs\\t%s\\t%s\\n' "\${_mo_a%% *}" "$_mo_x"; else printf 'attrs\\t-\\t%s\\n' "$_mo_x"; fi`,
    '  done',
    `else printf 'attrs-missing\\n'; fi`,
    'exit 0',
  ].join('\n');
}

/** The section's output (null: the section failed or nova.conf is absent) and the gather's uid. */
export function parseNovaConfTarget(body: string | null, uid: number | null): NovaConfTarget | null {
  if (body === null) return null;
  let path = '';
  const blockers: string[] = [];
  const unknown: string[] = [];
  let dirWritable: boolean | null = null;
  let readOnlyMount = false;
  let attrsSeen = false;
  for (const line of body.split('\n')) {
    const [key, a = '', b = ''] = line.split('\t');
    if (key === 'target') path = a;
    else if (key === 'dir-writable') dirWritable = a === 'yes';
    else if (key === 'mount') readOnlyMount = a.split(',').includes('ro');
    else if (key === 'attrs-missing') unknown.push('lsattr is not installed (e2fsprogs), so an immutable nova.conf cannot be ruled out');
    else if (key === 'attrs') {
      attrsSeen = true;
      // lsattr's flag letters: i = immutable, a = append only; either makes the rename over the file (or into the directory) fail.
      if (a.includes('i')) blockers.push(`${b} has the immutable attribute (chattr -i to allow the edit)`);
      else if (a.includes('a')) blockers.push(`${b} has the append-only attribute (chattr -a to allow the edit)`);
    }
  }
  if (path === '') return null;
  const dir = path.slice(0, path.lastIndexOf('/')) || '/';
  if (readOnlyMount) blockers.push(`${dir} is on a read-only mount`);
  else if (dirWritable === false) {
    if (uid === 0) blockers.push(`${dir} is not writable`);
    else unknown.push(`whether ${dir} is writable: the gather did not run as root`);
  } else if (dirWritable === null) unknown.push(`whether ${dir} is writable`);
  if (!attrsSeen && !unknown.some((u) => u.startsWith('lsattr'))) unknown.push('the attributes of nova.conf (lsattr said nothing)');
  return { path, blockers, unknown };
}
