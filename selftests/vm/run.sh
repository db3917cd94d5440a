#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run.sh -k KVER [-b IMAGE] [-o DIR] [-t SECONDS] [-m MEM] -- COMMAND...
# run.sh -k KVER -i
#
# Boot Debian kernel KVER under qemu (TCG) with the host's root file system
# read-only over 9p and the epgate tree read-write at its own path, run
# COMMAND inside (from the tree's top) and exit with its status.  The run
# folder DIR (default build/vm/KVER/run) keeps the command's output, the
# guest's kernel log (dmesg) and its exit status (rc).  The run fails if the
# guest gave no status (crash, timeout) or if the kernel log shows a warning,
# a BUG, an oops or a KASAN, refcount or kmemleak report.  -b boots IMAGE
# (a kernel built here, e.g. the debug kernel, whose release is KVER)
# instead of /boot/vmlinuz-KVER.
set -uo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
kver= dir= timeout=900 mem=1G interactive=0 image=
# Multi-threaded TCG runs the two vCPUs on two host threads but does not
# keep cross-modified kernel text coherent: the int3-based live patching of
# static keys (netfilter flips nf_hooks_needed whenever the first hook of a
# kind comes or goes) then oopses on a stale "int3" under traffic, with stock
# nftables alone (Documentation/testing.md).  Single-threaded TCG still
# interleaves two vCPUs, and patches coherently.
tcg_thread=${EPGATE_TCG_THREAD:-single}
# EPGATE_ICOUNT=SHIFT: qemu's instruction counting (-icount): while a vCPU
# runs, the guest's clocks advance by 2^SHIFT ns per guest instruction it
# executes, whatever the host is doing; idle, they follow the host's clock
# (sleep=on), so timeouts still mean seconds.  make bench uses it to count
# instructions per forwarded packet (Documentation/performance.md).
# Needs single-threaded TCG, and gets one vCPU: with two, qemu 7.2's icount
# hangs 6.1 at "Booting SMP configuration" (the boot CPU spins waiting for
# the other, which the round-robin loop never runs) and corrupted EFLAGS on
# 6.12 under pktgen (a #DB in kernel mode, then an oops in conntrack).
icount=() smp=2
if [ -n "${EPGATE_ICOUNT:-}" ]; then
	[[ $EPGATE_ICOUNT =~ ^[0-9]$ ]] ||
		{ echo "vm: EPGATE_ICOUNT must be a shift of 0 to 9" >&2; exit 2; }
	[ "$tcg_thread" = single ] ||
		{ echo "vm: EPGATE_ICOUNT needs single-threaded TCG" >&2; exit 2; }
	icount=(-icount "shift=$EPGATE_ICOUNT,sleep=on")
	smp=1
fi
while getopts "k:b:o:t:m:i" opt; do
	case $opt in
	k) kver=$OPTARG ;;
	b) image=$OPTARG ;;
	o) dir=$OPTARG ;;
	t) timeout=$OPTARG ;;
	m) mem=$OPTARG ;;
	i) interactive=1 ;;
	*) exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ "${1:-}" = -- ] && shift

die() { echo "vm: $*" >&2; exit 1; }

[ -n "$kver" ] || die "no kernel given (-k KVER)"
image=${image:-/boot/vmlinuz-$kver}
[ -f "$image" ] || die "no $image (make deps installs the Debian kernels)"
[ "$interactive" = 1 ] || [ $# -gt 0 ] || die "no command given"

dir=${dir:-$repo/build/vm/$kver/run}
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
case "$dir" in
"$repo"/*) ;;
*) die "the run folder must be inside $repo (it is shared with the guest)" ;;
esac
rm -f "$dir/rc" "$dir/dmesg" "$dir/output"

initrd=$repo/build/vm/$kver/initramfs.cpio.gz
if [ ! -f "$initrd" ] || [ "$repo/selftests/vm/init" -nt "$initrd" ] ||
   [ "$repo/selftests/vm/mkinitramfs.sh" -nt "$initrd" ]; then
	"$repo/selftests/vm/mkinitramfs.sh" "$kver" "$initrd" ||
		die "cannot build the initramfs for $kver"
fi

printf '%q ' "$@" > "$dir/cmd"
echo >> "$dir/cmd"

# no_timer_check: on a loaded host TCG can miss the IO-APIC timer check
# at boot and panic ("IO-APIC + timer doesn't work"), seen on the debug
# kernel.
append="console=ttyS0 panic=-1 loglevel=3 no_timer_check epgate.repo=$repo epgate.run=$dir"
serial=stdio
if [ "$interactive" = 1 ]; then
	append="$append epgate.interactive=1"
	serial=mon:stdio
fi

qemu=(qemu-system-x86_64 -accel "tcg,thread=$tcg_thread" "${icount[@]}" -cpu max -smp "$smp" -m "$mem"
      -nodefaults -no-reboot -display none -serial "$serial"
      -kernel "$image" -initrd "$initrd" -append "$append"
      -virtfs local,path=/,mount_tag=hostroot,readonly=on,multidevs=remap,security_model=none
      -virtfs "local,path=$repo,mount_tag=epgate,multidevs=remap,security_model=none")

if [ "$interactive" = 1 ]; then
	exec "${qemu[@]}"
fi

timeout -k 10 "$timeout" "${qemu[@]}" < /dev/null
qrc=$?

if [ ! -f "$dir/rc" ]; then
	[ "$qrc" = 124 ] && die "$kver: timed out after ${timeout}s"
	die "$kver: the guest gave no exit status (qemu exit $qrc): crash?"
fi
rc=$(cat "$dir/rc")

bad='WARNING:|BUG:|Oops|KASAN|UBSAN|refcount_t|unreferenced object 0x'
if grep -Eq "$bad" "$dir/dmesg"; then
	echo "vm: $kver: the kernel log shows a fault:" >&2
	grep -E -A20 "$bad" "$dir/dmesg" | head -60 >&2
	[ "$rc" = 0 ] && rc=1
fi
exit "$rc"
