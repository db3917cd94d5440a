#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# PID 1 of the test VM after switch_root, running in the host's root file
# system (read-only over 9p).  Mounts what a test needs, mounts the epgate
# tree read-write at its host path, runs the command written by run.sh (or an
# interactive shell), then leaves the exit status and the kernel log in the
# run folder and powers off.

export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root TERM=${TERM:-linux}

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/pts /dev/shm
# devtmpfs lacks these; bash's <(...) needs /dev/fd.
ln -sfn /proc/self/fd /dev/fd
ln -sfn /proc/self/fd/0 /dev/stdin
ln -sfn /proc/self/fd/1 /dev/stdout
ln -sfn /proc/self/fd/2 /dev/stderr
mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /dev/shm
for d in /tmp /run /var/tmp /root /var/log /var/lib/nftables; do
	[ -d "$d" ] && mount -t tmpfs tmpfs "$d"
done
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null

repo= run= interactive=0
for arg in $(cat /proc/cmdline); do
	case "$arg" in
	epgate.repo=*) repo=${arg#epgate.repo=} ;;
	epgate.run=*) run=${arg#epgate.run=} ;;
	epgate.interactive=1) interactive=1 ;;
	esac
done

poweroff_now() {
	sync
	echo o > /proc/sysrq-trigger
	while :; do sleep 1; done
}

# The tree may lie under a folder the guest covers with tmpfs (a clone in
# /tmp): then its mount point has to be made there.
mkdir -p "$repo" 2>/dev/null
if ! mount -t 9p -o trans=virtio,version=9p2000.L,msize=512000 epgate "$repo"; then
	echo "guest: cannot mount the epgate tree at $repo"
	poweroff_now
fi

# kernel/epgate.ko is the module for the kernel that is running.
kver=$(uname -r)
if [ -f "$repo/build/$kver/kernel/epgate.ko" ] && [ -f "$repo/kernel/epgate.ko" ]; then
	mount --bind "$repo/build/$kver/kernel/epgate.ko" "$repo/kernel/epgate.ko"
fi

# epgate.ko needs nf_conntrack's symbols; insmod does not resolve them.
modprobe -q nf_conntrack
ip link set lo up
hostname epgate-vm 2>/dev/null
cd "$repo" || poweroff_now
export PATH=$repo/userspace:$PATH

if [ "$interactive" = 1 ]; then
	echo "epgate VM: Linux $kver. The tree is $repo; 'insmod kernel/epgate.ko', 'epgate status'. Exit the shell to power off."
	setsid --ctty bash -i </dev/ttyS0 >/dev/ttyS0 2>&1
	poweroff_now
fi

# A kmemleak kernel (the debug kernel): forget what boot left behind, and
# after the command scan until two scans agree (an object freed by an RCU
# callback needs grace periods to become unreferenced, so one early scan
# can report what a later one no longer does).
leaks=/sys/kernel/debug/kmemleak
[ -w "$leaks" ] && echo clear > "$leaks"

bash "$run/cmd" 2>&1 | tee "$run/output"
rc=${PIPESTATUS[0]}
dmesg > "$run/dmesg"
if [ -w "$leaks" ]; then
	prev=-1
	for i in 1 2 3 4 5; do
		echo scan > "$leaks"
		n=$(grep -c "unreferenced object" "$leaks")
		[ "$n" = "$prev" ] && break
		prev=$n
		sleep 3		# kmemleak ages objects: nothing to poll
	done
	echo "kmemleak: $n unreferenced objects after the run" >> "$run/dmesg"
	cat "$leaks" >> "$run/dmesg"
fi
echo "$rc" > "$run/rc"
poweroff_now
