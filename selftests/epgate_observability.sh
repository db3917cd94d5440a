#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Counters, the sysfs tree and drop logging, with the gateway in the initial
# namespace (the one /sys/kernel/epgate shows):
#
#   client 10.0.1.2 -- [init namespace: gateway, epgate] -- server 10.0.2.2
#
# Exact numbers of UDP datagrams are echoed or dropped, and every counter
# must move by exactly that: the flow's, its profile's and the global ones,
# in sysfs and in `epgate stats -j`.  Then: counters survive other profiles
# and swaps, a reset zeroes them, directories come and go with profiles, a
# reader loops over every file while profiles toggle under traffic, NFLOG
# and the kernel log see the drops, and rmmod with a sysfs file open.
cd "$(dirname "$0")" || exit 1
source ./lib.sh
source ./topology.sh

tap_begin
[ -x "$EPGATE" ] || skip_all "userspace/epgate is not built"
[ -f "$EPGATE_KO" ] || skip_all "no module built for $(uname -r)"
checktool "jq --version" jq
checktool "tcpdump --version" tcpdump
export EPGATE_PROFILE_PATH=$EPGATE_TOP/profiles
E=$EPGATE
P=$SYSFS/profiles

trap 'topo_cleanup; epgate_unload' EXIT
epgate_unload
topo_use_init_gw || skip_all "cannot name the initial namespace"
topo_setup || skip_all "cannot build the topology"
epgate_load || skip_all "cannot load epgate.ko"

topo_bg ip netns exec "$SERVER" python3 netprobe.py serve \
	udp:13000 udp:137 udp:9999 tcp:13000 > /dev/null
for p in 13000 137 9999; do
	busywait 5000 listening "$SERVER" udp $p || skip_all "echo service"
done

# burst PORT COUNT SIZE: COUNT datagrams client -> server, each waiting for
# its echo; prints how many came back.
burst() {
	ip netns exec "$CLIENT" python3 netprobe.py burst -t "${4:-1}" \
		"udp:$SERVER_IP4:$1" "$2" "$3" | awk '{ print $4 }'
}
val() { local v; read -r v < "$1" && echo "$v"; }

$E mode enforce > /dev/null
$E enable kaspersky > /dev/null 2>&1

tree() {
	[ -d $P/kaspersky/flows/agent-shutdown ] &&
	[ "$(val $P/kaspersky/enabled)" = 1 ] &&
	[ "$(val $P/kaspersky/mode)" = enforce ] &&
	[ "$(val $P/kaspersky/would_drop)" = 0 ] &&
	[ "$(val $P/kaspersky/dropped)" = 0 ] &&
	[ "$(val $P/kaspersky/flows/agent-shutdown/packets)" = 0 ] &&
	[ "$(val $P/kaspersky/flows/agent-server/bytes)" = 0 ] &&
	[ "$(ls $P/kaspersky/flows | wc -l)" = "$($E stats -j | jq '[.flows[] | select(.profile == "kaspersky")] | length')" ]
}
check "enable: profiles/kaspersky and a directory per flow appear" -- tree

# 25 echoed datagrams of 100 bytes: 50 packets of 128 bytes (IP length).
exact_allowed() {
	local a0 got
	a0=$(val $SYSFS/counters/allowed)
	got=$(burst 13000 25 100) && [ "$got" = 25 ] &&
	[ "$(val $P/kaspersky/flows/agent-shutdown/packets)" = 50 ] &&
	[ "$(val $P/kaspersky/flows/agent-shutdown/bytes)" = 6400 ] &&
	[ "$(val $P/kaspersky/packets)" = 50 ] &&
	[ "$(val $P/kaspersky/bytes)" = 6400 ] &&
	[ "$(val $SYSFS/counters/allowed)" = $((a0 + 50)) ] &&
	$E stats -j | jq -e '
		(.flows[] | select(.profile == "kaspersky" and .name == "agent-shutdown") |
		 .packets == 50 and .bytes == 6400) and
		(.profiles[] | select(.name == "kaspersky") |
		 .packets == 50 and .bytes == 6400)' > /dev/null
}
check "25 echoed datagrams: flow, profile and global counters +50, bytes exact" -- exact_allowed

