#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Hostile and sloppy input to the control tool, through the paths that
# need no kernel (`export nft --from-file`, `--from-profiles`, `profile`):
# the policy never changes silently.  A save file cut at every byte offset
# or with any byte changed is refused with one "truncated or modified"
# line and prints no ruleset; only the file as written exports, to the
# same ruleset every time.  Then one case per silent change the issue
# found: flow rules shared by every format, a mixed-family binding, an
# interface wildcard, the search path's limit, a FIFO on it, lint that
# counts instead of repeating, and the conventions of nft and ufw
# (--help, version, --json, --with=, profile check -).  Runs on the host
# as well as in the VM.
cd "$(dirname "$0")" || exit 1
source ./lib.sh

tap_begin
[ -x "$EPGATE" ] || skip_all "userspace/epgate is not built"
export EPGATE_PROFILE_PATH=$EPGATE_TOP/profiles

tmp=$(mktemp -d /tmp/epgate-input.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

# signed BODY OUT: BODY with the trailer `epgate save` writes (the format
# is documented: the SHA-256 of every byte before the trailer line).
signed() {
	cp "$1" "$2"
	printf '# epgate-save v1 sha256=%s\n' "$(sha256sum < "$1" | cut -d' ' -f1)" >> "$2"
}
# export FILE [ARGS...]: the ruleset of FILE on stdout, errors on stderr.
export_file() { "$EPGATE" export nft --from-file "$@"; }

# Several profiles, bindings, options, a monitor profile, flows and config.
cat > "$tmp/body" <<'CONF'
mode enforce
config hooks forward,input in lan0,dmz0 out any mark 0x100/0xff00 log kernel,nflog 5
enable kaspersky server=10.0.2.10 console=10.0.3.0/24 --with legacy
enable eset server=fd00:2::10 --monitor
flow custom web tcp 8080,9000-9010 any 10.0.2.20/32
flow custom dns6 udp 5353 fd00:1::/64 any
CONF
signed "$tmp/body" "$tmp/policy.conf"
len=$(stat -c %s "$tmp/policy.conf")

check "the signed file exports" -- bash -c "$(declare -f export_file); EPGATE=$EPGATE
	export_file $tmp/policy.conf > $tmp/want.nft 2> /dev/null && grep -q 10.0.2.10 $tmp/want.nft"

# refused FILE: exit 1, one stderr line "...: FILE: truncated or
# modified; ...", nothing on stdout.  (No command substitution: forks
# are dear in a TCG guest.)
refused() {
	local rc lines
	export_file "$1" > "$tmp/out" 2> "$tmp/err"; rc=$?
	mapfile -t lines < "$tmp/err"
	[ "$rc" = 1 ] && [ ! -s "$tmp/out" ] && [ "${#lines[@]}" = 1 ] &&
		[[ ${lines[0]} == "epgate: export: $1: truncated or modified; "* ]] && return 0
	diag "rc=$rc: ${lines[*]}"
	return 1
}

# cuts: every shorter prefix of the file is refused.
cuts() {
	local k bad=0
	for ((k = 0; k < len; k++)); do
		head -c "$k" "$tmp/policy.conf" > "$tmp/cut"
		refused "$tmp/cut" || { diag "cut at $k"; bad=$((bad + 1)); }
		[ "$bad" -lt 3 ] || break
	done
	[ "$bad" = 0 ]
}
check "cut at each of $len offsets: refused, no ruleset" -- cuts

# flips: each byte with its lowest bit flipped (a digit to the next, a
# letter to its neighbour, a newline to a control byte) is refused.
flips() {
	local k bad=0 bytes oct
	read -r -a bytes <<< "$(od -An -v -tu1 "$tmp/policy.conf" | tr '\n' ' ')"
	for ((k = 0; k < len; k++)); do
		{
			head -c "$k" "$tmp/policy.conf"
			printf -v oct '\\%03o' $((bytes[k] ^ 1))
			printf "$oct"
			tail -c +$((k + 2)) "$tmp/policy.conf"
		} > "$tmp/flip"
		refused "$tmp/flip" || { diag "flip at $k"; bad=$((bad + 1)); }
		[ "$bad" -lt 3 ] || break
	done
	[ "$bad" = 0 ]
}
check "each byte changed: refused, no ruleset" -- flips

: > "$tmp/empty"
check "an empty file is refused" -- refused "$tmp/empty"
check "an empty file is refused with --unchecked too" -- bash -c "
	$(declare -f export_file); EPGATE=$EPGATE
	[ \"\$(export_file $tmp/empty --unchecked 2>&1 >/dev/null)\" = 'epgate: export: $tmp/empty: truncated or modified; the file is empty' ]"
check "a hand-written file (no trailer) is refused" -- refused "$tmp/body"
check "... and taken with --unchecked: the same ruleset" -- bash -c "
	$(declare -f export_file); EPGATE=$EPGATE
	export_file $tmp/body --unchecked 2> /dev/null | cmp -s - $tmp/want.nft"
check "--unchecked without --from-file is a usage error" -- bash -c "
	[ \"\$($EPGATE export nft --unchecked 2>&1 >/dev/null)\" = 'epgate: export: --unchecked goes with --from-file' ]"

# fails_with WANT CMD...: exit 1, nothing on stdout, stderr exactly WANT.
fails_with() {
	local want=$1 rc
	shift
	"$@" > "$tmp/out" 2> "$tmp/err"; rc=$?
	[ "$rc" = 1 ] && [ ! -s "$tmp/out" ] && [ "$(cat "$tmp/err")" = "$want" ] && return 0
	diag "rc=$rc: $(cat "$tmp/err")"
	return 1
}

check "a mixed-family binding is an error naming the flow, not a flow left out" -- \
	fails_with "epgate: export: flow 'console-server' of profile kaspersky: role 'console' is bound to IPv4, role 'server' to IPv6: it could never match (bind both to one family, or leave one unbound)" \
	"$EPGATE" export nft --from-profiles kaspersky server=2001:db8::10 console=10.0.3.0/24
flowline() { # TEXT: a hand-written save file with one flow line
	printf 'mode enforce\nflow %s\n' "$1" > "$tmp/flow.conf"
	"$EPGATE" export nft --from-file "$tmp/flow.conf" --unchecked
}
check "save-file flow lines: port 0 refused as in profiles" -- fails_with \
	"epgate: export: $tmp/flow.conf:2: flow: port 0 out of range 1..65535" \
	flowline "c web tcp 0 any any"
check "save-file flow lines: an upper-case profile name refused as in profiles" -- fails_with \
	"epgate: export: $tmp/flow.conf:2: flow: profile name 'Custom' has a bad character 'C' (allowed: a-z 0-9 - _)" \
	flowline "Custom web tcp 80 any any"
check "save-file flow lines: 80,80 refused as in profiles" -- fails_with \
	"epgate: export: $tmp/flow.conf:2: flow: ports '80' overlap an earlier element of '80,80'" \
	flowline "c web tcp 80,80 any any"
check "an interface wildcard is refused (the module compares names exactly)" -- fails_with \
	"epgate: export: interface name 'eth*': wildcards are not supported (names are compared exactly; list each interface)" \
	"$EPGATE" export nft --from-profiles eset --in 'eth*'
check "'any' mixed with interface names is refused" -- fails_with \
	"epgate: export: 'any' mixed with interface names in 'any,lan0' (give 'any' alone, or only names)" \
	"$EPGATE" export nft --from-profiles eset --in any,lan0

many=$(for i in $(seq 40); do printf '%s/d%d:' "$tmp" "$i"; done)
check "a search path past 32 directories is an error naming the limit" -- \
	fails_with "epgate: EPGATE_PROFILE_PATH: the search path holds at most 32 directories and 8192 bytes, /etc/epgate/profiles.d:/usr/share/epgate/profiles included; nothing was searched" \
	env EPGATE_PROFILE_PATH="$many$EPGATE_TOP/profiles" "$EPGATE" profile show eset

mkdir -p "$tmp/site/dir.profile"
mkfifo "$tmp/site/fifo.profile" "$tmp/site/eset.profile"
fifo_skipped() {
	local rc
	EPGATE_PROFILE_PATH=$tmp/site:$EPGATE_TOP/profiles \
		timeout 20 "$EPGATE" profile list > "$tmp/out" 2> "$tmp/err"; rc=$?
	[ "$rc" = 0 ] && ! grep -qx 'fifo\|dir' "$tmp/out" && grep -q '^eset' "$tmp/out" &&
		grep -qx "epgate: warning: $tmp/site/fifo.profile: not a regular file, skipped" "$tmp/err" &&
		EPGATE_PROFILE_PATH=$tmp/site:$EPGATE_TOP/profiles \
			timeout 20 "$EPGATE" profile show eset -j > /dev/null 2> "$tmp/err" &&
		grep -qx "epgate: warning: $tmp/site/eset.profile: not a regular file, skipped" "$tmp/err" &&
		return 0
	diag "rc=$rc: $(cat "$tmp/err")"
	return 1
}
check "a FIFO or directory named *.profile is skipped with a warning, never read" -- fifo_skipped

many_flows() {
	local lines
	{
		printf 'profile big\ndescription "d"\ndocument d\nrole a "A"\nrole b "B"\n'
		for ((i = 0; i < 3000; i++)); do
			printf 'flow f%d\n\tproto tcp\n\tports 1-65535\n\tdirection a -> b\n\tdescription "x"\n' "$i"
		done
	} > "$tmp/big.profile"
	"$EPGATE" profile check -q "$tmp/big.profile" 2> "$tmp/err" || return 1
	lines=$(grep -c '' "$tmp/err")
	[ "$lines" = 2 ] && grep -q "overlap on tcp/1-65535, both a -> b (4498500 pairs of flows in all)$" "$tmp/err" &&
		grep -q "tcp/1-65535 opens 65535 ports, a -> b" "$tmp/err" && return 0
	diag "$lines lines: $(head -3 "$tmp/err")"
	return 1
}
check "lint: 3000 identical 1-65535 flows give two counted warnings" -- many_flows

export_says() {
	"$EPGATE" export nft --from-profiles eset escan > "$tmp/out" 2> "$tmp/err" &&
	grep -q "warning: tcp/2222 of escan:server-agent-request (server -> agent) is also claimed by eset:agent-server (agent -> server) with different roles" "$tmp/err" &&
	grep -q '^# Differences from the module: no per-flow counters' "$tmp/out"
}
check "export: lint warnings on stderr, the differences in its comments" -- export_says

# Drop logging: text, JSON and --apply (libnftnl) give one ruleset, in a
# network namespace of this kernel (nf_tables only: nothing to load).
logging_same() { # MODE LOG
	printf 'mode %s\nconfig log %s\nenable kaspersky server=10.0.2.10\nenable eset --monitor\n' \
		"$1" "$2" > "$tmp/log.conf"
	"$EPGATE" export nft --from-file "$tmp/log.conf" --unchecked > "$tmp/log.nft" 2> /dev/null &&
	"$EPGATE" export nft -j --from-file "$tmp/log.conf" --unchecked > "$tmp/log.json" 2> /dev/null &&
	grep -q ' log prefix "epgate ' "$tmp/log.nft" &&
	unshare -n bash -c "
		nft -f $tmp/log.nft && nft list table inet epgate > $tmp/l.text &&
		nft flush ruleset && nft -j -f $tmp/log.json &&
		nft list table inet epgate > $tmp/l.json && nft flush ruleset &&
		$EPGATE export nft --from-file $tmp/log.conf --unchecked --apply > /dev/null 2>&1 &&
		nft list table inet epgate > $tmp/l.apply" &&
	grep -q 'log prefix "epgate drop " group 5 counter' "$tmp/l.text" &&
	diff -u "$tmp/l.text" "$tmp/l.json" && diff -u "$tmp/l.text" "$tmp/l.apply"
}
if unshare -n nft list ruleset > /dev/null 2>&1; then
	check "export: config log kernel,nflog 5 as text, JSON and --apply: the same ruleset" -- \
		logging_same enforce "kernel,nflog 5"
else
	tap_result 0 "export: config log as text, JSON and --apply # SKIP no nf_tables in a new netns"
fi

# Run where the module is not loaded (the host; in a VM only if absent).
if [ ! -d /sys/module/epgate ]; then
	check "export without the module names its two fallbacks" -- fails_with \
		"epgate: kernel module not loaded (try: modprobe epgate; without it: export nft --from-file FILE or --from-profiles NAME...)" \
		"$EPGATE" export nft
fi

help_everywhere() {
	local c bad=0
	for c in $("$EPGATE" --help | awk '/^  [a-z]/ { print $1 }'); do
		"$EPGATE" "$c" --help > "$tmp/out" 2> "$tmp/err" &&
			grep -q "^Usage: epgate $c" "$tmp/out" && [ ! -s "$tmp/err" ] ||
			{ diag "$c --help"; bad=1; }
	done
	return $bad
}
check "every command's --help: usage on stdout, exit 0" -- help_everywhere
check "epgate version is epgate --version" -- bash -c \
	"[ \"\$($EPGATE version)\" = \"\$($EPGATE --version)\" ]"
check "--json is -j" -- bash -c \
	"cmp -s <($EPGATE profile show eset --json) <($EPGATE profile show eset -j)"
check "--with=OPTION is --with OPTION" -- bash -c \
	"cmp -s <($EPGATE export nft --from-profiles eset --with=push 2>/dev/null) <($EPGATE export nft --from-profiles eset --with push 2>/dev/null)"
check "profile check - reads standard input" -- bash -c \
	"[ \"\$($EPGATE profile check - < $EPGATE_TOP/profiles/eset.profile 2>/dev/null)\" = '<stdin>: ok (32 flows, 7 default)' ]"
printf '\xef\xbb\xbfprofile x\n' > "$tmp/bom.profile"
check "a UTF-8 BOM is named as such" -- fails_with \
	"$tmp/bom.profile:1:1: the file starts with a UTF-8 byte order mark (BOM, bytes EF BB BF): save it as UTF-8 without BOM" \
	"$EPGATE" profile check -q "$tmp/bom.profile"
check "'80, 443' gets the no-spaces hint" -- bash -c \
	"printf 'p f tcp 80, 443 any any\n' > $tmp/space.list &&
	 [ \"\$($EPGATE load $tmp/space.list 2>&1)\" = \"epgate: $tmp/space.list:1:12: empty port in '80,' (no spaces inside a port list)\" ]"
check "a usage error says what was wrong" -- fails_with \
	"$(printf 'epgate: mode: missing the mode (off, monitor or enforce)\nUsage: epgate mode off|monitor|enforce')" \
	"$EPGATE" mode

tap_end
