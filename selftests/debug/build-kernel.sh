#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# build-kernel.sh: build, once, the debug kernel that `make check-debug`
# boots: Debian's linux-source-6.1, defconfig + kvm_guest.config +
# kernel.config (KASAN, UBSAN, lockdep with PROVE_RCU, kmemleak,
# DEBUG_ATOMIC_SLEEP; netfilter, veth, 9p built in).  About 12 minutes on
# two cores.  The result is cached outside the tree, in
# $EPGATE_CACHE (default ~/.cache/epgate), under a key made of the source
# version and the hash of the fragment, so a changed fragment rebuilds.
#
# Prints the build directory (holding arch/x86/boot/bzImage, the headers
# for out-of-tree modules and a file "kver" with the kernel's release).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
frag=$here/kernel.config
cache=${EPGATE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/epgate}
tarball=$(ls /usr/src/linux-source-6.1.tar.* 2>/dev/null | head -1)
[ -n "$tarball" ] || { echo "build-kernel: no /usr/src/linux-source-6.1.tar.* (make deps-debug)" >&2; exit 1; }

srcver=$(dpkg-query -W -f='${Version}' linux-source-6.1)
key=$( (echo "$srcver"; cat "$frag") | sha256sum | cut -c1-16)
dir=$cache/debug-kernel-$key
if [ -f "$dir/kver" ] && [ -f "$dir/linux/arch/x86/boot/bzImage" ]; then
	echo "$dir"
	exit 0
fi

rm -rf "$dir"
mkdir -p "$dir"
echo "build-kernel: building linux-source $srcver with $(basename "$frag") in $dir" >&2
tar -C "$dir" -xf "$tarball"
mv "$dir"/linux-source-6.1 "$dir/linux"
cd "$dir/linux"
{
	make -s defconfig
	make -s kvm_guest.config
	scripts/kconfig/merge_config.sh -m .config "$frag"
	make -s olddefconfig
	# A fragment line that did not stick (a dependency missing) is a
	# kernel without the check we asked for: refuse, do not guess.
	missing=0
	while IFS= read -r line; do
		case "$line" in
		CONFIG_*=y) grep -qx "$line" .config || { echo "build-kernel: $line did not stick" >&2; missing=1; } ;;
		esac
	done < "$frag"
	[ "$missing" = 0 ]
	make -j"$(nproc)" LOCALVERSION=-epgate-debug bzImage modules
} > "$dir/build.log" 2>&1 || {
	echo "build-kernel: failed, see $dir/build.log" >&2
	tail -20 "$dir/build.log" >&2
	exit 1
}
make -s LOCALVERSION=-epgate-debug kernelrelease > "$dir/kver"
echo "$dir"