exact_dropped() {
	local d0 got
	d0=$(val $SYSFS/counters/dropped)
	got=$(burst 9999 7 100 0.2) && [ "$got" = 0 ] &&
	[ "$(val $SYSFS/counters/dropped)" = $((d0 + 7)) ] &&
	[ "$(val $P/kaspersky/packets)" = 50 ] &&
	# a port no flow uses belongs to no profile
	[ "$(val $P/kaspersky/dropped)" = 0 ]
}
check "7 datagrams to an undocumented port: dropped +7, no profile's dropped" -- exact_dropped

# eset in monitor, its server bound elsewhere: udp/137 (push, opt-in) is
# used by eset only, matches no flow, and is counted as eset's would_drop.
exact_would_drop() {
	local w0 got
	$E enable eset server=10.0.9.9 --with push --monitor > /dev/null 2>&1 &&
	w0=$(val $SYSFS/counters/would_drop) &&
	[ "$(val $P/eset/mode)" = monitor ] &&
	got=$(burst 137 4 50) && [ "$got" = 4 ] &&
	[ "$(val $P/eset/would_drop)" = 8 ] &&
	[ "$(val $SYSFS/counters/would_drop)" = $((w0 + 8)) ] &&
	[ "$(val $P/eset/packets)" = 0 ] &&
	[ "$(val $P/eset/dropped)" = 0 ] &&
	$E stats -j | jq -e '.profiles[] | select(.name == "eset") |
		.would_drop == 8 and .dropped == 0' > /dev/null
}
check "monitored eset, bound elsewhere: 4 echoed datagrams are 8 would_drop on eset" -- exact_would_drop

survive() {
	$E enable symantec > /dev/null 2>&1 &&
	$E enable kaspersky > /dev/null 2>&1 &&
	[ "$(val $P/kaspersky/flows/agent-shutdown/packets)" = 50 ] &&
	[ "$(val $P/kaspersky/packets)" = 50 ] &&
	[ "$(val $P/eset/would_drop)" = 8 ] &&
	[ -d $P/symantec/flows ]
}
check "counters survive enabling another profile and re-enabling (a swap)" -- survive

appear_disappear() {
	$E disable symantec > /dev/null &&
	[ ! -e $P/symantec ] &&
	[ -d $P/kaspersky ] &&
	$E enable eset > /dev/null 2>&1 &&
	[ ! -e $P/eset/flows/push-netbios-ns ] &&
	[ -d $P/eset/flows/agent-server ] &&
	[ "$(val $P/eset/mode)" = enforce ]
}
check "directories follow disable, and re-enabling with fewer options" -- appear_disappear

reset() {
	$E stats --reset > /dev/null &&
	[ "$(val $P/kaspersky/flows/agent-shutdown/packets)" = 0 ] &&
	[ "$(val $P/kaspersky/packets)" = 0 ] &&
	[ "$(val $P/kaspersky/bytes)" = 0 ] &&
	[ "$(val $SYSFS/counters/allowed)" = 0 ] &&
	[ "$(val $SYSFS/counters/dropped)" = 0 ] &&
	[ "$(val $SYSFS/counters/would_drop)" = 0 ] &&
	[ "$(burst 13000 3 10)" = 3 ] &&
	[ "$(val $P/kaspersky/flows/agent-shutdown/packets)" = 6 ] &&
	[ "$(val $SYSFS/counters/allowed)" = 6 ]
}
check "stats --reset zeroes every counter; counting goes on from zero" -- reset
reset_eperm() {
	local out err
	out=$(setpriv --reuid=65534 --regid=65534 --clear-groups \
		$E stats --reset 2> /tmp/epgate-err.$$) && return 1
	err=$(cat /tmp/epgate-err.$$)
	rm -f /tmp/epgate-err.$$
	[ -z "$out" ] &&
	[ "$err" = "epgate: stats: permission denied (CAP_NET_ADMIN needed)" ] &&
	[ "$(val $P/kaspersky/flows/agent-shutdown/packets)" = 6 ]
}
check "stats --reset by an unprivileged user: one line, EPERM, nothing reset" -- reset_eperm

