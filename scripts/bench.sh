#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench [KVER=<kver>]: epgate's forwarding cost next to nftables,
# ipset and iptables multiport, from 6 to 65,536 ports, a role bound to
# address sets of 1 to 10,000 prefixes next to an nftables interval set,
# its update latency, and the table lookup on the host.
# Documentation/performance.md says how each figure is obtained.
#
#   BENCH_CLOCK     which runs, in this order (default "icount wall"):
#                   icount: the guest's clock counts its instructions
#                   (EPGATE_ICOUNT=0): instructions per packet, whatever
#                   the host does; wall: the host's clock, ns per packet,
#                   then the update latency and the swaps under traffic
#   BENCH_ROUNDS    rounds over every configuration (default 5, at least 5
#                   for published figures)
#   BENCH_SECONDS   length of one pktgen window on the wall clock (default 3)
#   BENCH_ICOUNT_SECONDS  the same under icount (default 1: 10^9 guest
#                   instructions, and the figure does not drift)
#   BENCH_POLICIES  policies (default: vendors 6 1000 10000 65536 set0
#                   set1 set100 set10000); setK: one UDP flow whose
#                   initiator is bound to K prefixes (0: unbound), epgate
#                   and nftables only (scripts/bench-policy.py)
#   BENCH_ONLY      sets: only the setK policies (their own block of
#                   Documentation/performance.md; no update latency, no
#                   host lookup); ports: only the others
#   BENCH_DOC=0     print the table only, leave Documentation/ alone
#   BENCH_LOOKUP=0  skip the host lookup benchmark (quick runs)
#
# The rows of only the address sets, one kernel, the icount boot:
#   BENCH_ONLY=sets BENCH_CLOCK=icount make bench KVER=6.12.118+deb12-amd64
#
# One VM boot per clock (selftests/vm/run.sh) runs scripts/bench-vm.sh; the
# results land in build/bench/CLOCK/, the tables are printed, and the
# kernel's blocks of Documentation/performance.md and their plots are
# written from them.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
kver=${KVER:-$(scripts/kernels.sh | awk '{ print $NF }')}
rounds=${BENCH_ROUNDS:-5}
read -r -a clocks <<< "${BENCH_CLOCK:-icount wall}"
read -r -a policies <<< "${BENCH_POLICIES:-vendors 6 1000 10000 65536 set0 set1 set100 set10000}"
only=${BENCH_ONLY:-}
case $only in
"" | sets | ports) ;;
*) echo "bench: BENCH_ONLY: '$only' is neither sets nor ports" >&2; exit 1 ;;
esac
if [ -n "$only" ]; then
	kept=()
	for p in "${policies[@]}"; do
		case $only:$p in
		sets:set[0-9]* | ports:vendors | ports:[0-9]*) kept+=("$p") ;;
		esac
	done
	policies=("${kept[@]}")
fi
out=$repo/build/bench
gen=$out/gen

die() { echo "bench: $*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "must run as root (the VM harness)"
for t in gnuplot python3 valgrind; do
	command -v $t >/dev/null || die "$t missing (make deps)"
done
[ -f "build/$kver/kernel/epgate.ko" ] || die "no build/$kver/kernel/epgate.ko (make modules)"

for c in "${clocks[@]}"; do
	case $c in
	icount | wall) ;;
	*) die "BENCH_CLOCK: '$c' is neither icount nor wall" ;;
	esac
done
[ ${#policies[@]} -gt 0 ] || die "no policy left to measure (BENCH_POLICIES, BENCH_ONLY)"
# Slots per round: conntrack only (when port policies run), one per system
# and port policy, two per address-set policy (epgate and nft).
nports=0 nsets=0
for p in "${policies[@]}"; do
	case $p in
	set[0-9]*) nsets=$((nsets + 1)) ;;
	*) nports=$((nports + 1)) ;;
	esac
done

