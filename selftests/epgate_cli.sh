#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Every epgate command against a real module, with its error paths: each
# failure is one line on stderr, a non-zero exit and nothing changed (the
# generation stays); every -j output is valid JSON of the documented shape.
cd "$(dirname "$0")" || exit 1
source ./lib.sh

tap_begin
[ -x "$EPGATE" ] || skip_all "userspace/epgate is not built"
[ -f "$EPGATE_KO" ] || skip_all "no module built for $(uname -r)"
checktool "jq --version" jq
export EPGATE_PROFILE_PATH=$EPGATE_TOP/profiles

tmp=$(mktemp -d /tmp/epgate-cli.XXXXXX)
cleanup() {
	rm -rf "$tmp"
	epgate_unload
}
trap cleanup EXIT
epgate_unload
E=$EPGATE

# one_line_error EXPECTED_REGEX COMMAND...: exit 1, exactly one line on
# stderr matching the regex, nothing on stdout.
one_line_error() {
	local re=$1 out err rc
	shift
	out=$("$@" 2> "$tmp/err")
	rc=$?
	err=$(cat "$tmp/err")
	if [ "$rc" != 1 ] || [ -n "$out" ] || [ "$(wc -l < "$tmp/err")" != 1 ] ||
	   ! grep -Eq -- "$re" <<< "$err"; then
		diag "rc=$rc stdout='$out' stderr='$err'"
		return 1
	fi
}

gen() { cat $SYSFS/generation; }

# unchanged COMMAND...: COMMAND fails and the generation does not move.
unchanged() {
	local before
	before=$(gen)
	"$@" && [ "$(gen)" = "$before" ]
}

# --- without the module ------------------------------------------------
for cmd in "enable kaspersky" "disable kaspersky" "lookup tcp 13000" "stats"; do
	check "module absent: '$cmd' says so" -- one_line_error \
		'^epgate: kernel module not loaded \(try: modprobe epgate\)$' $E $cmd
done

# --- profiles, no module needed ----------------------------------------
check "profile list: the five vendors" -- bash -c \
	"[ \"\$($E profile list | awk 'NR > 1 { print \$1 }' | sort | tr '\n' ' ')\" = 'escan eset kaspersky symantec trendmicro ' ]"
check "profile list -j: an array of five objects" -- bash -c \
	"$E profile list -j | jq -e 'length == 5 and all(.[]; .name and .description)' > /dev/null"
show_json() {
	$E profile show kaspersky -j | jq -e '
		.name == "kaspersky" and (.description | type) == "string" and
		(.flows | length) > 0 and
		all(.flows[]; (.name | type) == "string" and
			(.proto == "tcp" or .proto == "udp") and
			all(.ports[]; length == 2 and .[0] <= .[1]) and
			(.from | type) == "string" and (.to | type) == "string" and
			(.default | type) == "boolean" and
			(.description | type) == "string" and
			(.source | test("^00[0-9]_[0-9a-f]+\\.txt$"))) and
		any(.flows[]; .name == "agent-server" and .proto == "tcp" and
			.ports == [[13000, 13000]] and .from == "agent" and
			.to == "server" and .default) and
		any(.flows[]; .name == "server-agent-wakeup" and .proto == "udp" and
			.from == "server" and .to == "agent")' > /dev/null
}
check "profile show kaspersky -j: the documented JSON" -- show_json
check "profile show: unknown profile is one line" -- one_line_error \
	"unknown profile 'nosuch'" $E profile show nosuch
check "profile check: the shipped profiles are valid" -- \
	bash -c "$E profile check -q $EPGATE_TOP/profiles/*.profile 2>/dev/null"

printf 'profile bad\ndescription "x"\ndocument x.txt\nrole a "a"\nflow f\n\tproto tcp\n\tports 70000\n\tdirection a -> a\n\tdescription "x"\n' > "$tmp/bad.profile"
check "profile check: port 70000 is file:line:col, exit 1" -- one_line_error \
	"bad.profile:7:[0-9]+: .*70000" $E profile check "$tmp/bad.profile"

# An override moves Kaspersky's agent port for this site.
mkdir -p "$tmp/site"
printf 'override kaspersky\nflow agent-server ports 13001\n' > "$tmp/site/kaspersky.override"
override_shown() {
	EPGATE_PROFILE_PATH=$tmp/site:$EPGATE_PROFILE_PATH $E profile show kaspersky -j |
		jq -e '.flows[] | select(.name == "agent-server") |
			.ports == [[13001, 13001]] and (.overridden | test("kaspersky.override:2$"))' > /dev/null &&
	EPGATE_PROFILE_PATH=$tmp/site:$EPGATE_PROFILE_PATH $E profile show kaspersky |
		grep -q '13001\*'
}
check "override: profile show marks the changed port" -- override_shown

# --- with the module ----------------------------------------------------
epgate_load || skip_all "cannot load epgate.ko"

check "enable: unknown vendor, nothing changed" -- unchanged one_line_error \
	"^epgate: enable: unknown profile 'nosuch'" $E enable nosuch
