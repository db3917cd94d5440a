#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The datapath with real packets through client -- gateway -- server: allow
# and drop per port and range, IPv4 and IPv6, replies, no source-port
# bypass, RELATED ICMP, role bindings, interface scope, monitor vs enforce
# (global and per profile), the mark, exact counters, table swaps under
# traffic and rmmod under traffic.
cd "$(dirname "$0")" || exit 1
source ./lib.sh
source ./topology.sh

tap_begin
[ -x "$EPGATE" ] || skip_all "userspace/epgate is not built"
[ -f "$EPGATE_KO" ] || skip_all "no module built for $(uname -r)"
checktool "socat -V" socat
checktool "jq --version" jq
checktool "nft --version" nft

tmp=$(mktemp -d)
trap 'topo_cleanup; epgate_unload; rm -rf "$tmp"' EXIT
epgate_unload

gw() { ip netns exec "$GW" "$EPGATE" "$@"; }

check "gateway topology is up" -- topo_setup
check "the module loads" -- epgate_load

# A second server address, for role bindings.
ip -n "$SERVER" addr add 10.0.2.3/24 dev s0

for p in 13000 13291 14000 14500 9999; do
	echo_server "$SERVER" tcp $p
	echo_server "$SERVER" udp $p
done
echo_server "$CLIENT" tcp 9999
echo_server "$CLIENT" tcp 13000

cat > "$tmp/base" <<'FLOWS'
# profile  flow          proto ports        from  to
kav        agent-server  tcp   13000        any   any
kav        console       tcp   13291        any   any
kav        range         tcp   14000-14999  any   any
kav        push          udp   13000        any   any
kav        bound         udp   14500        any   10.0.2.2/32
FLOWS

check "load a flow list" -- gw load "$tmp/base"
check "enforce mode" -- gw mode enforce
status() { gw status -j | jq -r "$1"; }
check "status: enforce, 5 flows, generation 1" -- \
	test "$(status '"\(.mode) \(.flows) \(.generation)"')" = "enforce 5 1"

check "tcp/13000 allowed (IPv4)" -- probe "$CLIENT" tcp $SERVER_IP4 13000
check "tcp/13000 allowed (IPv6)" -- probe "$CLIENT" tcp $SERVER_IP6 13000
check "tcp/14000 and tcp/14999 edge of range" -- probe "$CLIENT" tcp $SERVER_IP4 14500
check "tcp/9999 dropped (IPv4)" -- fails probe "$CLIENT" tcp $SERVER_IP4 9999
check "tcp/9999 dropped (IPv6)" -- fails probe "$CLIENT" tcp $SERVER_IP6 9999
check "udp/13000 echo: request and reply pass" -- probe "$CLIENT" udp $SERVER_IP6 13000
check "udp/9999 dropped" -- fails probe "$CLIENT" udp $SERVER_IP4 9999
check "no source-port bypass: client:13000 -> server:9999 dropped" -- \
	fails probe "$CLIENT" tcp $SERVER_IP4 9999 13000
check "no source-port bypass: server:13000 -> client:9999 dropped" -- \
	fails probe "$SERVER" tcp $CLIENT_IP4 9999 13000
check "role binding: udp/14500 to the bound server passes" -- \
	probe "$CLIENT" udp 10.0.2.2 14500
check "role binding: udp/14500 to another server is dropped" -- \
	fails probe "$CLIENT" udp 10.0.2.3 14500

flow_packets() { # PROFILE FLOW
	gw stats -j | jq -r --arg p "$1" --arg f "$2" \
		'.flows[] | select(.profile == $p and .name == $f) | .packets'
}
counter() { gw status -j | jq -r ".counters.$1"; }

