#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Permissions.  Every command needs CAP_NET_ADMIN over the user namespace
# that owns the network namespace (GENL_UNS_ADMIN_PERM):
#  - an unprivileged user gets EPERM for every mutating command (mode,
#    config, load, enable, disable, stats --reset: SET_CONFIG, SET_FLOWS,
#    RESET_COUNTERS) and for every reading one (status, stats, lookup,
#    save: GET_STATUS, GET_FLOWS, GET_PROFILES): bound addresses are the
#    site's inventory; sysfs (the initial namespace's counters) stays
#    readable, and read-only, to it;
#  - the root of a new user namespace with its own network namespace
#    (unshare -U -r -n, started by that unprivileged user) configures that
#    namespace: a profile, enforce mode, status shows them;
#  - the root of a new user namespace that kept the initial network
#    namespace gets EPERM for every command there.
# Through all of it the initial namespace's generation and state stay put.
cd "$(dirname "$0")" || exit 1
source ./lib.sh

tap_begin
[ -x "$EPGATE" ] || skip_all "userspace/epgate is not built"
[ -f "$EPGATE_KO" ] || skip_all "no module built for $(uname -r)"
checktool "jq --version" jq
checktool "setpriv --version" setpriv
checktool "unshare --version" unshare
export EPGATE_PROFILE_PATH=$EPGATE_TOP/profiles

# The unprivileged user must be able to read the flow files it is given.
tmp=$(mktemp -d)
chmod 755 "$tmp"
userns_max=$(cat /proc/sys/user/max_user_namespaces)
userns_clone=$(cat /proc/sys/kernel/unprivileged_userns_clone 2>/dev/null)
cleanup() {
	echo "$userns_max" > /proc/sys/user/max_user_namespaces
	[ -n "$userns_clone" ] &&
		echo "$userns_clone" > /proc/sys/kernel/unprivileged_userns_clone
	epgate_unload
	rm -rf "$tmp"
}
trap cleanup EXIT
epgate_unload
E=$EPGATE

check "the module loads" -- epgate_load
printf 'kav agent-server tcp 13000 any 10.0.0.5/32\nkav push udp 15000 any any\n' > "$tmp/set"
chmod 644 "$tmp/set"
setup() {
	$E load "$tmp/set" && $E enable kaspersky > /dev/null 2>&1 &&
	$E mode monitor && $E config mark 0x100/0x100
}
check "initial namespace: a set, kaspersky, monitor, a mark" -- setup

state() { $E status -j | jq -c 'del(.counters)'; }
gen() { local g; read -r g < $SYSFS/generation; echo "$g"; }
state0=$(state)
gen0=$(gen)

nobody() {
	setpriv --reuid=65534 --regid=65534 --clear-groups "$@"
}

# eperm DESC CMD...: exit 1, one line on stderr that names CAP_NET_ADMIN,
# nothing on stdout, and the initial namespace unchanged.
eperm() {
	local out rc
	out=$("$@" 2> "$tmp/err")
	rc=$?
	if [ "$rc" != 1 ] || [ -n "$out" ] || [ "$(grep -c . "$tmp/err")" != 1 ] ||
	   ! grep -Eq '^epgate: [a-z :-]+: permission denied \(CAP_NET_ADMIN needed\)$' "$tmp/err"; then
		diag "rc=$rc stdout='$out' stderr='$(cat "$tmp/err")'"
		return 1
	fi
	[ "$(gen)" = "$gen0" ] && [ "$(state)" = "$state0" ]
}

mutating=(
	"mode enforce"
	"mode off"
	"config hooks forward,input"
	"config mark none"
	"config in lo"
	"config log kernel"
	"config priority 0"
	"config other drop"
	"load $tmp/set"
	"enable symantec"
	"enable kaspersky server=10.0.2.10"
	"disable kaspersky"
	"stats --reset"
)

# --- an unprivileged user --------------------------------------------
for cmd in "${mutating[@]}"; do
	# shellcheck disable=SC2086
	check "unprivileged '$cmd': EPERM, nothing changed" -- eperm nobody $E $cmd
done

# Reading needs CAP_NET_ADMIN too: bound addresses are the site's
# inventory of servers and consoles (as nft needs it to list rules).
readers=("status -j" "stats -j" "stats" "lookup tcp 13000 -j" "save -")
for cmd in "${readers[@]}"; do
	# shellcheck disable=SC2086
	check "unprivileged '$cmd' (GET_STATUS, GET_FLOWS, GET_PROFILES): EPERM" -- \
		eperm nobody $E $cmd
done

sysfs_read_only() {
	nobody bash -c '
		n=0
		for f in $(find '"$SYSFS"' -type f); do
			cat "$f" > /dev/null || exit 1
			( echo 0 > "$f" ) 2> /dev/null && { echo "# writable: $f"; exit 1; }
			n=$((n + 1))
		done
		echo "# $n sysfs files readable, none writable"
		[ $n -gt 5 ]'
}
check "sysfs: every file readable, none writable, by an unprivileged user" -- sysfs_read_only

# --- user namespaces ---------------------------------------------------
# Debian's kernels allow unprivileged user namespaces by default
# (kernel.unprivileged_userns_clone=1); make sure for this test.
[ -n "$userns_clone" ] && echo 1 > /proc/sys/kernel/unprivileged_userns_clone
[ "$userns_max" -gt 0 ] || echo 1000 > /proc/sys/user/max_user_namespaces
diag "kernel.unprivileged_userns_clone=${userns_clone:-absent}, user.max_user_namespaces=$userns_max"

# The root of a new user namespace owning a new network namespace: a
# whole configuration, seen by its own status.
own_netns() {
	local out
	out=$(nobody unshare -U -r -n bash -c '
		E=$1
		[ "$(id -u)" = 0 ] || exit 10
		$E enable kaspersky server=10.0.2.10 > /dev/null 2>&1 || exit 11
		$E mode enforce || exit 12
		$E config hooks forward,input || exit 13
		$E stats --reset > /dev/null || exit 14
		$E load "$2" || exit 15
		$E enable kaspersky > /dev/null 2>&1 || exit 16
		$E status -j | jq -c "{mode, hooks, generation, flows}"
		$E stats -j | jq -r "[.flows[].profile] | unique | join(\",\")"
	' _ "$E" "$tmp/set" 2>&1)
	local rc=$?
	diag "inside: $(echo "$out" | tr '\n' ' ')"
	[ "$rc" = 0 ] &&
	grep -q '"mode":"enforce"' <<< "$out" &&
	grep -q '"generation":3' <<< "$out" &&
	grep -qx 'kaspersky,kav' <<< "$out" &&
	[ "$(gen)" = "$gen0" ] && [ "$(state)" = "$state0" ]
}
check "unshare -U -r -n as nobody: root there configures its own namespace; the initial one unchanged" -- own_netns

# The root of a new user namespace that kept the initial network
# namespace: CAP_NET_ADMIN in its own user namespace is not enough.
userns_init_netns() {
	local cmd bad=0
	for cmd in "${mutating[@]}"; do
		# shellcheck disable=SC2086
		if ! eperm nobody unshare -U -r $E $cmd; then
			diag "not refused: $cmd"
			bad=1
		fi
	done
	[ "$bad" = 0 ]
}
check "userns root in the initial netns: EPERM for all ${#mutating[@]} mutating commands" -- userns_init_netns
check "userns root in the initial netns: EPERM on status too" -- \
	eperm nobody unshare -U -r $E status -j
check "initial namespace: generation ($gen0) and state unchanged" -- \
	test "$(gen)" = "$gen0" -a "$(state)" = "$state0"
tap_end
