#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Concurrency.  In the gateway (the initial namespace, so that sysfs shows
# it), in enforce mode, while a paced UDP stream with sequence numbers
# crosses it to an always-allowed port:
#  - three writers at once: one toggles kaspersky (enable, disable, enable
#    with a binding), one symantec (monitor, bound, disable), one loads a
#    3,000-flow set (a multi-message transaction) and a small one in turn;
#  - two readers loop: every sysfs file, and `epgate stats -j`.
# Every writer's command must succeed (enable/disable retry on ESTALE inside
# the tool; both sets carry placeholder kaspersky and symantec flows so that
# a disable always finds its profile), every datagram sent must arrive and
# be counted on its flow, the global sysfs files always read.  Then rmmod
# while a second stream runs: nothing lost across it, the stream goes on,
# and a port enforce dropped passes again.  The VM harness fails the run on
# any kernel warning or oops.
cd "$(dirname "$0")" || exit 1
source ./lib.sh
source ./topology.sh

tap_begin
[ -x "$EPGATE" ] || skip_all "userspace/epgate is not built"
[ -f "$EPGATE_KO" ] || skip_all "no module built for $(uname -r)"
checktool "socat -V" socat
checktool "jq --version" jq
export EPGATE_PROFILE_PATH=$EPGATE_TOP/profiles

tmp=$(mktemp -d)
trap 'touch "$tmp/stop" "$tmp/stop2"; topo_cleanup; epgate_unload; rm -rf "$tmp"' EXIT
epgate_unload
E=$EPGATE
ROUNDS=${ROUNDS:-6}

check "gateway topology is up (gateway = initial namespace)" -- \
	eval 'topo_use_init_gw && topo_setup'
check "the module loads" -- epgate_load

# The two sets the third writer alternates, both with the stream's flow and
# a placeholder flow of each toggled profile.
common='keep   stream  udp 15500-15501 any any
kaspersky placeholder tcp 1 any any
symantec  placeholder tcp 2 any any'
{
	echo "$common"
	for i in $(seq 0 2999); do
		echo "big f$i tcp $((20000 + i)) 10.$((i / 250)).$((i % 250)).0/24 any"
	done
} > "$tmp/big"
{ echo "$common"; echo "small a tcp 3000-3999 any any"; } > "$tmp/small"
check "load the small set, enforce" -- eval '$E load "$tmp/small" && $E mode enforce'

# udp_rx PORT OUT: count distinct sequence numbers until "end".
udp_rx() {
	ip netns exec "$SERVER" python3 - "$1" "$tmp/rx$1.started" > "$2" <<'PY' &
import socket, sys
s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
s.bind(("::", int(sys.argv[1])))
s.settimeout(30)
seen, dup = set(), 0
try:
    while True:
        d = s.recv(64)
        if d == b"end":
            break
        k = int(d)
        if k in seen:
            dup += 1
        seen.add(k)
        if len(seen) == 1:
            open(sys.argv[2], "w").close()
except socket.timeout:
    pass
print(len(seen), dup)
PY
	topo_bg_pids+=($!)
	busywait 5000 listening "$SERVER" udp "$1"
}

# udp_tx PORT PPS STOPFILE MARKFILE OUT: paced, numbered datagrams until
# STOPFILE exists; prints "sent sent_after_MARKFILE_appeared".
udp_tx() {
	ip netns exec "$CLIENT" python3 - "$SERVER_IP4" "$@" <<'PY' &
import os, socket, sys, time
addr, port, pps, stop, mark, out = sys.argv[1], int(sys.argv[2]), \
    int(sys.argv[3]), sys.argv[4], sys.argv[5], sys.argv[6]
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
n = after = 0
t = time.time()
while not os.path.exists(stop):
    s.sendto(b"%d" % n, (addr, port))
    n += 1
    if os.path.exists(mark):
        after += 1
    t += 1.0 / pps
    d = t - time.time()
    if d > 0:
        time.sleep(d)
for i in range(3):
    s.sendto(b"end", (addr, port))
with open(out, "w") as f:
    f.write("%d %d\n" % (n, after))
PY
	topo_bg_pids+=($!)
}

flow_packets() { # PROFILE FLOW
	$E stats -j | jq -r --arg p "$1" --arg f "$2" \
		'.flows[] | select(.profile == $p and .name == $f) | .packets'
}

writer_kaspersky() {
	local i
	for i in $(seq "$ROUNDS"); do
		$E enable kaspersky > /dev/null || { echo "enable kaspersky ($i)"; return 1; }
		$E disable kaspersky > /dev/null || { echo "disable kaspersky ($i)"; return 1; }
		$E enable kaspersky server=10.0.2.0/24 > /dev/null || { echo "enable kaspersky bound ($i)"; return 1; }
	done
}
writer_symantec() {
	local i
	for i in $(seq "$ROUNDS"); do
		$E enable symantec --monitor > /dev/null || { echo "enable symantec --monitor ($i)"; return 1; }
		$E enable symantec server=10.0.2.2 > /dev/null || { echo "enable symantec bound ($i)"; return 1; }
		$E disable symantec > /dev/null || { echo "disable symantec ($i)"; return 1; }
	done
}
writer_load() {
	local i
	for i in $(seq "$ROUNDS"); do
		$E load "$tmp/big" || { echo "load big ($i)"; return 1; }
		$E load "$tmp/small" || { echo "load small ($i)"; return 1; }
	done
}

