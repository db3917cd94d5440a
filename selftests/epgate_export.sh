#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The nftables fallback gives the module's verdicts.  One policy (the five
# vendors, some roles bound to IPv4 or IPv6 prefixes, one profile in
# monitor, opt-in flows, a mark) is enforced first by the module, then,
# with the module unloaded, by the ruleset `epgate export nft --apply`
# installs from the file `epgate save` wrote.  The same traffic matrix
# crosses the gateway both times: every default port of every vendor and
# ports no vendor uses, TCP and UDP, IPv4 and IPv6, client -> server and
# server -> client, plus source-port bypass attempts (from an allowed port
# to a port no flow allows).  Every verdict must be the same.  Also: the
# exported text and JSON load with `nft -c`, and the table --apply
# installs through libnftnl lists exactly as the one `nft -f` makes of
# the text.  Then, still without the module, --apply --confirm: the
# kernel takes a change back at its deadline (also with the CLI killed),
# confirm keeps it under the real name, rollback takes it back at once.
# Last, roles bound to address sets (issue 17), kaspersky tcp/13000:
#
#   agent=@lan     10.0.1.0/28 10.0.1.16/28 (adjacent)  10.0.1.128/25
#                  10.0.1.200 (inside the /25)  fd00:1::/124 fd00:1::10/124
#   server=10.0.2.2,fd00:2::2   (a dual-stack role: an anonymous set)
#
#   client c0: 10.0.1.2 10.0.1.20 10.0.1.200 fd00:1::2 fd00:1::1f  allowed
#              10.0.1.32 10.0.1.127 fd00:1::20  (just outside)     dropped
#   server s0: 10.0.2.3 (just outside server=)                     dropped
#
# exported with --apply as named interval sets (lan-v4, lan-v6, addr-1-v4,
# addr-1-v6), merged; the text and the JSON load and list the same.
cd "$(dirname "$0")" || exit 1
source ./lib.sh
source ./topology.sh

tap_begin
[ -x "$EPGATE" ] || skip_all "userspace/epgate is not built"
[ -f "$EPGATE_KO" ] || skip_all "no module built for $(uname -r)"
checktool "socat -V" socat
checktool "nft --version" nft
export EPGATE_PROFILE_PATH=$EPGATE_TOP/profiles

tmp=$(mktemp -d /tmp/epgate-export.XXXXXX)
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
gwnft() { ip netns exec "$GW" nft "$@"; }
quiet() { "$@" > /dev/null 2>&1; }

# The policy.
check "policy: enable the five vendors, bound and unbound" -- quiet bash -c "
	$(declare -f gw); GW=$GW EPGATE=$EPGATE
	gw enable escan trendmicro &&
	gw enable eset server=$SERVER_IP4 agent=10.0.1.0/24 --with push &&
	gw enable kaspersky server=$SERVER_IP6 agent=fd00:1::/64 --with legacy &&
	gw enable symantec server=$SERVER_IP4 --monitor &&
	gw config mark 0x100/0x100 && gw mode enforce"

# Every default port of every vendor, and ports no vendor uses.
targets() {
	local v
	for v in eset escan symantec kaspersky trendmicro; do
		gw profile show "$v" -j
	done | python3 -c '
import json, sys
dec = json.JSONDecoder()
text = sys.stdin.read()
out, pos, used = [], 0, {"tcp": set(), "udp": set()}
while pos < len(text):
    while pos < len(text) and text[pos].isspace():
        pos += 1
    if pos == len(text):
        break
    p, pos = dec.raw_decode(text, pos)
    for f in p["flows"]:
        for lo, hi in f["ports"]:
            used[f["proto"]].update(range(lo, hi + 1))
            if f["default"]:
                for port in sorted({lo, hi}):
                    out.append("%s:%d" % (f["proto"], port))
for proto in ("tcp", "udp"):
    free = [p for p in range(5550, 6000) if p not in used[proto]][:2]
    out += ["%s:%d" % (proto, p) for p in free]
print("\n".join(sorted(set(out))))
'
}
mapfile -t ports < <(targets)
diag "${#ports[@]} ports: ${ports[*]}"
for ns in "$SERVER" "$CLIENT"; do
	topo_bg ip netns exec "$ns" python3 netprobe.py serve "${ports[@]}" > /dev/null
done
for t in "${ports[@]}"; do
	for ns in "$SERVER" "$CLIENT"; do
		busywait 5000 listening "$ns" "${t%%:*}" "${t##*:}" ||
			skip_all "echo service on $t in $ns did not start"
	done
