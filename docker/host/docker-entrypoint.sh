#!/bin/sh
# Container PID 1 of a fake host: lays the host dir the Node lab prepared over the container, then becomes sshd.
#
# /lab/host is one host dir made by materialiseHost() + writeBootFiles() (src/lab/host), /lab/keys holds
# id_ed25519.pub, ssh_host_ed25519_key and sshd_config. Needs CAP_SYS_ADMIN for the sysfs/proc bind mounts.
set -eu
H=/lab/host
cp -a "$H/etc-upper/." /etc/
mount --bind "$H/state" /var/lib/fakehost
mount --bind "$H/state/boot/vulnerabilities" /sys/devices/system/cpu/vulnerabilities
mount --bind "$H/state/boot/cpuinfo" /proc/cpuinfo
mount --bind "$H/state/boot/boot_id" /proc/sys/kernel/random/boot_id
mount --bind "$H/state/boot/osrelease" /proc/sys/kernel/osrelease
mkdir -p -m 0700 /root/.ssh /home/stack/.ssh
cp /lab/keys/id_ed25519.pub /root/.ssh/authorized_keys
cp /lab/keys/id_ed25519.pub /home/stack/.ssh/authorized_keys
chown -R stack:stack /home/stack
if [ -f /etc/nova/nova.conf ]; then cp /etc/nova/nova.conf /var/lib/fakehost/nova-compute.loaded.conf; fi
exec /usr/sbin/sshd -D -e -f /lab/keys/sshd_config -o HostKey=/lab/keys/ssh_host_ed25519_key -o ListenAddress=0.0.0.0:22
