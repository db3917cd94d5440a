#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Declarative apply: `epgate apply FILE` reaches the state a save file
# describes, in one transaction, and says what it changed.  With real
# traffic through the gateway (the initial namespace, so sysfs shows it):
#  - apply --check prints the difference in words and JSON, exits 2 and
#    changes nothing (generation, mode and profiles as they were);
#  - apply reaches the state (mode, profiles, flows in one commit: the
#    generation moves by one), exits 2, and traffic shows the policy;
#  - a second apply of the same file exits 0, sends nothing and keeps
#    every counter, in sysfs too;
#  - a mode-only difference is one SET_CONFIG: the flow set and its
#    counters stay;
#  - a file with a broken trailer, and a hand-written one with an error,
#    give one FILE[:LINE] line, exit 1, and change nothing;
#  - apply --confirm 3 is rolled back by the kernel without a confirm.
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
gen() { cat "$SYSFS/generation"; }
kpackets() { cat "$SYSFS/profiles/kaspersky/flows/agent-server/packets"; }

# The desired state A, written by save from a real state; then state B.
states() {
	$E enable kaspersky server=$SERVER_IP4 > /dev/null 2>&1 &&
	$E mode enforce && $E save "$tmp/a.conf" > /dev/null &&
	$E disable kaspersky > /dev/null 2>&1 &&
	$E enable symantec > /dev/null 2>&1 && $E mode monitor &&
	$E save "$tmp/b.conf" > /dev/null &&
	[ "$(st .mode)" = monitor ]
}
check "state A (kaspersky bound, enforce) saved; now in state B (symantec, monitor)" -- states

check_words() {
	local out rc g0
	g0=$(gen)
	out=$($E apply --check "$tmp/a.conf"); rc=$?
	diag "$out"
	[ $rc = 2 ] &&
	grep -q "a.conf: [0-9]* changes (--check: nothing applied)" <<< "$out" &&
	grep -q "^  mode: monitor -> enforce$" <<< "$out" &&
	grep -q "^  profile kaspersky: enabled (server=$SERVER_IP4)$" <<< "$out" &&
	grep -q "^  profile symantec: disabled$" <<< "$out" &&
	grep -q "^  + flow kaspersky agent-server tcp 13000" <<< "$out" &&
	grep -q "^  - flow symantec " <<< "$out" &&
	[ "$(gen)" = "$g0" ] && [ "$(st .mode)" = monitor ] &&
	[ "$(st '[.profiles[].name] | join(",")')" = symantec ]
}
check "apply --check: the difference in words, exit 2, nothing changed" -- check_words

check_json() {
	local j rc
	j=$($E apply --check -j "$tmp/a.conf"); rc=$?
	[ $rc = 2 ] && jq -e '.changed and .check and (.applied | not)' <<< "$j" > /dev/null &&
	jq -e '.settings[] | select(.setting == "mode" and .from == "monitor" and .to == "enforce")' <<< "$j" > /dev/null &&
	jq -e '[.profiles[] | "\(.name):\(.change)"] | sort == ["kaspersky:enabled", "symantec:disabled"]' <<< "$j" > /dev/null &&
	jq -e '[.flows_added[].profile] | unique == ["kaspersky"]' <<< "$j" > /dev/null &&
	jq -e '[.flows_removed[].profile] | unique == ["symantec"]' <<< "$j" > /dev/null
}
check "apply --check -j: the same difference as JSON" -- check_json

applied() {
	local out rc g0
	g0=$(gen)
	out=$($E apply "$tmp/a.conf"); rc=$?
	[ $rc = 2 ] && grep -q ", applied$" <<< "${out%%$'\n'*}" &&
	[ "$(gen)" = $((g0 + 1)) ] && [ "$(st .mode)" = enforce ] &&
	[ "$(st '[.profiles[].name] | join(",")')" = kaspersky ] &&
	probe "$CLIENT" tcp $SERVER_IP4 13000 &&
	fails probe "$CLIENT" tcp $SERVER_IP4 8014
}
check "apply: exit 2, mode and flows in one commit (generation +1), traffic follows" -- applied

again() {
	local out rc g0 p0 c0
	probe "$CLIENT" tcp $SERVER_IP4 13000 || return 1
	g0=$(gen) p0=$(kpackets) c0=$(cat "$SYSFS/counters/dropped")
	[ "$p0" -gt 0 ] || return 1
	out=$($E apply "$tmp/a.conf"); rc=$?
	[ $rc = 0 ] && [ "$out" = "$tmp/a.conf: nothing to change" ] &&
	[ "$(gen)" = "$g0" ] && [ "$(kpackets)" = "$p0" ] &&
	[ "$(cat "$SYSFS/counters/dropped")" = "$c0" ]
}
check "the same file again: exit 0, nothing sent, counters unchanged" -- again

