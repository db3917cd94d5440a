#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# check.sh KVER...: what `make check` runs once everything is built.
#   1. static checks of the module (W=1, sparse) for every kernel
#   2. host unit tests (userspace, shared table code), the same under
#      ASan/UBSan and valgrind, the libFuzzer targets for a bounded time,
#      bash completion, hostile input to the tool (no kernel needed)
#   3. the selftests in one VM boot per kernel
#   4. DKMS: dkms builds for every kernel on the host, then each loads in
#      the VM (after the selftests: while it runs, /lib/modules holds an
#      epgate that a VM would autoload)
#   5. Debian packages: make deb, lintian, then apt install, upgrade,
#      remove and purge in one VM boot per kernel, in an overlay of the
#      root file system (the host is not touched)
# Every part leaves TAP under build/check/; the last line is the total of
# leaf results: "N passed, N failed[, N skipped]".
set -u

repo=$(cd "$(dirname "$0")/.." && pwd)
out=$repo/build/check
rm -rf "$out"
mkdir -p "$out"
cd "$repo" || exit 1

# Leaf results of a TAP file.  Host tests print plain TAP; the VM runner
# prints one line per test program with the program's own TAP as "# "
# lines.  A program that failed without a failing subtest (it crashed or
# timed out) counts as one failure.
tally() {
	awk '
	/^# selftests: epgate:/ { blockfail = 0; next }
	/^# (not )?ok [0-9]+/ {
		if ($0 ~ /# SKIP/) skip++
		else if ($2 == "not") { fail++; blockfail++ }
		else pass++
		next
	}
	/^not ok [0-9]+ selftests: epgate:/ { if (!blockfail) fail++; next }
	/^ok [0-9]+ selftests: epgate: .*# SKIP/ { skip++; next }
	/^ok [0-9]+ selftests: epgate:/ { next }
	/^ok / { if ($0 ~ /# SKIP/) skip++; else pass++; next }
	/^not ok / { fail++; next }
	END { printf "%d %d %d\n", pass, fail, skip }
	' "$1"
}

total_pass=0 total_fail=0 total_skip=0
section() { # NAME TAPFILE
	local p f s
	read -r p f s < <(tally "$2")
	total_pass=$((total_pass + p))
	total_fail=$((total_fail + f))
	total_skip=$((total_skip + s))
	printf '== %-40s %3d passed, %d failed, %d skipped\n' "$1" "$p" "$f" "$s"
}

# One synthetic TAP line for a step that is a test by itself.
step() { # TAPFILE DESCRIPTION COMMAND...
	local tap=$1 desc=$2
	shift 2
	if "$@" > "$tap.log" 2>&1; then
		echo "ok 1 - $desc" > "$tap"
	else
		echo "not ok 1 - $desc (see ${tap#"$repo"/}.log)" > "$tap"
		cat "$tap.log"
	fi
}

echo "== static checks"
for k in "$@"; do
	step "$out/sparse-$k.tap" "epgate.ko for $k: W=1 and sparse (C=2) clean" \
		make -s sparse-"$k"
	section "static $k" "$out/sparse-$k.tap"
done

echo "== host unit tests"
{ make -s -C userspace check; make -s -C lib check; } 2>&1 | tee "$out/host.tap"
section "host unit tests" "$out/host.tap"

echo "== sanitizers, valgrind, fuzzing, completion, input"
make -s -C userspace check-asan 2>&1 | tee "$out/asan.tap"
section "host unit tests under ASan/UBSan" "$out/asan.tap"
step "$out/valgrind.tap" "userspace unit tests under valgrind" \
	make -s -C userspace check-valgrind
section "valgrind" "$out/valgrind.tap"
scripts/fuzz.sh 2>&1 | tee "$out/fuzz.tap"
section "libFuzzer (${FUZZ_SECONDS:-60} s per target)" "$out/fuzz.tap"
selftests/epgate_completion.sh 2>&1 | tee "$out/completion.tap"
section "bash completion" "$out/completion.tap"
selftests/epgate_input.sh 2>&1 | tee "$out/input.tap"
section "hostile input, no kernel" "$out/input.tap"

for k in "$@"; do
	echo "== VM selftests on $k"
	selftests/vm/run.sh -k "$k" -o "$out/vm-$k" -t 2700 -- make -s -C selftests run_tests \
		2>&1 | tee "$out/$k.tap"
	vmrc=${PIPESTATUS[0]}
	# The harness itself: guest finished and the kernel log is clean.
	if [ "$vmrc" = 0 ]; then
		echo "ok - $k: guest completed, kernel log clean" >> "$out/$k.tap"
	elif ! grep -q '^not ok' "$out/$k.tap"; then
		echo "not ok - $k: guest did not complete cleanly (exit $vmrc)" >> "$out/$k.tap"
	fi
	section "VM selftests $k" "$out/$k.tap"
done

echo "== DKMS (host build, VM load)"
scripts/dkms-test.sh "$@" 2>&1 | tee "$out/dkms.tap"
section "DKMS" "$out/dkms.tap"

echo "== Debian packages (make deb, apt in a VM overlay)"
scripts/deb-test.sh "$@" 2>&1 | tee "$out/deb.tap"
section "Debian packages" "$out/deb.tap"

summary="$total_pass passed, $total_fail failed"
[ "$total_skip" -gt 0 ] && summary="$summary, $total_skip skipped"
echo "$summary" > "$out/summary"
echo "$summary"
[ "$total_fail" = 0 ]
