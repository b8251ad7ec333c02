# Shared by the fake host's tools (sourced, bash): where the host's state lives, its config, and the call to the supervisor.
FAKEHOST_STATE=${FAKEHOST_STATE:-/var/lib/fakehost}
# host.env: static config and faults (rewritten by the lab at runtime); boot/boot.env: what this boot runs.
. "$FAKEHOST_STATE/host.env"
. "$FAKEHOST_STATE/boot/boot.env"

fh_is_root() { [ "${EUID:-$(id -u)}" = 0 ]; }

# Replaces a state file in one rename, so a tool reading it concurrently never sees half of it.
fh_replace() { # $1 = target; content on stdin
  local tmp="$1.tmp.$$"
  cat > "$tmp" && mv -f "$tmp" "$1"
}

# Asks the supervisor outside the namespace to reboot or power off this host. It answers at once and acts a moment
# later, so the caller returns first, as a real `systemctl reboot` does before the connection drops.
fh_request_power() { # $1 = reboot|poweroff
  local reply= token
  # The token file is root's alone, so only root inside the host can power it off.
  token=$(cat "$FAKEHOST_STATE/control.token" 2>/dev/null) || return 1
  { exec 3<>"/dev/tcp/$CONTROL_ADDR/$CONTROL_PORT"; } 2>/dev/null || return 1
  printf '%s %s %s\n' "$1" "$HOST_NAME" "$token" >&3
  IFS= read -r -t 10 reply <&3 || true
  exec 3<&- 3>&-
  [ "$reply" = ok ]
}
