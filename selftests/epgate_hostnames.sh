#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Roles bound to hostnames that follow DNS (issue 17), with real traffic
# through the gateway of topology.sh, Kaspersky's agent -> server
# tcp/13000, and Debian's dnsmasq answering for the vendor's name:
#
#   $SERVER s0: 10.0.2.2, 10.0.2.3, fd00:2::2; dnsmasq on 10.0.2.2:53
#               (the gateway asks it from its own stack: not forwarded)
#   update.vendor.test   10.0.2.2, TTL 2        -> then 10.0.2.3 + fd00:2::2
#   agent.vendor.test    10.0.1.2 (in @agents, a set file with fd00:1::/64)
#
#  - a name dnsmasq does not know refuses the enable in one line naming it
#    and its DNS status; nothing changes (generation);
#  - enable server=update.vendor.test agent=@agents: 10.0.2.2 passes,
#    10.0.2.3 is dropped; a one-shot refresh with nothing new sends
#    nothing (exit 0, generation unchanged);
#  - `refresh --daemon --ttl-min 1 --grace 8` (x EPGATE_SLOW); the answer changes (new A,
#    added AAAA, SIGHUP to dnsmasq): 10.0.2.3 and fd00:2::2 pass within
#    TTL + slack, polled; 10.0.2.2 still passes in its grace, and is
#    dropped after it; the flow and profile counters only grow;
#  - a profile's `host` line: enable --bind-hosts binds its role, stored as
#    typed; save writes the hostname-bound profile as its enable line with
#    the name's addresses in force as `host` lines (and @agents as `set`);
#  - dnsmasq stopped: the last good addresses stay in force, `status` says
#    stale, nothing is pushed; SIGTERM ends the daemon with 0;
#  - a reboot (rmmod, insmod, the names state gone) with DNS still down:
#    restore puts the saved addresses in force (10.0.2.3 passes, 10.0.2.2
#    is dropped), the profile keeps its arguments, `status` shows the
#    name's saved addresses as stale; a refresh while DNS fails changes
#    nothing; dnsmasq back with another answer (10.0.2.2): a refresh
#    follows it, the saved address leaving with its grace.
cd "$(dirname "$0")" || exit 1
source ./lib.sh
source ./topology.sh

tap_begin
[ -x "$EPGATE" ] || skip_all "userspace/epgate is not built"
[ -f "$EPGATE_KO" ] || skip_all "no module built for $(uname -r)"
checktool "socat -V" socat
checktool "jq --version" jq
checktool "dnsmasq --version" dnsmasq
export EPGATE_PROFILE_PATH=$EPGATE_TOP/profiles

tmp=$(mktemp -d /tmp/epgate-hostnames.XXXXXX)
chmod 755 "$tmp"
export EPGATE_SETS_DIR=$tmp/sets.d
export EPGATE_RUN_DIR=$tmp/run
export EPGATE_DNS_SERVER=10.0.2.2:53
mkdir -p "$EPGATE_SETS_DIR"
dns_pid=
daemon_pid=
cleanup() {
	[ -n "$daemon_pid" ] && kill "$daemon_pid" 2> /dev/null
	[ -n "$dns_pid" ] && kill "$dns_pid" 2> /dev/null
	topo_cleanup
	epgate_unload
	rm -rf "$tmp"
}
trap cleanup EXIT
epgate_unload
topo_setup || skip_all "cannot build the topology"
epgate_load || skip_all "cannot load epgate.ko"

gw() { ip netns exec "$GW" "$EPGATE" "$@"; }
generation() { gw status -j | jq -r .generation; }
# from SRC DST: the echo of tcp/13000 from the client's address SRC.
from() { probe_from "$1" "$2" 13000; }
# The agent-server flow's packets and the profile's, as one "P F" line.
counters() {
	local f p
	f=$(gw stats -j | jq -r '.flows[] | select(.profile == "kaspersky" and .name == "agent-server") | .packets')
	p=$(gw stats -j | jq -r '.profiles[] | select(.name == "kaspersky") | .packets')
	echo "$f $p"
}
name_json() { gw status -j | jq -c --arg n "$1" '.names[] | select(.name == $n)'; }
has_addr() { name_json "$1" | jq -e --arg a "$2" '.addresses | map(.address) | index($a)' > /dev/null; }
is_stale() { name_json update.vendor.test | jq -e '.stale == true' > /dev/null; }

ip -n "$SERVER" addr add 10.0.2.3/24 dev s0
echo_server "$SERVER" tcp 13000

answer() { printf '%s\n' "$@" > "$tmp/vendor.hosts"; }
answer "10.0.2.2 update.vendor.test" "10.0.1.2 agent.vendor.test"
dns_start() {
	ip netns exec "$SERVER" dnsmasq -k --user=root --group=root --no-resolv --no-hosts \
		--bind-interfaces --listen-address=10.0.2.2 --port=53 \
		--local=/vendor.test/ --addn-hosts="$tmp/vendor.hosts" --local-ttl=2 \
		--pid-file="$tmp/dns.pid" --log-facility="$tmp/dns.log" 2> "$tmp/dns.err" &
	dns_pid=$!
	busywait 5000 listening "$SERVER" udp 53
}
dns_start || skip_all "dnsmasq does not start: $(cat "$tmp/dns.err")"