done
free_tcp=$(printf '%s\n' "${ports[@]}" | sed -n 's/^tcp:\(55[5-9][0-9]\)$/\1/p' | head -1)
free_udp=$(printf '%s\n' "${ports[@]}" | sed -n 's/^udp:\(55[5-9][0-9]\)$/\1/p' | head -1)

# matrix OUT: one line per probe, "DIRECTION PROTO ADDR PORT pass|drop".
matrix() {
	local out=$1 dir ns dst t
	local -a args pids=()
	for dir in c2s4 c2s6 s2c4 s2c6; do
		case $dir in
		c2s4) ns=$CLIENT dst=$SERVER_IP4 ;;
		c2s6) ns=$CLIENT dst="[$SERVER_IP6]" ;;
		s2c4) ns=$SERVER dst=$CLIENT_IP4 ;;
		s2c6) ns=$SERVER dst="[$CLIENT_IP6]" ;;
		esac
		args=()
		for t in "${ports[@]}"; do
			args+=("${t%%:*}:$dst:${t##*:}")
		done
		ip netns exec "$ns" python3 netprobe.py probe -t 0.7 "${args[@]}" |
			sed "s/^/$dir /" > "$tmp/$dir" &
		pids+=($!)
	done
	wait "${pids[@]}"
	cat "$tmp"/c2s4 "$tmp"/c2s6 "$tmp"/s2c4 "$tmp"/s2c6 > "$out"
	# Source-port bypass: from an allowed port to a port nothing allows.
	for t in "tcp $CLIENT_IP4 $free_tcp 443" "tcp $CLIENT_IP6 $free_tcp 2222" \
		 "udp $CLIENT_IP4 $free_udp 15000" "tcp $CLIENT_IP4 $free_tcp 13000"; do
		set -- $t
		if probe "$SERVER" "$1" "$2" "$3" "$4"; then
			echo "bypass $1 $2 $3 from $4 pass"
		else
			echo "bypass $1 $2 $3 from $4 drop"
		fi >> "$out"
	done
	for t in "tcp $SERVER_IP4 $free_tcp 2222" "tcp $SERVER_IP6 $free_tcp 8014"; do
		set -- $t
		if probe "$CLIENT" "$1" "$2" "$3" "$4"; then
			echo "bypass $1 $2 $3 from $4 pass"
		else
			echo "bypass $1 $2 $3 from $4 drop"
		fi >> "$out"
	done
}

matrix "$tmp/module"
npass=$(grep -c ' pass$' "$tmp/module")
ndrop=$(grep -c ' drop$' "$tmp/module")
diag "module: $npass pass, $ndrop drop"
check "module: the matrix has passes and drops ($npass, $ndrop)" -- \
	test "$npass" -gt 20 -a "$ndrop" -gt 20
check "module: every bypass attempt is dropped" -- \
	bash -c "! grep -q '^bypass.* pass$' '$tmp/module'"
check "module: kaspersky 13000 (server bound to IPv6): IPv6 passes, IPv4 not" -- \
	bash -c "grep -qx 'c2s6 tcp $SERVER_IP6 13000 pass' '$tmp/module' &&
		 grep -qx 'c2s4 tcp $SERVER_IP4 13000 drop' '$tmp/module'"

# What the module enforces, as text, JSON and a saved file.
check "export nft: text" -- quiet bash -c "$(declare -f gw); GW=$GW EPGATE=$EPGATE gw export nft > $tmp/export.nft"
check "export nft -j: JSON" -- quiet bash -c "$(declare -f gw); GW=$GW EPGATE=$EPGATE gw export nft -j > $tmp/export.json"
check "save" -- quiet gw save "$tmp/policy.conf"
check "nft -c -f accepts the text" -- gwnft -c -f "$tmp/export.nft"
check "nft -j -c -f accepts the JSON" -- gwnft -j -c -f "$tmp/export.json"

# The fallback: no module.
check "rmmod epgate" -- epgate_unload
ip netns exec "$GW" conntrack -F > /dev/null 2>&1
check "export nft --from-file --apply, without the module" -- \
	quiet gw export nft --from-file "$tmp/policy.conf" --apply
gwnft list table inet epgate > "$tmp/list.apply"
check "the applied table lists as nft -f of the exported text" -- bash -c "
	ip netns exec $GW nft -f $tmp/export.nft &&
	ip netns exec $GW nft list table inet epgate > $tmp/list.text &&
	diff -u $tmp/list.text $tmp/list.apply"
