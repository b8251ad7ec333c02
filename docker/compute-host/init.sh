#!/bin/sh
# PID 1 of a fake compute host: builds the host's private view of the machine (mounts, hostname), then becomes its sshd.
#
# Runs inside `unshare --mount --uts --pid --fork --mount-proc`; everything mounted here dies with the namespace.
# The one definition of a host: the namespace lab (src/lab/host/host-process.ts) and the container (docker-entrypoint.sh) both run it.
# Inputs (environment): FAKEHOST_DIR (per-host dir on the machine), FAKEHOST_TOOLS (docker/compute-host/bin),
# FAKEHOST_SSHD_CONFIG, FAKEHOST_LISTEN (ADDR:PORT), FAKEHOST_AUTHORIZED_KEYS (public key file, empty = refuse the key),
# FAKEHOST_HOST_KEY (optional: a host key path other than the one sshd_config names, as in the container).
set -eu

D=$FAKEHOST_DIR
S=$D/state
B=$S/boot
VULN=/sys/devices/system/cpu/vulnerabilities

hostname "$(cat "$B/hostname")"

# Private copy-on-write /etc: the host's nova.conf, passwd, sudoers.d live in its own upper dir.
mount -t overlay fakehost-etc -o "lowerdir=/etc,upperdir=$D/etc-upper,workdir=$D/etc-work" /etc

# Fresh /run, /root and /home each boot, like tmpfs on a real host; the machine's /root/.bashrc (pyenv) must not be seen.
mount -t tmpfs -o mode=0755,size=8m fakehost-run /run
mkdir -m 0755 /run/sshd
mount -t tmpfs -o mode=0700,size=4m fakehost-root /root
mount -t tmpfs -o mode=0755,size=4m fakehost-home /home
mkdir -m 0700 /root/.ssh /home/stack /home/stack/.ssh
if [ -n "${FAKEHOST_AUTHORIZED_KEYS:-}" ]; then
  cp "$FAKEHOST_AUTHORIZED_KEYS" /root/.ssh/authorized_keys
  cp "$FAKEHOST_AUTHORIZED_KEYS" /home/stack/.ssh/authorized_keys
fi
chown -R stack:stack /home/stack

mount --bind "$S" /var/lib/fakehost
# The tool's own markers (restart-pending) live on each host, not on the machine all hosts share.
mkdir -p -m 0700 "$D/var-lib-mds-orchestrate" /var/lib/mds-orchestrate
mount --bind "$D/var-lib-mds-orchestrate" /var/lib/mds-orchestrate
# The tools, and /usr/local/bin with links to the ones this host's layout has (no virsh where libvirt is in a container).
mount --bind "$FAKEHOST_TOOLS" /usr/local/lib/fakehost/bin
mount -o remount,bind,ro /usr/local/lib/fakehost/bin
mount --bind "$D/bin" /usr/local/bin
mount -o remount,bind,ro /usr/local/bin
# Layouts that keep nova.conf outside /etc: TripleO's puppet-generated config, OpenStack-Ansible's venvs.
if [ -d "$D/config-data" ]; then mount --bind "$D/config-data" /var/lib/config-data; fi
if [ -d "$D/openstack" ]; then mount --bind "$D/openstack" /openstack; fi
# The host's own /var/log (the machine's must not be read as the host's /var/log/dmesg).
mount -t tmpfs -o mode=0755,size=4m fakehost-log /var/log

# The kernel's view as this host booted it (written by the supervisor before each boot).
mount --bind "$B/vulnerabilities" "$VULN"
mount --bind "$B/cpuinfo" /proc/cpuinfo
mount --bind "$B/boot_id" /proc/sys/kernel/random/boot_id
mount --bind "$B/osrelease" /proc/sys/kernel/osrelease

# chattr +i as this host's files carry it (immutable.list; bin/chattr keeps it): a read-only bind of the file on itself, so
# every write fails (EROFS) and so does a rename over it or an unlink (EBUSY), while its directory and mount stay writable.
if [ -f "$S/immutable.list" ]; then
  while IFS= read -r f; do
    [ -n "$f" ] && [ -e "$f" ] && mount --bind "$f" "$f" && mount -o remount,bind,ro "$f"
  done < "$S/immutable.list"
fi

# nova-compute reads its config when it starts, i.e. at boot: the file its layout names (NOVA_CONF in host.env).
NOVA_CONF=$(. "$S/host.env" && printf '%s' "$NOVA_CONF")
if [ -f "$NOVA_CONF" ]; then cp "$NOVA_CONF" "$S/nova-compute.loaded.conf"; else rm -f "$S/nova-compute.loaded.conf"; fi

if [ -n "${FAKEHOST_HOST_KEY:-}" ]; then set -- -o "HostKey=$FAKEHOST_HOST_KEY"; else set --; fi
exec /usr/sbin/sshd -D -e -f "$FAKEHOST_SSHD_CONFIG" -o "ListenAddress=$FAKEHOST_LISTEN" "$@"
