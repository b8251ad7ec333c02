// The one gather command: a POSIX sh script that prints every fact section, framed by markers, in one SSH exec.
import { randomBytes } from 'node:crypto';
import { shq } from '../transport/shell-quote.js';
import { novaConfTargetScript } from './nova-conf-target.js';
import { RPM_QUERY_FORMAT } from './rpm-query.js';
import { dpkgSection } from './dpkg-section.js';
import { ABSENT_RC, DENIED_RC, LAYOUT_UNKNOWN_RC, NOT_A_FILE_RC } from './evidence.js';
import { LAYOUT_PRINT_SH, layoutSetupScript } from '../layout/probe-script.js';
import type { LayoutOverrides } from '../layout/overrides.js';
import { beginMarker, doneMarker, endMarkerPrefix } from './sections.js';
import { novaComputeAgentSection } from './nova-compute-agent-section.js';

export { ABSENT_RC } from './evidence.js';

export interface GatherOptions {
  /** Package names to query with rpm (every installed version of each is reported). */
  packages: readonly string[];
  /**
   * Packages asked for inside the container that holds qemu/libvirt, when the layout has one (facts.imagePackages);
   * by default the qemu and libvirt names of `packages`.
   */
  imagePackages?: readonly string[];
  /** The inventory's layout overrides (mds_layout, mds_nova_conf...): a forced part is not probed. */
  layout?: LayoutOverrides;
  /** Same as layout.novaConf (kept for callers that only ever knew one nova.conf). */
  novaConfPath?: string;
  /** Marker nonce ([a-z0-9]+); random by default so file contents cannot forge a marker. */
  nonce?: string;
  /** Upper bound for each virsh call (seconds), so a hung libvirtd cannot hang the gather; 0 = none. */
  virshTimeoutSec?: number;
}

/**
 * libvirt's system instance, named: an unprivileged virsh without -c talks to qemu:///session, which lists no guest
 * of the host's and would make "no guests" look like an answer.
 */
export const VIRSH = 'virsh -c qemu:///system';

// Bug lines of the kernel log: MDS, TAA and MMIO Stale Data (pr_fmt prefixes and the SMT warnings).
const KERNEL_BUG_GREP = `grep -e 'MDS: ' -e 'MDS CPU bug present' -e 'TAA: ' -e 'TAA CPU bug present' -e 'MMIO Stale Data: ' -e 'MMIO Stale Data CPU bug present'`;

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
 * Only stdout is framed: stderr is left to the transport (diagnostics). Meant to run as root; the whoami section says
 * whether it did, and each section's status says what could not be read.
 */
/** qemu and libvirt: the packages that live in the libvirt container's image where the layout has one. */
export const VIRT_PACKAGE = /^(qemu|libvirt)/;

