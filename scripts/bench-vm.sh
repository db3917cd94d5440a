#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# bench-vm.sh GENDIR OUTDIR ROUNDS SECONDS POLICY...
#
# The guest half of `make bench` (scripts/bench.sh boots the VM and reads
# OUTDIR).  The VM itself is the gateway (its initial namespace); the client
# and server are namespaces behind veths (selftests/topology.sh).
#
# Driver: pktgen in netif_receive mode on g0 (the client side), burst 1:
# every 64-byte UDP packet (60 bytes + FCS) from 10.0.1.2:9 to 10.0.2.2
# runs the whole receive -> forward -> veth path synchronously on one CPU;
# pktgen's own figure (packets / elapsed) is the forwarding rate.  Sink: a
# netdev-ingress "counter drop" on s0 in the server namespace counts what
# crossed.  Destination ports are drawn at random (UDPDST_RND) from the
# policy's allowed range, so every table entry is touched and a linear
# matcher pays its average depth; or sent to one dropped port.
#
# Configurations, interleaved round-robin, each one set up from a clean
# gateway and torn down after its measurements:
#   none                no filter, conntrack not attached (no module loaded)
#   ct                  conntrack only: attached by an nft rule in a chain
#                       no hook calls (nf_ct_netns_get), nothing filters
#   epgate/P            ct + epgate.ko in enforce with policy P
#   nft/P               ct + nft table: ct state established,related accept,
#                       then the port set of P (GENDIR/P.nft)
#   ipset/P             ct + iptables: conntrack rule, then one
#                       "-m set --match-set" rule per protocol (bitmap:port)
#   multiport/P         ct + iptables: conntrack rule, then "-m multiport"
#                       rules of 15 ports
#   epgate/setK         ct + epgate.ko in enforce with one UDP flow whose
#                       initiator is bound to K prefixes (GENDIR/setK.flows)
#   nft/setK            ct + the same policy as an nft interval set of
#                       ipv4_addr . inet_service (GENDIR/setK.nft)
# The setK traffic comes from an address inside the set (GENDIR/setK.src:
# allowed) and from one in the gap after it (dropped), one port; while it
# runs the gateway has a route to 10.0.0.0/8 via the client's side, so that
# those sources pass the reverse-path check as 10.0.1.2 does.  Only
# epgate and nft measure setK; the conntrack-only slot runs when a port
# policy does.
# Conntrack is warmed alike for all of them: at the start of each round,
# with conntrack attached, one packet to every destination port 0..65535
# (the UDP timeout is raised to an hour so that no entry expires), so every
# measured packet finds a confirmed entry (unreplied UDP: ctstate NEW, so
# the port match is always evaluated).
#
# Each configuration is measured in a slot together with its baseline
# (slot()).  Results (tab-separated) in OUTDIR: results.tsv (round slot
# config traffic pps sent errors delivered), setup.tsv (round config ms to
# install, ms to remove), update.tsv, swap.txt, env.txt.
set -u

gen=$1 out=$2 rounds=$3 secs=$4
shift 4
policies=("$@")

cd "$(dirname "$0")/../selftests" || exit 1
source ./lib.sh
source ./topology.sh
export EPGATE_PROFILE_PATH=$EPGATE_TOP/profiles
VENDORS="eset escan symantec kaspersky trendmicro"

PG=/proc/net/pktgen
SPORT=9
DROP_PORT=60000
STREAM_PORT=5000
SWAPS=100
UPDATE_N=${BENCH_UPDATE_N:-7}

fail() {
	echo "bench-vm: $*" >&2
	exit 1
}

log() {
	echo "# $(date +%T) $*"
}

cleanup() {
	topo_cleanup
	nft flush ruleset 2>/dev/null
	epgate_unload 2>/dev/null
}
trap cleanup EXIT

mkdir -p "$out" || exit 1
: > "$out/results.tsv"
: > "$out/update.tsv"
: > "$out/setup.tsv"

# ---- the gateway, the sink and the driver ---------------------------------

