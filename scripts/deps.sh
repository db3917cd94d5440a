#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Install the Debian packages epgate needs to build, test and demo;
# `deps.sh debug` adds what the debug kernel of make check-debug needs.
# Idempotent and fast when everything is already there.
set -e

PKGS="
build-essential pkg-config
linux-image-amd64 linux-headers-amd64
linux-image-6.12-amd64 linux-headers-6.12-amd64
libmnl-dev libnftnl-dev
sparse valgrind
qemu-system-x86 busybox-static cpio xz-utils kmod
dkms debhelper dh-dkms lintian man-db groff-base bash-completion clang libclang-rt-14-dev
gnuplot-nox ipset
iproute2 socat tcpdump nftables iptables conntrack jq python3 procps util-linux
"

if [ "${1:-}" = debug ]; then
	PKGS="linux-source-6.1 bc flex bison libssl-dev libelf-dev xz-utils"
fi

missing=
for p in $PKGS; do
	s=$(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null || true)
	case "$s" in
	ii*) ;;
	*) missing="$missing $p" ;;
	esac
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" != 0 ]; then
	echo "deps: missing packages:$missing (run 'make deps' as root)" >&2
	exit 1
fi
echo "deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