# Exact counts: one-way datagrams to a sink on an allowed port and to a
# port no flow uses.
ip netns exec "$SERVER" socat -u UDP6-RECV:15000,ipv6only=0 /dev/null &
topo_bg_pids+=($!)
busywait 5000 listening "$SERVER" udp 15000
cat "$tmp/base" > "$tmp/count"
echo "kav sink udp 15000 any any" >> "$tmp/count"
gw load "$tmp/count"
a0=$(counter allowed) d0=$(counter dropped)
ip netns exec "$CLIENT" python3 - "$SERVER_IP4" <<'PY'
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(25):
    s.sendto(b"x", (sys.argv[1], 15000))
for i in range(7):
    s.sendto(b"x", (sys.argv[1], 15001))
PY
counted() {
	[ "$(flow_packets kav sink)" = 25 ] &&
	[ "$(counter allowed)" = $((a0 + 25)) ] &&
	[ "$(counter dropped)" = $((d0 + 7)) ]
}
check "exact counters: 25 allowed on kav/sink and globally, 7 dropped" -- busywait 3000 counted

# RELATED: an ICMP port unreachable for an allowed UDP flow is judged by
# that flow and counted on it (the datagram plus the error: 2 packets).
icmp_related() {
	# udp/13100: allowed, nobody listens, the server answers ICMP.
	printf '%s\n' "kav push2 udp 13100 any any" >> "$tmp/count"
	gw load "$tmp/count" || return 1
	ip netns exec "$CLIENT" python3 - "$SERVER_IP4" <<'PY'
import os, socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(3 * int(os.environ.get("EPGATE_SLOW", "1")))
s.connect((sys.argv[1], 13100))
s.send(b"x")
try:
    s.recv(10)
except ConnectionRefusedError:
    sys.exit(0)      # the ICMP error crossed the gateway
sys.exit(1)
PY
	[ $? = 0 ] && [ "$(flow_packets kav push2)" = 2 ]
}
check "ICMP error RELATED to an allowed flow passes and counts on it" -- icmp_related

# Mark: allowed packets carry 0x100 to the chain every distribution ships,
# at the filter priority (epgate runs before it by default).
ip netns exec "$GW" nft -f - <<'NFT'
table inet epg_mark {
	counter marked { }
	chain mark_fwd {
		type filter hook forward priority filter;
		meta mark & 0x100 == 0x100 counter name marked
	}
}
NFT
marked() {
	ip netns exec "$GW" nft -j list counter inet epg_mark marked |
		jq '.nftables[] | select(.counter) | .counter.packets'
}
mark_seen() {
	gw config mark 0x100/0x100 || return 1
	probe "$CLIENT" tcp $SERVER_IP4 13000 || return 1
	[ "$(marked)" -gt 0 ]
}
check "allowed packets carry the configured mark to a later nft hook" -- mark_seen
check "mark none" -- gw config mark none

# Monitor: nothing dropped, what would be dropped is counted.
monitor_counts() {
	local w0
	gw mode monitor || return 1
	w0=$(counter would_drop)
	probe "$CLIENT" tcp $SERVER_IP4 9999 || return 1
	[ "$(counter would_drop)" -gt "$w0" ]
}
check "global monitor: tcp/9999 passes and would_drop grows" -- monitor_counts
check "back to enforce" -- gw mode enforce

# Per-profile monitor: a monitored profile's binding miss only counts.
cat > "$tmp/mon" <<'FLOWS'
kav  agent-server tcp 13000 any any
eset bound        tcp 14500 any 10.0.2.2/32 monitor
FLOWS
per_profile_monitor() {
	local w0 d0
	gw load "$tmp/mon" || return 1
	w0=$(counter would_drop)
	# TCP: a UDP reply from a secondary address would leave from the
	# primary one and be a connection of its own.
	probe "$CLIENT" tcp 10.0.2.3 14500 || return 1
	[ "$(counter would_drop)" -gt "$w0" ] || return 1
	# Ports no profile uses are still dropped: the others enforce.
	! probe "$CLIENT" tcp $SERVER_IP4 9999
}
check "per-profile monitor: binding miss passes, counted; other ports still dropped" -- per_profile_monitor

