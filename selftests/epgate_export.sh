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
# the text.
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
gwnft delete table inet epgate

tap_end
