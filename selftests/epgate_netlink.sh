#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Netlink hostility: nlfuzz (nlfuzz.c, built on the host by
# `make -C selftests progs`) sends thousands of malformed, random and
# bit-flipped messages to the epgate family, abandons transactions
# half-way, collides two writers and sends stale generations.  Every
# malformed message must be refused, and afterwards the generation, the
# GET_STATUS reply and the GET_FLOWS / GET_PROFILES dumps are byte for byte
# what they were; the kernel log has no new warning (the VM harness also
# fails the run on any WARNING, BUG or oops); another socket can still
# write.  NLFUZZ_SEED=N replays a run (the seed is printed).
cd "$(dirname "$0")" || exit 1
source ./lib.sh

tap_begin
[ -x "$EPGATE" ] || skip_all "userspace/epgate is not built"
[ -f "$EPGATE_KO" ] || skip_all "no module built for $(uname -r)"
[ -x ./nlfuzz ] || skip_all "selftests/nlfuzz is not built (make -C selftests progs)"
checktool "jq --version" jq
export EPGATE_PROFILE_PATH=$EPGATE_TOP/profiles

tmp=$(mktemp -d)
trap 'epgate_unload; rm -rf "$tmp"' EXIT
epgate_unload
E=$EPGATE

check "the module loads" -- epgate_load

# A state worth preserving: bound IPv4 and IPv6 roles, ranges, a monitored
# profile, a vendor profile with its user data, a configuration.
cat > "$tmp/set" <<'FLOWS'
kav   agent-server tcp 13000,14000-14001 any         10.0.0.5/32
kav   push         udp 15000             any         any
lab   v6           tcp 443,8443          fd00:1::/64 fd00:2::10/128
lab   wide         udp 1024-65535        any         any
mon   probe        tcp 9000-9099         10.1.0.0/16 any         monitor
FLOWS
setup() {
	$E load "$tmp/set" &&
	$E enable eset server=10.0.2.10 > /dev/null 2>&1 &&
	$E mode monitor &&
	$E config hooks forward,input mark 0x100/0x100 in lo
}
check "a set of 3 profiles plus eset, monitor mode, hooks, mark, scope" -- setup

gen0=$(cat $SYSFS/generation)
warn_levels=emerg,alert,crit,err,warn
dmesg --level=$warn_levels > "$tmp/dmesg0" 2>/dev/null
t0=$(now_ms)
# nlfuzz prints its own TAP; fold its results into ours, keep its notes.
./nlfuzz > "$tmp/nlfuzz.tap" 2>&1
nlrc=$?
t1=$(now_ms)
while IFS= read -r line; do
	case "$line" in
	"ok "*|"not ok "*)
		desc=${line#*- }
		case "$line" in
		"ok "*"# SKIP"*) tap_n=$((tap_n + 1)); echo "ok $tap_n - nlfuzz: $desc" ;;
		"ok "*) tap_result 0 "nlfuzz: $desc" ;;
		*) tap_result 1 "nlfuzz: $desc" ;;
		esac ;;
	"#"*|"Bail out!"*) echo "$line" ;;
	esac
done < "$tmp/nlfuzz.tap"
diag "nlfuzz: exit $nlrc in $(( (t1 - t0) / 1000 )) s"
check "nlfuzz ran to the end (exit $nlrc)" -- test "$nlrc" = 0

# New kernel log lines at warning level or worse, except the netlink
# core's own rate-limited notes about the malformed attributes sent
# ("netlink: 'nlfuzz': attribute type N has an invalid length", "N bytes
# leftover after parsing attributes", "... callbacks suppressed").
new_warnings() {
	dmesg --level=$warn_levels > "$tmp/dmesg1" 2>/dev/null
	diff "$tmp/dmesg0" "$tmp/dmesg1" | sed -n 's/^> //p' |
		grep -Ev '^(\[[ 0-9.]+\] )?netlink: |callbacks suppressed' > "$tmp/new"
	local n
	n=$(grep -c . "$tmp/new")
	diag "kernel log: $(diff "$tmp/dmesg0" "$tmp/dmesg1" | grep -c '^>') new lines at warning level, $n other than the netlink core's notes"
	[ "$n" = 0 ] || { head -5 "$tmp/new" | sed 's/^/# /'; return 1; }
}
check "no new kernel warning besides the netlink core's notes" -- new_warnings
check "sysfs generation unchanged ($gen0)" -- test "$(cat $SYSFS/generation)" = "$gen0"
still_writable() {
	$E load "$tmp/set" &&
	[ "$(cat $SYSFS/generation)" = $((gen0 + 1)) ] &&
	[ "$($E status -j | jq .flows)" = 5 ]
}
check "another socket can write afterwards (generation +1)" -- still_writable
check "rmmod after the storm" -- epgate_unload
tap_end