# Readers run until the stop file; they print "iterations failures".
reader_sysfs() {
	local n=0 bad=0 pbad=0 v f
	while [ ! -e "$tmp/stop" ]; do
		for f in mode generation table_bytes counters/allowed \
			 counters/dropped counters/would_drop counters/malformed; do
			read -r v < "$SYSFS/$f" || bad=$((bad + 1))
		done
		# Profile directories come and go with the writers.
		for f in "$SYSFS"/profiles/*/*; do
			[ -f "$f" ] && { read -r v < "$f" || pbad=$((pbad + 1)); }
		done 2> /dev/null
		n=$((n + 1))
		read -r -t 0.02 -u "$poll_fd"
	done
	echo "$n $bad $pbad"
}
reader_stats() {
	local n=0 bad=0
	while [ ! -e "$tmp/stop" ]; do
		$E stats -j > /dev/null || bad=$((bad + 1))
		n=$((n + 1))
		read -r -t 0.1 -u "$poll_fd"
	done
	echo "$n $bad"
}

storm() {
	local p1 p2 p3 r1 r2 rc=0 g0 sent got dup
	g0=$(cat $SYSFS/generation)
	udp_rx 15500 "$tmp/rx15500"
	udp_tx 15500 300 "$tmp/stop" /nonexistent "$tmp/tx15500"
	busywait 5000 test -e "$tmp/rx15500.started" || return 1
	reader_sysfs > "$tmp/r_sysfs" &
	r1=$!
	reader_stats > "$tmp/r_stats" &
	r2=$!
	writer_kaspersky > "$tmp/w1" 2>&1 &
	p1=$!
	writer_symantec > "$tmp/w2" 2>&1 &
	p2=$!
	writer_load > "$tmp/w3" 2>&1 &
	p3=$!
	wait $p1 || { rc=1; diag "writer 1 failed: $(cat "$tmp/w1")"; }
	wait $p2 || { rc=1; diag "writer 2 failed: $(cat "$tmp/w2")"; }
	wait $p3 || { rc=1; diag "writer 3 failed: $(cat "$tmp/w3")"; }
	echo "$rc" > "$tmp/writers_rc"
	touch "$tmp/stop"
	wait $r1 $r2
	busywait 10000 test -s "$tmp/tx15500" || return 1
	busywait 10000 test -s "$tmp/rx15500" || return 1
	read -r sent _ < "$tmp/tx15500"
	read -r got dup < "$tmp/rx15500"
	diag "writers: $ROUNDS rounds each, $(( $(cat $SYSFS/generation) - g0 )) table swaps"
	diag "readers: sysfs $(awk '{ print $1 " passes, " $2 " failed global reads, " $3 " failed profile reads (directories removed meanwhile)" }' "$tmp/r_sysfs"); stats -j $(awk '{ print $1 " runs, " $2 " failed" }' "$tmp/r_stats")"
	diag "stream: $sent datagrams sent, $got received, $dup duplicates"
	echo "$sent $got" > "$tmp/stream"
	[ "$sent" -gt 0 ] && [ "$sent" = "$got" ] &&
	[ "$(awk '{ print $2 }' "$tmp/r_sysfs")" = 0 ] &&
	[ "$(awk '{ print $2 }' "$tmp/r_stats")" = 0 ]
}
check "3 writers, 2 readers: every datagram of the stream arrived, every global read succeeded" -- storm
check "every writer's command succeeded (ESTALE and EBUSY are the tool's to retry)" -- \
	test "$(cat "$tmp/writers_rc" 2>/dev/null)" = 0

counted() {
	local sent c
	read -r sent _ < "$tmp/stream"
	c=$(flow_packets keep stream)
	diag "keep/stream counted $c packets for $sent datagrams and 3 end markers"
	[ "$c" = $((sent + 3)) ]
}
check "the stream's flow counted every datagram across all the swaps" -- counted
final_set() {
	$E stats -j | jq -e '[.flows[].profile] |
		any(.[]; . == "kaspersky") and any(.[]; . == "keep")' > /dev/null
}
check "final set: kaspersky and the stream's flow present" -- final_set

# rmmod while a second stream runs through the enforcing table.
echo_server "$SERVER" udp 9999
rmmod_under_traffic() {
	local sent after got dup
	fails probe "$CLIENT" udp $SERVER_IP4 9999 || { diag "udp/9999 passed in enforce"; return 1; }
	udp_rx 15501 "$tmp/rx15501"
	udp_tx 15501 300 "$tmp/stop2" "$tmp/unloaded" "$tmp/tx15501"
	busywait 5000 test -e "$tmp/rx15501.started" || return 1
	$E load "$tmp/big" || return 1		# a large table to free
	rmmod epgate || return 1
	touch "$tmp/unloaded"
	probe "$CLIENT" udp $SERVER_IP4 9999 || { diag "udp/9999 still dropped"; return 1; }
	touch "$tmp/stop2"
	busywait 10000 test -s "$tmp/tx15501" || return 1
	busywait 10000 test -s "$tmp/rx15501" || return 1
	read -r sent after < "$tmp/tx15501"
	read -r got dup < "$tmp/rx15501"
	diag "rmmod under traffic: $sent sent ($after after rmmod), $got received"
	[ "$sent" = "$got" ] && [ "$after" -gt 0 ]
}
check "rmmod under a UDP stream: nothing lost, the stream goes on, udp/9999 passes" -- rmmod_under_traffic
tap_end