mode_only() {
	local out rc g0 p0
	printf 'mode monitor\nenable kaspersky server=%s\n' $SERVER_IP4 > "$tmp/m.conf"
	g0=$(gen) p0=$(kpackets)
	out=$($E apply --unchecked "$tmp/m.conf"); rc=$?
	diag "$out"
	[ $rc = 2 ] && grep -q "^  mode: enforce -> monitor$" <<< "$out" &&
	[ "$(grep -c '^  ' <<< "$out")" = 1 ] &&
	[ "$(gen)" = "$g0" ] && [ "$(kpackets)" = "$p0" ] &&
	[ "$(st .mode)" = monitor ] && probe "$CLIENT" tcp $SERVER_IP4 8014
}
check "a hand-written file differing in mode only: one SET_CONFIG, flows and counters kept" -- mode_only

bad() {
	local out rc g0
	g0=$(gen)
	sed 's/^mode enforce$/mode off/' "$tmp/a.conf" > "$tmp/t.conf"
	out=$($E apply "$tmp/t.conf" 2>&1); rc=$?
	[ $rc = 1 ] && [ "$(wc -l <<< "$out")" = 1 ] &&
	grep -q "t.conf: truncated or modified" <<< "$out" || { diag "$out"; return 1; }
	printf 'mode enforce\nenable kaspersky\nenable nosuchvendor\n' > "$tmp/h.conf"
	out=$($E apply --unchecked "$tmp/h.conf" 2>&1); rc=$?
	[ $rc = 1 ] && grep -q "h.conf:3: " <<< "$out" || { diag "$out"; return 1; }
	[ "$(gen)" = "$g0" ] && [ "$(st .mode)" = monitor ]
}
check "a modified file and a hand-written error: one line each, exit 1, nothing changed" -- bad

confirm_rb() {
	local out rc
	$E apply "$tmp/a.conf" > /dev/null; [ $? = 2 ] || return 1
	out=$($E apply --confirm 3 "$tmp/b.conf"); rc=$?
	[ $rc = 2 ] && grep -q "rolled back in [0-9]* s unless 'epgate confirm'" <<< "$out" &&
	[ "$(st .mode)" = monitor ] || { diag "$out"; return 1; }
	busywait 15000 eval '[ "$(st .rollback.pending)" = false ]' &&
	[ "$(st .mode)" = enforce ] &&
	[ "$(st '[.profiles[].name] | join(",")')" = kaspersky ] &&
	fails probe "$CLIENT" tcp $SERVER_IP4 8014
}
check "apply --confirm 3 without confirm: state A back after the deadline" -- confirm_rb

# Flows loaded without a profile file are saved as `flow` lines; the same
# lines in another order are another policy (the first match wins).
order() {
	local out rc
	printf 'lab a tcp 1000 any any\nlab b tcp 1000-1001 any any\n' > "$tmp/lab"
	$E load "$tmp/lab" > /dev/null && $E save "$tmp/o.conf" > /dev/null &&
	{ grep -v '^flow lab\|^# epgate-save' "$tmp/o.conf"
	  grep '^flow lab b ' "$tmp/o.conf"; grep '^flow lab a ' "$tmp/o.conf"
	} > "$tmp/r.conf" || return 1
	out=$($E apply --check --unchecked "$tmp/r.conf"); rc=$?
	diag "$out"
	[ $rc = 2 ] && [ "$(grep -c '^  ' <<< "$out")" = 1 ] &&
	grep -q "^  flow order: changed" <<< "$out" &&
	$E apply --unchecked "$tmp/r.conf" > /dev/null; [ $? = 2 ] &&
	$E apply "$tmp/o.conf" > /dev/null; [ $? = 2 ] &&
	$E apply "$tmp/o.conf" > /dev/null
}
check "the same flows in another order: one change, 'flow order'" -- order

# The lock-out guard judges apply's whole desired state: a file that would
# drop the SSH session named in SSH_CONNECTION is refused, --check is not.
guarded() {
	local out rc g0
	printf 'mode enforce\nconfig hooks forward,input\nenable kaspersky\n' > "$tmp/g.conf"
	g0=$(gen)
	out=$(SSH_CONNECTION="$CLIENT_IP4 50514 10.0.1.1 22" $E apply --unchecked "$tmp/g.conf" 2>&1); rc=$?
	diag "$out"
	[ $rc = 1 ] && grep -q "epgate: apply: refused: this change would cut your SSH session (tcp $CLIENT_IP4:50514 -> 10.0.1.1:22)" <<< "$out" &&
	[ "$(gen)" = "$g0" ] && [ "$(st '.hooks | join(",")')" = forward ] || return 1
	SSH_CONNECTION="$CLIENT_IP4 50514 10.0.1.1 22" $E apply --check --unchecked "$tmp/g.conf" > /dev/null; rc=$?
	[ $rc = 2 ] && [ "$(gen)" = "$g0" ]
}
check "apply over an SSH session it would cut: refused, nothing changed; --check is not refused" -- guarded

tap_end