# Interface scope: only connections entering from the server side are
# judged; their replies (entering at g0) follow them, and so do the
# replies of connections from the client side, which are out of scope.
scope() {
	gw load "$tmp/base" || return 1
	gw config in g1 || return 1
	probe "$CLIENT" tcp $SERVER_IP4 9999 || return 1	# enters at g0
	! probe "$SERVER" tcp $CLIENT_IP4 9999 || return 1	# enters at g1
	probe "$SERVER" tcp $CLIENT_IP4 13000 || return 1	# allowed flow
	gw config in any
}
check "interface scope: connections entering at g1 judged, at g0 not" -- scope

# Malformed: an IPv4 packet that says UDP but carries 2 bytes of it.
# Conntrack cannot read a tuple and leaves it untracked; epgate counts it
# and, in enforce, drops it.
malformed() {
	local m0 d0
	gw load "$tmp/base" && gw mode enforce || return 1
	m0=$(counter malformed)
	d0=$(counter dropped)
	ip netns exec "$CLIENT" python3 - "$CLIENT_IP4" "$SERVER_IP4" <<'PY' || return 1
import socket, struct, sys
src, dst = (socket.inet_aton(a) for a in sys.argv[1:3])
hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 22, 1, 0, 64, 17, 0, src, dst)
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
s.sendto(hdr + b"\x33\x44", (sys.argv[2], 0))
PY
	busywait 3000 test "$(counter malformed)" = $((m0 + 1)) &&
	[ "$(counter dropped)" = $((d0 + 1)) ]
}
check "a truncated UDP header is counted as malformed and dropped" -- malformed

# INPUT: the server namespace is itself the host to protect.
input_hook() {
	local srv="ip netns exec $SERVER $EPGATE"
	gw mode off || return 1			# only the server judges
	$srv load "$tmp/base" && $srv mode enforce || return 1
	probe "$CLIENT" tcp $SERVER_IP4 9999 || return 1	# FORWARD only: passes
	$srv config hooks input || return 1
	fails probe "$CLIENT" tcp $SERVER_IP4 9999 || return 1
	probe "$CLIENT" tcp $SERVER_IP4 13000 || return 1
	$srv mode off && gw mode enforce
}
check "hooks input: a host protects its own services" -- input_hook

# OUTPUT: the server namespace limits the connections it opens itself.
output_hook() {
	local srv="ip netns exec $SERVER $EPGATE"
	gw mode off || return 1
	$srv load "$tmp/base" && $srv mode enforce || return 1
	$srv config hooks output || return 1
	fails probe "$SERVER" tcp $CLIENT_IP4 9999 || return 1
	probe "$SERVER" tcp $CLIENT_IP4 13000 || return 1
	probe "$CLIENT" tcp $SERVER_IP4 9999 || return 1	# inbound: not judged
	$srv mode off && gw mode enforce
}
check "hooks output: a host limits its own outgoing connections" -- output_hook

# The kernel refuses a set it cannot build (17 differently bound rules
# on one port exceed the per-class bound): one clear line, nothing changed.
refused_set() {
	local g0 out i
	gw load "$tmp/base" && gw mode enforce || return 1
	g0=$(status .generation)
	: > "$tmp/big"
	for i in $(seq 1 17); do
		echo "p$i f tcp 443 any 10.9.$i.0/24" >> "$tmp/big"
	done
	out=$(gw load "$tmp/big" 2>&1) && return 1
	diag "kernel said: $out"
	[ "$(echo "$out" | wc -l)" = 1 ] || return 1
	grep -Eq '^epgate: load: (flow table: tcp port 443: .*|flow table rejected \(see kernel log\)) \(' \
		<<< "$out" || return 1
	[ "$(status .generation)" = "$g0" ] && [ "$(status .flows)" = 5 ] &&
	probe "$CLIENT" tcp $SERVER_IP4 13000 &&
	fails probe "$CLIENT" tcp $SERVER_IP4 9999
}
check "a set the kernel refuses: one-line extack error, table and verdicts unchanged" -- refused_set

