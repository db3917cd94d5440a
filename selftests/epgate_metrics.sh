#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# epgate metrics, against the counters of real traffic, with the gateway in
# the initial namespace (the one /sys/kernel/epgate shows):
#
#   client 10.0.1.2 -- [init namespace: gateway, epgate] -- server 10.0.2.2
#
# - Module not loaded: `epgate_module_loaded 0` alone, exit 0, on stdout and
#   in the textfile, and promtool accepts it.
# - Loaded, kaspersky enforced and bound to the client's and the server's
#   addresses, eset monitored with its server bound elsewhere: UDP echoes
#   allowed, datagrams to a port no flow uses dropped (global dropped, no
#   profile's), datagrams to kaspersky's wake-up port from an address its
#   server role does not hold dropped (kaspersky's dropped), datagrams that
#   eset would drop (eset's would_drop, not dropped), a TCP connection.
#   Every value epgate metrics prints equals its sysfs file (globals,
#   generation, table, mode, each profile's and each flow's counters, no
#   series more or fewer), `stats -j` (the GET_PROFILES dump) agrees, and
#   the exact numbers of the traffic sent; `promtool check metrics` finds
#   nothing to say; `lookup` gives the hook's verdict words; `stats
#   --reset` (RESET_COUNTERS) zeroes the profiles' dropped.
# - --textfile: DIR/epgate.prom is a new file each time (renamed over the
#   old one, which is never written to), mode 0644, no temporary left; a
#   reader looping over it while it is rewritten never sees part of one; a
#   folder that cannot be written keeps the old file and fails in one line.
# - The alert rules of Documentation/operations.md pass `promtool check
#   rules`, and `promtool test rules` shows each firing when it should.
# - Without CAP_NET_ADMIN (the module's rule for readers): one line, exit 1.
cd "$(dirname "$0")" || exit 1
source ./lib.sh
source ./topology.sh

tap_begin
[ -x "$EPGATE" ] || skip_all "userspace/epgate is not built"
[ -f "$EPGATE_KO" ] || skip_all "no module built for $(uname -r)"
checktool "promtool --version" "promtool (Debian's prometheus package)"
export EPGATE_PROFILE_PATH=$EPGATE_TOP/profiles
E=$EPGATE
P=$SYSFS/profiles

tmp=$(mktemp -d /tmp/epgate-metrics.XXXXXX)
trap 'topo_cleanup; epgate_unload; umount "$tmp/ro" 2>/dev/null; rm -rf "$tmp"' EXIT
mkdir "$tmp/dir"

val() { local v; read -r v < "$1" && echo "$v"; }

# promtool_quiet CMD...: succeeds and prints nothing but its SUCCESS line
# (lint problems are printed with exit 0 by some versions).
promtool_quiet() {
	"$@" > "$tmp/promtool" 2>&1 &&
	! grep -v -e '^Checking ' -e '^  SUCCESS' -e '^$' "$tmp/promtool" ||
	{ sed 's/^/# /' "$tmp/promtool"; return 1; }
}

# --- not loaded ------------------------------------------------------------
epgate_unload
not_loaded_stdout() {
	local out rc
	out=$($E metrics 2> "$tmp/err")
	rc=$?
	[ "$rc" = 0 ] && ! [ -s "$tmp/err" ] &&
	[ "$(grep -v '^#' <<< "$out")" = "epgate_module_loaded 0" ] &&
	[ "$(grep -c . <<< "$out")" = 3 ] &&
	! epgate_loaded &&
	promtool_quiet promtool check metrics <<< "$out"
}
check "not loaded: epgate_module_loaded 0 alone, exit 0, promtool accepts it" -- not_loaded_stdout
check "not loaded: --textfile writes it too, for node_exporter to see" -- bash -c \
	"$E metrics --textfile $tmp/dir && grep -qx 'epgate_module_loaded 0' $tmp/dir/epgate.prom"