modprobe -a nf_conntrack pktgen || fail "modprobe nf_conntrack pktgen"
echo 65536 > /sys/module/nf_conntrack/parameters/hashsize
sysctl -qw net.netfilter.nf_conntrack_max=262144 ||
	fail "nf_conntrack_max"
epgate_unload

topo_use_init_gw || fail "topo_use_init_gw"
topo_setup || fail "topology"
sysctl -qw net.netfilter.nf_conntrack_udp_timeout=3600 \
	net.netfilter.nf_conntrack_udp_timeout_stream=3600 ||
	fail "udp timeouts"

# The setK policies in this run, for warm().
set_pols=()
for p in "${policies[@]}"; do
	[[ $p == set[0-9]* ]] && set_pols+=("$p")
done

g0mac=$(< /sys/class/net/g0/address)
s0mac=$(ip -n "$SERVER" -o link show s0) &&
	[[ $s0mac =~ link/ether\ ([0-9a-f:]+) ]] && s0mac=${BASH_REMATCH[1]} ||
	fail "no s0 address"
ip neigh replace 10.0.2.2 lladdr "$s0mac" dev g1 nud permanent ||
	fail "static neighbour"

ip netns exec "$SERVER" nft -f - <<EOF || fail "sink"
table netdev sink {
	counter pk { }
	chain in {
		type filter hook ingress device s0 priority 0; policy accept;
		meta protocol ip udp sport $SPORT counter name "pk" drop
	}
}
EOF

pg_set() { # FILE COMMAND
	echo "$2" > "$PG/$1" || fail "pktgen: $1: $2"
}

pg_set kpktgend_0 rem_device_all
pg_set kpktgend_0 "add_device g0"
for c in "xmit_mode netif_receive" "pkt_size 60" "burst 1" "clone_skb 0" \
	"delay 0" "dst_mac $g0mac" "src_min $CLIENT_IP4" "src_max $CLIENT_IP4" \
	"dst_min 10.0.2.2" "dst_max 10.0.2.2" "udp_src_min $SPORT" \
	"udp_src_max $SPORT"; do
	pg_set g0 "$c"
done

pg_src() { # ADDR: the source address of the packets from now on
	pg_set g0 "src_min $1"
	pg_set g0 "src_max $1"
}

# set_route on|off: the route that lets the setK sources (10.0.0.0/8
# outside the gateway's own subnets) in through g0.
set_route() {
	if [ "$1" = on ]; then
		ip route replace 10.0.0.0/8 via $CLIENT_IP4 dev g0 ||
			fail "route to 10.0.0.0/8"
	else
		ip route del 10.0.0.0/8 via $CLIENT_IP4 dev g0 ||
			fail "route to 10.0.0.0/8 (delete)"
	fi
}

pg_ports() { # LO HI rnd|seq
	pg_set g0 "udp_dst_min $1"
	pg_set g0 "udp_dst_max $2"
	if [ "$3" = rnd ]; then
		pg_set g0 "flag UDPDST_RND"
	else
		pg_set g0 "flag !UDPDST_RND"
	fi
}

