#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# epgate save / restore: a state with a profile loaded by `epgate load`,
# profiles enabled with bindings, options and --monitor, mode, hooks,
# scope, mark and drop logging is saved, the module reloaded (empty) and
# the file restored: `epgate status -j` (without counters and generation),
# the flow list of `epgate stats -j`, `epgate save` itself and the
# verdicts of a few probes are the same.  The saved file cut short or
# with a byte changed (at every line end and within every line), or
# empty, is refused as "truncated or modified" and changes nothing; a
# hand-edited file of several corrupt kinds, restored with --unchecked, is
# refused with its line number and changes nothing (the generation stays,
# status and set are untouched).
cd "$(dirname "$0")" || exit 1
source ./lib.sh
source ./topology.sh

tap_begin
[ -x "$EPGATE" ] || skip_all "userspace/epgate is not built"
[ -f "$EPGATE_KO" ] || skip_all "no module built for $(uname -r)"
checktool "jq --version" jq
checktool "socat -V" socat
export EPGATE_PROFILE_PATH=$EPGATE_TOP/profiles

tmp=$(mktemp -d /tmp/epgate-persist.XXXXXX)
cleanup() {
	topo_cleanup
	epgate_unload
	rm -rf "$tmp"
}
trap cleanup EXIT
epgate_unload
topo_setup || skip_all "cannot build the topology"
epgate_load || skip_all "cannot load epgate.ko"
gw() { ip netns exec "$GW" "$EPGATE" "$@"; }
quiet() { "$@" > /dev/null 2>&1; }
gen() { gw status -j | jq -r .generation; }

cat > "$tmp/custom.list" <<EOF
custom  web   tcp  8080,9000-9010  any  $SERVER_IP4/32
custom  dns6  udp  5353            fd00:1::/64  any
EOF
check "state: load, enable with bindings, options and --monitor" -- quiet bash -c "
	$(declare -f gw); GW=$GW EPGATE=$EPGATE
	gw load $tmp/custom.list &&
	gw enable kaspersky server=$SERVER_IP4 agent=10.0.1.0/24 --with legacy,hierarchy &&
	gw enable eset --with push --monitor &&
	gw enable escan"
check "state: mode, hooks, scope, mark, log, priority, other" -- quiet bash -c "
	$(declare -f gw); GW=$GW EPGATE=$EPGATE
	gw mode enforce &&
	gw config hooks forward,input in g0,g1 out any mark 0x100/0xff00 log kernel,nflog 7 priority 5 other drop"

# snapshot NAME: what must survive, without counters and generation.
snapshot() {
	gw status -j | jq -S 'del(.counters, .generation, .offload) |
		.profiles |= map(del(.packets, .bytes))' > "$tmp/$1.status"
	gw stats -j | jq -S '.flows | map(del(.packets, .bytes))' > "$tmp/$1.flows"
	gw save - > "$tmp/$1.save"
	gw export nft > "$tmp/$1.nft"
}

PROBES=(tcp:$SERVER_IP4:13000 tcp:$SERVER_IP4:14000 tcp:$SERVER_IP4:8080
	tcp:$SERVER_IP4:9005 tcp:$SERVER_IP4:5555 tcp:[$SERVER_IP6]:13000
	udp:$SERVER_IP4:13000 tcp:$SERVER_IP4:2222)
topo_bg ip netns exec "$SERVER" python3 netprobe.py serve tcp:13000 tcp:14000 \
	tcp:8080 tcp:9005 tcp:5555 udp:13000 tcp:2222 > /dev/null
for p in 13000 14000 8080 9005 5555 2222; do
	busywait 5000 listening "$SERVER" tcp $p || skip_all "echo service $p"
done
verdicts() {
	ip netns exec "$CLIENT" python3 netprobe.py probe -t 0.7 "${PROBES[@]}"
}

snapshot before
verdicts > "$tmp/before.verdicts"
diag "$(tr '\n' ';' < "$tmp/before.verdicts")"
check "probes: some pass, some are dropped" -- bash -c "
	grep -q ' pass$' $tmp/before.verdicts && grep -q ' drop$' $tmp/before.verdicts"