rm -rf "$gen" "$out/vm" "$out/results" "$out/icount" "$out/wall"
mkdir -p "$gen"

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
	if [[ $p =~ ^set([0-9]+)$ ]]; then
		k=${BASH_REMATCH[1]}
		$pol set-flows "$k" > "$gen/$p.flows"
		$pol set-nft "$k" > "$gen/$p.nft"
		$pol set-range "$k" > "$gen/$p.range"
		$pol set-src "$k" > "$gen/$p.src"
		continue
	fi
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
lookup=
# The host lookup and the update latency belong to the port policies' block.
if [ "${BENCH_LOOKUP:-1}" = 1 ] && [ "$nports" -gt 0 ]; then
	echo "bench: table lookup on the host (make -C lib bench)"
	make -s --no-print-directory -C lib bench | tee "$gen/lookup.txt"
	lookup=$gen/lookup.txt
fi

# ---- one VM boot per clock ----------------------------------------------------
doc=Documentation/performance.md
[ "${BENCH_DOC:-1}" = 0 ] && doc=
nconf=$((nsets * 2))
[ "$nports" -gt 0 ] && nconf=$((nconf + 2 + 4 * nports))
rc=0
for clock in "${clocks[@]}"; do
	res=$out/$clock/results
	mkdir -p "$res"
	[ -n "$lookup" ] && cp "$lookup" "$res/"
	# Under icount the guest's clock is its instruction count: the
	# update latency would be instructions plus host I/O waits, and
	# the swaps under traffic are the wall-clock run's.
	if [ "$clock" = icount ]; then
		secs=${BENCH_ICOUNT_SECONDS:-1}
		update=0
		vmenv=(EPGATE_ICOUNT=0)
	else
		secs=${BENCH_SECONDS:-3}
		update=${BENCH_UPDATE:-1}
		[ "$nports" -gt 0 ] || update=0
		vmenv=()
	fi
	timeout=$((900 + rounds * (nconf * (4 * secs + 20) + 300)))
	echo "bench: $kver, $clock clock, $rounds rounds x $nconf configurations x 2 x ${secs}s (timeout ${timeout}s)"
	start=$(date +%s)
	load_start=$(cut -d' ' -f1-3 /proc/loadavg)
	env "${vmenv[@]}" EPGATE="$out/epgate" \
		selftests/vm/run.sh -k "$kver" -o "$out/$clock/vm" -t "$timeout" -- \
		env EPGATE="$out/epgate" ${BENCH_SYSTEMS:+BENCH_SYSTEMS="$BENCH_SYSTEMS"} \
		BENCH_UPDATE="$update" \
		${BENCH_UPDATE_N:+BENCH_UPDATE_N="$BENCH_UPDATE_N"} \
		scripts/bench-vm.sh "$gen" "$res" "$rounds" "$secs" "${policies[@]}" ||
		die "the $clock VM run failed (build/bench/$clock/vm/output)"
	echo "bench: $clock VM run took $(( $(date +%s) - start )) s"

	{
		echo "host_cpu	$(lscpu | sed -n 's/^Model name: *//p' | head -1)"
		echo "host_cpus	$(nproc)"
		echo "host_kernel	$(uname -r)"
		echo "qemu	$(qemu-system-x86_64 --version | head -1)"
		echo "tcg	${EPGATE_TCG_THREAD:-single}"
		if [ "$clock" = icount ]; then
			echo "icount	shift=0,sleep=on"
		else
			echo "icount	no"
		fi
		echo "date	$(date -u '+%Y-%m-%d %H:%M UTC')"
		echo "load_start	$load_start"
		echo "load	$(cut -d' ' -f1-3 /proc/loadavg)"
		echo "duration	$(( $(date +%s) - start ))"
	} > "$res/host.txt"

	python3 scripts/bench-report.py --clock "$clock" "$res" "$gen" \
		${doc:+"$doc"} || rc=1
done
exit $rc