unprivileged() {
	local out
	out=$(ip netns exec "$GW" setpriv --reuid=65534 --regid=65534 \
		--clear-groups "$EPGATE" mode off 2>&1) && return 1
	[ "$out" = "epgate: mode: permission denied (CAP_NET_ADMIN needed)" ] &&
	[ "$(status .mode)" = enforce ] &&
	out=$(ip netns exec "$GW" setpriv --reuid=65534 --regid=65534 \
		--clear-groups "$EPGATE" status -j 2>&1) && return 1
	[ "$out" = "epgate: status: permission denied (CAP_NET_ADMIN needed)" ]
}
check "an unprivileged user gets EPERM on mode and on status" -- unprivileged

# Counters follow the flow identity across a swap.
survive() {
	local before after
	probe "$CLIENT" tcp $SERVER_IP4 13291 || return 1
	before=$(flow_packets kav console)
	[ "$before" -gt 0 ] || return 1
	gw load "$tmp/count" || return 1
	after=$(flow_packets kav console)
	[ "$after" -ge "$before" ]
}
check "a flow's counters survive a table swap" -- survive

# 10,000 swaps while an allowed UDP stream flows: nothing lost.
cat "$tmp/base" > "$tmp/swap-b"
echo "other x tcp 2000-2999 any any" >> "$tmp/swap-b"
swaps() {
	local g0 sent got
	gw load "$tmp/count" || return 1
	g0=$(status .generation)
	ip netns exec "$SERVER" python3 - > "$tmp/rx" <<'PY' &
import os, socket
s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
s.bind(("::", 15500))
# A safety net for a lost "end": the stream starts only after a swap and
# a Python start, seconds on a debug kernel, so the wait scales.
s.settimeout(5 * int(os.environ.get("EPGATE_SLOW", "1")))
n = 0
try:
    while True:
        if s.recv(64) == b"end":
            break
        n += 1
except socket.timeout:
    pass
print(n)
PY
	local rxpid=$!
	busywait 5000 listening "$SERVER" udp 15500 || return 1
	echo "kav stream udp 15500 any any" >> "$tmp/count"
	echo "kav stream udp 15500 any any" >> "$tmp/swap-b"
	gw load "$tmp/count" || return 1
	ip netns exec "$CLIENT" python3 - "$SERVER_IP4" > "$tmp/tx" <<'PY' &
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
n = 0
end = time.time() + 600
import os
while not os.path.exists("/tmp/epgate-swaps-done") and time.time() < end:
    s.sendto(b"x", (sys.argv[1], 15500))
    n += 1
    time.sleep(0.002)
s.sendto(b"end", (sys.argv[1], 15500))
print(n)
PY
	local txpid=$!
	gw load --repeat 5000 "$tmp/count" "$tmp/swap-b" || return 1
	touch /tmp/epgate-swaps-done
	wait $txpid
	wait $rxpid
	rm -f /tmp/epgate-swaps-done
	sent=$(cat "$tmp/tx")
	got=$(cat "$tmp/rx")
	diag "swaps: $(($(status .generation) - g0)), datagrams sent $sent, received $got"
	[ "$sent" -gt 0 ] && [ "$sent" = "$got" ] &&
	[ $(($(status .generation) - g0)) -ge 10000 ]
}
check "10,000 table swaps under traffic: every allowed datagram delivered" -- swaps

# rmmod while traffic flows through an enforcing table.
rmmod_under_traffic() {
	gw load "$tmp/base" && gw mode enforce || return 1
	stream "$CLIENT" udp $SERVER_IP4 13000 200
	stream "$CLIENT" tcp $SERVER_IP4 13000 200
	probe "$CLIENT" tcp $SERVER_IP4 13000 || return 1
	epgate_unload || return 1
	probe "$CLIENT" tcp $SERVER_IP4 9999
}
check "rmmod under traffic; afterwards everything passes again" -- rmmod_under_traffic
tap_end
