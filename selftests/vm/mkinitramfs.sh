#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# mkinitramfs.sh KVER OUT: a busybox initramfs that loads the virtio and 9p
# modules of Debian kernel KVER and switches to the host's root filesystem
# shared read-only over 9p (see init).  Compressed modules are unpacked:
# busybox insmod cannot read them.
set -euo pipefail

kver=$1
out=$2
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

mkdir -p "$work"/{bin,dev,proc,sys,newroot,lib/modules}
cp /bin/busybox "$work/bin/busybox"
cp "$here/init" "$work/init"
chmod +x "$work/init"

n=0
: > "$work/modules.order"
# A kernel built here (the debug kernel) has virtio and 9p built in.
[ -d "/lib/modules/$kver" ] &&
for m in virtio_pci 9pnet_virtio 9p; do
	modprobe -S "$kver" --show-depends "$m"
done | awk '$1 == "insmod" && !seen[$2]++ { print $2 }' |
while read -r path; do
	n=$((n + 1))
	name=$(printf '%02d-%s' "$n" "$(basename "${path%.*}")")
	case "$path" in
	*.ko.xz) name=${name%.ko}.ko; xz -dc "$path" > "$work/lib/modules/$name" ;;
	*.ko.zst) name=${name%.ko}.ko; zstd -qdc "$path" > "$work/lib/modules/$name" ;;
	*.ko) cp "$path" "$work/lib/modules/$name" ;;
	*) echo "mkinitramfs: unexpected module $path" >&2; exit 1 ;;
	esac
	echo "$name" >> "$work/modules.order"
done

mkdir -p "$(dirname "$out")"
(cd "$work" && find . -print0 | cpio --null -o -H newc --quiet) |
	gzip -1 > "$out.tmp"
mv "$out.tmp" "$out"
