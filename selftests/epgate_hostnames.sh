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
#    follows it, the saved address leaving with its grace;
#  - the nftables export follows (issue 17).  Installed in monitor mode
#    before the daemon starts (it counts, never drops: the verdicts above
#    stay the module's), its sets of update.vendor.test carry the comment
#    naming it and its IPv6 set exists, empty; the daemon's change puts the
#    module's addresses in them, the first AAAA and the leaving A in its
#    grace included, and takes the A out after it, and its other rounds
#    send nothing.  Then, kaspersky enabled afresh (the names state of the
#    reboot dropped: its addresses leave in 300 s) and the module in
#    monitor, the export enforces alone: a one-shot `refresh --grace 3`
#    (x EPGATE_SLOW) of a changed A replaces only set elements (rule
#    handles and the drop counter kept), the new address passes through
#    nft, the old one in its grace too and leaves the set after it, with
#    the module's; without the table, refresh updates the module and says
#    nothing of nft; with a table that lacks the sets, one line and exit 1,
#    the module updated.
cd "$(dirname "$0")" || exit 1
source ./lib.sh
source ./topology.sh

tap_begin
[ -x "$EPGATE" ] || skip_all "userspace/epgate is not built"
[ -f "$EPGATE_KO" ] || skip_all "no module built for $(uname -r)"
checktool "socat -V" socat
checktool "jq --version" jq
checktool "dnsmasq --version" dnsmasq
checktool "nft --version" nft
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
gwnft() { ip netns exec "$GW" nft "$@"; }
quiet() { "$@" > /dev/null 2>&1; }
# nft_json SET...: the export's SETs as `nft -j list set` lines.
nft_json() {
	local s
	for s in "$@"; do
		gwnft -j list set inet epgate "$s" || return 1
	done
}
# nft_addrs_of: the addresses of the sets on stdin (nft_json), one a line,
# sorted: IPv4 ranges and prefixes expanded (jq: python starts slowly
# under TCG); an IPv6 one is an error (the test never makes one).
nft_addrs_of() {
	local -
	set -o pipefail
	jq -r '
def ip4: split(".") | map(tonumber) | .[0] * 16777216 + .[1] * 65536 + .[2] * 256 + .[3];
def str4: [(. / 16777216 | floor) % 256, (. / 65536 | floor) % 256,
	   (. / 256 | floor) % 256, . % 256] | map(tostring) | join(".");
.nftables[] | .set? // empty | .elem[]? |
if type == "string" then .
elif .prefix and (.prefix.addr | test(":") | not) then
	(.prefix.addr | ip4) as $a | range($a; $a + pow(2; 32 - .prefix.len)) | str4
elif .range and (.range[0] | test(":") | not) then
	range(.range[0] | ip4; (.range[1] | ip4) + 1) | str4
else error("an element this test does not expand: \(.)") end' | sort
}
# The addresses of update.vendor.test in the export (sets addr-1-v4/-v6).
nft_addrs() {
	local j
	j=$(nft_json addr-1-v4 addr-1-v6) || return 1
	nft_addrs_of <<< "$j"
}
# module_addrs_of: the addresses the module holds for update.vendor.test
# (the server role's set, its only anonymous one) in the `status -j` on
# stdin, the same way.
module_addrs_of() {
	jq -r '.sets[] | select(.name == null) | .prefixes[]' |
		sed 's,/\(32\|128\)$,,' | sort
}
module_addrs() { gw status -j | module_addrs_of; }
# The export's sets of update.vendor.test hold what the module holds.
nft_is_module() { [ "$(nft_addrs)" = "$(module_addrs)" ]; }
# nft_has ADDR: the export's set of ADDR's family holds it (one exec, for
# polling).
nft_has() {
	local s=addr-1-v4
	[ "${1#*:}" != "$1" ] && s=addr-1-v6
	gwnft get element inet epgate $s "{ $1 }" > /dev/null 2>&1
}
# snapshot: the export's sets and the module's, taken together (cheap: the
# grace is short), compared afterwards; snap_same ADDR...: they hold the
# same addresses, ADDR among them.
snapshot() {
	snap_nft=$(nft_json addr-1-v4 addr-1-v6)
	snap_mod=$(gw status -j)
}
snap_same() {
	local a n m
	n=$(nft_addrs_of <<< "$snap_nft")
	m=$(module_addrs_of <<< "$snap_mod")
	diag "nft: $(echo $n), module: $(echo $m)"
	[ -n "$n" ] && [ "$n" = "$m" ] || return 1
	for a in "$@"; do
		grep -qx "$a" <<< "$n" || return 1
	done
}
# in_set SET REGEX: set SET of the table listed last (list_table) holds
# REGEX before its first '}' (no exec: each costs ~0.2 s under TCG).
list_table() { table=$(gwnft list table inet epgate); }
in_set() {
	local re="set $1 \{[^}]*$2"
	[[ $table =~ $re ]]
}
# The drop rule's packets, the rule handles, of the export.
drops() { gwnft list chain inet epgate judge | sed -n 's/.*counter packets \([0-9]*\) bytes [0-9]* drop$/\1/p'; }
handles() { gwnft -a list table inet epgate | grep -o 'handle [0-9]*' | tr '\n' ' '; }
# nft_drops ADDR: a connection to ADDR:13000 gets no answer and the
# export's drop rule counts it (quicker than waiting out probe_from).
nft_drops() {
	local before
	before=$(drops)
	! ip netns exec "$CLIENT" socat -T$EPGATE_SLOW /dev/null \
		"TCP:$1:13000,connect-timeout=$EPGATE_SLOW,bind=$CLIENT_IP4" 2> /dev/null &&
		[ "$(drops)" -gt "$before" ]
}

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