# pg_result: "PPS SENT ERRORS" of the last run.
pg_result() {
	local text
	text=$(< "$PG/g0")
	[[ $text =~ Result:\ OK:\ ([0-9]+)\(c[0-9]+\+d[0-9]+\)\ usec,\ ([0-9]+)\ \( ]] ||
		fail "pktgen result: ${text##*Result:}"
	local usec=${BASH_REMATCH[1]} sent=${BASH_REMATCH[2]}
	[[ $text =~ errors:\ ([0-9]+) ]] || fail "pktgen errors"
	local errors=${BASH_REMATCH[1]}
	echo "$((sent * 1000000 / usec)) $sent $errors"
}

# pg_count N: send N packets, wait for the end.
pg_count() {
	pg_set g0 "count $1"
	pg_set pgctrl start
}

# pg_secs S: send for S seconds.
pg_secs() {
	local pid
	pg_set g0 "count 0"
	echo start > "$PG/pgctrl" &
	pid=$!
	read -r -t "$1" -u "$poll_fd"
	pg_set pgctrl stop
	wait "$pid"
}

sink_reset() { # prints the packets counted since the last reset
	local text
	text=$(ip netns exec "$SERVER" nft reset counter netdev sink pk) ||
		fail "sink counter"
	[[ $text =~ packets\ ([0-9]+) ]] || fail "sink counter: $text"
	echo "${BASH_REMATCH[1]}"
}

# ---- configurations ---------------------------------------------------------

ct_hold() {
	nft -f - <<-EOF || fail "conntrack holder"
	table inet epgct {
		chain hold {
			ct state established accept
		}
	}
	EOF
}

ipsets=0

# cfg_up CONFIG: from a clean gateway, or one with only conntrack
# attached (ct_hold), to CONFIG.
cfg_up() {
	local sys=${1%%/*} pol=${1#*/}
	case $sys in
	ct) ct_hold ;;
	epgate)
		epgate_load || fail "insmod"
		if [ "$pol" = vendors ]; then
			# shellcheck disable=SC2086
			"$EPGATE" enable $VENDORS >/dev/null || fail "enable"
		else
			"$EPGATE" load "$gen/$pol.flows" || fail "load $pol"
		fi
		"$EPGATE" mode enforce || fail "mode"
		;;
	nft)
		nft -f "$gen/$pol.nft" || fail "nft $pol"
		;;
	ipset)
		ipset restore < "$gen/$pol.ipset" || fail "ipset $pol"
		ipsets=1
		iptables-restore < "$gen/$pol.iptset" || fail "iptables set $pol"
		;;
	multiport)
		iptables-restore < "$gen/$pol.multiport" ||
			fail "iptables multiport $pol"
		;;
	*) fail "unknown configuration $1" ;;
	esac
}

# cfg_down: back to a clean gateway (iptables-nft's tables are nft tables).
cfg_down() {
	nft flush ruleset || fail "nft flush"
	if [ "$ipsets" = 1 ]; then
		ipset destroy || fail "ipset destroy"
		ipsets=0
	fi
	epgate_unload || fail "rmmod"
}

# allowed_range POLICY: "LO HI" of the ports the traffic is drawn from.
allowed_range() {
	case $1 in
	ct) echo "0 65535" ;;
	vendors) echo "15000 15000" ;;	# kaspersky udp/15000
	*)
		local r
		r=$(< "$gen/$1.range") || fail "no range for $1"
		echo "$r"
		;;
	esac
}

# sources POLICY: "ALLOW DROP", the source addresses of the allowed and
# dropped traffic ("-": no dropped traffic).  The port policies' traffic
# comes from the client and is dropped by its port (DROP_PORT).
sources() {
	case $1 in
	set[0-9]*)
		local r
		r=$(< "$gen/$1.src") || fail "no sources for $1"
		echo "$r"
		;;
	*) echo "$CLIENT_IP4 $CLIENT_IP4" ;;
	esac
}