printf '# the agents: by name, and the IPv6 LAN\nagent.vendor.test\nfd00:1::/64\n' \
	> "$EPGATE_SETS_DIR/agents.set"

g0=$(generation)
err=$(gw enable kaspersky server=nosuch.vendor.test 2>&1 >/dev/null)
rc=$?
check "an unknown name refuses the enable: one line, the name and nxdomain" -- \
	test $rc != 0 -a "$(echo "$err" | wc -l)" = 1 -a \
	     -n "$(echo "$err" | grep -F 'nosuch.vendor.test: no address (DNS: nxdomain')"
diag "got: $err"
check "... and nothing changed" -- test "$(generation)" = "$g0"

check "enable server=update.vendor.test agent=@agents" -- \
	gw enable kaspersky server=update.vendor.test agent=@agents
gw mode enforce
check "the state file was written" -- test -s "$EPGATE_RUN_DIR/names.state"
check "status -j: the name, its address, its status" -- \
	test "$(name_json update.vendor.test | jq -c '[(.addresses | map(.address)), .status]')" = \
	     '[["10.0.2.2"],"ok"]'
check "IPv4 to the name's address: allowed" -- from $CLIENT_IP4 $SERVER_IP4
check "IPv6 from @agents' prefix to the server's IPv6: dropped (no AAAA yet)" -- \
	fails from $CLIENT_IP6 $SERVER_IP6
check "to 10.0.2.3 (not in the answer): dropped" -- fails from $CLIENT_IP4 10.0.2.3

g1=$(generation)
gw refresh > /dev/null
rc=$?
check "refresh with the same answer: exit 0, nothing sent" -- \
	test $rc = 0 -a "$(generation)" = "$g1"
read -r f0 p0 <<< "$(counters)"

# The grace must outlast following the change and the checks after it: 8 s,
# times EPGATE_SLOW (the debug kernel took 7.4 s to follow).
GRACE=$((8 * EPGATE_SLOW))
ip netns exec "$GW" env EPGATE_RUN_DIR="$EPGATE_RUN_DIR" "$EPGATE" refresh --daemon \
	--ttl-min 1 --grace $GRACE > "$tmp/daemon.log" 2>&1 &
daemon_pid=$!

# New A, an AAAA added; the old A leaves.
answer "10.0.2.3 update.vendor.test" "fd00:2::2 update.vendor.test" \
	"10.0.1.2 agent.vendor.test"
kill -HUP "$(cat "$tmp/dns.pid")"
t0=$(now_ms)
check "the new IPv4 passes within TTL + slack" -- \
	busywait 12000 from $CLIENT_IP4 10.0.2.3
diag "followed in $(( $(now_ms) - t0 )) ms"
check "the added IPv6 passes" -- busywait 4000 from $CLIENT_IP6 $SERVER_IP6
check "the old IPv4 still passes in its grace" -- from $CLIENT_IP4 $SERVER_IP4
check "status -j: the old address is leaving" -- \
	test "$(name_json update.vendor.test | jq -r '.addresses[] | select(.address == "10.0.2.2") | .leaving')" = true
check "the old IPv4 is dropped after its grace" -- \
	busywait $((20000 + GRACE * 1000 / EPGATE_SLOW)) fails from $CLIENT_IP4 $SERVER_IP4
check "the new ones still pass" -- from $CLIENT_IP4 10.0.2.3
read -r f1 p1 <<< "$(counters)"
check "flow and profile counters survived the refreshes (they grew: $f0 -> $f1, $p0 -> $p1)" -- \
	test "$f1" -gt "$f0" -a "$p1" -gt "$p0"

# A profile that lists a host for its role: --bind-hosts binds it, as typed.
mkdir -p "$tmp/profiles"
cat > "$tmp/profiles/hosttest.profile" <<'PROFILE'
profile hosttest
description "a vendor that documents its update host"
document vendor.txt
role client "a client"
role update "the vendor's update service"
host update Update.Vendor.test "section 2"
flow client-update
	proto tcp
	ports 13000
	direction client -> update
	description "updates"
PROFILE
check "enable --bind-hosts: the role bound to the profile's names, stored as typed" -- \
	bash -c "EPGATE_PROFILE_PATH=$tmp/profiles:$EPGATE_PROFILE_PATH ip netns exec $GW $EPGATE enable hosttest --bind-hosts > /dev/null &&
		 test \"\$(ip netns exec $GW $EPGATE status -j | jq -r '.profiles[] | select(.name == \"hosttest\") | .args')\" = update=update.vendor.test"