# Drop logging: NFLOG sees exactly the dropped packets; the kernel log has
# one line each (within the rate limit).
nflog() {
	local out=/tmp/epgate-nflog.$$ err=/tmp/epgate-nflog-err.$$ pid n lines0
	$E config log kernel,nflog 7 > /dev/null || return 1
	timeout 20 tcpdump -i nflog:7 -n -l -c 5 > "$out" 2> "$err" &
	pid=$!
	busywait 5000 grep -q "listening on nflog:7" "$err" || return 1
	lines0=$(dmesg | grep -c "epgate: drop udp")
	[ "$(burst 9999 5 20 0.2)" = 0 ] || return 1
	wait $pid || return 1
	n=$(grep -c "$CLIENT_IP4\.[0-9]* > $SERVER_IP4\.9999: UDP" "$out")
	rm -f "$out" "$err"
	[ "$n" = 5 ] &&
	[ "$(dmesg | grep -c "epgate: drop udp $CLIENT_IP4:[0-9]* -> $SERVER_IP4:9999 in=.* reason=no-flow")" = $((lines0 + 5)) ]
}
check "log kernel,nflog: tcpdump -i nflog:7 gets the 5 dropped datagrams, dmesg 5 lines" -- nflog
log_off() {
	$E config log off > /dev/null &&
	local l0=$(dmesg | grep -c "epgate: drop")
	[ "$(burst 9999 2 20 0.2)" = 0 ] &&
	[ "$(dmesg | grep -c "epgate: drop")" = "$l0" ]
}
check "log off: drops are silent again" -- log_off

# A reader loops over every file while a writer toggles profiles under a
# UDP stream.  Files may vanish between listing and reading (ENOENT); any
# other error, or a kernel warning (the harness scans dmesg), fails.
readers() {
	local stop=/tmp/epgate-stop.$$ reads=0 bad=0 f v i
	stream "$CLIENT" udp "$SERVER_IP4" 13000 200
	(
		while [ ! -e $stop ]; do
			for f in $SYSFS/* $SYSFS/counters/* $P/*/* $P/*/flows/*/*; do
				[ -f "$f" ] || continue
				{ read -r v < "$f"; } 2>/dev/null || [ ! -e "$f" ] ||
					{ echo "read $f failed" >&2; exit 1; }
			done
		done
	) &
	local rpid=$!
	for i in $(seq 15); do
		$E enable eset > /dev/null 2>&1 || bad=1
		$E enable symantec --monitor > /dev/null 2>&1 || bad=1
		$E disable eset symantec > /dev/null 2>&1 || bad=1
		$E stats -j > /dev/null || bad=1
	done
	touch $stop
	wait $rpid || bad=1
	rm -f $stop
	[ "$bad" = 0 ] && [ -d $P/kaspersky ] && [ ! -e $P/eset ]
}
check "a reader over every sysfs file while profiles toggle under traffic" -- readers

# The stream above still runs: --watch shows a rate on its flow.
watch_rates() {
	local out
	out=$($E stats --watch -i 0.5 -n 2) &&
	[ "$(grep -c '^PROFILE' <<< "$out")" = 2 ] &&
	awk '$2 == "agent-shutdown" { n++; if (n == 2 && $5 + 0 > 0) ok = 1 }
	     END { exit !ok }' <<< "$out"
}
check "stats --watch: two samples, the streaming flow has a rate" -- watch_rates

rmmod_open() {
	local fd v
	exec {fd}< $P/kaspersky/flows/agent-shutdown/packets
	rmmod epgate || return 1
	read -r v <&$fd 2>/dev/null && return 1	# must fail (ENODEV), not oops
	exec {fd}<&-
	[ ! -e $SYSFS ]
}
check "rmmod with a flow's sysfs file held open: the read fails cleanly" -- rmmod_open

tap_end
