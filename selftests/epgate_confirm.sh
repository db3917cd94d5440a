#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Safe changes on a remote gateway: a change made with --confirm SECONDS is
# rolled back by the kernel itself unless `epgate confirm` comes in time.
# With real traffic through the gateway (the initial namespace, so that
# sysfs shows it):
#  - --confirm 3 and no confirm: the old policy is back after the deadline,
#    verdicts and counters say so, sysfs counts the rollback;
#  - the same with the tool's shell killed by SIGKILL right after the change;
#  - confirm in time keeps the change past the deadline;
#  - epgate rollback restores at once; a mode and priority change is rolled
#    back too; changes while one is pending must join it, others are
#    refused; confirm with nothing pending fails;
#  - a namespace deleted, and the module removed, with a rollback pending.
cd "$(dirname "$0")" || exit 1
source ./lib.sh
source ./topology.sh

tap_begin
[ -x "$EPGATE" ] || skip_all "userspace/epgate is not built"
[ -f "$EPGATE_KO" ] || skip_all "no module built for $(uname -r)"
checktool "socat -V" socat
checktool "jq --version" jq
export EPGATE_PROFILE_PATH=$EPGATE_TOP/profiles

tmp=$(mktemp -d)
trap 'topo_cleanup; epgate_unload; rm -rf "$tmp"' EXIT
epgate_unload
E=$EPGATE

check "gateway topology is up (gateway = initial namespace)" -- \
	eval 'topo_use_init_gw && topo_setup'
check "the module loads" -- epgate_load
for p in 13000 8014; do
	echo_server "$SERVER" tcp $p || skip_all "echo service tcp/$p"
done

st() { $E status -j | jq -r "$1"; }
rollbacks() { cat "$SYSFS/rollbacks"; }
pending() { [ "$(st .rollback.pending)" = true ]; }
idle() { [ "$(st .rollback.pending)" = false ]; }
flow_packets() { # PROFILE FLOW
	$E stats -j | jq -r --arg p "$1" --arg f "$2" \
		'.flows[] | select(.profile == $p and .name == $f) | .packets'
}
base() {
	$E enable kaspersky > /dev/null 2>&1 && $E mode enforce &&
	probe "$CLIENT" tcp $SERVER_IP4 13000 &&
	fails probe "$CLIENT" tcp $SERVER_IP4 8014
}
check "enforce, kaspersky: tcp/13000 passes, tcp/8014 (symantec agents) is dropped" -- base

# enable symantec --confirm 3, no confirm: after the deadline, as before.
unconfirmed() {
	local r0 out p0
	r0=$(rollbacks)
	out=$($E enable symantec --confirm 3 2>&1) || { diag "$out"; return 1; }
	grep -q "rolled back in [0-9]* s unless 'epgate confirm'" <<< "$out" ||
		{ diag "$out"; return 1; }
	pending && probe "$CLIENT" tcp $SERVER_IP4 8014 || return 1
	p0=$(flow_packets kaspersky agent-server)
	busywait 15000 idle || { diag "still pending"; return 1; }
	[ "$(rollbacks)" = $((r0 + 1)) ] &&
	[ "$(st '[.profiles[].name] | join(",")')" = kaspersky ] &&
	fails probe "$CLIENT" tcp $SERVER_IP4 8014 &&
	probe "$CLIENT" tcp $SERVER_IP4 13000 &&
	[ "$(flow_packets kaspersky agent-server)" -gt "$p0" ] &&
	dmesg | grep -q "epgate: rolled back the unconfirmed change"
}
check "--confirm 3 without confirm: symantec gone after the deadline, kaspersky's counters kept" -- unconfirmed

