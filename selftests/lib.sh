#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Shared helpers for epgate selftests (kselftest conventions: TAP on stdout,
# exit 0 pass, 1 fail, 4 skip).  Source it; it does not run anything.

ksft_pass=0
ksft_fail=1
ksft_skip=4

EPGATE_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
EPGATE=${EPGATE:-$EPGATE_TOP/userspace/epgate}
EPGATE_KO=$EPGATE_TOP/build/$(uname -r)/kernel/epgate.ko
SYSFS=/sys/kernel/epgate

tap_n=0
tap_failed=0

tap_begin() {
	echo "TAP version 13"
}

# ok COND DESCRIPTION...: record one result.
tap_result() {
	local rc=$1
	shift
	tap_n=$((tap_n + 1))
	if [ "$rc" = 0 ]; then
		echo "ok $tap_n - $*"
	else
		echo "not ok $tap_n - $*"
		tap_failed=$((tap_failed + 1))
	fi
}

# check DESCRIPTION -- COMMAND...: run COMMAND, record whether it succeeded.
check() {
	local desc=$1
	shift
	[ "$1" = -- ] && shift
	"$@"
	tap_result $? "$desc"
}

# fails COMMAND...: succeed when COMMAND fails (for check: "!" is shell
# syntax, not a command).
fails() {
	! "$@"
}

tap_end() {
	echo "1..$tap_n"
	[ "$tap_failed" = 0 ] && exit $ksft_pass
	exit $ksft_fail
}

skip_all() {
	echo "1..0 # SKIP $*"
	exit $ksft_skip
}

# checktool "CMD ARGS" DESCRIPTION: skip the whole test without a tool.
checktool() {
	if ! eval "$1" >/dev/null 2>&1; then
		skip_all "$2 is needed"
	fi
}

# A descriptor nobody writes to: "read -t" on it is a poll interval that
# needs no fork (every exec costs ~0.2 s in a TCG guest).
poll_fifo=$(mktemp -u /tmp/epgate-poll.XXXXXX)
mkfifo "$poll_fifo" && exec {poll_fd}<>"$poll_fifo" && rm -f "$poll_fifo"

# A slow kernel (the debug kernel: KASAN under TCG) stretches every
# deadline by this factor; netprobe.py reads it too.
export EPGATE_SLOW=${EPGATE_SLOW:-1}

# busywait TIMEOUT_MS COMMAND...: poll COMMAND until it succeeds.  This is
# the only way tests wait: for real state, never for a fixed time.
busywait() {
	local timeout_ms=$(($1 * EPGATE_SLOW))
	shift
	deadline=$(( $(now_ms) + timeout_ms ))
	while :; do
		"$@" && return 0
		[ "$(now_ms)" -ge "$deadline" ] && return 1
		read -r -t 0.05 -u "$poll_fd"
	done
}

now_ms() {
	local t=${EPOCHREALTIME/./}
	echo $((t / 1000))
}

diag() {
	echo "# $*"
}

epgate_loaded() {
	grep -q '^epgate ' /proc/modules
}

epgate_load() {
	epgate_loaded && return 0
	# Built in (the debug kernel) or a module.
	[ -d /sys/module/nf_conntrack ] || modprobe -a nf_conntrack || return 1
	insmod "$EPGATE_KO"
}

epgate_unload() {
	! epgate_loaded || rmmod epgate
}
