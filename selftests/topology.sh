#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The gateway topology every datapath test uses.  Source after lib.sh; call
# topo_setup, and topo_cleanup from an EXIT trap.
#
#  ┌──────────────┐  veth   ┌──────────────────────┐  veth   ┌──────────────┐
#  │ $CLIENT      │         │ $GW (forwarding)     │         │ $SERVER      │
#  │ c0 10.0.1.2  ├─────────┤ g0 10.0.1.1          │         │              │
#  │ fd00:1::2/64 │         │ fd00:1::1            │         │              │
#  └──────────────┘         │          10.0.2.1 g1 ├─────────┤ s0 10.0.2.2  │
#                           │         fd00:2::1    │         │ fd00:2::2/64 │
#                           └──────────────────────┘         └──────────────┘
#
# Namespace names carry a random suffix so concurrent runs do not collide.

CLIENT_IP4=10.0.1.2
CLIENT_IP6=fd00:1::2
SERVER_IP4=10.0.2.2
SERVER_IP6=fd00:2::2

topo_suffix=$(printf '%04x%04x' $RANDOM $RANDOM)
CLIENT=epg-client-$topo_suffix
GW=epg-gw-$topo_suffix
SERVER=epg-server-$topo_suffix

topo_bg_pids=()
topo_gw_init=0

# Make the gateway the initial namespace (the one /sys/kernel/epgate
# shows), under the name $GW for ip -n and ip netns exec.  Call before
# topo_setup; topo_cleanup's "ip netns del" then only drops the name.
topo_use_init_gw() {
	mkdir -p /run/netns &&
	touch "/run/netns/$GW" &&
	mount --bind /proc/1/ns/net "/run/netns/$GW" &&
	topo_gw_init=1
}

ns_link_up() {
	[ "$(ip -n "$1" -o link show dev "$2" | grep -c 'state UP')" = 1 ]
}

topo_setup() {
	ip netns add "$CLIENT" || return 1
	[ "$topo_gw_init" = 1 ] || ip netns add "$GW" || return 1
	ip netns add "$SERVER" || return 1
	local ns
	for ns in "$CLIENT" "$GW" "$SERVER"; do
		ip -n "$ns" link set lo up
	done

	ip -n "$CLIENT" link add c0 type veth peer name g0 netns "$GW"
	ip -n "$SERVER" link add s0 type veth peer name g1 netns "$GW"

	ip -n "$CLIENT" addr add $CLIENT_IP4/24 dev c0
	ip -n "$CLIENT" addr add $CLIENT_IP6/64 dev c0 nodad
	ip -n "$GW" addr add 10.0.1.1/24 dev g0
	ip -n "$GW" addr add fd00:1::1/64 dev g0 nodad
	ip -n "$GW" addr add 10.0.2.1/24 dev g1
	ip -n "$GW" addr add fd00:2::1/64 dev g1 nodad
	ip -n "$SERVER" addr add $SERVER_IP4/24 dev s0
	ip -n "$SERVER" addr add $SERVER_IP6/64 dev s0 nodad

	ip -n "$CLIENT" link set c0 up
	ip -n "$GW" link set g0 up
	ip -n "$GW" link set g1 up
	ip -n "$SERVER" link set s0 up

	ip -n "$CLIENT" route add default via 10.0.1.1
	ip -n "$CLIENT" -6 route add default via fd00:1::1
	ip -n "$SERVER" route add default via 10.0.2.1
	ip -n "$SERVER" -6 route add default via fd00:2::1

	ip netns exec "$GW" sysctl -qw net.ipv4.ip_forward=1
	ip netns exec "$GW" sysctl -qw net.ipv6.conf.all.forwarding=1

	busywait 5000 ns_link_up "$CLIENT" c0 &&
	busywait 5000 ns_link_up "$GW" g0 &&
	busywait 5000 ns_link_up "$GW" g1 &&
	busywait 5000 ns_link_up "$SERVER" s0
}