check "and as nft -j -f of the exported JSON" -- bash -c "
	ip netns exec $GW nft -j -f $tmp/export.json &&
	ip netns exec $GW nft list table inet epgate > $tmp/list.json &&
	diff -u $tmp/list.text $tmp/list.json"
quiet gw export nft --from-file "$tmp/policy.conf" --apply
ip netns exec "$GW" conntrack -F > /dev/null 2>&1

matrix "$tmp/nft"
diag "nft: $(grep -c ' pass$' "$tmp/nft") pass, $(grep -c ' drop$' "$tmp/nft") drop"
check "nft fallback: every verdict of the matrix is the module's" -- \
	diff -u "$tmp/module" "$tmp/nft"
check "nft fallback: the drop rule counted packets" -- bash -c "
	ip netns exec $GW nft list chain inet epgate judge |
		grep -Eq 'counter packets [1-9][0-9]* bytes [0-9]+ drop'"

# --from-profiles: the fallback without any saved file.
check "export nft --from-profiles --apply" -- quiet gw export nft \
	--from-profiles kaspersky server=$SERVER_IP4 --apply
check "--from-profiles: kaspersky 13000 to the server passes, 2222 is dropped" -- \
	bash -c "ip netns exec $CLIENT python3 netprobe.py probe -t 0.7 tcp:$SERVER_IP4:13000 tcp:$SERVER_IP4:2222 |
		 tr '\n' ' ' | grep -qx 'tcp $SERVER_IP4 13000 pass tcp $SERVER_IP4 2222 drop '"
check "export nft --apply of a policy with mode off: an empty table" -- bash -c "
	$(declare -f gw); GW=$GW EPGATE=$EPGATE
	gw export nft --from-profiles kaspersky --mode off --apply > /dev/null &&
	! ip netns exec $GW nft list table inet epgate | grep -q chain"
