#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench [KVER=<kver>]: epgate's forwarding cost next to nftables,
# ipset and iptables multiport, from 6 to 65,536 ports, its update latency,
# and the table lookup on the host.  Documentation/performance.md says how
# each figure is obtained.
#
#   BENCH_ROUNDS    rounds over every configuration (default 5, at least 5
#                   for published figures)
#   BENCH_SECONDS   length of one pktgen window (default 3)
#   BENCH_POLICIES  policies (default: vendors 6 1000 10000 65536)
#   BENCH_DOC=0     print the table only, leave Documentation/ alone
#   BENCH_LOOKUP=0  skip the host lookup benchmark (quick runs)
#
# One VM boot (selftests/vm/run.sh) runs scripts/bench-vm.sh; the results
# land in build/bench/, the table is printed, and Documentation/
# performance.md and performance.png are written from them.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
kver=${KVER:-$(scripts/kernels.sh | awk '{ print $NF }')}
rounds=${BENCH_ROUNDS:-5}
secs=${BENCH_SECONDS:-3}
read -r -a policies <<< "${BENCH_POLICIES:-vendors 6 1000 10000 65536}"
out=$repo/build/bench
gen=$out/gen

die() { echo "bench: $*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "must run as root (the VM harness)"
for t in gnuplot python3 valgrind; do
	command -v $t >/dev/null || die "$t missing (make deps)"
done
[ -f "build/$kver/kernel/epgate.ko" ] || die "no build/$kver/kernel/epgate.ko (make modules)"

rm -rf "$gen" "$out/vm" "$out/results"
mkdir -p "$gen" "$out/results"

# The tool is copied: others may rebuild userspace/ while the VM runs.
cp userspace/epgate "$out/epgate"

# ---- the policies, for every system ----------------------------------------
export EPGATE_PROFILE_PATH=$repo/profiles
vendors="eset escan symantec kaspersky trendmicro"
for v in $vendors; do
	"$out/epgate" profile show "$v" -j > "$gen/$v.json"
done
pol=scripts/bench-policy.py
for p in "${policies[@]}"; do
	if [ "$p" = vendors ]; then
		# shellcheck disable=SC2046
		$pol vendors $(for v in $vendors; do echo "$gen/$v.json"; done) \
			> "$gen/vendors.flows"
	else
		$pol flows "$p" > "$gen/$p.flows"
		$pol range "$p" > "$gen/$p.range"
	fi
	$pol nft "$gen/$p.flows" > "$gen/$p.nft"
	$pol ipset "$gen/$p.flows" > "$gen/$p.ipset"
	$pol iptables-set "$gen/$p.flows" > "$gen/$p.iptset"
	$pol multiport "$gen/$p.flows" > "$gen/$p.multiport"
done
# Update latency: a table of 10,000 flows, one UDP port each (ports
# 1024-11023); B gives every flow, under the same name, the next flow's
# port, so each swap builds a different table while the flow identities
# (and their counters and sysfs directories) carry over.
$pol flows 10000 1 > "$gen/swap-a.flows"
python3 - "$gen/swap-a.flows" > "$gen/swap-b.flows" <<'EOF'
import sys
flows = [l.split() for l in open(sys.argv[1]) if l.startswith("bench")]
ports = [f[3] for f in flows]
ports = ports[1:] + ports[:1]
print("# swap-a's 10,000 flows, each with the next one's port")
for f, p in zip(flows, ports):
    print(" ".join(f[:3] + [p] + f[4:]))
EOF

# ---- the lookup on the host (make bench-lookup) -----------------------------
if [ "${BENCH_LOOKUP:-1}" = 1 ]; then
	echo "bench: table lookup on the host (make -C lib bench)"
	make -s --no-print-directory -C lib bench | tee "$out/results/lookup.txt"
fi

# ---- one VM boot --------------------------------------------------------------
nconf=$((2 + 4 * ${#policies[@]}))
timeout=$((900 + rounds * (nconf * (4 * secs + 20) + 300)))
echo "bench: $kver, $rounds rounds x $nconf configurations x 2 x ${secs}s (timeout ${timeout}s)"
start=$(date +%s)
load_start=$(cut -d' ' -f1-3 /proc/loadavg)
EPGATE=$out/epgate selftests/vm/run.sh -k "$kver" -o "$out/vm" -t "$timeout" -- \
	env EPGATE="$out/epgate" ${BENCH_SYSTEMS:+BENCH_SYSTEMS="$BENCH_SYSTEMS"} \
	${BENCH_UPDATE:+BENCH_UPDATE="$BENCH_UPDATE"} \
	${BENCH_UPDATE_N:+BENCH_UPDATE_N="$BENCH_UPDATE_N"} scripts/bench-vm.sh "$gen" "$out/results" \
	"$rounds" "$secs" "${policies[@]}" ||
	die "the VM run failed (build/bench/vm/output)"
echo "bench: VM run took $(( $(date +%s) - start )) s"

# ---- the host ------------------------------------------------------------------
{
	echo "host_cpu	$(lscpu | sed -n 's/^Model name: *//p' | head -1)"
	echo "host_cpus	$(nproc)"
	echo "host_kernel	$(uname -r)"
	echo "qemu	$(qemu-system-x86_64 --version | head -1)"
	echo "tcg	${EPGATE_TCG_THREAD:-single}"
	echo "date	$(date -u '+%Y-%m-%d %H:%M UTC')"
	echo "load_start	$load_start"
	echo "load	$(cut -d' ' -f1-3 /proc/loadavg)"
	echo "duration	$(( $(date +%s) - start ))"
} > "$out/results/host.txt"

doc=Documentation/performance.md
[ "${BENCH_DOC:-1}" = 0 ] && doc=
python3 scripts/bench-report.py "$out/results" "$gen" ${doc:+"$doc"}