# window ROUND SLOT CONFIG allow|drop LO HI [SRC]: one pktgen window, one
# line of results.tsv.  The dropped traffic goes to DROP_PORT, or with SRC
# (an address-set policy) to LO from SRC.
window() {
	local res delivered
	if [ "$4" = allow ]; then
		pg_ports "$5" "$6" rnd
	elif [ -n "${7:-}" ]; then
		pg_src "$7"
		pg_ports "$5" "$5" seq
	else
		pg_ports $DROP_PORT $DROP_PORT seq
	fi
	sink_reset > /dev/null
	pg_secs "$secs"
	res=$(pg_result)
	delivered=$(sink_reset)
	printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" "${res// /	}" \
		"$delivered" | tee -a "$out/results.tsv"
}

# slot ROUND CONFIG: the baseline windows, then CONFIG's, back to back, so
# that every figure has a baseline taken within seconds of it (the host's
# load drifts; Documentation/performance.md).  The baseline of "ct" is
# "none"; of everything else, "ct" (set up, measured, then the filter
# added on top of it).
slot() {
	local r=$1 cfg=$2 pol base lo hi drop t0 t1 t2 t3 src dsrc=
	pol=${cfg#*/}
	read -r lo hi <<< "$(allowed_range "$pol")"
	read -r src dsrc <<< "$(sources "$pol")"
	if [ "$cfg" = ct ]; then
		base=none
	else
		base=ct
		ct_hold
	fi
	# A policy that allows DROP_PORT (65,536: every port a flow can name,
	# 1-65535) has no dropped port to send to.
	drop=1
	[ "$cfg" != ct ] && [ "$lo" -le $DROP_PORT ] && [ "$hi" -ge $DROP_PORT ] &&
		drop=0
	# An address-set policy drops by source; an unbound role (set0) has
	# no source outside it.
	if [[ $pol == set[0-9]* ]]; then
		set_route on
		if [ "$dsrc" = - ]; then
			drop=0
		fi
	else
		dsrc=
	fi
	# The baseline sees the same traffic (sources, ports) as the filter.
	pg_src "$src"
	window "$r" "$cfg" "$base" allow "$lo" "$hi"
	[ $drop = 1 ] && window "$r" "$cfg" "$base" drop "$lo" "$hi" $dsrc
	t0=$EPOCHREALTIME
	cfg_up "$cfg"
	t1=$EPOCHREALTIME
	pg_src "$src"
	window "$r" "$cfg" "$cfg" allow "$lo" "$hi"
	[ $drop = 1 ] && window "$r" "$cfg" "$cfg" drop "$lo" "$hi" $dsrc
	t2=$EPOCHREALTIME
	cfg_down
	t3=$EPOCHREALTIME
	if [[ $pol == set[0-9]* ]]; then
		set_route off
		pg_src $CLIENT_IP4
	fi
	printf '%s\t%s\t%d\t%d\n' "$r" "$cfg" \
		$(( (${t1/./} - ${t0/./}) / 1000 )) \
		$(( (${t3/./} - ${t2/./}) / 1000 )) >> "$out/setup.tsv"
}

# warm: one packet of every flow the round's windows send, conntrack
# attached: from the client to every port, and from each address-set
# policy's sources to its port.
warm() {
	local p lo hi src dsrc s
	ct_hold
	pg_src $CLIENT_IP4
	pg_ports 0 65535 seq
	pg_count 65536
	if [ ${#set_pols[@]} -gt 0 ]; then
		set_route on
		for p in "${set_pols[@]}"; do
			read -r lo hi <<< "$(allowed_range "$p")"
			read -r src dsrc <<< "$(sources "$p")"
			pg_ports "$lo" "$hi" seq
			for s in $src $dsrc; do
				[ "$s" = - ] && continue
				pg_src "$s"
				pg_count $((hi - lo + 1))
			done
		done
		set_route off
		pg_src $CLIENT_IP4
	fi
	sink_reset > /dev/null
	nft flush ruleset
}

configs=()
for p in "${policies[@]}"; do
	[[ $p == set[0-9]* ]] && continue
	configs=(ct)
	break
done
for p in "${policies[@]}"; do
	for s in ${BENCH_SYSTEMS:-epgate nft ipset multiport}; do
		# Address sets: epgate against nftables only.
		[[ $p == set[0-9]* ]] && [ "$s" != epgate ] && [ "$s" != nft ] &&
			continue
		configs+=("$s/$p")
	done
done

{
	echo "kernel	$(uname -r)"
	echo "guest_cpu	$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2-)"
	if grep -qw avx2 /proc/cpuinfo; then
		echo "guest_avx2	yes"
	else
		echo "guest_avx2	no"
	fi
	echo "guest_cpus	$(nproc)"
	echo "nft	$(nft -v)"
	echo "iptables	$(iptables -V)"
	echo "ipset	$(ipset -v | head -1)"
	echo "rounds	$rounds"
	echo "seconds	$secs"
	echo "configs	${configs[*]}"
	echo "rp_filter	all $(< /proc/sys/net/ipv4/conf/all/rp_filter), g0 $(< /proc/sys/net/ipv4/conf/g0/rp_filter)"
} > "$out/env.txt"

log "pps in $secs s windows, $rounds rounds of ${#configs[@]} slots"
for ((r = 1; r <= rounds; r++)); do
	log "round $r: warming conntrack"
	warm
	log "conntrack: $(< /proc/sys/net/netfilter/nf_conntrack_count) entries"
	for c in "${configs[@]}"; do
		slot "$r" "$c"
	done
done

# ---- update latency and swaps under traffic ---------------------------------

[ "${BENCH_UPDATE:-1}" = 0 ] && exit 0

epgate_load || fail "insmod"
"$EPGATE" load "$gen/swap-a.flows" || fail "load swap-a"
"$EPGATE" mode enforce || fail "mode"

# Per swap: (time of 14 swaps - time of 4 swaps) / 10; the exec and
# the parsing of both files cancel out.
log "update latency: $UPDATE_N x (14 - 4 swaps of a 10,000-flow table)"
for ((i = 1; i <= UPDATE_N; i++)); do
	t0=$EPOCHREALTIME
	"$EPGATE" load --repeat 2 "$gen/swap-a.flows" "$gen/swap-b.flows" ||
		fail "swap"
	t1=$EPOCHREALTIME
	"$EPGATE" load --repeat 7 "$gen/swap-a.flows" "$gen/swap-b.flows" ||
		fail "swap"
	t2=$EPOCHREALTIME
	us1=$(( ${t1/./} - ${t0/./} ))
	us2=$(( ${t2/./} - ${t1/./} ))
	printf '%d\t%d\t%d\t%d\n' "$i" "$us1" "$us2" $(( (us2 - us1) / 10 )) |
		tee -a "$out/update.tsv"
done

log "$SWAPS swaps under a paced UDP stream"
rxfile=/tmp/bench-rx txfile=/tmp/bench-tx
rm -f $rxfile $txfile
ip netns exec "$SERVER" python3 -c '
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("0.0.0.0", int(sys.argv[1])))
seen = set()
s.settimeout(30)
first = True
while True:
    try:
        d = s.recv(64)
    except socket.timeout:
        break
    if first:
        open(sys.argv[2] + ".up", "w").close()
        first = False
        s.settimeout(2)
    seen.add(int(d.split()[0]))
with open(sys.argv[2], "w") as f:
    f.write("%d %d\n" % (len(seen), max(seen) + 1 if seen else 0))
' $STREAM_PORT $rxfile &
rxpid=$!
busywait 10000 listening "$SERVER" udp $STREAM_PORT || fail "receiver"
ip netns exec "$CLIENT" python3 -c '
import signal, socket, sys, time
stop = False
def handler(sig, frm):
    global stop
    stop = True
signal.signal(signal.SIGTERM, handler)
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.connect(("10.0.2.2", int(sys.argv[1])))
n = 0
while not stop:
    s.send(b"%d\n" % n)
    n += 1
    time.sleep(0.002)
open(sys.argv[2], "w").write("%d\n" % n)
' $STREAM_PORT $txfile &
txpid=$!
busywait 10000 test -e $rxfile.up || fail "the stream does not arrive"
gen0=$(< /sys/kernel/epgate/generation)
t0=$EPOCHREALTIME
"$EPGATE" load --repeat $((SWAPS / 2)) "$gen/swap-a.flows" "$gen/swap-b.flows" ||
	fail "swaps"
t1=$EPOCHREALTIME
gen1=$(< /sys/kernel/epgate/generation)
kill -TERM $txpid
wait $txpid
wait $rxpid
read -r sent < $txfile
read -r received maxseq < $rxfile
{
	echo "swaps	$((gen1 - gen0))"
	echo "swap_seconds	$(( (${t1/./} - ${t0/./}) / 1000 ))e-3"
	echo "sent	$sent"
	echo "received	$received"
	echo "highest	$maxseq"
	echo "dropped	$(< /sys/kernel/epgate/counters/dropped)"
} | tee "$out/swap.txt"
epgate_unload
exit 0