check "enable: bad prefix, nothing changed" -- unchanged one_line_error \
	"^epgate: enable: server=10.0.0.300: bad address" $E enable kaspersky server=10.0.0.300
check "enable: host bits in a prefix are refused" -- unchanged one_line_error \
	"host bits set" $E enable kaspersky server=10.0.0.5/24
check "enable: unknown role" -- unchanged one_line_error \
	"no role 'nosuch'" $E enable kaspersky nosuch=10.0.0.5
check "enable: unknown option" -- unchanged one_line_error \
	"no option 'nosuch'" $E enable kaspersky --with nosuch
cp "$tmp/bad.profile" "$tmp/site/bad.profile"
check "enable: a malformed profile is file:line:col, nothing changed" -- unchanged \
	one_line_error "bad.profile:7:[0-9]+: .*70000" \
	env EPGATE_PROFILE_PATH=$tmp/site $E enable bad
check "disable: a profile that is not enabled" -- unchanged one_line_error \
	"^epgate: disable: profile 'kaspersky' is not enabled$" $E disable kaspersky
check "unprivileged enable: EPERM, nothing changed" -- unchanged one_line_error \
	"^epgate: enable: permission denied \(CAP_NET_ADMIN needed\)$" \
	setpriv --reuid=65534 --regid=65534 --clear-groups \
	env EPGATE_PROFILE_PATH=$EPGATE_PROFILE_PATH $E enable kaspersky

enable_both() {
	$E enable kaspersky server=10.0.2.10 --with legacy > /dev/null 2>&1 &&
	$E enable eset --monitor > /dev/null 2>&1 &&
	[ "$(gen)" = 2 ]
}
check "enable kaspersky, then eset in monitor" -- enable_both
status_profiles() {
	$E status -j | jq -e '.flows > 0' > /dev/null &&
	$E stats -j | jq -e '
		any(.flows[]; .profile == "kaspersky" and .name == "agent-server-legacy") and
		any(.flows[]; .profile == "eset" and .mode == "monitor")' > /dev/null
}
check "stats -j lists both profiles' flows with their modes" -- status_profiles
lookup_json() {
	$E lookup tcp 13000 -j | jq -e '.verdict == "allow" and
		any(.flows[]; .profile == "kaspersky" and .flow == "agent-server" and
		    .to == "10.0.2.10/32")' > /dev/null &&
	$E lookup tcp 13000 from 10.0.1.5 to 10.0.2.11 -j |
		jq -e '.match == null' > /dev/null &&
	$E lookup tcp 13000 from 10.0.1.5 to 10.0.2.10 -j |
		jq -e '.match.flow == "agent-server"' > /dev/null
}
check "lookup -j: flows, and the verdict for addresses" -- lookup_json
check "lookup: port 70000 refused" -- one_line_error "bad port '70000'" \
	$E lookup tcp 70000
check "lookup: unknown protocol refused" -- one_line_error \
	"unknown protocol 'sctp'" $E lookup sctp 1
keeps_other() {
	local before after
	before=$($E stats -j | jq '[.flows[] | select(.profile == "eset")] | length')
	$E disable kaspersky > /dev/null &&
	after=$($E stats -j | jq '[.flows[] | select(.profile == "eset")] | length')
	[ "$before" -gt 0 ] && [ "$before" = "$after" ] &&
	[ "$($E stats -j | jq '[.flows[] | select(.profile == "kaspersky")] | length')" = 0 ]
}
check "disable kaspersky keeps eset's flows" -- keeps_other

# A set far beyond one 64 KiB attribute: a multi-message transaction.
python3 -c '
for i in range(3000):
    print("big f%d tcp %d 10.0.%d.0/24 any" % (i, 20000 + i, i % 250))
' > "$tmp/big.flows"
big_set() {
	$E load "$tmp/big.flows" &&
	[ "$($E status -j | jq .flows)" = 3000 ] &&
	$E lookup tcp 22999 from 10.0.249.7 to 192.0.2.1 -j |
		jq -e '.match.flow == "f2999"' > /dev/null
}
check "load: 3000 flows in one transaction over several messages" -- big_set
big_enable() {
	$E enable kaspersky > /dev/null 2>&1 &&
	[ "$($E stats -j | jq '.flows | length')" -gt 3000 ] &&
	[ "$($E stats -j | jq '[.flows[] | select(.profile == "big")] | length')" = 3000 ]
}
check "enable on top of the large set keeps all 3000 flows" -- big_enable

# Two writers at once: the generation check makes every change land.
writers() {
	$E load /dev/null || return 1
	local i
	( for i in $(seq 10); do $E enable kaspersky > /dev/null 2>&1 || exit 1; done ) &
	local a=$!
	( for i in $(seq 10); do $E enable eset > /dev/null 2>&1 || exit 1; done ) &
	local b=$!
	wait $a && wait $b &&
	$E stats -j | jq -e '(.flows | map(.profile) | unique) == ["eset", "kaspersky"]' > /dev/null
}
check "two concurrent writers: both profiles end enabled" -- writers

tap_end