# The shell that made the change is killed: nothing in userspace is needed.
killed() {
	local r0 pid
	r0=$(rollbacks)
	bash -c "$E enable symantec --confirm 3 > /dev/null 2>&1; exec sleep 1000" &
	pid=$!
	busywait 10000 pending || return 1
	kill -9 $pid
	wait $pid 2> /dev/null
	probe "$CLIENT" tcp $SERVER_IP4 8014 || return 1
	busywait 15000 idle && [ "$(rollbacks)" = $((r0 + 1)) ] &&
	fails probe "$CLIENT" tcp $SERVER_IP4 8014
}
check "the same with the tool's shell killed by SIGKILL right after the change" -- killed

# Confirmed in time: still there after the deadline has passed.
confirmed() {
	local r0 t_end
	r0=$(rollbacks)
	$E enable symantec --confirm 2 > /dev/null 2>&1 && $E confirm > /dev/null &&
	idle || return 1
	# Nothing is pending, so nothing can happen; past the deadline anyway.
	t_end=$(( $(now_ms) + 3000 * EPGATE_SLOW ))
	busywait 10000 eval '[ "$(now_ms)" -ge $t_end ]'
	[ "$(rollbacks)" = "$r0" ] && probe "$CLIENT" tcp $SERVER_IP4 8014
}
check "confirm in time keeps the change past its deadline" -- confirmed
check "disable symantec" -- eval '$E disable symantec > /dev/null 2>&1'

# epgate rollback: at once, mode and priority included.
rollback_now() {
	local r0
	r0=$(rollbacks)
	$E mode monitor --confirm 600 > /dev/null && $E config priority 20 --confirm 600 > /dev/null &&
	[ "$(st .mode)" = monitor ] && [ "$(st .priority)" = 20 ] &&
	probe "$CLIENT" tcp $SERVER_IP4 8014 || return 1
	$E rollback > /dev/null &&
	[ "$(st .mode)" = enforce ] && [ "$(st .priority)" = -10 ] && idle &&
	[ "$(rollbacks)" = $((r0 + 1)) ] &&
	fails probe "$CLIENT" tcp $SERVER_IP4 8014
}
check "mode monitor, then priority 20, both --confirm 600; rollback: enforce at -10 again" -- rollback_now

refused() {
	local out g0
	$E enable symantec --confirm 600 > /dev/null 2>&1 || return 1
	g0=$(st .generation)
	out=$($E disable kaspersky 2>&1) && return 1
	diag "$out"
	[ "$(grep -c . <<< "$out")" = 1 ] &&
	grep -q "awaits its confirm" <<< "$out" &&
	[ "$(st .generation)" = "$g0" ] && pending &&
	$E rollback > /dev/null && idle
}
check "a change without --confirm while one is pending: refused, one line, nothing changed" -- refused
nothing_pending() {
	local out
	out=$($E confirm 2>&1) && return 1
	diag "$out"
	grep -q "no change awaits its confirm" <<< "$out" &&
	! $E rollback > /dev/null 2>&1
}
check "confirm and rollback with nothing pending: an error" -- nothing_pending
check "--confirm 0 and --confirm 86401 are refused" -- \
	eval '! $E mode monitor --confirm 0 2> /dev/null && ! $E mode monitor --confirm 86401 2> /dev/null && [ "$(st .mode)" = enforce ]'
check "unprivileged confirm and rollback: EPERM" -- eval '
	! setpriv --reuid=65534 --regid=65534 --clear-groups $E confirm 2> /dev/null &&
	! setpriv --reuid=65534 --regid=65534 --clear-groups $E rollback 2> /dev/null'

# Teardown with a rollback pending.
netns_gone() {
	local ns=epg-confirm-$$
	ip netns add $ns || return 1
	ip netns exec $ns $E enable kaspersky --confirm 600 > /dev/null 2>&1 &&
	[ "$(ip netns exec $ns $E status -j | jq -r .rollback.pending)" = true ] &&
	ip netns del $ns
}
check "a namespace deleted with a rollback pending" -- netns_gone
check "rmmod with a rollback pending" -- eval '$E mode monitor --confirm 600 > /dev/null && pending && rmmod epgate'
tap_end
