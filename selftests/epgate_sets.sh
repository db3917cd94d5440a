#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Roles bound to address sets (issue 17), with real traffic through the
# gateway of topology.sh, Kaspersky's agent -> server tcp/13000:
#
#   client c0: 10.0.1.2    fd00:1::2    inside @lan       -> allowed
#              10.0.1.200               inside @lan's /25 -> allowed
#              10.0.1.20   fd00:1::20   outside @lan      -> dropped
#   server s0: 10.0.2.2    fd00:2::2    server=            -> allowed
#              10.0.2.3                 outside server=    -> dropped
#
#  - server=10.0.2.2,fd00:2::2: a dual-stack role; agent=@lan: a named set
#    of three prefixes from $EPGATE_SETS_DIR (sets.d), IPv4 and IPv6;
#  - status -j and lookup show the sets; disable of another profile keeps
#    them;
#  - bad input (host bits, unresolvable hostname, unknown, empty, malformed set file) is
#    one line naming it and changes nothing (generation unchanged);
#  - save/restore gives the same sets though sets.d changed since;
#  - 10,000 prefixes in one role: `enable` under a second;
#  - `epgate load` of a flow list whose role is a list of prefixes (an
#    anonymous set): the set reaches the module (it once sent the flows
#    without their sets: an empty flow set, everything dropped).
cd "$(dirname "$0")" || exit 1
source ./lib.sh
source ./topology.sh

tap_begin
[ -x "$EPGATE" ] || skip_all "userspace/epgate is not built"
[ -f "$EPGATE_KO" ] || skip_all "no module built for $(uname -r)"
checktool "socat -V" socat
checktool "jq --version" jq
export EPGATE_PROFILE_PATH=$EPGATE_TOP/profiles

tmp=$(mktemp -d /tmp/epgate-sets.XXXXXX)
export EPGATE_SETS_DIR=$tmp/sets.d
mkdir -p "$EPGATE_SETS_DIR"
cleanup() {
	topo_cleanup
	epgate_unload
	rm -rf "$tmp"
}
trap cleanup EXIT
epgate_unload
topo_setup || skip_all "cannot build the topology"
epgate_load || skip_all "cannot load epgate.ko"

gw() { ip netns exec "$GW" "$EPGATE" "$@"; }
generation() { gw status -j | jq -r .generation; }
# from SRC DST: the echo of tcp/13000 from the client's address SRC.
from() { probe_from "$1" "$2" 13000; }
# refused DESC WANT ARGS...: enable fails with one line holding WANT, and
# the module's generation does not move.
refused() {
	local desc=$1 want=$2 g0 err
	shift 2
	g0=$(generation)
	err=$(gw enable kaspersky "$@" 2>&1 >/dev/null)
	if [ $? -ne 0 ] && [ "$(echo "$err" | wc -l)" = 1 ] &&
	   [[ "$err" == *"$want"* ]] && [ "$(generation)" = "$g0" ]; then
		tap_result 0 "$desc"
	else
		diag "got: $err (generation $g0 -> $(generation))"
		tap_result 1 "$desc"
	fi
}

ip -n "$CLIENT" addr add 10.0.1.200/24 dev c0
ip -n "$CLIENT" addr add 10.0.1.20/24 dev c0
ip -n "$CLIENT" addr add fd00:1::20/64 dev c0 nodad
ip -n "$SERVER" addr add 10.0.2.3/24 dev s0
echo_server "$SERVER" tcp 13000

cat > "$EPGATE_SETS_DIR/lan.set" <<'SET'
# the LAN's agents
10.0.1.0/28
10.0.1.128/25
fd00:1::/124     # IPv6 too
SET

check "enable with a dual-stack role and a named set" -- \
	gw enable kaspersky server=10.0.2.2,fd00:2::2 agent=@lan
gw mode enforce
check "status -j: @lan with its three prefixes, the server's pair" -- \
	test "$(gw status -j | jq -c '[.sets[] | [.name, (.prefixes | length), .profiles]] | sort')" = \
	     '[[null,2,["kaspersky"]],["lan",3,["kaspersky"]]]'
check "status: the set line" -- \
	bash -c "ip netns exec $GW $EPGATE status | grep -q '^set: *@lan *3 prefixes'"

check "IPv4 inside @lan's /28 to the server: allowed" -- from 10.0.1.2 $SERVER_IP4
check "IPv4 inside @lan's /25: allowed" -- from 10.0.1.200 $SERVER_IP4
check "IPv6 inside @lan to the server's IPv6: allowed" -- from fd00:1::2 $SERVER_IP6
check "IPv4 just outside every @lan prefix: dropped" -- fails from 10.0.1.20 $SERVER_IP4
check "IPv6 just outside @lan: dropped" -- fails from fd00:1::20 $SERVER_IP6
check "to an address outside server=: dropped" -- fails from 10.0.1.2 10.0.2.3
check "lookup: inside allowed" -- \
	test "$(gw lookup tcp 13000 from 10.0.1.2 to 10.0.2.2 -j | jq -r .verdict)" = allow
