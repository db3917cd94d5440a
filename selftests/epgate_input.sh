#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Hostile and sloppy input to the control tool, through the paths that
# need no kernel (`export nft --from-file`, `--from-profiles`, `profile`):
# the policy never changes silently.  A save file cut at every byte offset
# or with any byte changed is refused with one "truncated or modified"
# line and prints no ruleset; only the file as written exports, to the
# same ruleset every time.  Runs on the host as well as in the VM.
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
	export_file $tmp/policy.conf > $tmp/want.nft && grep -q 10.0.2.10 $tmp/want.nft"

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
	export_file $tmp/body --unchecked | cmp -s - $tmp/want.nft"
check "--unchecked without --from-file is a usage error" -- bash -c "
	[ \"\$($EPGATE export nft --unchecked 2>&1 >/dev/null)\" = 'epgate: export: --unchecked goes with --from-file' ]"

tap_end
