// The one gather command: a POSIX sh script that prints every fact section, framed by markers, in one SSH exec.
import { randomBytes } from 'node:crypto';
import { shq } from '../transport/shell-quote.js';
import { RPM_QUERY_FORMAT } from './rpm-query.js';
import { beginMarker, doneMarker, endMarkerPrefix } from './sections.js';

export interface GatherOptions {
  /** Package names to query with rpm (every installed version of each is reported). */
  packages: readonly string[];
  novaConfPath: string;
  /** Marker nonce ([a-z0-9]+); random by default so file contents cannot forge a marker. */
  nonce?: string;
  /** Upper bound for each virsh call (seconds), so a hung libvirtd cannot hang the gather; 0 = none. */
  virshTimeoutSec?: number;
}

/** Exit status of a file section whose file does not exist (`cat` itself fails with 1). */
export const ABSENT_RC = 3;

export const SYSFS_DIR = '/sys/devices/system/cpu/vulnerabilities';

// Reads the vendor and whether md_clear is among the first CPU's flags, instead of shipping the whole cpuinfo.
const CPUINFO_AWK = String.raw`$1 ~ /^vendor_id[ \t]*$/ && !v { print "vendor_id: " $2; v = 1 }
$1 ~ /^flags[ \t]*$/ && !f { n = split($2, a, " "); m = "no"; for (i = 1; i <= n; i++) if (a[i] == "md_clear") m = "yes"; print "md_clear: " m; f = 1 }`;

// From a domain's XML keeps its <name> and, of its <cpu> block, the opening line and any md-clear feature line.
const DOMAIN_AWK = String.raw`!nm && /<name>/ { s = $0; sub(/.*<name>/, "", s); sub(/<\/name>.*/, "", s); print "name\t" s; nm = 1 }
!done && /<cpu[ >\/]/ { inb = 1 }
inb { if ($0 ~ /<cpu[ >\/]/) print "cpu\t" $0; else if ($0 ~ /md-clear/) print "feature\t" $0
      if ($0 ~ /<\/cpu>/ || $0 ~ /<cpu[^>]*\/>/) { inb = 0; done = 1 } }`;

/**
 * Builds the script. Each section runs in a subshell, so a missing tool or file only fails that section; the end
 * marker records its exit status. Output: `@@mds-orchestrate:<nonce>:begin:<name>@@`, the command's stdout, a
 * newline, `@@mds-orchestrate:<nonce>:end:<name>:<rc>@@`; finally `@@mds-orchestrate:<nonce>:done@@`.
 * Only stdout is framed: stderr is left to the transport (diagnostics). Must run as root (sysfs, dmesg, virsh).
 */
export function buildGatherCommand(opts: GatherOptions): string {
  const nonce = opts.nonce ?? randomBytes(8).toString('hex');
  if (!/^[a-z0-9]+$/.test(nonce)) throw new Error(`gather nonce must be [a-z0-9]+, got ${JSON.stringify(nonce)}`);
  const timeout = opts.virshTimeoutSec ?? 60;
  const sections: [string, string][] = [];
  const add = (name: string, body: string) => sections.push([name, body]);
  const file = (path: string) => `_mo_f ${shq(path)}`;

  add('meta', [`printf 'nova-conf-path\\t%s\\n' ${shq(opts.novaConfPath)}`, ...opts.packages.map((p) => `printf 'package\\t%s\\n' ${shq(p)}`)].join('; '));
  add('hostname', 'uname -n');
  add('os-release', file('/etc/os-release'));
  add('redhat-release', file('/etc/redhat-release'));
  add('uname-r', 'uname -r');
  add('boot-id', file('/proc/sys/kernel/random/boot_id'));
  add(
    'rpm',
    opts.packages.length === 0
      ? ':'
      : `command -v rpm >/dev/null 2>&1 || exit 127; rpm -q --qf ${shq(RPM_QUERY_FORMAT)} ${opts.packages.map(shq).join(' ')}`,
  );
  for (const f of ['mds', 'tsx_async_abort', 'mmio_stale_data']) add(`sysfs-${f}`, file(`${SYSFS_DIR}/${f}`));
  add('cpuinfo', `[ -e /proc/cpuinfo ] || exit ${ABSENT_RC}; awk -F': *' ${shq(CPUINFO_AWK)} /proc/cpuinfo`);
  // The ring buffer is read whole (dmesg's status kept), then filtered; journalctl covers a restricted dmesg.
  add(
    'dmesg-mds',
    `_mo_k=$(dmesg 2>/dev/null) || _mo_k=$(journalctl -k -b 0 -o cat --no-pager 2>/dev/null) || exit $?; ` +
      `printf '%s\\n' "$_mo_k" | grep -e 'MDS: ' -e 'MDS CPU bug present'; exit 0`,
  );
  add('nova-conf', file(opts.novaConfPath));
  add('domcaps', 'command -v virsh >/dev/null 2>&1 || exit 127; $_mo_t virsh domcapabilities');
  add(
    'guests',
    [
      'command -v virsh >/dev/null 2>&1 || exit 127',
      '_mo_u=$($_mo_t virsh list --all --uuid) || exit $?',
      'for _mo_i in $_mo_u; do',
      `  _mo_s=$($_mo_t virsh domstate "$_mo_i" 2>/dev/null | sed -n '1p')`,
      `  _mo_x=$($_mo_t virsh dumpxml "$_mo_i" 2>/dev/null); _mo_r=$?`,
      `  printf 'guest\\t%s\\t%s\\ndumpxml\\t%s\\n' "$_mo_i" "$_mo_s" "$_mo_r"`,
      `  printf '%s\\n' "$_mo_x" | awk ${shq(DOMAIN_AWK)}`,
      'done',
    ].join('\n'),
  );

  const lines = [
    'exec </dev/null',
    'LC_ALL=C; export LC_ALL',
    // Appended, not replaced: the login's own PATH keeps precedence, the sbin dirs a non-login root shell may lack are added.
    'PATH=${PATH:-/usr/bin:/bin}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin; export PATH',
    // `exit` in _mo_f only ends the subshell the section runs in.
    `_mo_f() { [ -e "$1" ] || exit ${ABSENT_RC}; cat -- "$1"; }`,
    timeout > 0 ? `if command -v timeout >/dev/null 2>&1; then _mo_t='timeout ${timeout}'; else _mo_t=; fi` : '_mo_t=',
  ];
  for (const [name, body] of sections) {
    lines.push(`printf '%s\\n' ${shq(beginMarker(nonce, name))}`);
    lines.push(`(\n${body}\n)`);
    lines.push(`printf '\\n%s%s@@\\n' ${shq(endMarkerPrefix(nonce, name))} "$?"`);
  }
  lines.push(`printf '%s\\n' ${shq(doneMarker(nonce))}`);
  return `${lines.join('\n')}\n`;
}
