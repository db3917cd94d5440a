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
#  - the lock-out guard, over a real TCP session from the client to the
#    gateway's port 22 named in SSH_CONNECTION: a change that would drop
#    it is refused with one line and changes nothing; --confirm 3 lets it
#    through (its data is dropped) and the rollback brings it back;
#    --force lets it through; a flow for it, or an interface scope that
#    leaves it out, is no refusal;
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

# The deadlines are the kernel's, in real seconds: a slow guest (the debug
# kernel, EPGATE_SLOW=8) needs longer ones to see the change before them.
DL=$((3 * EPGATE_SLOW))
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
	out=$($E enable symantec --confirm $DL 2>&1) || { diag "$out"; return 1; }
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
	bash -c "$E enable symantec --confirm $DL > /dev/null 2>&1; exec sleep 1000" &
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
	$E enable symantec --confirm $((2 * EPGATE_SLOW)) > /dev/null 2>&1 && $E confirm > /dev/null &&
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

# The lock-out guard.  The gateway's own SSH session stands as a TCP
# session from the client to a listener on the gateway's port 22, held
# open by a coprocess; its addresses go in SSH_CONNECTION, as sshd sets it.
SSH_SESSION="$CLIENT_IP4 50514 10.0.1.1 22"
CUT="cut your SSH session (tcp $CLIENT_IP4:50514 -> 10.0.1.1:22): no enabled flow allows tcp/22 from $CLIENT_IP4 to 10.0.1.1"
sysmode() { cat "$SYSFS/mode"; }
dropped() { cat "$SYSFS/counters/dropped"; }
over_ssh() { SSH_CONNECTION=$SSH_SESSION "$@"; }

# A token through the session and back within 1 s; tokens sent earlier
# that come late (retransmitted after a drop) are skipped.
session_echo() {
	local token="epgate-ssh-$RANDOM$RANDOM" line
	echo "$token" >&"${SSHC[1]}" || return 1
	while read -r -t "$EPGATE_SLOW" line <&"${SSHC[0]}"; do
		[ "$line" = "$token" ] && return 0
	done
	return 1
}

# refused CMD...: over the session, CMD fails with one line that names the
# session, and the session still carries data.
refused_over_ssh() {
	local out
	out=$(over_ssh "$@" 2>&1) && { diag "$out"; return 1; }
	diag "$out"
	[ "$(grep -c . <<< "$out")" = 1 ] &&
	grep -qF "epgate: $2: refused: this change would $CUT; add one, or retry with --confirm SECONDS" <<< "$out" &&
	session_echo
}

guard_setup() {
	echo_server "$GW" tcp 22 || return 1
	coproc SSHC { exec ip netns exec "$CLIENT" socat - TCP:10.0.1.1:22,sourceport=50514,reuseaddr 2> /dev/null; }
	topo_bg_pids+=("$SSHC_PID")
	busywait 5000 session_echo
}
check "a session $CLIENT_IP4:50514 -> 10.0.1.1:22 (the gateway) carries data" -- guard_setup

guard_config() {
	refused_over_ssh $E config hooks forward,input &&
	[ "$(st '.hooks | join(",")')" = forward ] && [ "$(st .mode)" = enforce ]
}
check "enforce: config hooks forward,input over the session is refused, hooks unchanged" -- guard_config

guard_mode() {
	$E mode monitor > /dev/null &&
	over_ssh $E config hooks forward,input > /dev/null &&
	refused_over_ssh $E mode enforce &&
	[ "$(sysmode)" = monitor ] && [ "$(st .mode)" = monitor ] && idle
}
check "monitor, hooks forward,input (nothing drops: allowed); mode enforce over the session: refused, still monitor" -- guard_mode

guard_confirm() {
	local r0 d0 out
	r0=$(rollbacks)
	d0=$(dropped)
	out=$(over_ssh $E mode enforce --confirm $DL 2>&1 > /dev/null) || { diag "$out"; return 1; }
	diag "$out"
	grep -qF "epgate: mode: warning: this change cuts your SSH session" <<< "$out" &&
	[ "$(sysmode)" = enforce ] && pending &&
	fails session_echo && [ "$(dropped)" -gt "$d0" ] || return 1
	busywait 15000 idle && [ "$(rollbacks)" = $((r0 + 1)) ] &&
	[ "$(sysmode)" = monitor ] && busywait 15000 session_echo
}
check "mode enforce --confirm 3: a warning, on, the session's packets dropped; at the deadline monitor is back and so is the session" -- guard_confirm

printf 'admin ssh tcp 22 %s any\n' "$CLIENT_IP4" > "$tmp/ssh.flows"
printf 'admin ssh tcp 22 10.0.1.99 any\n' > "$tmp/other.flows"
guard_flow() {
	local out
	over_ssh $E load "$tmp/ssh.flows" &&
	out=$(over_ssh $E mode enforce 2>&1) && [ -z "$out" ] &&
	[ "$(sysmode)" = enforce ] && session_echo || { diag "$out"; return 1; }
	refused_over_ssh $E load "$tmp/other.flows" &&
	refused_over_ssh $E disable admin &&
	[ "$(st '[.profiles[].name] | join(",")')" = admin ]
}
check "a flow for tcp/22 from the client: mode enforce goes through, silently; load of a flow for another client, and disable, are refused" -- guard_flow

guard_force() {
	local out
	out=$(over_ssh $E disable admin --force 2>&1 > /dev/null) || { diag "$out"; return 1; }
	diag "$out"
	grep -qF -- "--force: this change cuts your SSH session" <<< "$out" &&
	[ "$(st '.profiles | length')" = 0 ] && fails session_echo &&
	$E mode monitor > /dev/null && busywait 15000 session_echo
}
check "disable admin --force: on, and the session is cut (until mode monitor)" -- guard_force

guard_iface() {
	over_ssh $E config in g1 > /dev/null &&
	over_ssh $E mode enforce > /dev/null && session_echo &&
	refused_over_ssh $E config in g0 &&
	[ "$(st '.scope.in | join(",")')" = g1 ]
}
check "in g1 (the server side): the session on g0 is out of scope, enforce goes through; config in g0 is refused" -- guard_iface
check "back to monitor, hooks forward, any interface" -- \
	eval '$E mode monitor > /dev/null && $E config hooks forward in any > /dev/null'

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
