#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make demo runs this inside the VM gateway: build client -- gateway --
# server, load epgate, show what it says about itself.
cd "$(dirname "$0")/../selftests" || exit 1
source ./lib.sh
source ./topology.sh
trap 'topo_cleanup; epgate_unload' EXIT

say() { printf '\n\033[1m>>> %s\033[0m\n' "$*"; }
run() { printf '\033[36m$ %s\033[0m\n' "$*"; "$@"; }

say "Kernel $(uname -r); building the gateway: client -- gateway -- server"
topo_setup || exit 1
echo_server "$SERVER" tcp 13000

say "Without the module, epgate says so"
run epgate status

say "Loading epgate.ko"
run insmod "$EPGATE_KO"
run epgate status
run epgate status -j

say "The sysfs tree (initial namespace)"
for f in $(find $SYSFS -type f | sort); do
	printf '%-32s %s\n' "$f" "$(cat "$f")"
done

say "A TCP connection from client to server:13000 crosses the gateway"
if probe "$CLIENT" tcp $SERVER_IP4 13000; then
	echo "client -> $SERVER_IP4:13000: connected, echo received"
else
	echo "client -> $SERVER_IP4:13000: FAILED"
	exit 1
fi

say "Unloading epgate.ko"
run rmmod epgate
echo
echo "The datapath (allow-list, modes, counters) comes with the next releases."