check "export nft without the module and without --from-*: one line naming the fallbacks" -- bash -c "
	[ \"\$(ip netns exec $GW $EPGATE export nft 2>&1 >/dev/null)\" = 'epgate: kernel module not loaded (try: modprobe epgate; without it: export nft --from-file FILE or --from-profiles NAME...)' ]"

# --confirm: policy A (kaspersky: 13000 passes, 2222 dropped) and B (eset:
# the other way round), told apart by real connections.
S=$SERVER_IP4
# 2222 first: a pass ends at once, a drop waits out its timeout.
A="tcp $S 2222 drop tcp $S 13000 pass "
B="tcp $S 2222 pass tcp $S 13000 drop "
NONE="tcp $S 2222 pass tcp $S 13000 pass "
verdicts() {
	ip netns exec "$CLIENT" python3 netprobe.py probe -t 0.7 \
		tcp:$S:2222 tcp:$S:13000 | tr '\n' ' '
}
verdicts_are() { [ "$(verdicts)" = "$1" ]; }
apply_a() { gw export nft --from-profiles kaspersky server=$S --apply "$@"; }
apply_b() { gw export nft --from-profiles eset server=$S --apply "$@"; }
tables() { gwnft list tables | tr '\n' ' '; }
no_gate() {
	[ "$(tables)" = "table inet epgate " ] &&
		! gwnft list table inet epgate | grep -Eq 'confirm|suspend|epgate:'
}
# The deadline itself: a polled clock, nothing else to wait for.
past() { [ "$(now_ms)" -ge "$1" ]; }

# The deadline: 3 s, stretched on a slow kernel.
D=$((3 * EPGATE_SLOW))
quiet apply_a
check "--confirm: table A enforcing" -- verdicts_are "$A"
t0=$(now_ms)
apply_b --confirm $D > "$tmp/confirm.out" 2> /dev/null
check "--confirm: a change without --confirm meanwhile is refused" -- \
	fails quiet apply_a
check "--confirm: the pending table is listed" -- \
	test "$(tables)" = "table inet epgate table inet epgate-pending "
check "--confirm: B's verdicts at once" -- verdicts_are "$B"
check "export nft --apply --confirm: one line with the deadline" -- \
	grep -qx "epgate: export: rolled back in $D s unless 'epgate confirm'" "$tmp/confirm.out"
check "--confirm: no confirm: A's verdicts are back after the deadline" -- \
	busywait 8000 verdicts_are "$A"
diag "A back $(( $(now_ms) - t0 )) ms after the change"
check "--confirm: not before the deadline" -- test $(( $(now_ms) - t0 )) -ge $((D * 1000))
check "confirm after the deadline fails with one line, and cleans up" -- bash -c "
	[ \"\$(ip netns exec $GW $EPGATE confirm 2>&1 >/dev/null)\" = 'epgate: confirm: table inet epgate: too late, the deadline passed: the change is rolled back already' ] &&
	! ip netns exec $GW $EPGATE confirm > /dev/null 2>&1"
check "--confirm: nothing left of the change" -- no_gate

t0=$(now_ms)
apply_b --confirm $D > /dev/null 2>&1 &
cli=$!
has_pending() { gwnft list tables | grep -q epgate-pending; }
check "--confirm, CLI killed: the pending table comes" -- \
	busywait 5000 has_pending
kill -KILL $cli 2> /dev/null
wait $cli 2> /dev/null
v=$(verdicts)
diag "CLI killed $(( $(now_ms) - t0 )) ms after it started: $v"
check "--confirm, CLI killed: B's verdicts" -- test "$v" = "$B"
check "--confirm, CLI killed: A's verdicts are back after the deadline" -- \
	busywait 8000 verdicts_are "$A"

check "--confirm then confirm in time" -- bash -c "
	$(declare -f gw apply_b); GW=$GW EPGATE=$EPGATE S=$S
	apply_b --confirm $D > /dev/null 2>&1 &&
	ip netns exec $GW $EPGATE confirm | grep -qx 'epgate: table inet epgate: the pending change is kept'"
t0=$(now_ms)
check "confirm: the table has its real name, no gate left" -- no_gate
busywait $((D * 2000)) past $((t0 + D * 1000))
check "confirm: B's verdicts hold past the deadline" -- verdicts_are "$B"
check "confirm: the table lists as a plain --apply of B makes it" -- bash -c "
	$(declare -f gw apply_b); GW=$GW EPGATE=$EPGATE S=$S
	ip netns exec $GW nft list table inet epgate | grep -v 'counter packets' > $tmp/list.confirmed &&
	apply_b > /dev/null 2>&1 &&
	ip netns exec $GW nft list table inet epgate | grep -v 'counter packets' | diff -u $tmp/list.confirmed -"

quiet apply_a
check "--confirm then rollback at once" -- bash -c "
	$(declare -f gw apply_b); GW=$GW EPGATE=$EPGATE S=$S
	apply_b --confirm $D > /dev/null 2>&1 &&
	ip netns exec $GW $EPGATE rollback | grep -qx 'epgate: table inet epgate: rolled back to the table before the pending change'"
check "rollback: A's verdicts, no gate left" -- bash -c "
	$(declare -f verdicts verdicts_are tables no_gate gwnft); GW=$GW CLIENT=$CLIENT S=$S
	verdicts_are '$A' && no_gate"

gwnft delete table inet epgate
check "--confirm with no table before: B's verdicts" -- bash -c "
	$(declare -f gw apply_b verdicts verdicts_are); GW=$GW EPGATE=$EPGATE S=$S CLIENT=$CLIENT
	apply_b --confirm $D > /dev/null 2>&1 && verdicts_are '$B'"
check "--confirm with no table before: after the deadline no table judges" -- \
	busywait 8000 verdicts_are "$NONE"
check "the next export --apply cleans up the spent change" -- bash -c "
	$(declare -f gw gwnft apply_a tables); GW=$GW EPGATE=$EPGATE S=$S
	apply_a > /dev/null 2>&1 && [ \"\$(tables)\" = 'table inet epgate ' ]"

check "--confirm without --apply: refused, one line" -- bash -c "
	[ \"\$(ip netns exec $GW $EPGATE export nft --from-profiles eset --confirm $D 2>&1 >/dev/null)\" = 'epgate: export: --confirm goes with --apply' ]"

gwnft delete table inet epgate

# Address sets.  The echo services of the matrix still listen on 13000.
export EPGATE_SETS_DIR=$tmp/sets.d
mkdir -p "$EPGATE_SETS_DIR"
cat > "$EPGATE_SETS_DIR/lan.set" <<'SET'
10.0.1.0/28
10.0.1.16/28
10.0.1.128/25
10.0.1.200
fd00:1::/124
fd00:1::10/124
SET
for a in 10.0.1.20 10.0.1.200 10.0.1.32 10.0.1.127; do
	ip -n "$CLIENT" addr add $a/24 dev c0
done
for a in fd00:1::1f fd00:1::20; do
	ip -n "$CLIENT" addr add $a/64 dev c0 nodad
done
ip -n "$SERVER" addr add 10.0.2.3/24 dev s0
# from SRC DST: the echo of tcp/13000 from the client's address SRC.
from() { probe_from "$1" "$2" 13000; }
SETS="kaspersky server=$SERVER_IP4,$SERVER_IP6 agent=@lan"
check "sets: export nft --apply of a policy with address sets" -- \
	quiet gw export nft --from-profiles $SETS --apply
check "sets: nft list: lan-v4, lan-v6, addr-1-v4, addr-1-v6 with flags interval" -- bash -c "
	for s in lan-v4 lan-v6 addr-1-v4 addr-1-v6; do
		ip netns exec $GW nft list set inet epgate \$s | grep -q 'flags interval' || exit 1
	done"
check "sets: lan-v4 merged: 10.0.1.0/27 and 10.0.1.128/25" -- bash -c "
	ip netns exec $GW nft list set inet epgate lan-v4 | tr -d '\n\t' |
		grep -q 'elements = { 10.0.1.0/27, *10.0.1.128/25 }'"
check "sets: lan-v6 merged: fd00:1::/123" -- bash -c "
	ip netns exec $GW nft list set inet epgate lan-v6 | tr -d '\n\t' |
		grep -q 'elements = { fd00:1::/123 }'"
ip netns exec "$GW" conntrack -F > /dev/null 2>&1
for a in 10.0.1.2 10.0.1.20 10.0.1.200; do
	check "sets: IPv4 $a inside @lan: allowed" -- from $a $SERVER_IP4
done
for a in fd00:1::2 fd00:1::1f; do
	check "sets: IPv6 $a inside @lan: allowed" -- from $a $SERVER_IP6
done
for a in 10.0.1.32 10.0.1.127; do
	check "sets: IPv4 $a just outside @lan: dropped" -- fails from $a $SERVER_IP4
done
check "sets: IPv6 fd00:1::20 just outside @lan: dropped" -- \
	fails from fd00:1::20 $SERVER_IP6
check "sets: to 10.0.2.3, outside server=: dropped" -- \
	fails from 10.0.1.2 10.0.2.3
check "sets: export nft: text" -- \
	quiet bash -c "$(declare -f gw); GW=$GW EPGATE=$EPGATE gw export nft --from-profiles $SETS > $tmp/sets.nft"
check "sets: the text's header names the nft sets of @lan" -- \
	grep -qx '# address set @lan: nft sets lan-v4, lan-v6' "$tmp/sets.nft"
check "sets: export nft -j: JSON" -- \
	quiet bash -c "$(declare -f gw); GW=$GW EPGATE=$EPGATE gw export nft --from-profiles $SETS -j > $tmp/sets.json"
gwnft list table inet epgate | grep -v 'counter packets' > "$tmp/sets.apply"
check "sets: nft -f of the text loads and lists as --apply made it" -- bash -c "
	ip netns exec $GW nft -f $tmp/sets.nft &&
	ip netns exec $GW nft list table inet epgate | grep -v 'counter packets' |
		diff -u $tmp/sets.apply -"
check "sets: nft -j -f of the JSON too" -- bash -c "
	ip netns exec $GW nft -j -f $tmp/sets.json &&
	ip netns exec $GW nft list table inet epgate | grep -v 'counter packets' |
		diff -u $tmp/sets.apply -"
ip netns exec "$GW" conntrack -F > /dev/null 2>&1
check "sets: from the text too: inside allowed, outside dropped" -- bash -c "
	$(declare -f from probe_from); CLIENT=$CLIENT EPGATE_SLOW=$EPGATE_SLOW
	from 10.0.1.200 $SERVER_IP4 && from fd00:1::1f $SERVER_IP6 &&
	! from 10.0.1.127 $SERVER_IP4 && ! from fd00:1::20 $SERVER_IP6"
check "sets: --apply --confirm and confirm keep the sets" -- bash -c "
	$(declare -f gw); GW=$GW EPGATE=$EPGATE
	gw export nft --from-profiles $SETS --apply --confirm $D > /dev/null 2>&1 &&
	gw confirm > /dev/null &&
	ip netns exec $GW nft list table inet epgate | grep -v 'counter packets' |
		diff -u $tmp/sets.apply -"

gwnft delete table inet epgate

tap_end
