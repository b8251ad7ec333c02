// The host side of layout detection: sh that probes, decides the layout and its parts, in the gather's own shell (one round trip).
// The later sections read the decision from shell variables: $_mo_nc (nova.conf), $_mo_vx (the virsh exec prefix, empty on
// the host), $_mo_px (the exec prefix of the container holding qemu/libvirt, empty when they are host packages).
import { shq } from '../transport/shell-quote.js';
import { formatHostOrContainer, formatNovaComputeRestart, type LayoutOverrides } from './overrides.js';

export const PUPPET_NOVA_CONF = '/var/lib/config-data/puppet-generated/nova_libvirt/etc/nova/nova.conf';
export const KOLLA_NOVA_CONF = '/etc/kolla/nova-compute/nova.conf';
export const DEVSTACK_NOVA_CONF = '/etc/nova/nova-cpu.conf';
export const ETC_NOVA_CONF = '/etc/nova/nova.conf';
/** The units whose presence (LoadState=loaded) picks how nova-compute restarts. */
export const PROBED_UNITS = ['tripleo_nova_compute', 'kolla-nova_compute-container', 'devstack@n-cpu', 'nova-compute', 'openstack-nova-compute'] as const;

/**
 * Probes, with no decision: file tests, every container of docker and podman (`ps -a`, so a stopped nova_compute still
 * says which deployment this is), the units. Sets _mo_pp/_mo_pk/_mo_pd/_mo_pe/_mo_po (yes/no), _mo_cs (lines
 * "engine name image status..."), _mo_ee (" engine:read|absent|<exit status>"), _mo_us (" loaded units"), _mo_uf (systemctl failed).
 */