# The nftables export, in monitor mode: it never drops, the module judges.
check "export nft --apply --mode monitor of the module's policy" -- \
	quiet gw export nft --apply --mode monitor
list_table
check "export: the sets of update.vendor.test say so" -- eval '
	in_set addr-1-v4 "comment \"follows update.vendor.test\"" &&
	in_set addr-1-v6 "comment \"follows update.vendor.test\""'
check "export: its IPv6 set is there, empty (no AAAA yet)" -- \
	eval 'in_set addr-1-v6 comment && ! in_set addr-1-v6 elements'
check "export: @agents' sets follow agent.vendor.test" -- \
	in_set agents-v4 'comment "follows agent.vendor.test"'
check "export: addr-1-v4 holds the module's address" -- \
	in_set addr-1-v4 'elements = \{ 10\.0\.2\.2 \}'

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
snapshot
check "the old IPv4 still passes in its grace" -- from $CLIENT_IP4 $SERVER_IP4
check "status -j: the old address is leaving" -- \
	test "$(name_json update.vendor.test | jq -r '.addresses[] | select(.address == "10.0.2.2") | .leaving')" = true
check "daemon: the export's sets held the module's addresses: the first AAAA, the leaving A" -- \
	snap_same 10.0.2.2 10.0.2.3 fd00:2::2
check "the old IPv4 is dropped after its grace" -- \
	busywait $((20000 + GRACE * 1000 / EPGATE_SLOW)) fails from $CLIENT_IP4 $SERVER_IP4
check "the new ones still pass" -- from $CLIENT_IP4 10.0.2.3
check "daemon: the leaving A left the export's sets too" -- \
	busywait 3000 fails nft_has 10.0.2.2
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
check "daemon: the export's sets changed twice, at the change and after the grace (its other rounds sent nothing)" -- \
	test "$(grep -c '^epgate: refresh: nft table inet epgate: sets\? .* updated$' "$tmp/daemon.log")" = 2

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

# The export enforcing alone: the module counts, nft judges.  From a fresh
# start: the reboot's names state dropped (its saved addresses would leave
# only after the default 300 s), kaspersky enabled again on today's answer
# (10.0.2.2, no AAAA).
rm -f "$EPGATE_RUN_DIR/names.state"
check "enable kaspersky again, on a fresh names state" -- \
	quiet gw enable kaspersky server=update.vendor.test agent=@agents
gw mode monitor > /dev/null
check "export nft --apply --mode enforce, the module in monitor" -- \
	quiet gw export nft --apply --mode enforce
G=$((3 * EPGATE_SLOW))
refresh() { gw refresh --ttl-min 1 --grace $G > "$tmp/r.out" 2> "$tmp/r.err"; rc=$?; }
check "nft: 10.0.2.2 passes" -- from $CLIENT_IP4 $SERVER_IP4
check "nft: 10.0.2.3 (not in the set) is dropped, by the drop rule" -- \
	nft_drops 10.0.2.3
c1=$(drops)
h1=$(handles)

answer "10.0.2.3 update.vendor.test" "10.0.1.2 agent.vendor.test"
kill -HUP "$(cat "$tmp/dns.pid")"
# dnsmasq rereads on SIGHUP: ask until the new answer is seen.
changed() { refresh; [ $rc != 0 ]; }
check "refresh of a changed A: exit 2" -- eval 'busywait 5000 changed && [ $rc = 2 ]'
snapshot
check "nft: the old one passes in its grace" -- from $CLIENT_IP4 $SERVER_IP4
check "nft: the new address passes" -- from $CLIENT_IP4 10.0.2.3
check "... refresh said which nft set it updated" -- \
	grep -qx 'epgate: refresh: nft table inet epgate: set addr-1-v4 updated' "$tmp/r.out"
check "nft: the sets held the module's addresses, the new one and the one leaving" -- \
	snap_same 10.0.2.2 10.0.2.3
check "nft: the rules are the same rules (handles): only set elements changed" -- \
	test "$(handles)" = "$h1"
c2=$(drops)
check "nft: the drop counter kept its value ($c1 -> $c2)" -- \
	test "$c1" -gt 0 -a "$c2" -ge "$c1"
list_table
check "nft: the set still names its hostname" -- \
	in_set addr-1-v4 'comment "follows update.vendor.test"'
gone() { refresh; ! nft_has 10.0.2.2; }
check "nft: the old one leaves the set after its grace, with the module's" -- \
	eval 'busywait $((G * 1000 / EPGATE_SLOW + 5000)) gone && nft_is_module'

gwnft delete table inet epgate
answer "10.0.2.2 update.vendor.test" "10.0.1.2 agent.vendor.test"
kill -HUP "$(cat "$tmp/dns.pid")"
module_has() { module_addrs | grep -qx "$1"; }
check "no nft table: refresh of a changed A still updates the module: exit 2" -- \
	eval 'busywait 5000 changed && [ $rc = 2 ] && module_has 10.0.2.2'
check "... and says nothing about nft" -- fails grep -qi nft "$tmp/r.out" "$tmp/r.err"

gwnft add table inet epgate
answer "10.0.2.4 update.vendor.test" "10.0.1.2 agent.vendor.test"
kill -HUP "$(cat "$tmp/dns.pid")"
updated() { refresh; module_has 10.0.2.4; }
check "a table without the sets: refresh still updates the module" -- \
	busywait 5000 updated
check "... exit 1, one line naming the missing set" -- eval '[ $rc = 1 ] &&
	[ "$(wc -l < "$tmp/r.err")" = 1 ] &&
	grep -q "^epgate: refresh: nft table inet epgate not updated: no set agents-v4 (follows agent.vendor.test): " "$tmp/r.err"'
diag "$(cat "$tmp/r.err")"
gwnft delete table inet epgate
tap_end
