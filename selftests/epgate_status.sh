#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# epgate status against a real module: absent, loaded, -j, sysfs, another
# network namespace (the family is netnsok), unloaded again.
cd "$(dirname "$0")" || exit 1
source ./lib.sh

tap_begin
[ -x "$EPGATE" ] || skip_all "userspace/epgate is not built"
[ -f "$EPGATE_KO" ] || skip_all "no module built for $(uname -r)"
checktool "jq --version" jq

ns=epg-status-$$
cleanup() {
	ip netns del "$ns" 2>/dev/null
	epgate_unload
}
trap cleanup EXIT
epgate_unload

absent_message() {
	local out rc
	out=$("$EPGATE" status 2>&1)
	rc=$?
	[ "$rc" = 1 ] &&
	[ "$out" = "epgate: kernel module not loaded (try: modprobe epgate)" ]
}

human_output() {
	local out
	out=$("$EPGATE" status) &&
	grep -qx "module:  epgate $1 (abi 4)" <<< "$out" &&
	grep -qx "mode:    off" <<< "$out"
}

json_output() {
	local out
	out=$("$EPGATE" status -j) &&
	jq -e --arg v "$1" 'type == "object" and .version == $v and
		.abi_version == 4 and .mode == "off" and .generation == 0 and
		.priority == -10 and .other == "accept" and
		.flows == 0 and .counters.dropped == 0' \
		<<< "$out" > /dev/null
}

json_matches_sysfs() {
	[ "$("$EPGATE" status -j | jq -r .mode)" = "$(cat $SYSFS/mode)" ]
}

other_netns() {
	ip netns add "$ns" &&
	ip netns exec "$ns" "$EPGATE" status -j | jq -e '.mode == "off"' >/dev/null
}

bad_usage() {
	local out
	out=$("$EPGATE" status -x 2>&1)
	[ $? = 1 ] && grep -q '^Usage: epgate status \[-j\]' <<< "$out"
}

ver=$(modinfo -F version "$EPGATE_KO")

check "status without the module: exit 1 and the one-line message" -- absent_message
check "the module loads" -- epgate_load
check "status shows version $ver, ABI 4 and mode off" -- human_output "$ver"
check "status -j: one JSON object, version, ABI, mode off, empty table" -- json_output "$ver"
check "sysfs mode file reads off, as status -j says" -- json_matches_sysfs
check "status works in another network namespace" -- other_netns
check "a bad argument prints usage and exits 1" -- bad_usage
check "the module unloads" -- epgate_unload
check "/sys/kernel/epgate is gone after rmmod" -- test ! -e $SYSFS
check "status after rmmod: the one-line message again" -- absent_message
tap_end
