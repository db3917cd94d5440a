#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# fuzz.sh [TARGET...]: build every libFuzzer target (clang, ASan, UBSan)
# and run each for FUZZ_SECONDS (default 60) on a copy of its committed
# corpus, so that the inputs it finds do not dirty the tree.  Prints TAP,
# one line per target with the runs and runs per second; exits non-zero if
# a target crashed, leaked, timed out or did not build.  A crashing input
# and the log are kept in build/fuzz/TARGET/.  Without clang every target
# is skipped (Debian: apt-get install clang libclang-rt-14-dev).
#
#   targets              corpus
#   lib/tests/fuzz_table           lib/tests/corpus/table/
#   userspace/tests/fuzz_profile   userspace/tests/corpus/profile/
#   userspace/tests/fuzz_flowlist  userspace/tests/corpus/flowlist/
#   userspace/tests/fuzz_addrset   userspace/tests/corpus/addrset/
#   userspace/tests/fuzz_save      userspace/tests/corpus/save/
#                                  (first byte: even = trailer checked)
#   userspace/tests/fuzz_names     userspace/tests/corpus/names/
#                                  (first byte: even = the names state
#                                  file, odd = a hostname)
set -u

repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo" || exit 1
seconds=${FUZZ_SECONDS:-60}
out=$repo/build/fuzz

# name  binary  corpus  make-dir
targets=(
	"table lib/tests/fuzz_table lib/tests/corpus/table lib"
	"profile userspace/tests/fuzz_profile userspace/tests/corpus/profile userspace"
	"flowlist userspace/tests/fuzz_flowlist userspace/tests/corpus/flowlist userspace"
	"save userspace/tests/fuzz_save userspace/tests/corpus/save userspace"
	"addrset userspace/tests/fuzz_addrset userspace/tests/corpus/addrset userspace"
	"names userspace/tests/fuzz_names userspace/tests/corpus/names userspace"
)
if [ $# -gt 0 ]; then
	sel=()
	for t in "${targets[@]}"; do
		for want in "$@"; do
			[ "${t%% *}" = "$want" ] && sel+=("$t")
		done
	done
	targets=("${sel[@]}")
fi

echo "TAP version 13"
echo "1..${#targets[@]}"
n=0 failed=0

have_fuzzer() {
	command -v "${FUZZ_CC:-clang}" > /dev/null &&
	echo 'int LLVMFuzzerTestOneInput(const char *d, long n) { return 0; }' |
		"${FUZZ_CC:-clang}" -x c -fsanitize=fuzzer -o /dev/null - 2> /dev/null
}
if ! have_fuzzer; then
	for t in "${targets[@]}"; do
		n=$((n + 1))
		echo "ok $n - fuzz ${t%% *} # SKIP clang with libFuzzer not installed (clang libclang-rt-14-dev)"
	done
	exit 0
fi

for t in "${targets[@]}"; do
	read -r name bin corpus dir <<< "$t"
	n=$((n + 1))
	mkdir -p "$out/$name"
	rm -f "$out/$name"/crash-* "$out/$name"/leak-* "$out/$name"/timeout-* \
		"$out/$name"/oom-*
	if ! make -s -C "$dir" "${bin#"$dir"/}" > "$out/$name/build.log" 2>&1; then
		echo "not ok $n - fuzz $name: build failed (build/fuzz/$name/build.log)"
		sed 's/^/# /' "$out/$name/build.log" | tail -5
		failed=1
		continue
	fi
	work=$(mktemp -d "/tmp/epgate-fuzz-$name.XXXXXX")
	ninputs=0
	if [ -d "$corpus" ]; then
		cp -r "$corpus"/. "$work"/
		ninputs=$(find "$work" -type f | wc -l)
	fi
	nice -n 10 "./$bin" -max_total_time="$seconds" -timeout=10 \
		-rss_limit_mb=2048 -print_final_stats=1 \
		-artifact_prefix="$out/$name/" "$work" > "$out/$name/fuzz.log" 2>&1
	rc=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$out/$name/fuzz.log")
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$out/$name/fuzz.log")
	cov=$(grep -Eo 'cov: [0-9]+' "$out/$name/fuzz.log" | tail -1)
	after=$(find "$work" -type f | wc -l)
	rm -rf "$work"
	desc="fuzz $name: ${runs:-?} runs in ${seconds} s (${rate:-?}/s), ${cov:-cov: ?}, corpus $ninputs -> $after inputs"
	if [ "$rc" = 0 ]; then
		echo "ok $n - $desc"
	else
		echo "not ok $n - $desc: exit $rc, see build/fuzz/$name/"
		grep -E '^(==[0-9]+==ERROR|SUMMARY|.*runtime error)' "$out/$name/fuzz.log" |
			head -5 | sed 's/^/# /'
		ls "$out/$name" | grep -E '^(crash|leak|timeout|oom)-' | sed 's/^/# artifact: /'
		failed=1
	fi
done
exit $failed
