#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The Ansible role of Documentation/ansible/ (Debian's ansible-core, local
# connection, run inside the gateway namespace): the first run renders the
# file, applies it under a confirm deadline, confirms and saves, and
# reports changed; the second run reports nothing changed, applies nothing
# (generation unchanged) and keeps the counters; real traffic shows the
# policy (the allowed flows pass, the rest is dropped in enforce).  A
# --check run with another policy reports changed, shows the difference
# and changes nothing (the file, the generation, the verdicts).
cd "$(dirname "$0")" || exit 1
source ./lib.sh
source ./topology.sh

tap_begin
[ -x "$EPGATE" ] || skip_all "userspace/epgate is not built"
[ -f "$EPGATE_KO" ] || skip_all "no module built for $(uname -r)"
checktool "ansible-playbook --version" "ansible-playbook (Debian's ansible-core)"
checktool "jq --version" jq
export EPGATE_PROFILE_PATH=$EPGATE_TOP/profiles

tmp=$(mktemp -d /tmp/epgate-ansible.XXXXXX)
cleanup() {
	topo_cleanup
	epgate_unload
	rm -rf "$tmp"
}
trap cleanup EXIT

# ansible-playbook needs a writable home and temporary folders, and
# multiprocessing needs /dev/shm: the VM guest's root is the host's, read
# only, with tmpfs on /tmp and /root (selftests/vm/guest.sh) and /dev/shm.
if [ ! -w /dev/shm ]; then
	mkdir -p /dev/shm && mount -t tmpfs tmpfs /dev/shm ||
		skip_all "no writable /dev/shm for ansible-playbook"
fi
export HOME=$tmp/home ANSIBLE_HOME=$tmp/home/.ansible
export ANSIBLE_LOCAL_TEMP=$tmp/ansible-local ANSIBLE_REMOTE_TEMP=$tmp/ansible-remote
# No ansible.cfg of the machine's (an empty one of ours).
export ANSIBLE_CONFIG=$tmp/ansible.cfg ANSIBLE_NOCOLOR=1 ANSIBLE_RETRY_FILES_ENABLED=0
# Under TCG every module costs seconds: no interpreter discovery, no
# module file copied and removed per task (pipelining), one inventory
# plugin tried.
export ANSIBLE_PYTHON_INTERPRETER=/usr/bin/python3 ANSIBLE_PIPELINING=1
export ANSIBLE_INVENTORY_ENABLED=host_list
export ANSIBLE_ROLES_PATH=$EPGATE_TOP/Documentation/ansible/roles
mkdir -p "$HOME" "$tmp/etc"
: > "$ANSIBLE_CONFIG"

epgate_unload
topo_setup || skip_all "cannot build the topology"
epgate_load || skip_all "cannot load epgate.ko"
gw() { ip netns exec "$GW" "$EPGATE" "$@"; }
gen() { gw status -j | jq -r .generation; }

cat > "$tmp/play.yml" <<EOF
- name: epgate on the local gateway
  hosts: all
  gather_facts: false
  roles: [epgate]
EOF
# vars NAME OPTIONS: a vars file, kaspersky bound to the server with
# OPTIONS (a YAML list) in enforce.
vars() {
	cat > "$tmp/$1.yml" <<EOF
epgate_binary: $EPGATE
epgate_desired_file: $tmp/etc/desired.conf
epgate_saved_file: $tmp/etc/epgate.conf
epgate_confirm_seconds: 600
epgate_mode: enforce
epgate_config:
  hooks: [forward]
epgate_profiles:
  - name: kaspersky
    bindings:
      server: $SERVER_IP4
    options: $2
EOF
}
vars legacy "[legacy]"
vars plain "[]"

# play N VARS [ARGS...]: run the role with the vars file (and
# ansible-playbook ARGS) in the gateway namespace; its output and exit
# status in $tmp/runN.out.
play() {
	local n=$1 v=$2 t0
	shift 2
	t0=$(now_ms)
	ip netns exec "$GW" ansible-playbook -i localhost, -c local \
		-e "@$tmp/$v.yml" "$@" "$tmp/play.yml" > "$tmp/run$n.out" 2>&1
	echo "rc=$?" >> "$tmp/run$n.out"
	diag "run $n ($v $*): $(( $(now_ms) - t0 )) ms"
}
# recap N: "rc=R changed=C failed=F" of run N.
recap() {
	local out=$tmp/run$1.out
	printf 'rc=%s changed=%s failed=%s' \
		"$(sed -n 's/^rc=//p' "$out")" \
		"$(sed -n 's/^localhost *:.* changed=\([0-9]*\) .*/\1/p' "$out")" \
		"$(sed -n 's/^localhost *:.* failed=\([0-9]*\) .*/\1/p' "$out")"
}
show_run() { sed 's/^/# /' "$tmp/run$1.out"; }
reports() { # N "rc=.. changed=.. failed=..": the recap of run N
	[ "$(recap "$1")" = "$2" ] && return 0
	diag "run $1: $(recap "$1"), expected $2"
	show_run "$1"
	return 1
}
changed() { # N: run N succeeded and changed something
	local r
	r=$(recap "$1")
	[[ $r =~ ^rc=0\ changed=[1-9][0-9]*\ failed=0$ ]] && return 0
	diag "run $1: $r"
	show_run "$1"
	return 1
}
not_pending() {
	[ "$(gw status -j | jq -r .rollback.pending)" = false ]
}

