#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Opt-in (not in TEST_PROGS: ~5 minutes under TCG):
#   selftests/vm/run.sh -k KVER -- selftests/epgate_stress.sh
# 25 cycles of insmod / load a flow set / enforce at FORWARD in the gateway
# and at INPUT+OUTPUT in the server / 20 table swaps / rmmod, while three
# streams (UDP/IPv4, UDP/IPv6, TCP/IPv4, 1,000 packets/s each) run.  The VM
# harness fails the run on any oops or warning in the kernel log.
cd "$(dirname "$0")" || exit 1
source ./lib.sh
source ./topology.sh

tap_begin
[ -x "$EPGATE" ] || skip_all "userspace/epgate is not built"
[ -f "$EPGATE_KO" ] || skip_all "no module built for $(uname -r)"
checktool "socat -V" socat

tmp=$(mktemp -d)
trap 'topo_cleanup; epgate_unload; rm -rf "$tmp"' EXIT
epgate_unload
gw() { ip netns exec "$GW" "$EPGATE" "$@"; }
srv() { ip netns exec "$SERVER" "$EPGATE" "$@"; }

check "gateway topology is up" -- topo_setup
echo_server "$SERVER" tcp 13000
echo_server "$SERVER" udp 13000
printf 'kav a tcp 13000 any any\nkav b udp 13000 any any\n' > "$tmp/f"
stream "$CLIENT" udp $SERVER_IP4 13000 1000
stream "$CLIENT" udp $SERVER_IP6 13000 1000
stream "$CLIENT" tcp $SERVER_IP4 13000 1000

cycle() {
	epgate_load &&
	gw load "$tmp/f" && gw mode enforce &&
	gw config hooks forward,input,output &&
	srv load "$tmp/f" && srv mode enforce && srv config hooks input,output &&
	gw load --repeat 20 "$tmp/f" &&
	rmmod epgate
}
for i in $(seq 1 25); do
	check "cycle $i: load, configure two namespaces, 20 swaps, rmmod under traffic" -- cycle
done
tap_end