export const LAYOUT_PROBE_SH = [
  `_mo_pp=no; [ -e ${PUPPET_NOVA_CONF} ] && _mo_pp=yes`,
  `_mo_pk=no; [ -e ${KOLLA_NOVA_CONF} ] && _mo_pk=yes`,
  `_mo_pd=no; [ -e ${DEVSTACK_NOVA_CONF} ] && _mo_pd=yes`,
  `_mo_pe=no; [ -e ${ETC_NOVA_CONF} ] && _mo_pe=yes`,
  // OpenStack-Ansible source installs link /etc/nova/nova.conf into the service's venv.
  `_mo_po=no; if [ -L ${ETC_NOVA_CONF} ]; then case $(readlink -f ${ETC_NOVA_CONF} 2>/dev/null) in /openstack/venvs/*) _mo_po=yes ;; esac; fi`,
  '_mo_cs=; _mo_ee=; _mo_od=; _mo_op=',
  'for _mo_e in docker podman; do',
  '  if ! command -v $_mo_e >/dev/null 2>&1; then _mo_ee="$_mo_ee $_mo_e:absent"; continue; fi',
  // Space-separated, not \t: every engine's template passes spaces through, and names and images hold none.
  `  _mo_o=$($_mo_t $_mo_e ps -a --format '{{.Names}} {{.Image}} {{.Status}}' 2>/dev/null); _mo_r=$?`,
  '  [ "$_mo_r" = 0 ] && if [ $_mo_e = docker ]; then _mo_od=$_mo_o; else _mo_op=$_mo_o; fi',
  '  if [ "$_mo_r" = 0 ]; then _mo_ee="$_mo_ee $_mo_e:read"; _mo_cs=$(printf \'%s\\n%s\\n\' "$_mo_cs" "$(printf \'%s\\n\' "$_mo_o" | sed -n "/./s/^/$_mo_e /p")" | sed \'/^$/d\')',
  '  else _mo_ee="$_mo_ee $_mo_e:$_mo_r"; fi',
  'done',
  // RHEL's podman-docker makes `docker` a front for podman: the same list twice is podman's, not a second engine.
  'if [ -n "$_mo_od" ] && [ "$_mo_od" = "$_mo_op" ]; then _mo_cs=$(printf \'%s\n\' "$_mo_cs" | sed \'/^docker /d\'); _mo_ee=$(printf \'%s\' "$_mo_ee" | sed \'s/docker:read/docker:podman-shim/\'); fi',
  // Which engines could not list their containers: "docker ps -a failed (exit 1)".
  '_mo_psf=; for _mo_x in $_mo_ee; do case $_mo_x in *:read|*:absent|*:podman-shim) ;; *) _mo_psf="$_mo_psf@{_mo_psf:+, }@{_mo_x%%:*} ps -a failed (exit @{_mo_x#*:})" ;; esac; done',
  '_mo_us=; _mo_uf=no',
  `for _mo_u in ${PROBED_UNITS.join(' ')}; do`,
  // `show` answers LoadState=not-found with exit 0 for a unit that does not exist (systemd 219 has no --value).
  '  if _mo_o=$($_mo_t systemctl show -p LoadState "$_mo_u.service" 2>/dev/null); then',
  '    case $_mo_o in *LoadState=loaded*) _mo_us="$_mo_us $_mo_u" ;; esac',
  '  else _mo_uf=yes; fi',
  'done',
].join('\n').replace(/@\{/g, '${');

/**
 * The decision, from the probes alone (no I/O besides reading them): sets _mo_ln (the layout) and _mo_lb (its basis,
 * `;`-separated), or leaves _mo_ln empty and says why in _mo_lw. Contradictory or ambiguous probes are unknown, never a guess.
 */
export const LAYOUT_DECIDE_SH = String.raw`_mo_cof() { printf '%s\n' "$_mo_cs" | awk -v n="$1" '$2 == n { printf "%s%s", s, $1; s = " " }'; }
_mo_unit() { case " $_mo_us " in *" $1 "*) return 0 ;; esac; return 1; }
_mo_decide() {
  _mo_ln=; _mo_lw=; _mo_lb=
  _mo_ec=$(_mo_cof nova_compute)
  if [ -n "$_mo_ec" ]; then
    case $_mo_ec in *' '*) _mo_lw="a nova_compute container under both docker and podman"; return ;; esac
    if [ $_mo_pd = yes ] || [ $_mo_po = yes ]; then _mo_lw="a nova_compute container ($_mo_ec) and a host nova-compute's config (devstack's nova-cpu.conf or an OpenStack-Ansible venv link)"; return; fi
    if [ $_mo_pp = yes ] && [ $_mo_pk = yes ]; then _mo_lw="both TripleO's puppet-generated nova.conf and Kolla's /etc/kolla/nova-compute/nova.conf"; return; fi
    if [ $_mo_pp = yes ]; then
      if [ "$_mo_ec" = docker ]; then _mo_ln=tripleo-docker
      elif [ -n "$(_mo_cof nova_virtqemud)" ]; then _mo_ln=tripleo-modular; _mo_lb="nova_virtqemud container;"
      else _mo_ln=tripleo-podman; fi
      _mo_lb="@{_mo_lb}puppet-generated nova_libvirt nova.conf;nova_compute container ($_mo_ec)"
    elif [ $_mo_pk = yes ]; then _mo_ln=kolla; _mo_lb="/etc/kolla/nova-compute/nova.conf;nova_compute container ($_mo_ec)"
    else _mo_lw="a nova_compute container ($_mo_ec), but neither TripleO's puppet-generated nova.conf nor Kolla's /etc/kolla/nova-compute/nova.conf"; fi
    return
  fi
  if [ $_mo_pp = yes ] || [ $_mo_pk = yes ]; then
    if [ $_mo_pp = yes ]; then _mo_x="TripleO's puppet-generated nova.conf"; else _mo_x="Kolla's /etc/kolla/nova-compute/nova.conf"; fi
    if [ -n "$_mo_psf" ]; then _mo_lw="$_mo_x is there, but the containers could not be listed: $_mo_psf"
    else _mo_lw="$_mo_x is there, but no nova_compute container (docker/podman ps -a lists none)"; fi
    return
  fi
  if _mo_unit tripleo_nova_compute || _mo_unit kolla-nova_compute-container; then
    _mo_lw="a containerised nova-compute's unit is loaded, but no container nova.conf or nova_compute container was found@{_mo_psf:+ ($_mo_psf)}"; return
  fi
  if [ $_mo_pd = yes ] && [ $_mo_po = yes ]; then _mo_lw="both devstack's /etc/nova/nova-cpu.conf and an OpenStack-Ansible venv link"; return; fi
  if [ $_mo_pd = yes ]; then _mo_ln=devstack; _mo_lb="/etc/nova/nova-cpu.conf"; _mo_unit devstack@n-cpu && _mo_lb="$_mo_lb;unit devstack@n-cpu"
  elif [ $_mo_po = yes ]; then _mo_ln=osa; _mo_lb="/etc/nova/nova.conf links into /openstack/venvs"
  elif [ $_mo_pe = yes ]; then _mo_ln=baremetal; _mo_lb="/etc/nova/nova.conf"
  # Nothing of any layout at all: today's bare-metal layout, whose nova.conf then reads as absent (unknown evidence, refused).
  else _mo_ln=baremetal; _mo_lb="no layout's nova.conf found: bare metal by default"; fi
  if _mo_unit openstack-nova-compute; then _mo_lb="$_mo_lb;unit openstack-nova-compute"; elif _mo_unit nova-compute; then _mo_lb="$_mo_lb;unit nova-compute"; fi
  if [ -n "$_mo_psf" ]; then _mo_lb="$_mo_lb;no containers seen ($_mo_psf)"; fi
}
_mo_parts() {
  case $_mo_ln in
    tripleo-*) _mo_nc=${PUPPET_NOVA_CONF} ;;
    kolla) _mo_nc=${KOLLA_NOVA_CONF} ;;
    devstack) _mo_nc=${DEVSTACK_NOVA_CONF} ;;
    *) _mo_nc=${ETC_NOVA_CONF} ;;
  esac
  _mo_eg=$(_mo_cof nova_compute)
  case $_mo_eg in docker|podman) ;; *) case $_mo_ln in tripleo-docker|kolla) _mo_eg=docker ;; *) _mo_eg=podman ;; esac ;; esac
  case $_mo_ln in
    tripleo-docker|tripleo-podman) _mo_vc=$_mo_eg:nova_libvirt ;;
    tripleo-modular) _mo_vc=$_mo_eg:nova_virtqemud ;;
    kolla)
      _mo_x=$(_mo_cof nova_libvirt)
      case $_mo_x in
        docker|podman) _mo_vc=$_mo_x:nova_libvirt ;;
        # Kolla without its libvirt container (enable_nova_libvirt_container: false) uses the host's libvirt.
        '') if [ -z "$_mo_psf" ]; then _mo_vc=host; else _mo_vc=$_mo_eg:nova_libvirt; fi ;;
        *) _mo_vc=$_mo_eg:nova_libvirt ;;
      esac ;;
    *) _mo_vc=host ;;
  esac
  case $_mo_ln in
    tripleo-docker) _mo_nr=$_mo_eg:nova_compute ;;
    tripleo-podman|tripleo-modular) _mo_nr=systemd:tripleo_nova_compute ;;
    kolla) if _mo_unit kolla-nova_compute-container; then _mo_nr=systemd:kolla-nova_compute-container; else _mo_nr=$_mo_eg:nova_compute; fi ;;
    osa) _mo_nr=systemd:nova-compute ;;
    devstack) _mo_nr=systemd:devstack@n-cpu ;;
    *) if _mo_unit nova-compute && ! _mo_unit openstack-nova-compute; then _mo_nr=systemd:nova-compute; else _mo_nr=systemd:openstack-nova-compute; fi ;;
  esac
  [ -n "$_mo_o_nc" ] && _mo_nc=$_mo_o_nc
  [ -n "$_mo_o_vc" ] && _mo_vc=$_mo_o_vc
  [ -n "$_mo_o_nr" ] && _mo_nr=$_mo_o_nr
  # qemu and libvirt live with libvirt: in its container when virsh runs in one, unless told otherwise.
  _mo_vp=$_mo_vc
  [ -n "$_mo_o_vp" ] && _mo_vp=$_mo_o_vp
  _mo_vx=; _mo_px=; _mo_im=
  case $_mo_vc in host) ;; *) _mo_vx="@{_mo_vc%%:*} exec @{_mo_vc#*:}" ;; esac
  case $_mo_vp in host) ;; *) _mo_px="@{_mo_vp%%:*} exec @{_mo_vp#*:}"
    _mo_im=$(printf '%s\n' "$_mo_cs" | awk -v e="@{_mo_vp%%:*}" -v n="@{_mo_vp#*:}" '$1 == e && $2 == n { print $3; exit }') ;;
  esac
}`.replace(/@\{/g, '${');

/** Prints the layout section: the probes, then the decision (or `unknown\t<why>`). Runs after _mo_decide/_mo_parts. */
export const LAYOUT_PRINT_SH = String.raw`printf 'probe\tpuppet-nova-conf\t%s\nprobe\tkolla-nova-conf\t%s\nprobe\tnova-cpu-conf\t%s\nprobe\tetc-nova-conf\t%s\nprobe\tosa-venv-link\t%s\n' "$_mo_pp" "$_mo_pk" "$_mo_pd" "$_mo_pe" "$_mo_po"
for _mo_x in $_mo_ee; do printf 'engine\t%s\t%s\n' "@{_mo_x%%:*}" "@{_mo_x#*:}"; done
printf '%s\n' "$_mo_cs" | awk 'NF >= 2 { s = ""; for (i = 4; i <= NF; i++) s = s (i > 4 ? " " : "") $i; print "container\t" $1 "\t" $2 "\t" $3 "\t" s }'
for _mo_x in $_mo_us; do printf 'unit\t%s\n' "$_mo_x"; done
[ "$_mo_uf" = yes ] && printf 'units-unreadable\n'
if [ -z "$_mo_ln" ]; then printf 'unknown\t%s\n' "$_mo_lw"; exit 0; fi
printf 'layout\t%s\nsource\t%s\nnova-conf\t%s\nvirsh\t%s\nnova-compute\t%s\nvirt-packages\t%s\nimage\t%s\n' "$_mo_ln" "$_mo_src" "$_mo_nc" "$_mo_vc" "$_mo_nr" "$_mo_vp" "$_mo_im"
printf '%s\n' "$_mo_lb" | tr ';' '\n' | sed -n '/./s/^/basis\t/p'`.replace(/@\{/g, '${');

/**
 * The top-level lines that run once before the sections: overrides as variables, the probes, the decision (skipped
 * when the inventory names the layout), the parts. Values from the inventory were validated; they are still quoted.
 */
export function layoutSetupScript(overrides: LayoutOverrides | undefined): string {
  const o = overrides;
  const lines = [
    `_mo_o_nc=${o?.novaConf !== undefined ? shq(o.novaConf) : ''}`,
    `_mo_o_vc=${o?.virsh !== undefined ? shq(formatHostOrContainer(o.virsh)) : ''}`,
    `_mo_o_nr=${o?.novaCompute !== undefined ? shq(formatNovaComputeRestart(o.novaCompute)) : ''}`,
    `_mo_o_vp=${o?.virtPackages !== undefined ? shq(formatHostOrContainer(o.virtPackages)) : ''}`,
    LAYOUT_PROBE_SH,
    LAYOUT_DECIDE_SH,
  ];
  if (o?.name !== undefined) {
    lines.push(`_mo_ln=${shq(o.name)}; _mo_lw=; _mo_lb=; _mo_src=inventory`);
  } else {
    lines.push('_mo_decide; _mo_src=detected');
  }
  const extra = (o?.basis ?? []).map((b) => `_mo_lb="$_mo_lb$\{_mo_lb:+;}"${shq(b.replace(/;/g, ','))}`);
  lines.push(...extra);
  lines.push('_mo_nc=; _mo_vx=; _mo_px=; _mo_vc=; _mo_vp=; _mo_nr=; _mo_im=', '[ -n "$_mo_ln" ] && _mo_parts');
  return lines.join('\n');
}