topo_bg ip netns exec "$SERVER" python3 netprobe.py serve tcp:13000 tcp:14000 tcp:2222 \
	> /dev/null
for p in 13000 14000 2222; do
	busywait 5000 listening "$SERVER" tcp $p || skip_all "echo service $p"
done
# verdicts: kaspersky's agent port, its legacy (opt-in) port, and a port
# of no profile, over IPv4.
verdicts() {
	ip netns exec "$CLIENT" python3 netprobe.py probe -t 1 tcp:$SERVER_IP4:13000 \
		tcp:$SERVER_IP4:14000 tcp:$SERVER_IP4:2222 | awk '{ printf "%s ", $4 }'
}
# counts: kaspersky's agent-server packets and the global dropped count.
counts() {
	gw stats -j | jq -r '[(.flows[] | select(.profile == "kaspersky" and
		.name == "agent-server") | .packets), .counters.dropped] | @tsv'
}

check "before: mode off, nothing enabled, traffic passes" -- \
	test "$(verdicts)" = "pass pass pass "

play 1 legacy
check "run 1: changed" -- changed 1
check "run 1: mode enforce, kaspersky enabled with legacy" -- bash -c "
	[ \"\$(ip netns exec $GW $EPGATE status -j |
		jq -c '[.mode, [.profiles[].name]]')\" = '[\"enforce\",[\"kaspersky\"]]' ] &&
	ip netns exec $GW $EPGATE save - | grep -qx 'enable kaspersky server=$SERVER_IP4.* --with legacy.*'"
check "run 1: the change was confirmed (nothing pending)" -- not_pending
check "run 1: the rendered file carries a matching trailer" -- bash -c "
	[ \"\$(tail -n 1 $tmp/etc/desired.conf)\" = \"# epgate-save v1 sha256=\$(head -n -1 $tmp/etc/desired.conf | sha256sum | cut -d' ' -f1)\" ]"
check "run 1: the confirmed state saved for boot (epgate save)" -- bash -c "
	ip netns exec $GW $EPGATE save - | cmp -s - $tmp/etc/epgate.conf"
v=$(verdicts)
diag "verdicts 13000 14000 2222: $v"
check "run 1: traffic: 13000 and legacy 14000 pass, 2222 is dropped" -- \
	test "$v" = "pass pass drop "
g1=$(gen)
read -r p1 d1 <<< "$(counts)"
check "run 1: counted: the agent flow ($p1 packets), drops ($d1)" -- \
	test "$p1" -gt 0 -a "$d1" -gt 0

play 2 legacy
check "run 2: nothing changed" -- reports 2 "rc=0 changed=0 failed=0"
check "run 2: nothing applied (generation $g1)" -- test "$(gen)" = "$g1"
read -r p2 d2 <<< "$(counts)"
check "run 2: counters kept (agent flow $p1 -> $p2, dropped $d1 -> $d2)" -- \
	test "$p2" -ge "$p1" -a "$d2" -ge "$d1"
check "run 2: traffic unchanged" -- test "$(verdicts)" = "pass pass drop "

cp "$tmp/etc/desired.conf" "$tmp/desired.before"
play 3 plain --check
check "run 3 (--check, without legacy): reports changed" -- changed 3
sed -n '/Show the difference/,/^}/p' "$tmp/run3.out" | sed 's/^/# /'
check "run 3: shows the difference: the legacy flow would go" -- \
	grep -q -- '- flow kaspersky agent-server-legacy tcp 14000' "$tmp/run3.out"
check "run 3: the file is not rewritten" -- cmp -s "$tmp/desired.before" "$tmp/etc/desired.conf"
check "run 3: nothing applied (generation $g1), nothing pending" -- \
	bash -c "[ \"\$(ip netns exec $GW $EPGATE status -j | jq -c '[.generation, .rollback.pending]')\" = '[$g1,false]' ]"
check "run 3: legacy 14000 still passes" -- test "$(verdicts)" = "pass pass drop "

tap_end
