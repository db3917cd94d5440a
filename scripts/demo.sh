#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make demo runs this inside the VM gateway.  The topology is the one of
# Kaspersky Security Center's own port document (shared/seeds/003_*), item by
# item: the Administration Server in a DMZ, Network Agents in the LAN and on
# the Internet, an admin console in the admin LAN.  The VM itself is the
# gateway (its initial namespace, the one /sys/kernel/epgate shows); each
# network is a namespace behind a veth.
#
#   ┌────────────────────┐                           ┌────────────────────┐
#   │ lan                │                           │ dmz                │
#   │ Network Agent      ├──┐                     ┌──┤ Administration     │
#   │ 10.0.1.10          │  │  ┌───────────────┐  │  │ Server 10.0.2.10   │
#   └────────────────────┘  ├──┤ gw (epgate)   ├──┤  └────────────────────┘
#   ┌────────────────────┐  │  │ forwarding    │  │  ┌────────────────────┐
#   │ admin              ├──┘  └───────────────┘  └──┤ internet           │
#   │ Admin Console      │                           │ roaming Network    │
#   │ 10.0.3.20          │                           │ Agent 203.0.113.50 │
#   └────────────────────┘                           └────────────────────┘
cd "$(dirname "$0")/../selftests" || exit 1
source ./lib.sh
export EPGATE_PROFILE_PATH=$EPGATE_TOP/profiles

sfx=$(printf '%04x' $RANDOM)
LAN=lan-$sfx DMZ=dmz-$sfx ADMIN=admin-$sfx NET=internet-$sfx
pids=()
cleanup() {
	kill "${pids[@]}" 2>/dev/null
	wait 2>/dev/null
	for ns in $LAN $DMZ $ADMIN $NET; do ip netns del $ns 2>/dev/null; done
	rmmod epgate 2>/dev/null
}
trap cleanup EXIT

say() { printf '\n\033[1m>>> %s\033[0m\n' "$*"; }
run() { printf '\033[36m# %s\033[0m\n' "$*"; "$@"; }

leaf() { # NS IF ADDR GWADDR
	ip netns add "$1"
	ip -n "$1" link set lo up
	ip link add "$2" type veth peer name eth0 netns "$1"
	ip -n "$1" addr add "$3/24" dev eth0
	ip addr add "$4/24" dev "$2"
	ip -n "$1" link set eth0 up
	ip link set "$2" up
	ip -n "$1" route add default via "$4"
}

ns_listening() { # NS PROTO PORT
	local flag=-ltnH
	[ "$2" = udp ] && flag=-lunH
	[ -n "$(ip netns exec "$1" ss $flag "sport = :$3")" ]
}

serve() { # NS PROTO:PORT...
	local ns=$1 s
	shift
	ip netns exec "$ns" python3 netprobe.py serve "$@" > /dev/null &
	pids+=($!)
	for s in "$@"; do
		busywait 5000 ns_listening "$ns" "${s%%:*}" "${s##*:}" || return 1
	done
}

# The connections the demo makes, each from a namespace to an address.
CHECKS=(
	"$LAN  tcp:10.0.2.10:13000   Network Agent (LAN)      -> Server    13000/tcp  agent sync (TLS)"
	"$NET  tcp:10.0.2.10:13000   Network Agent (Internet) -> Server    13000/tcp  agent sync (TLS)"
	"$DMZ  udp:10.0.1.10:15000   Server -> Network Agent (LAN)         15000/udp  wake-up request"
	"$ADMIN tcp:10.0.2.10:13291  Admin Console -> Server               13291/tcp  MMC console"
	"$LAN  tcp:10.0.2.10:13291   Network Agent (LAN) -> Server         13291/tcp  console port, not a console"
	"$NET  tcp:10.0.2.10:3389    Internet -> Server                    3389/tcp   RDP: not Kaspersky"
)

probe_all() { # prints PASS/DROP per check, in order
	local c ns target
	for c in "${CHECKS[@]}"; do
		read -r ns target _ <<< "$c"
		ip netns exec "$ns" python3 netprobe.py probe -t 1 "$target" |
			awk '{ print toupper($4) }'
	done
}

show() { # TITLE RESULTS...
	local i=0 c desc
	printf '\n  %-62s %s\n' "connection" "$1"
	shift
	for c in "${CHECKS[@]}"; do
		read -r _ _ desc <<< "$c"
		printf '  %-62s %s\n' "$desc" "${!i:-?}"
		i=$((i + 1))
	done
}

say "Kernel $(uname -r): building the Kaspersky topology around the gateway"
sysctl -qw net.ipv4.ip_forward=1
leaf $LAN g-lan 10.0.1.10 10.0.1.1
leaf $DMZ g-dmz 10.0.2.10 10.0.2.1
leaf $ADMIN g-adm 10.0.3.20 10.0.3.1
leaf $NET g-net 203.0.113.50 203.0.113.1
serve $DMZ tcp:13000 tcp:13291 tcp:3389 || exit 1
serve $LAN udp:15000 || exit 1
echo "lan 10.0.1.10, dmz 10.0.2.10, admin 10.0.3.20, internet 203.0.113.50"

say "Before: epgate loaded, mode enforce, no profile enabled"
run insmod "$EPGATE_KO" || exit 1
run epgate mode enforce
mapfile -t before < <(probe_all)

say "Enable Kaspersky, the server bound to its address, the console to the admin LAN"
run epgate enable kaspersky server=10.0.2.10 console=10.0.3.0/24
mapfile -t after < <(probe_all)

say "What crossed the gateway"
i=0
printf '\n  %-62s %-8s %s\n' "connection" "before" "after"
for c in "${CHECKS[@]}"; do
	read -r _ _ desc <<< "$c"
	printf '  %-62s %-8s %s\n' "$desc" "${before[$i]}" "${after[$i]}"
	i=$((i + 1))
done

say "Why: the flows that allow 13291/tcp, and the verdict for the LAN agent"
run epgate lookup tcp 13291 from 10.0.1.10 to 10.0.2.10

say "Status and counters"
run epgate status
run epgate stats
echo
for f in mode generation counters/allowed counters/dropped \
	 profiles/kaspersky/packets profiles/kaspersky/flows/agent-server/packets \
	 profiles/kaspersky/flows/console-server/packets; do
	printf '/sys/kernel/epgate/%-48s %s\n' "$f" "$(cat /sys/kernel/epgate/$f)"
done

expected="DROP DROP DROP DROP DROP DROP|PASS PASS PASS PASS DROP DROP"
got="${before[*]}|${after[*]}"
if [ "$got" != "$expected" ]; then
	echo
	echo "demo: unexpected result: $got (expected $expected)"
	exit 1
fi
say "Done: Kaspersky's agents, wake-ups and console pass; everything else in scope is dropped."