# --- traffic ---------------------------------------------------------------
topo_use_init_gw || skip_all "cannot name the initial namespace"
topo_setup || skip_all "cannot build the topology"
epgate_load || skip_all "cannot load epgate.ko"

topo_bg ip netns exec "$SERVER" python3 netprobe.py serve \
	udp:13000 udp:137 udp:9999 tcp:13000 > /dev/null
# Python starting under TCG on a busy host took more than 5 s once.
for p in 13000 137 9999; do
	busywait 20000 listening "$SERVER" udp $p || skip_all "echo service"
done
busywait 20000 listening "$SERVER" tcp 13000 || skip_all "echo service"

# burst PORT COUNT SIZE [TIMEOUT]: COUNT datagrams client -> server, each
# waiting for its echo; prints how many came back.
burst() {
	ip netns exec "$CLIENT" python3 netprobe.py burst -t "${4:-1}" \
		"udp:$SERVER_IP4:$1" "$2" "$3" | awk '{ print $4 }'
}

# The server's end of every connection to PORT is gone: its last ACK has
# crossed the gateway, nothing of it is still to be counted.
tcp_done() {
	[ -z "$(ip netns exec "$SERVER" ss -tnH "sport = :$1")" ]
}

traffic() {
	$E mode enforce > /dev/null &&
	$E enable kaspersky "agent=${CLIENT_IP4%.*}.0/24" "server=$SERVER_IP4" \
		> /dev/null 2>&1 &&
	$E enable eset server=10.0.9.9 --with push --monitor > /dev/null 2>&1 &&
	ip netns exec "$CLIENT" python3 netprobe.py probe \
		"tcp:$SERVER_IP4:13000" | grep -q ' pass$' &&
	busywait 5000 tcp_done 13000 &&
	# 25 echoed datagrams of 100 bytes: 50 packets of 128 bytes (IP length).
	[ "$(burst 13000 25 100)" = 25 ] &&
	# 7 to an undocumented port: dropped, credited to no profile.
	[ "$(burst 9999 7 100 0.2)" = 0 ] &&
	# 5 to kaspersky's server -> agent wake-up port, sent by an agent: no
	# flow matches (the server role holds the server only), dropped and
	# credited to kaspersky.
	[ "$(burst 15000 5 100 0.2)" = 0 ] &&
	# eset's push port, eset monitored and bound elsewhere: 8 would_drop.
	[ "$(burst 137 4 50)" = 4 ]
}
check "traffic: a TCP connection, 25 UDP echoes, 7 + 5 drops, 4 monitored echoes" -- traffic

$E metrics > "$tmp/out" 2> "$tmp/err"
rc=$?
check "epgate metrics: exit 0, nothing on stderr" -- \
	bash -c "[ $rc = 0 ] && ! [ -s $tmp/err ]"

