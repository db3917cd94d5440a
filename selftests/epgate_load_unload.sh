#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Load and unload epgate.ko ten times while a TCP stream (IPv4) and a UDP
# stream (IPv6) cross the gateway.  After every load and every unload each
# stream must be seen progressing at the server (data arriving at the receiving socket), and at
# the end both streams are still alive.  The VM harness fails the run if the
# kernel log shows any warning or oops.
cd "$(dirname "$0")" || exit 1
source ./lib.sh
source ./topology.sh

tap_begin
[ -f "$EPGATE_KO" ] || skip_all "no module built for $(uname -r)"
checktool "socat -V" socat
checktool "jq --version" jq

trap 'topo_cleanup; epgate_unload; rm -rf "$rx"' EXIT
epgate_unload

check "gateway topology is up" -- topo_setup

# Receivers append what arrives to files; a stream flows when its file,
# truncated, grows again.
rx=$(mktemp -d)
topo_bg ip netns exec "$SERVER" socat -u TCP6-LISTEN:5101,ipv6only=0,reuseaddr \
	OPEN:"$rx/tcp",creat,append
topo_bg ip netns exec "$SERVER" socat -u UDP6-RECV:5102,ipv6only=0 \
	OPEN:"$rx/udp",creat,append
busywait 5000 listening "$SERVER" tcp 5101
busywait 5000 listening "$SERVER" udp 5102
stream "$CLIENT" tcp $SERVER_IP4 5101
tcp_pid=$!
stream "$CLIENT" udp $SERVER_IP6 5102
udp_pid=$!

flowing() {
	: > "$rx/tcp"
	: > "$rx/udp"
	busywait 5000 test -s "$rx/tcp" && busywait 5000 test -s "$rx/udp"
}

check "TCP/IPv4 and UDP/IPv6 streams flow before loading" -- flowing

cycle() {
	epgate_load || return 1
	[ "$(cat $SYSFS/mode)" = off ] || return 1
	flowing || return 1
	rmmod epgate || return 1
	flowing
}

for i in $(seq 1 10); do
	check "cycle $i: load, streams flow, unload, streams flow" -- cycle
done

held_open_across_rmmod() {
	local out
	epgate_load || return 1
	exec 3< $SYSFS/mode
	rmmod epgate || return 1
	# The file is gone: reading the stale descriptor fails cleanly.
	! out=$(cat <&3 2>/dev/null)
	local rc=$?
	exec 3<&-
	return $rc
}

check "a sysfs file held open across rmmod reads as an error, no oops" -- held_open_across_rmmod
check "both senders are still alive" -- kill -0 $tcp_pid $udp_pid
echo_server "$SERVER" tcp 5201
echo_server "$SERVER" udp 5202
check "TCP/IPv6 echo crosses the gateway" -- probe "$CLIENT" tcp $SERVER_IP6 5201
check "UDP/IPv4 echo crosses the gateway" -- probe "$CLIENT" udp $SERVER_IP4 5202
tap_end
