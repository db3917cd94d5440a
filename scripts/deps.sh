#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Install the Debian packages epgate needs to build, test and demo;
# `deps.sh debug` adds what the debug kernel of make check-debug needs.
# Idempotent and fast when everything is already there.
#
# Some packages hold a daemon the tests run themselves (vsftpd) or that
# they need for a tool (prometheus, for promtool), and their maintainer
# scripts would start it on this machine: while apt-get runs, a
# /usr/sbin/policy-rc.d that exits 101 ("action forbidden") keeps
# invoke-rc.d and deb-systemd-invoke from starting anything.  A
# policy-rc.d the machine already has is set aside and put back after.
set -e

PKGS="
build-essential pkg-config
linux-image-amd64 linux-headers-amd64
linux-image-6.12-amd64 linux-headers-6.12-amd64
libmnl-dev libnftnl-dev libc-ares-dev
sparse valgrind
qemu-system-x86 busybox-static cpio xz-utils kmod
dkms debhelper dh-dkms lintian man-db groff-base bash-completion clang libclang-rt-14-dev
gnuplot-nox ipset
iproute2 socat tcpdump nftables iptables conntrack jq python3 procps util-linux
vsftpd dnsmasq curl iputils-ping
prometheus
ansible-core
"

if [ "${1:-}" = debug ]; then
	PKGS="linux-source-6.1 bc flex bison libssl-dev libelf-dev xz-utils"
fi

find_missing() {
	missing=
	for p in $PKGS; do
		s=$(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null || true)
		case "$s" in
		ii*) ;;
		*) missing="$missing $p" ;;
		esac
	done
}
find_missing
[ -z "$missing" ] && exit 0

if [ "$(id -u)" != 0 ]; then
	echo "deps: missing packages:$missing (run 'make deps' as root)" >&2
	exit 1
fi
# One install at a time (make check while another deps.sh runs): the
# policy-rc.d below is per machine.  The second one waits, then installs
# what is still missing.  apt-get itself waits up to 10 minutes for the
# dpkg lock of any other apt, rather than failing at once.
exec 9> /run/lock/epgate-deps.lock
flock 9
find_missing
[ -z "$missing" ] && exit 0

policy=/usr/sbin/policy-rc.d
saved=$policy.epgate-deps
moved=0 ours=0
restore_policy() {
	if [ "$ours" = 1 ]; then
		rm -f "$policy"
	fi
	if [ "$moved" = 1 ]; then
		mv "$saved" "$policy"
	fi
}
trap restore_policy EXIT
trap 'exit 130' INT TERM HUP
if [ -e "$policy" ] || [ -L "$policy" ]; then
	mv "$policy" "$saved"
	moved=1
fi
ours=1
printf '#!/bin/sh\n# epgate scripts/deps.sh: no daemon starts while it installs.\nexit 101\n' \
	> "$policy"
chmod 0755 "$policy"

echo "deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get -o DPkg::Lock::Timeout=600 update -qq
# shellcheck disable=SC2086
apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends $missing >/dev/null
