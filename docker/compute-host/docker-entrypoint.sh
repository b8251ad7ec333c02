#!/bin/sh
# Container PID 1 of a fake host: points init.sh (the one host definition, also PID 1 of the namespace lab) at the container's paths.
#
# /lab/host is one host dir made by materialiseHost() + writeBootFiles() (src/lab/host); /lab/keys holds id_ed25519.pub,
# ssh_host_ed25519_key and sshd_config. Needs CAP_SYS_ADMIN for the overlay, tmpfs and sysfs/proc bind mounts.
set -eu
FAKEHOST_DIR=/lab/host
FAKEHOST_TOOLS=/usr/local/lib/fakehost/bin
FAKEHOST_SSHD_CONFIG=/lab/keys/sshd_config
FAKEHOST_HOST_KEY=/lab/keys/ssh_host_ed25519_key
FAKEHOST_LISTEN=0.0.0.0:22
FAKEHOST_AUTHORIZED_KEYS=/lab/keys/id_ed25519.pub
export FAKEHOST_DIR FAKEHOST_TOOLS FAKEHOST_SSHD_CONFIG FAKEHOST_HOST_KEY FAKEHOST_LISTEN FAKEHOST_AUTHORIZED_KEYS
exec /bin/sh /usr/local/lib/fakehost/init.sh