check "save FILE" -- quiet gw save "$tmp/epgate.conf"
check "save - writes the same file" -- cmp "$tmp/epgate.conf" "$tmp/before.save"
check "the file: enable lines with their arguments, the loaded profile as flows" -- bash -c "
	grep -qx 'mode enforce' $tmp/epgate.conf &&
	grep -qx 'config hooks forward,input in g0,g1 out any mark 0x100/0xff00 log kernel,nflog 7 priority 5 other drop' $tmp/epgate.conf &&
	grep -qx 'enable kaspersky server=$SERVER_IP4 agent=10.0.1.0/24 --with legacy --with hierarchy' $tmp/epgate.conf &&
	grep -qx 'enable eset --with push --monitor' $tmp/epgate.conf &&
	grep -qx 'enable escan' $tmp/epgate.conf &&
	grep -qx 'flow custom web tcp 8080,9000-9010 any $SERVER_IP4/32' $tmp/epgate.conf"
cat "$tmp/epgate.conf" | grep -v '^#' | sed 's/^/# /'

check "rmmod, insmod: an empty module" -- bash -c "
	rmmod epgate && insmod $EPGATE_KO &&
	[ \"\$(ip netns exec $GW $EPGATE status -j | jq -c '[.mode, .flows]')\" = '[\"off\",0]' ]"
check "restore FILE" -- quiet gw restore "$tmp/epgate.conf"
check "restore: one flow-set transaction (generation 1)" -- test "$(gen)" = 1
snapshot after
check "status -j is the same (without counters and generation)" -- \
	diff -u "$tmp/before.status" "$tmp/after.status"
check "stats -j: the same flows" -- diff -u "$tmp/before.flows" "$tmp/after.flows"
check "save after restore: the same file" -- diff -u "$tmp/before.save" "$tmp/after.save"
check "export nft after restore: the same ruleset" -- diff -u "$tmp/before.nft" "$tmp/after.nft"
verdicts > "$tmp/after.verdicts"
check "the same verdicts" -- diff -u "$tmp/before.verdicts" "$tmp/after.verdicts"

# refused_with FILE PREFIX [ARG...]: `restore ARG... FILE` exits 1 with
# one stderr line starting with PREFIX, and nothing changed.
refused_with() {
	local f=$1 prefix=$2 err g0 g1
	shift 2
	g0=$(gen)
	err=$(ip netns exec "$GW" "$EPGATE" restore "$@" "$f" 2>&1 >/dev/null)
	local rc=$?
	g1=$(gen)
	snapshot refused
	if [ "$rc" != 1 ] || [ "$(printf '%s\n' "$err" | wc -l)" != 1 ] ||
	   [[ "$err" != "$prefix"* ]] || [ "$g0" != "$g1" ] ||
	   ! cmp -s "$tmp/after.status" "$tmp/refused.status" ||
	   ! cmp -s "$tmp/after.save" "$tmp/refused.save"; then
		diag "rc=$rc gen $g0 -> $g1: $err"
		return 1
	fi
	diag "$err"
}
# restore_refused FILE LINE: a hand-edited file (--unchecked) refused at
# FILE:LINE.
restore_refused() {
	refused_with "$1" "epgate: restore: $1:$2: " --unchecked
}
# damaged FILE: refused as truncated or modified (no --unchecked), the
# generation unchanged (unchanged_since checks the rest, once: forks are
# dear under TCG).
damaged() {
	local err rc g0
	g0=$(gen)
	err=$(ip netns exec "$GW" "$EPGATE" restore "$1" 2>&1 >/dev/null); rc=$?
	[ "$rc" = 1 ] && [ "$(gen)" = "$g0" ] && [[ $err != *$'\n'* ]] &&
		[[ $err == "epgate: restore: $1: truncated or modified; "* ]] && return 0
	diag "rc=$rc: $err"
	return 1
}
unchanged_since() { # SNAPSHOT: status and save as they were then
	snapshot now
	cmp -s "$tmp/$1.status" "$tmp/now.status" && cmp -s "$tmp/$1.save" "$tmp/now.save"
}
corrupt() { # NAME LINE-TO-INSERT-AT TEXT: the saved file with TEXT inserted
	sed "$2i $3" "$tmp/epgate.conf" > "$tmp/$1.conf"
}
# A change first, so that a half-applied restore would show.
quiet gw mode monitor
snapshot after
n=$(grep -c '' "$tmp/epgate.conf")
corrupt unknown 3 "frobnicate all"
check "corrupt: an unknown statement" -- restore_refused "$tmp/unknown.conf" 3
corrupt badrole $((n - 1)) "enable symantec nosuchrole=10.0.0.1"
check "corrupt: a role the profile does not have" -- restore_refused "$tmp/badrole.conf" $((n - 1))
corrupt badflow $n "flow custom bad tcp 70000 any any"
check "corrupt: a bad flow line" -- restore_refused "$tmp/badflow.conf" $n
corrupt twice $n "enable kaspersky"
check "corrupt: a profile enabled twice" -- restore_refused "$tmp/twice.conf" $n
corrupt noprofile 5 "enable nosuchvendor"
check "corrupt: an unknown profile" -- restore_refused "$tmp/noprofile.conf" 5
corrupt hostprefix 4 "host ksc.corp.example 10.0.0.0/24"
check "corrupt: a host line with a prefix" -- restore_refused "$tmp/hostprefix.conf" 4
printf 'mode enforce\nconfig hooks forward mark 0x1ff/0xff\n' > "$tmp/mark.conf"
check "corrupt: a mark outside its mask" -- restore_refused "$tmp/mark.conf" 2
head -c 200 "$tmp/epgate.conf" > "$tmp/binary.conf"
printf 'mode \001enforce\n' >> "$tmp/binary.conf"
line=$(grep -c '' "$tmp/binary.conf")
check "corrupt: a control byte" -- restore_refused "$tmp/binary.conf" "$line"
# The saved file damaged: cut at every line end and in the middle of
# every line, and one byte of every line changed.  (Every byte offset is
# cut and flipped on the host: tests/test_save.c, epgate_input.sh.)
damage() {
	local ends k prev=0 bad=0 bytes oct
	read -r -a ends <<< "$(grep -bo $'\n' "$tmp/epgate.conf" | cut -d: -f1 | tr '\n' ' ')"
	read -r -a bytes <<< "$(od -An -v -tu1 "$tmp/epgate.conf" | tr '\n' ' ')"
	for k in "${ends[@]}"; do
		head -c $((k + 1)) "$tmp/epgate.conf" > "$tmp/cut.conf"
		[ $((k + 1)) = "${#bytes[@]}" ] && continue	# the whole file
		damaged "$tmp/cut.conf" || { diag "cut after byte $k"; bad=1; }
		head -c $(((prev + k) / 2)) "$tmp/epgate.conf" > "$tmp/cut.conf"
		damaged "$tmp/cut.conf" || { diag "cut at $(((prev + k) / 2))"; bad=1; }
		{
			head -c $(((prev + k) / 2)) "$tmp/epgate.conf"
			printf -v oct '\\%03o' $((bytes[(prev + k) / 2] ^ 1))
			printf "$oct"
			tail -c +$(((prev + k) / 2 + 2)) "$tmp/epgate.conf"
		} > "$tmp/flip.conf"
		damaged "$tmp/flip.conf" || { diag "flip at $(((prev + k) / 2))"; bad=1; }
		prev=$k
	done
	return $bad
}
check "damaged: cut at each line end and mid-line, a byte changed: refused" -- damage
: > "$tmp/empty.conf"
check "damaged: an empty file is refused" -- damaged "$tmp/empty.conf"
edited() { # the saved file with `mode off` added on line 3 (and ARGS)
	sed -e '3i mode off' "$@" "$tmp/epgate.conf" > "$tmp/edited.conf"
}
edited
check "damaged: a hand-written line added is refused without --unchecked" -- \
	damaged "$tmp/edited.conf"
check "damaged: status and set unchanged by all of them" -- unchanged_since after
unchecked_takes_it() {
	edited -e '/^mode enforce$/d' &&
	gw restore --unchecked "$tmp/edited.conf" > /dev/null 2>&1 &&
	[ "$(gw status -j | jq -r .mode)" = off ]
}
check "--unchecked takes the edited file" -- unchecked_takes_it
check "restore of a missing file: one line" -- bash -c "
	[ \"\$(ip netns exec $GW $EPGATE restore $tmp/nosuch.conf 2>&1 >/dev/null)\" = 'epgate: restore: $tmp/nosuch.conf: No such file or directory' ]"
check "save without the module: one line, exit 1" -- bash -c "
	rmmod epgate &&
	out=\$(ip netns exec $GW $EPGATE save $tmp/x.conf 2>&1); rc=\$?
	[ \$rc = 1 ] && [ \"\$out\" = 'epgate: kernel module not loaded (try: modprobe epgate)' ] &&
	[ ! -e $tmp/x.conf ]"

tap_end