topo_cleanup() {
	local pid ns
	for pid in "${topo_bg_pids[@]}"; do
		kill "$pid" 2>/dev/null
	done
	for pid in "${topo_bg_pids[@]}"; do
		wait "$pid" 2>/dev/null
	done
	for ns in "$CLIENT" "$GW" "$SERVER"; do
		ip netns del "$ns" 2>/dev/null
	done
	return 0
}

# Run a command in the background, remembered for topo_cleanup.
topo_bg() {
	"$@" &
	topo_bg_pids+=($!)
}

listening() { # NS tcp|udp PORT
	local flag=-ltnH
	[ "$2" = udp ] && flag=-lunH
	[ -n "$(ip netns exec "$1" ss $flag "sport = :$3")" ]
}

# echo_server NS tcp|udp PORT: an echo service on PORT, IPv4 and IPv6.
echo_server() {
	local ns=$1 proto=$2 port=$3
	if [ "$proto" = tcp ]; then
		topo_bg ip netns exec "$ns" socat \
			TCP6-LISTEN:"$port",ipv6only=0,reuseaddr,fork PIPE
	else
		topo_bg ip netns exec "$ns" socat \
			UDP6-RECVFROM:"$port",ipv6only=0,reuseaddr,fork PIPE
	fi
	busywait 5000 listening "$ns" "$proto" "$port"
}

# probe NS tcp|udp ADDR PORT [SRCPORT]: send a token to an echo server and
# succeed only if the same token comes back within 2 s (times EPGATE_SLOW).
probe() {
	local ns=$1 proto=$2 addr=$3 port=$4 sport=${5:-}
	local token="epgate-$RANDOM$RANDOM" reply peer opts=
	local t=$((2 * ${EPGATE_SLOW:-1})) k=$((4 * ${EPGATE_SLOW:-1}))
	case "$addr" in
	*:*) peer="[$addr]:$port"; ;;
	*) peer="$addr:$port" ;;
	esac
	[ -n "$sport" ] && opts=",sourceport=$sport,reuseaddr"
	if [ "$proto" = tcp ]; then
		reply=$(echo "$token" | ip netns exec "$ns" timeout $k \
			socat -T$t - "TCP:$peer,connect-timeout=$t$opts" 2>/dev/null)
	else
		reply=$(echo "$token" | ip netns exec "$ns" timeout $k \
			socat -T$t - "UDP:$peer$opts" 2>/dev/null)
	fi
	[ "$reply" = "$token" ]
}

# probe_from SRC ADDR PORT: probe's TCP echo from the client namespace, the
# connection bound to its address SRC (for roles bound to some of the
# client's addresses and not others).
probe_from() {
	local src=$1 addr=$2 port=$3
	local token="epgate-$RANDOM$RANDOM" reply peer
	local t=$((2 * ${EPGATE_SLOW:-1}))
	case "$addr" in
	*:*) peer="[$addr]:$port" ;;
	*) peer="$addr:$port" ;;
	esac
	case "$src" in
	*:*) src="[$src]" ;;
	esac
	reply=$(echo "$token" | ip netns exec "$CLIENT" timeout $((2 * t)) \
		socat -T$t - "TCP:$peer,connect-timeout=$t,bind=$src" 2>/dev/null)
	[ "$reply" = "$token" ]
}

# stream NS tcp|udp ADDR PORT [PPS]: a paced sender (one process, so that it
# costs little under TCG) that runs until killed by topo_cleanup.  Prints
# nothing; progress is observed at the receiver.
stream() {
	local ns=$1 proto=$2 addr=$3 port=$4 pps=${5:-50}
	topo_bg ip netns exec "$ns" python3 -c '
import socket, sys, time
proto, addr, port, pps = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
kind = socket.SOCK_STREAM if proto == "tcp" else socket.SOCK_DGRAM
s = socket.socket(fam, kind)
s.connect((addr, port))
while True:
    s.send(b"tick\n")
    time.sleep(1.0 / pps)
' "$proto" "$addr" "$port" "$pps"
}
