#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make check-debug: the whole selftest suite on the debug kernel (KASAN,
# UBSAN, lockdep + PROVE_RCU, kmemleak, DEBUG_ATOMIC_SLEEP), built once by
# build-kernel.sh and cached.  The run fails on any report in the kernel
# log and on any kmemleak object left after the suite (vm/guest.sh scans).
#
#   selftests/debug/run.sh [PROGRAM...]   e.g. epgate_netns.sh: only those
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
cd "$repo"
dir=$(selftests/debug/build-kernel.sh)
kver=$(cat "$dir/kver")

# The module for the debug kernel, from the same sources (Makefile's rule).
mkdir -p "build/$kver/kernel"
for f in kernel/*.c kernel/*.h kernel/Kbuild lib/table.c; do
	ln -sf "$repo/$f" "build/$kver/kernel/"
done
make -s -C "$dir/linux" M="$repo/build/$kver/kernel" \
	EPGATE_ROOT="$repo" EPGATE_VERSION="$(cat VERSION)" modules

echo "check-debug: $kver ($dir)"
start=$(date +%s)
rc=0
selftests/vm/run.sh -k "$kver" -b "$dir/linux/arch/x86/boot/bzImage" \
	-m 2G -t "${EPGATE_DEBUG_TIMEOUT:-5400}" -o "build/vm/$kver/run" -- \
	env EPGATE_SLOW="${EPGATE_SLOW:-8}" make -s -C selftests run_tests \
	${1:+TEST_PROGS="$*"} || rc=$?
echo "check-debug: $(( $(date +%s) - start )) s, exit $rc"
grep -h "^kmemleak:" "build/vm/$kver/run/dmesg" || true
exit $rc