gw disable hosttest > /dev/null
gw save "$tmp/saved.conf" 2> "$tmp/save.err"
check "save: the hostname-bound profile as its enable line, the name's addresses as host lines, silently" -- \
	bash -c "grep -qx 'enable kaspersky server=update.vendor.test agent=@agents' $tmp/saved.conf &&
		 [ \"\$(grep '^host ' $tmp/saved.conf | tr '\n' '|')\" = 'host update.vendor.test 10.0.2.3|host update.vendor.test fd00:2::2|' ] &&
		 grep -qx 'set agents 10.0.1.2/32' $tmp/saved.conf && ! grep -q '^flow ' $tmp/saved.conf &&
		 [ ! -s $tmp/save.err ]"
grep -E '^(host|set|enable) ' "$tmp/saved.conf" | sed 's/^/# /'
g2=$(generation)
kill "$dns_pid"
wait "$dns_pid" 2> /dev/null
dns_pid=
check "dnsmasq stopped: status says stale" -- busywait 15000 is_stale
check "... the last good addresses stay: IPv4 passes" -- from $CLIENT_IP4 10.0.2.3
check "... IPv6 passes" -- from $CLIENT_IP6 $SERVER_IP6
failing() { name_json update.vendor.test | jq -e '.status != "ok"' > /dev/null; }
check "... the next ask fails: status says so" -- busywait 15000 failing
check "... the status keeps the last good addresses" -- \
	test "$(name_json update.vendor.test | jq -c '.addresses | map(.address)')" = \
	     '["10.0.2.3","fd00:2::2"]'
diag "$(name_json update.vendor.test)"
check "status (text): the name line says stale" -- \
	bash -c "ip netns exec $GW env EPGATE_RUN_DIR=$EPGATE_RUN_DIR $EPGATE status | grep -q '^name: *update.vendor.test .*stale'"
read -r f2 p2 <<< "$(counters)"
check "counters still only grow ($f1 -> $f2)" -- test "$f2" -gt "$f1" -a "$p2" -ge "$p1"

kill -TERM "$daemon_pid"
wait "$daemon_pid"
rc=$?
daemon_pid=
check "SIGTERM ends the daemon with 0" -- test $rc = 0
check "DNS failing pushed nothing (generation $g2 -> $(generation))" -- test "$(generation)" = "$g2"
diag "daemon: $(tr '\n' '|' < "$tmp/daemon.log")"

# A reboot with DNS still down (dnsmasq is stopped): an empty module, and
# /run (the names state) gone; epgate.service restores the saved file.
t0=$(now_ms)
check "reboot: rmmod, insmod, the names state gone" -- bash -c "
	rmmod epgate && insmod $EPGATE_KO && rm -f $EPGATE_RUN_DIR/names.state &&
	[ \"\$(ip netns exec $GW $EPGATE status -j | jq -r .flows)\" = 0 ]"
restore_quiet() { gw restore "$1" > /dev/null 2> "$tmp/restore.err" && [ ! -s "$tmp/restore.err" ]; }
check "restore with DNS down: exit 0, no warning" -- restore_quiet "$tmp/saved.conf"
[ -s "$tmp/restore.err" ] && diag "restore: $(tr '\n' '|' < "$tmp/restore.err")"
check "... the profile keeps its arguments" -- \
	test "$(gw status -j | jq -r '.profiles[] | select(.name == "kaspersky") | .args')" = \
	     "server=update.vendor.test agent=@agents"
check "... the saved IPv4 passes" -- from $CLIENT_IP4 10.0.2.3
check "... the saved IPv6 passes" -- from $CLIENT_IP6 $SERVER_IP6
check "... an address not saved (10.0.2.2) is dropped" -- fails from $CLIENT_IP4 $SERVER_IP4
check "... status: the name with its saved addresses, stale" -- \
	test "$(name_json update.vendor.test | jq -c '[(.addresses | map(.address)), .stale]')" = \
	     '[["10.0.2.3","fd00:2::2"],true]'
g3=$(generation)
t1=$(now_ms)
gw refresh > /dev/null 2> "$tmp/refresh.err"
rc=$?
check "refresh while DNS fails: exit 0, nothing sent, the saved addresses stay" -- \
	test $rc = 0 -a "$(generation)" = "$g3" -a \
	     "$(name_json update.vendor.test | jq -c '.addresses | map(.address)')" = '["10.0.2.3","fd00:2::2"]'
diag "refresh with DNS down: exit $rc in $(( $(now_ms) - t1 )) ms: $(tr '\n' '|' < "$tmp/refresh.err")"

# DNS back with another answer: refresh follows it from the saved state.
answer "10.0.2.2 update.vendor.test" "10.0.1.2 agent.vendor.test"
check "dnsmasq back, update.vendor.test now 10.0.2.2" -- dns_start
gw refresh > /dev/null 2>&1
rc=$?
check "refresh: exit 2, the flow set changed" -- test $rc = 2
check "... the new address passes" -- from $CLIENT_IP4 $SERVER_IP4
check "... the saved one still passes in its grace" -- from $CLIENT_IP4 10.0.2.3
check "... status: the saved addresses are leaving" -- \
	test "$(name_json update.vendor.test | jq -c '[.addresses[] | select(.leaving) | .address]')" = \
	     '["10.0.2.3","fd00:2::2"]'
diag "reboot, restore and refresh took $(( $(now_ms) - t0 )) ms"
tap_end
