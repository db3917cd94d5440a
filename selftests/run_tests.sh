#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run_tests.sh TEST...: run selftests the way kselftest's runner does: one
# TAP line per test program, its own output indented as "# " lines, a
# timeout from ./settings.  The kernel's taint flags are compared before and
# after each test with O (4096) and E (8192) masked: loading an unsigned
# out-of-tree module sets those, anything else is a failure.
cd "$(dirname "$0")" || exit 1

timeout=300
[ -f settings ] && timeout=$(sed -n 's/^timeout=//p' settings)
timeout=$((timeout * ${EPGATE_SLOW:-1}))
taint_ignore=$((4096 | 8192))

echo "TAP version 13"
echo "1..$#"
n=0 failed=0
for t in "$@"; do
	n=$((n + 1))
	echo "# selftests: epgate: $t"
	before=$(($(cat /proc/sys/kernel/tainted) & ~taint_ignore))
	timeout -k 5 "$timeout" "./$t" 2>&1 | sed -u 's/^/# /'
	rc=${PIPESTATUS[0]}
	after=$(($(cat /proc/sys/kernel/tainted) & ~taint_ignore))
	if [ "$rc" = 0 ] && [ "$after" != "$before" ]; then
		echo "# kernel taint changed: $before -> $after"
		rc=1
	fi
	case $rc in
	0) echo "ok $n selftests: epgate: $t" ;;
	4) echo "ok $n selftests: epgate: $t # SKIP" ;;
	124) echo "not ok $n selftests: epgate: $t # TIMEOUT ${timeout}s"; failed=1 ;;
	*) echo "not ok $n selftests: epgate: $t # exit=$rc"; failed=1 ;;
	esac
done
exit $failed