export function buildGatherCommand(opts: GatherOptions): string {
  const nonce = opts.nonce ?? randomBytes(8).toString('hex');
  if (!/^[a-z0-9]+$/.test(nonce)) throw new Error(`gather nonce must be [a-z0-9]+, got ${JSON.stringify(nonce)}`);
  const timeout = opts.virshTimeoutSec ?? 60;
  const sections: [string, string][] = [];
  const add = (name: string, body: string) => sections.push([name, body]);
  const file = (path: string) => `_mo_f ${shq(path)}`;
  const imagePackages = opts.imagePackages ?? opts.packages.filter((p) => VIRT_PACKAGE.test(p));
  // Sections that need the layout's answer end with their own status when the layout is unknown: never a guessed path.
  const needLayout = `[ -n "$_mo_ln" ] || exit ${LAYOUT_UNKNOWN_RC}`;

  add('meta', [`printf 'nova-conf-path\\t%s\\n' "$_mo_nc"`, ...opts.packages.map((p) => `printf 'package\\t%s\\n' ${shq(p)}`),
    ...imagePackages.map((p) => `printf 'image-package\\t%s\\n' ${shq(p)}`)].join('; '));
  add('layout', LAYOUT_PRINT_SH);
  // Who the gather runs as: a login user without privilege escalation reads less than root and must be told so.
  add('whoami', `printf 'uid\\t%s\\nuser\\t%s\\n' "$(id -u)" "$(id -un 2>/dev/null)"`);
  // nova-compute's own state, asked in this exec so the restore check needs no second one (issue 18).
  add('nova-compute-agent', `${needLayout}\n${novaComputeAgentSection()}`);
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
  // Debian and Ubuntu hosts (issue 15): dpkg's answer, read beside rpm's; the host's os-release decides which one counts.
  add('dpkg', dpkgSection(opts.packages));
  for (const f of ['mds', 'tsx_async_abort', 'mmio_stale_data']) add(`sysfs-${f}`, file(`${SYSFS_DIR}/${f}`));
  add('cpuinfo', `[ -e /proc/cpuinfo ] || exit ${ABSENT_RC}; awk -F': *' ${shq(CPUINFO_AWK)} /proc/cpuinfo`);
  // The MDS: line is printed once at boot: looked for in the ring buffer, then this boot's journal, then the copy
  // some distributions write at boot; each source tried is recorded with its status, and the first line of the ring
  // tells whether it still reaches back to the boot.
  add(
    'kernel-log',
    [
      `_mo_k=$(dmesg 2>/dev/null); _mo_r=$?; printf 'source\\tdmesg\\t%s\\n' "$_mo_r"`,
      `if [ "$_mo_r" = 0 ]; then printf '%s\\n' "$_mo_k" | sed -n '1p' | awk '{ print "start\\t" $0 }'; printf '%s\\n' "$_mo_k" | ${KERNEL_BUG_GREP} | awk '{ print "line\\t" $0 }'; fi`,
      `[ "$_mo_r" = 0 ] && printf '%s\\n' "$_mo_k" | grep -q 'MDS: ' && exit 0`,
      `if command -v journalctl >/dev/null 2>&1; then _mo_k=$($_mo_t journalctl -k -b 0 -o cat --no-pager 2>/dev/null); _mo_r=$?; else _mo_k=; _mo_r=127; fi`,
      `printf 'source\\tjournal\\t%s\\n' "$_mo_r"`,
      `if [ "$_mo_r" = 0 ]; then printf '%s\\n' "$_mo_k" | ${KERNEL_BUG_GREP} | awk '{ print "line\\t" $0 }'; printf '%s\\n' "$_mo_k" | grep -q 'MDS: ' && exit 0; fi`,
      `if [ ! -e /var/log/dmesg ]; then _mo_r=${ABSENT_RC}; elif [ ! -r /var/log/dmesg ]; then _mo_r=${DENIED_RC}; else _mo_r=0; fi`,
      `printf 'source\\tvar-log-dmesg\\t%s\\n' "$_mo_r"`,
      `[ "$_mo_r" = 0 ] && ${KERNEL_BUG_GREP} /var/log/dmesg | awk '{ print "line\\t" $0 }'`,
      'exit 0',
    ].join('\n'),
  );
  add('nova-conf', `${needLayout}; _mo_f "$_mo_nc"`);
  // What an edit would replace and whether it can (see nova-conf-target.ts): read now, so a drain never precedes an edit that cannot be made.
  add('nova-conf-target', `${needLayout}\n${novaConfTargetScript('"$_mo_nc"', { shellWord: true })}`);
  // virsh where libvirt runs: on the host, or `<engine> exec <container>` (the engine must exist; the container's virsh is its own).
  const haveVirsh = `${needLayout}; if [ -z "$_mo_vx" ]; then command -v virsh >/dev/null 2>&1 || exit 127; else command -v "\${_mo_vx%% *}" >/dev/null 2>&1 || exit 127; fi`;
  add('domcaps', `${haveVirsh}; $_mo_t $_mo_vx ${VIRSH} domcapabilities`);
  // qemu and libvirt inside the image, when the layout keeps them there (absent: they are host packages).
  // qemu and libvirt inside the image, when the layout keeps them there. The first line says where they are; rpm's own
  // exit status cannot tell "3 names not installed" from an engine's error, so the parser checks every name was answered.
  add(
    'image-rpm',
    [
      `if [ -z "$_mo_ln" ]; then printf 'where\\tunknown\\n'; exit 0; fi`,
      `if [ -z "$_mo_px" ]; then printf 'where\\thost\\n'; exit 0; fi`,
      `printf 'where\\tcontainer\\n'; command -v "\${_mo_px%% *}" >/dev/null 2>&1 || exit 127`,
      imagePackages.length === 0 ? ':' : `$_mo_t $_mo_px rpm -q --qf ${shq(RPM_QUERY_FORMAT)} ${imagePackages.map(shq).join(' ')}`,
    ].join('\n'),
  );
  add(
    'guests',
    [
      haveVirsh,
      `_mo_u=$($_mo_t $_mo_vx ${VIRSH} list --all --uuid) || exit $?`,
      'for _mo_i in $_mo_u; do',
      `  _mo_s=$($_mo_t $_mo_vx ${VIRSH} domstate "$_mo_i" 2>/dev/null | sed -n '1p')`,
      `  _mo_x=$($_mo_t $_mo_vx ${VIRSH} dumpxml "$_mo_i" 2>/dev/null); _mo_r=$?`,
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
    // Absent, unreadable by this user, and not a file each get their own status, so "missing" never hides "denied".
    `_mo_f() { [ -e "$1" ] || exit ${ABSENT_RC}; [ -r "$1" ] || exit ${DENIED_RC}; [ -d "$1" ] && exit ${NOT_A_FILE_RC}; cat -- "$1"; }`,
    timeout > 0 ? `if command -v timeout >/dev/null 2>&1; then _mo_t='timeout ${timeout}'; else _mo_t=; fi` : '_mo_t=',
    // The layout, decided once here in the gather's own shell: the sections below read its variables.
    layoutSetupScript(opts.novaConfPath !== undefined && opts.layout?.novaConf === undefined
      ? { ...(opts.layout ?? { basis: [] }), novaConf: opts.novaConfPath } : opts.layout),
  ];
  for (const [name, body] of sections) {
    lines.push(`printf '%s\\n' ${shq(beginMarker(nonce, name))}`);
    lines.push(`(\n${body}\n)`);
    lines.push(`printf '\\n%s%s@@\\n' ${shq(endMarkerPrefix(nonce, name))} "$?"`);
  }
  lines.push(`printf '%s\\n' ${shq(doneMarker(nonce))}`);
  return `${lines.join('\n')}\n`;
}
