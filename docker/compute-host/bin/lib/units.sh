# Shared by systemctl and docker/podman (sourced, bash): the layout's units and containers, their states, and restarts.
SERVICES=$FAKEHOST_STATE/services.tsv
CONTAINERS=$FAKEHOST_STATE/containers.tsv
UNITS=$FAKEHOST_STATE/units.tsv
LOADED=$FAKEHOST_STATE/nova-compute.loaded.conf
RESTARTS=$FAKEHOST_STATE/restarts.log

# units.tsv: unit, description, container (- = none), role (compute|libvirt|other)
unit_field() { awk -F '\t' -v u="$1" -v f="$2" '$1 == u { print $f; exit }' "$UNITS"; }
unit_known() { [ -n "$(unit_field "$1" 1)" ]; }
# containers.tsv: name, image, role, running|exited, since
container_field() { awk -F '\t' -v c="$1" -v f="$2" '$1 == c { print $f; exit }' "$CONTAINERS" 2>/dev/null; }
container_known() { [ -n "$(container_field "$1" 1)" ]; }

# nova-compute reads nova.conf only when it starts: that copy decides what guests booted later get.
load_nova_conf() {
  if [ -f "$NOVA_CONF" ]; then cp "$NOVA_CONF" "$LOADED"; else rm -f "$LOADED"; fi
}
record_restart() { # how, what
  printf '%s\t%s\t%s\n' "$(date +%s)" "$1" "$2" >> "$RESTARTS"
}
set_unit_state() { # unit state
  local now; now=$(date +%s)
  { awk -F '\t' -v u="$1" '$1 != u' "$SERVICES"; printf '%s\t%s\t%s\n' "$1" "$2" "$now"; } | fh_replace "$SERVICES"
}
set_container_state() { # container running|exited
  local now; now=$(date +%s)
  awk -F '\t' -v OFS='\t' -v c="$1" -v s="$2" -v t="$now" '$1 == c { $4 = s; $5 = t } { print }' "$CONTAINERS" | fh_replace "$CONTAINERS"
  if [ "$2" = running ] && [ "$(container_field "$1" 3)" = compute ]; then load_nova_conf; fi
}
