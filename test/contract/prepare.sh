#!/usr/bin/env bash
# Unpacks Debian's real Nova, Placement and Keystone (and the libraries their test fixtures import) for the contract suite,
# without installing them: the packages are downloaded with apt and unpacked with dpkg -x under one directory.
#
# Usage (as root): bash test/contract/prepare.sh          -> prints the directory (MDS_CONTRACT_ROOT, see below)
# Why not `apt-get install`: python3-nova pulls in systemd, udev and open-iscsi, whose maintainer scripts have no business
# running on a CI machine; nothing here needs them, only the Python trees. Re-running is cheap: a stamp file naming the
# package versions makes it a no-op until Debian ships new ones.
set -euo pipefail

root=${MDS_CONTRACT_ROOT:-/var/cache/mds-orchestrate/contract}
# python3-nova and python3-placement carry their functional-test fixtures; the fixtures import wsgi_intercept and oslotest.
packages=(python3-nova python3-placement python3-keystone python3-wsgi-intercept python3-oslotest)

export DEBIAN_FRONTEND=noninteractive
# The launchers run under Debian's own interpreter: the unpacked C extensions are built for it.
if [ ! -x /usr/bin/python3 ]; then
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends python3 >/dev/null
fi

candidates() {
  apt-cache policy "${packages[@]}" | awk '/^[^ ]/ { name = $1 } /Candidate:/ { print name, $2 }'
}
want=$(candidates)
if ! grep -q 'Candidate: [0-9]' <(apt-cache policy python3-nova); then
  apt-get update -qq
  want=$(candidates)
fi
if [ -f "$root/.stamp" ] && [ "$(cat "$root/.stamp")" = "$want" ]; then
  echo "$root"
  exit 0
fi

debs=$(mktemp -d /var/tmp/mds-contract-debs.XXXXXX)
trap 'rm -rf "$debs"' EXIT
mkdir -p "$debs/partial"
# -d resolves the whole dependency closure against what this machine already has, and only downloads it.
apt-get install -d -y -qq --no-install-recommends -o APT::Sandbox::User=root -o Dir::Cache::archives="$debs" "${packages[@]}" >/dev/null
rm -rf "$root.new"
mkdir -p "$root.new"
for deb in "$debs"/*.deb; do
  dpkg -x "$deb" "$root.new"
done
echo "$want" > "$root.new/.stamp"
rm -rf "$root"
mv "$root.new" "$root"
echo "$root"
