#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Every shipped profile with real traffic: in enforce mode, with only that
# vendor enabled, a connection to each port of each default flow crosses the
# gateway (client -> server; the roles are unbound) and a port the vendor
# does not use does not.  An opt-in flow passes only with --with.  The ports
# come from `epgate profile show NAME -j`, so the test follows the profiles.
cd "$(dirname "$0")" || exit 1
source ./lib.sh
source ./topology.sh

tap_begin
[ -x "$EPGATE" ] || skip_all "userspace/epgate is not built"
[ -f "$EPGATE_KO" ] || skip_all "no module built for $(uname -r)"
checktool "socat -V" socat
export EPGATE_PROFILE_PATH=$EPGATE_TOP/profiles
VENDORS=${VENDORS:-"eset escan symantec kaspersky trendmicro"}

trap 'topo_cleanup; epgate_unload' EXIT
epgate_unload
topo_setup || skip_all "cannot build the topology"
epgate_load || skip_all "cannot load epgate.ko"
gw() { ip netns exec "$GW" "$EPGATE" "$@"; }
quiet() { "$@" > /dev/null 2>&1; }

# targets VENDOR: "proto:port" of every default flow (lo and hi of each
# range), then "#proto:port" for a port no flow of the vendor uses.
targets() {
	gw profile show "$1" -j | python3 -c '
import json, sys
p = json.load(sys.stdin)
used = {"tcp": set(), "udp": set()}
out = []
for f in p["flows"]:
    for lo, hi in f["ports"]:
        used[f["proto"]].update(range(lo, hi + 1))
        if f["default"]:
            for port in sorted({lo, hi}):
                t = "%s:%d" % (f["proto"], port)
                if t not in out:
                    out.append(t)
free = next(p for p in range(1000, 65536) if p not in used["tcp"])
print(" ".join(out), "#tcp:%d" % free)
'
}

declare -A want
all=()
for v in $VENDORS; do
	want[$v]=$(targets "$v")
	for t in ${want[$v]}; do
		all+=("${t#\#}")
	done
done
mapfile -t uniq < <(printf '%s\n' "${all[@]}" | sort -u)
topo_bg ip netns exec "$SERVER" python3 netprobe.py serve "${uniq[@]}" > /dev/null
for t in "${uniq[@]}"; do
	busywait 5000 listening "$SERVER" "${t%%:*}" "${t##*:}" ||
		skip_all "echo service on $t did not start"
done

# probe_set EXPECT TARGET...: every target gives EXPECT (pass|drop).
probe_set() {
	local expect=$1 t res bad=0
	shift
	local args=()
	for t in "$@"; do
		args+=("${t%%:*}:$SERVER_IP4:${t##*:}")
	done
	while read -r proto _ port res; do
		if [ "$res" != "$expect" ]; then
			diag "$proto/$port: $res, expected $expect"
			bad=1
		fi
	done < <(ip netns exec "$CLIENT" python3 netprobe.py probe -t 1 "${args[@]}")
	return $bad
}

gw mode enforce > /dev/null
for v in $VENDORS; do
	defaults=() undocumented=()
	for t in ${want[$v]}; do
		case $t in
		\#*) undocumented+=("${t#\#}") ;;
		*) defaults+=("$t") ;;
		esac
	done
	check "$v: enable" -- quiet gw enable "$v"
	check "$v: ${#defaults[@]} default ports pass (${defaults[*]})" -- \
		probe_set pass "${defaults[@]}"
	check "$v: undocumented ${undocumented[*]} is dropped" -- \
		probe_set drop "${undocumented[@]}"
	check "$v: disable" -- quiet gw disable "$v"
	check "$v: disabled, its first port is dropped" -- \
		probe_set drop "${defaults[0]}"
done

# Opt-in: Kaspersky's legacy non-TLS agent port 14000.
topo_bg ip netns exec "$SERVER" python3 netprobe.py serve tcp:14000 > /dev/null
busywait 5000 listening "$SERVER" tcp 14000
gw enable kaspersky > /dev/null 2>&1
check "kaspersky: opt-in 14000/tcp dropped without --with legacy" -- \
	probe_set drop tcp:14000
gw enable kaspersky --with legacy > /dev/null 2>&1
check "kaspersky: 14000/tcp passes with --with legacy" -- \
	probe_set pass tcp:14000
check "kaspersky: IPv6 agent connection passes" -- \
	probe "$CLIENT" tcp "$SERVER_IP6" 13000
gw enable kaspersky server=$SERVER_IP4 > /dev/null 2>&1
check "kaspersky: server bound to $SERVER_IP4: IPv6 to 13000 dropped" -- \
	fails probe "$CLIENT" tcp "$SERVER_IP6" 13000
check "kaspersky: server bound: IPv4 to 13000 passes" -- \
	probe_set pass tcp:13000

tap_end