# The samples by series, proto left out (sysfs has no such file):
# m[name{labels}]=value.  No fork per line: every exec costs in TCG.
declare -A m
nseries=0
while read -r series value; do
	[[ $series == \#* || -z $series ]] && continue
	series=${series/,proto=\"tcp\"/}
	series=${series/,proto=\"udp\"/}
	m[$series]=$value
	nseries=$((nseries + 1))
done < "$tmp/out"

# is SERIES VALUE / same SERIES FILE: the metric's value is VALUE, or the
# sysfs file's.
bad=0
is() {
	[ "${m[$1]-missing}" = "$2" ] && return
	diag "$1 = ${m[$1]-missing}, want $2"
	bad=1
}
same() {
	local want
	read -r want < "$2" || { diag "no $2"; bad=1; return; }
	is "$1" "$want"
}
# state SERIES_PREFIX CURRENT STATE...: a stateset, 1 on CURRENT only.
state() {
	local pre=$1 cur=$2 k
	shift 2
	for k in "$@"; do
		if [ "$k" = "$cur" ]; then
			is "$pre\"$k\"}" 1
		else
			is "$pre\"$k\"}" 0
		fi
	done
}

equal_sysfs() {
	local pd fd p f mode n=16 nf=0 np=0 pf
	bad=0
	is epgate_module_loaded 1
	same epgate_rollbacks_total $SYSFS/rollbacks
	is epgate_rollback_pending_seconds "$($EPGATE status -j | jq -r .rollback.seconds_left)"
	is epgate_offload_teardowns_total "$($EPGATE status -j | jq -r .offload.total)"
	same 'epgate_packets_total{verdict="allowed"}' $SYSFS/counters/allowed
	same 'epgate_packets_total{verdict="dropped"}' $SYSFS/counters/dropped
	same 'epgate_packets_total{verdict="would_drop"}' $SYSFS/counters/would_drop
	same epgate_malformed_packets_total $SYSFS/counters/malformed
	same epgate_generation $SYSFS/generation
	same epgate_table_bytes $SYSFS/table_bytes
	read -r mode < $SYSFS/mode
	state 'epgate_mode{mode=' "$mode" off monitor enforce
	for pd in $P/*/; do
		p=${pd%/}
		p=${p##*/}
		same "epgate_profile_packets_total{profile=\"$p\"}" $pd/packets
		same "epgate_profile_bytes_total{profile=\"$p\"}" $pd/bytes
		same "epgate_profile_would_drop_total{profile=\"$p\"}" $pd/would_drop
		same "epgate_profile_dropped_total{profile=\"$p\"}" $pd/dropped
		read -r mode < $pd/mode
		state "epgate_profile_mode{profile=\"$p\",mode=" "$mode" monitor enforce
		pf=0
		for fd in $pd/flows/*/; do
			f=${fd%/}
			f=${f##*/}
			same "epgate_flow_packets_total{profile=\"$p\",flow=\"$f\"}" $fd/packets
			same "epgate_flow_bytes_total{profile=\"$p\",flow=\"$f\"}" $fd/bytes
			pf=$((pf + 1))
		done
		is "epgate_profile_flows{profile=\"$p\"}" $pf
		nf=$((nf + pf)) np=$((np + 1)) n=$((n + 7 + 2 * pf))
	done
	is epgate_flows $nf
	is epgate_profiles $np
	# module_loaded, info, 3 modes, generation, table, flows, profiles,
	# 3 verdicts, malformed, rollbacks, the pending rollback, offload
	# teardowns; per profile 2 modes, flows, 4 counters.
	[ "$nseries" = "$n" ] || { diag "$nseries series, sysfs has $n"; bad=1; }
	[ "$bad" = 0 ]
}
check "every value equals its sysfs file; as many series as sysfs has values" -- equal_sysfs

# The numbers of the traffic sent, and allowed = the sum over the flows.
exact() {
	local k sum=0 version
	bad=0
	is 'epgate_flow_packets_total{profile="kaspersky",flow="agent-shutdown"}' 50
	is 'epgate_flow_bytes_total{profile="kaspersky",flow="agent-shutdown"}' 6400
	# 7 on a port no flow uses (no profile's) and 5 on kaspersky's.
	is 'epgate_packets_total{verdict="dropped"}' 12
	is 'epgate_profile_dropped_total{profile="kaspersky"}' 5
	is 'epgate_profile_would_drop_total{profile="kaspersky"}' 0
	is 'epgate_packets_total{verdict="would_drop"}' 8
	is 'epgate_profile_would_drop_total{profile="eset"}' 8
	is 'epgate_profile_dropped_total{profile="eset"}' 0
	is 'epgate_profile_packets_total{profile="eset"}' 0
	is 'epgate_mode{mode="enforce"}' 1
	is 'epgate_profile_mode{profile="eset",mode="monitor"}' 1
	[ "${m['epgate_flow_packets_total{profile="kaspersky",flow="agent-server"}']:-0}" -gt 0 ] ||
		{ diag "the TCP connection is not on kaspersky/agent-server"; bad=1; }
	for k in "${!m[@]}"; do
		[[ $k == epgate_flow_packets_total* ]] && sum=$((sum + m[$k]))
	done
	is 'epgate_packets_total{verdict="allowed"}' $sum
	read -r version < /sys/module/epgate/version
	grep -qx "epgate_info{version=\"$version\",abi=\"[0-9]*\",tool_version=\"$($E --version | cut -d' ' -f2)\"} 1" \
		"$tmp/out" || { diag "epgate_info: $(grep '^epgate_info' "$tmp/out")"; bad=1; }
	[ "$bad" = 0 ]
}
check "the traffic's exact counts; allowed is the sum of the flows; info has the versions" -- exact

check "promtool check metrics: no error, no lint" -- \
	promtool_quiet promtool check metrics < "$tmp/out"

# The same numbers through the GET_PROFILES dump, and in sysfs.
profiles_dropped() {
	local j
	j=$($E stats -j) || return 1
	jq -e '(.profiles | map({(.name): [.dropped, .would_drop]}) | add) ==
	       {"kaspersky": [5, 0], "eset": [0, 8]} and
	       .counters.dropped == 12' <<< "$j" > /dev/null ||
		{ diag "stats -j: $(jq -c '[.profiles[], .counters]' <<< "$j")"; return 1; }
	[ "$(val $P/kaspersky/dropped)" = 5 ] && [ "$(val $P/eset/dropped)" = 0 ] &&
	[ "$(val $P/eset/would_drop)" = 8 ] && [ "$(val $SYSFS/counters/dropped)" = 12 ]
}
check "stats -j and sysfs: kaspersky dropped 5, eset would_drop 8 and dropped 0, 12 dropped in all" -- profiles_dropped

# lookup's verdict words are the hook's: the monitored profile's miss is a
# would-drop, the enforced one's a drop.
lookup_words() {
	$E lookup udp 137 from "$CLIENT_IP4" to "$SERVER_IP4" -j |
		jq -e '.verdict == "would-drop" and .mode == "enforce"' > /dev/null &&
	$E lookup udp 15000 from "$CLIENT_IP4" to "$SERVER_IP4" -j |
		jq -e '.verdict == "drop"' > /dev/null &&
	$E lookup udp 9999 from "$CLIENT_IP4" to "$SERVER_IP4" -j |
		jq -e '.verdict == "drop" and .flows == []' > /dev/null &&
	$E lookup udp 13000 from "$CLIENT_IP4" to "$SERVER_IP4" -j |
		jq -e '.verdict == "allow"' > /dev/null
}
check "lookup: would-drop on eset's monitored port, drop on kaspersky's and on an unused one" -- lookup_words

# The module lets only CAP_NET_ADMIN read its counters: a user without it
# gets one line and no file is touched (the unit keeps that capability).
unprivileged() {
	local out
	cp "$tmp/out" "$tmp/dir/epgate.prom"
	out=$(setpriv --reuid=65534 --regid=65534 --clear-groups \
		$E metrics --textfile "$tmp/dir" 2>&1) && return 1
	[ "$out" = "epgate: metrics: permission denied (CAP_NET_ADMIN needed)" ] &&
	cmp -s "$tmp/out" "$tmp/dir/epgate.prom"
}
check "without CAP_NET_ADMIN: one line, exit 1, the textfile left as it was" -- unprivileged

# --- --textfile ------------------------------------------------------------
dir=$tmp/dir
entries() { # DIR: its entries, dot files included, on one line
	local e
	shopt -s nullglob dotglob
	e=("$1"/*)
	shopt -u nullglob dotglob
	echo "${e[*]##*/}"
}
textfile() {
	$E metrics --textfile "$dir" &&
	cmp -s "$dir/epgate.prom" "$tmp/out" &&
	[ "$(stat -c %a "$dir/epgate.prom")" = 644 ] &&
	[ "$(entries "$dir")" = epgate.prom ]
}
check "--textfile: DIR/epgate.prom is stdout's exposition, 0644, nothing else in DIR" -- textfile

# A hard link keeps the old file: it must be replaced, never written to.
renamed() {
	ln "$dir/epgate.prom" "$tmp/old" &&
	$E metrics --textfile "$dir" &&
	! [ "$dir/epgate.prom" -ef "$tmp/old" ] &&
	cmp -s "$tmp/old" "$tmp/out" && cmp -s "$dir/epgate.prom" "$tmp/out"
}
check "--textfile: a new file renamed over the old one, which stays untouched" -- renamed

# The counters stand still, so every complete read is the same text; a
# read of a file being written, or of no file, is not.
torn_reads() {
	local ref bad=0 stop=$tmp/stop rpid
	IFS= read -r -d '' ref < "$dir/epgate.prom"
	(
		n=0
		while [ ! -e "$stop" ]; do
			c=
			IFS= read -r -d '' c < "$dir/epgate.prom"
			[ "$c" = "$ref" ] || { echo "torn after $n reads"; exit 1; }
			n=$((n + 1))
		done
		echo "$n"
	) > "$tmp/reader" &
	rpid=$!
	for _ in $(seq 10); do
		$E metrics --textfile "$dir" || bad=1
	done
	touch "$stop"
	wait $rpid || bad=1
	diag "reader: $(cat "$tmp/reader") reads during 10 rewrites"
	[ "$bad" = 0 ] && [ "$(entries "$dir")" = epgate.prom ]
}
check "--textfile: a reader looping over it during 10 rewrites never sees part of one" -- torn_reads

# A folder that cannot be written: one line, exit 1, the old file kept.
read_only() {
	local out
	mkdir -p "$tmp/ro" && mount -t tmpfs -o size=1m tmpfs "$tmp/ro" &&
	echo "old" > "$tmp/ro/epgate.prom" &&
	mount -o remount,ro "$tmp/ro" || return 1
	out=$($E metrics --textfile "$tmp/ro" 2>&1) && return 1
	[ "$out" = "epgate: metrics: $tmp/ro: Read-only file system" ] &&
	[ "$(val "$tmp/ro/epgate.prom")" = old ] &&
	[ "$(entries "$tmp/ro")" = epgate.prom ]
}
check "--textfile on a read-only folder: one line, exit 1, the old file kept" -- read_only
umount "$tmp/ro" 2>/dev/null

# --- the alert rules of operations.md --------------------------------------
# The YAML block whose first line is "# epgate.rules.yml".
awk '/^```yaml$/ { getline; if ($0 == "# epgate.rules.yml") f = 1 }
     /^```$/ { f = 0 } f' "$EPGATE_TOP/Documentation/operations.md" > "$tmp/rules.yml"
check "operations.md: promtool check rules on its alert rules" -- bash -c \
	"grep -q '^groups:' $tmp/rules.yml && promtool check rules $tmp/rules.yml > $tmp/promtool 2>&1 ||
	 { sed 's/^/# /' $tmp/promtool; exit 1; }"

# gw1: eset (monitored) would drop from 5 min on, then nothing more from
# 10 min on; kaspersky (enforced) drops from 8 to 11 min; neither the other
# counter; the module goes away at 20 min.  gw2 runs a tool from before
# the dropped counter: its eset would drop from 2 to 3 min.
cat > "$tmp/rules-test.yml" << 'EOF'
rule_files: [rules.yml]
evaluation_interval: 15s
tests:
  - interval: 15s
    input_series:
      - series: 'epgate_profile_would_drop_total{instance="gw1",profile="eset"}'
        values: '0x20 8+1x20 28x40'
      - series: 'epgate_profile_dropped_total{instance="gw1",profile="eset"}'
        values: '0x80'
      - series: 'epgate_profile_would_drop_total{instance="gw1",profile="kaspersky"}'
        values: '0x80'
      - series: 'epgate_profile_dropped_total{instance="gw1",profile="kaspersky"}'
        values: '0x32 5+1x11 16x36'
      - series: 'epgate_profile_would_drop_total{instance="gw2",profile="eset"}'
        values: '0x8 1+1x4 5x80'
      - series: 'epgate_module_loaded{instance="gw1"}'
        values: '1x80 0x20'
    alert_rule_test:
      - eval_time: 1m
        alertname: EpgateAgentsDropped
        exp_alerts: []
      - eval_time: 3m
        alertname: EpgateAgentsDropped
        exp_alerts:
          - exp_labels: {severity: warning, instance: gw2, profile: eset, verdict: would_drop}
            exp_annotations:
              summary: "epgate on gw2: eset would drop agents' traffic"
      - eval_time: 6m
        alertname: EpgateAgentsDropped
        exp_alerts:
          - exp_labels: {severity: warning, instance: gw1, profile: eset, verdict: would_drop}
            exp_annotations:
              summary: "epgate on gw1: eset would drop agents' traffic"
          - exp_labels: {severity: warning, instance: gw2, profile: eset, verdict: would_drop}
            exp_annotations:
              summary: "epgate on gw2: eset would drop agents' traffic"
      - eval_time: 9m
        alertname: EpgateAgentsDropped
        exp_alerts:
          - exp_labels: {severity: warning, instance: gw1, profile: eset, verdict: would_drop}
            exp_annotations:
              summary: "epgate on gw1: eset would drop agents' traffic"
          - exp_labels: {severity: warning, instance: gw1, profile: kaspersky, verdict: dropped}
            exp_annotations:
              summary: "epgate on gw1: kaspersky drops agents' traffic"
      - eval_time: 14m
        alertname: EpgateAgentsDropped
        exp_alerts:
          - exp_labels: {severity: warning, instance: gw1, profile: eset, verdict: would_drop}
            exp_annotations:
              summary: "epgate on gw1: eset would drop agents' traffic"
          - exp_labels: {severity: warning, instance: gw1, profile: kaspersky, verdict: dropped}
            exp_annotations:
              summary: "epgate on gw1: kaspersky drops agents' traffic"
      - eval_time: 17m
        alertname: EpgateAgentsDropped
        exp_alerts: []
      - eval_time: 20m30s
        alertname: EpgateModuleNotLoaded
        exp_alerts: []
      - eval_time: 22m
        alertname: EpgateModuleNotLoaded
        exp_alerts:
          - exp_labels: {severity: critical, instance: gw1}
            exp_annotations:
              summary: "epgate on gw1: the module is not loaded"
EOF
check "promtool test rules: each alert fires when it should, and only then" -- bash -c \
	"cd $tmp && promtool test rules rules-test.yml > $tmp/promtool 2>&1 ||
	 { sed 's/^/# /' $tmp/promtool; exit 1; }"

# --- RESET_COUNTERS --------------------------------------------------------
reset_dropped() {
	local out
	$E stats --reset > /dev/null &&
	[ "$(val $P/kaspersky/dropped)" = 0 ] && [ "$(val $P/eset/would_drop)" = 0 ] &&
	[ "$(val $SYSFS/counters/dropped)" = 0 ] &&
	out=$($E metrics) &&
	grep -qx 'epgate_profile_dropped_total{profile="kaspersky"} 0' <<< "$out" &&
	$E stats -j | jq -e '[.profiles[].dropped] == [0, 0]' > /dev/null &&
	# and it counts again from there
	[ "$(burst 15000 2 100 0.2)" = 0 ] &&
	[ "$(val $P/kaspersky/dropped)" = 2 ] && [ "$(val $SYSFS/counters/dropped)" = 2 ]
}
check "stats --reset zeroes the profiles' dropped; it counts again after" -- reset_dropped

# --- unloaded again --------------------------------------------------------
unloaded() {
	rmmod epgate && $E metrics --textfile "$dir" &&
	[ "$(grep -v '^#' "$dir/epgate.prom")" = "epgate_module_loaded 0" ] &&
	promtool_quiet promtool check metrics < "$dir/epgate.prom"
}
check "after rmmod: the textfile says epgate_module_loaded 0 and nothing else" -- unloaded

diag "epgate_metrics: ${SECONDS} s"
tap_end