check "lookup: outside dropped" -- \
	test "$(gw lookup tcp 13000 from 10.0.1.20 to 10.0.2.2 -j | jq -r .verdict)" = drop
check "lookup -j: the set role in full" -- \
	test "$(gw lookup tcp 13000 -j | jq -c '[.flows[] | select(.flow == "agent-server") | .from, (.from_set.prefixes | length)]')" = '["@lan",3]'

gw enable eset > /dev/null
gw disable eset > /dev/null
check "disable of another profile keeps the sets" -- \
	test "$(gw status -j | jq '[.sets[].prefixes | length] | add')" = 5
check "... and the traffic verdicts" -- from 10.0.1.2 $SERVER_IP4

printf '10.9.0.0/16\n\n10.9.1.1/16\n' > "$EPGATE_SETS_DIR/broken.set"
printf '# nothing\n' > "$EPGATE_SETS_DIR/empty.set"
printf 'ksc.corp.example\n' > "$EPGATE_SETS_DIR/dns.set"
refused "host bits: refused, nothing changed" "host bits set in '10.0.2.2/24'" \
	server=10.0.2.2/24
refused "malformed prefix: refused" "bad address '10.0.2.300'" server=10.0.2.2,10.0.2.300
# Hostnames are asked of DNS (epgate_hostnames.sh): here a server that
# is not there, so the name has no address and the enable is refused.
export EPGATE_DNS_SERVER=127.0.0.1:9
refused "hostname without an answer: refused, naming it" "ksc.corp.example: no address (DNS: " server=ksc.corp.example
refused "unknown set: refused" "unknown set 'nosuch'" agent=@nosuch
refused "empty set: refused" "set 'empty' is empty" agent=@empty
refused "bad set file: FILE:LINE" "broken.set:3: host bits set in '10.9.1.1/16'" agent=@broken
refused "hostname in a set file without an answer: FILE:LINE" "dns.set:1: ksc.corp.example: no address (DNS: " agent=@dns
unset EPGATE_DNS_SERVER
check "after the refusals the old binding still holds" -- from 10.0.1.200 $SERVER_IP4

gw save "$tmp/saved.conf" > /dev/null
check "save: the set's lines and the enable line as typed" -- \
	grep -qx 'set lan 10.0.1.128/25' "$tmp/saved.conf"
check "save: enable line" -- \
	grep -qx 'enable kaspersky server=10.0.2.2,fd00:2::2 agent=@lan' "$tmp/saved.conf"
echo 10.0.1.16/28 > "$EPGATE_SETS_DIR/lan.set"	# sets.d moves on
gw disable kaspersky > /dev/null
check "restore" -- gw restore "$tmp/saved.conf"
check "restore: the saved @lan, not today's lan.set" -- \
	test "$(gw status -j | jq -c '.sets[] | select(.name == "lan") | .prefixes')" = \
	     '["10.0.1.0/28","10.0.1.128/25","fd00:1::/124"]'
check "restored: inside allowed" -- from 10.0.1.2 $SERVER_IP4
check "restored: outside dropped" -- fails from 10.0.1.20 $SERVER_IP4

# 10,000 prefixes in one role: 9,999 /32 hosts elsewhere and the LAN.
python3 -c '
for i in range(9999):
    print("172.%d.%d.%d" % (16 + i // 65536, (i // 256) % 256, i % 256))
print("10.0.1.0/28")' > "$EPGATE_SETS_DIR/big.set"
t0=$(date +%s%N)
gw enable kaspersky server=10.0.2.2,fd00:2::2 agent=@big > /dev/null
rc=$?
ms=$((($(date +%s%N) - t0) / 1000000))
diag "enable with 10,000 prefixes in one role: $ms ms"
# The debug kernel (KASAN, lockdep: EPGATE_SLOW=8) is given its factor.
check "10,000 prefixes: enable under a second ($ms ms)" -- \
	test $rc = 0 -a $ms -lt $((1000 * EPGATE_SLOW))
check "10,000 prefixes: status" -- \
	test "$(gw status -j | jq '.sets[] | select(.name == "big") | .prefixes | length')" = 10000
check "10,000 prefixes: inside allowed" -- from 10.0.1.2 $SERVER_IP4
check "10,000 prefixes: outside dropped" -- fails from 10.0.1.200 $SERVER_IP4
gw save "$tmp/big.conf" > /dev/null
gw disable kaspersky > /dev/null
check "10,000 prefixes: save and restore" -- gw restore "$tmp/big.conf"
check "10,000 prefixes: restored whole" -- \
	test "$(gw status -j | jq '.sets[] | select(.name == "big") | .prefixes | length')" = 10000

printf 'lan agent tcp 13000 10.0.1.0/28,10.0.1.128/25 10.0.2.2\n' > "$tmp/set.flows"
check "load: a flow list with a set role" -- gw load "$tmp/set.flows"
check "load: the flow and its set of two prefixes in the module" -- \
	test "$(gw status -j | jq -c '[.sets[] | .prefixes | length]')" = '[2]'
check "load: inside the set allowed" -- from 10.0.1.200 $SERVER_IP4
check "load: outside the set dropped" -- fails from 10.0.1.20 $SERVER_IP4

tap_end
