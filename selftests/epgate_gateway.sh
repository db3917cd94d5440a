#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# epgate inside the firewall a gateway really has (Documentation/design.md,
# "Endpoints and NAT"; the recipe in operations.md):
#  - Debian's stock table inet filter, forward chain at priority filter,
#    policy drop, "ct state established,related accept" and the mark rule:
#    epgate runs before it by default, so allowed connections get through;
#  - nft DNAT, port translation, a forward of an allowed public port onto
#    another internal port, masquerade, hairpin NAT and NAT66: judged on the
#    real endpoints, each verdict with real traffic and the counter it moved;
#  - a flowtable (flow add @ft): a connection offloaded while allowed stops
#    at once when a change no longer allows it;
#  - Debian's vsftpd on eScan's tcp/2021 with a passive range no flow opens,
#    conntrack's ftp helper by "ct helper set", curl in EPSV, PASV and active
#    mode, directly and through DNAT (nf_nat_ftp): data follows the control
#    connection;
#  - other drop: ping dropped in enforce, ICMP errors of an allowed
#    connection and IPv6 neighbour discovery pass;
#  - drop lines in the kernel log from a non-initial namespace only with
#    net.netfilter.nf_log_all_netns;
#  - the hook priority moves without a packet passing unjudged;
#  - epgate export nft gives the same NAT verdicts without the module.
cd "$(dirname "$0")" || exit 1
source ./lib.sh
source ./topology.sh

tap_begin
[ -x "$EPGATE" ] || skip_all "userspace/epgate is not built"
[ -f "$EPGATE_KO" ] || skip_all "no module built for $(uname -r)"
checktool "socat -V" socat
checktool "jq --version" jq
checktool "nft --version" nft
checktool "conntrack --version" conntrack
checktool "curl --version" curl
[ -x /usr/sbin/vsftpd ] || skip_all "vsftpd is not installed (make deps)"
export EPGATE_PROFILE_PATH=$EPGATE_TOP/profiles

tmp=$(mktemp -d /tmp/epgate-gateway.XXXXXX)
chmod 755 "$tmp"
cleanup() {
	topo_cleanup
	epgate_unload
	sysctl -qw net.netfilter.nf_log_all_netns=0 2> /dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
epgate_unload
topo_setup || skip_all "cannot build the topology"
epgate_load || skip_all "cannot load epgate.ko"

gw() { ip netns exec "$GW" "$EPGATE" "$@"; }
gwnft() { ip netns exec "$GW" nft "$@"; }
quiet() { "$@" > /dev/null 2>&1; }
flow_packets() { # PROFILE FLOW
	gw stats -j | jq -r --arg p "$1" --arg f "$2" \
		'.flows[] | select(.profile == $p and .name == $f) | .packets'
}
counter() { gw status -j | jq -r ".counters.$1"; }

# moved PROFILE FLOW CMD...: CMD succeeds and the flow's counter moves.
moved() {
	local p0
	p0=$(flow_packets "$1" "$2")
	"${@:3}" || return 1
	[ "$(flow_packets "$1" "$2")" -gt "$p0" ] ||
		{ diag "$1/$2 did not move ($p0)"; return 1; }
}
# dropped CMD...: CMD fails, the global dropped counter moves and no flow's.
dropped() {
	local d0 a0
	d0=$(counter dropped) a0=$(counter allowed)
	fails "$@" || return 1
	[ "$(counter dropped)" -gt "$d0" ] && [ "$(counter allowed)" = "$a0" ] ||
		{ diag "dropped $d0 -> $(counter dropped), allowed $a0 -> $(counter allowed)"; return 1; }
}

# A second LAN host, the hairpin NAT target.
ip -n "$CLIENT" addr add 10.0.1.3/24 dev c0
for p in 13000 13291 22 9999; do
	echo_server "$SERVER" tcp $p || skip_all "echo service tcp/$p"
done
echo_server "$CLIENT" tcp 13000 || skip_all "echo service tcp/13000 (LAN)"
for p in 13000 22; do
	echo_server "$GW" tcp $p || skip_all "echo service tcp/$p (gateway)"
done

# --- the firewall around epgate ---------------------------------------
# Debian's /etc/nftables.conf, with the forward policy a gateway sets, the
# mark rule of the recipe and ping allowed; NAT as nft's wiki and every guide write it.
# 10.0.1.1 and fd00:1::1 are the gateway's public addresses (the client is
# the Internet); 10.0.2.1 is its address towards the DMZ, where LAN hosts
# reach forwarded services (hairpin).
gwnft -f - <<'NFT' || skip_all "the stock ruleset does not load"
table inet filter {
	ct helper ftp-2021 {
		type "ftp" protocol tcp;
	}
	chain input {
		type filter hook input priority filter;
	}
	chain forward {
		type filter hook forward priority filter; policy drop;
		ct state established,related accept
		meta mark & 0x100 == 0x100 accept
		meta l4proto { icmp, ipv6-icmp } accept
	}
	chain output {
		type filter hook output priority filter;
	}
	chain helpers {
		type filter hook prerouting priority filter;
		tcp dport 2021 ct helper set "ftp-2021"
	}
}
table ip nat {
	chain prerouting {
		type nat hook prerouting priority dstnat;
		iifname "g0" ip daddr 10.0.1.1 tcp dport 13000 dnat to 10.0.2.2
		iifname "g0" ip daddr 10.0.1.1 tcp dport 8443 dnat to 10.0.2.2:13000
		iifname "g0" ip daddr 10.0.1.1 tcp dport 13291 dnat to 10.0.2.2:22
		iifname "g0" ip daddr 10.0.1.1 tcp dport 2021 dnat to 10.0.2.2
		iifname "g0" ip daddr 10.0.2.1 tcp dport 13000 dnat to 10.0.1.3
		iifname "g0" ip daddr 10.0.1.1 tcp dport 9443 redirect to :13000
		iifname "g0" ip daddr 10.0.1.1 tcp dport 9444 redirect to :22
	}
	chain postrouting {
		type nat hook postrouting priority srcnat;
		oifname "g1" masquerade
		iifname "g0" oifname "g0" masquerade
	}
}
table ip6 nat {
	chain prerouting {
		type nat hook prerouting priority dstnat;
		iifname "g0" ip6 daddr fd00:1::1 tcp dport 13000 dnat to fd00:2::2
	}
}
NFT
modprobe -q nf_nat_ftp

cat > "$tmp/set" <<'FLOWS'
# profile  flow           proto ports  from           to
kav        agent-server   tcp   13000  10.0.1.0/24    10.0.2.2/32
kav        agent-server6  tcp   13000  fd00:1::/64    fd00:2::2/128
kav        console        tcp   13291  any            10.0.2.2/32
lan        hairpin        tcp   13000  10.0.1.2/32    10.0.1.3/32
gw         mgmt           tcp   13000  10.0.1.0/24    10.0.1.1/32
FLOWS
check "load the NAT flows, enforce, mark 0x100" -- quiet bash -c "
	$(declare -f gw); GW=$GW EPGATE=$EPGATE
	gw load $tmp/set && gw mode enforce && gw config mark 0x100/0x100"
check "status: priority -10 by default, before the stock chain" -- \
	test "$(gw status -j | jq -r .priority)" = -10

check "direct: the agent reaches the server through the stock chain (marked)" -- \
	moved kav agent-server probe "$CLIENT" tcp $SERVER_IP4 13000
check "direct: a port no flow has is dropped" -- \
	dropped probe "$CLIENT" tcp $SERVER_IP4 9999
check "DNAT 10.0.1.1:13000 -> 10.0.2.2: bound by the real server, allowed" -- \
	moved kav agent-server probe "$CLIENT" tcp 10.0.1.1 13000
check "port translation 10.0.1.1:8443 -> 10.0.2.2:13000: judged on 13000" -- \
	moved kav agent-server probe "$CLIENT" tcp 10.0.1.1 8443
check "allowed public 13291 forwarded to 10.0.2.2:22: judged on 22, dropped" -- \
	dropped probe "$CLIENT" tcp 10.0.1.1 13291
check "  ... and the console flow did not count it" -- \
	test "$(flow_packets kav console)" = 0
check "masquerade towards the DMZ: the agent is judged before SNAT" -- \
	bash -c "ip netns exec $GW conntrack -L -p tcp --dport 13000 2> /dev/null |
		grep -q 'src=10.0.1.2 dst=10.0.2.2 .* src=10.0.2.2 dst=10.0.2.1'"
check "hairpin 10.0.1.2 -> 10.0.2.1:13000 -> 10.0.1.3 (masqueraded): allowed" -- \
	moved lan hairpin probe "$CLIENT" tcp 10.0.2.1 13000
check "NAT66 [fd00:1::1]:13000 -> fd00:2::2: allowed on the IPv6 flow" -- \
	moved kav agent-server6 probe "$CLIENT" tcp fd00:1::1 13000
check "hooks forward,input" -- gw config hooks forward,input
check "INPUT: redirect 10.0.1.1:9443 -> the gateway's :13000, judged on 13000" -- \
	moved gw mgmt probe "$CLIENT" tcp 10.0.1.1 9443
check "INPUT: redirect 10.0.1.1:9444 -> the gateway's :22, dropped" -- \
	dropped probe "$CLIENT" tcp 10.0.1.1 9444
check "hooks forward" -- gw config hooks forward

# Without the mark the stock chain drops what epgate allowed: the mark is
# what carries the verdict (NF_ACCEPT does not skip later hooks).
no_mark() {
	gw config mark none && fails probe "$CLIENT" tcp $SERVER_IP4 13000
}
check "mark none: the stock chain drops the allowed connection" -- no_mark
check "mark back" -- gw config mark 0x100/0x100

# --- the hook priority ------------------------------------------------
# After the stock chain (priority 10) epgate never sees the new connection.
priority() { gw status -j | jq -r .priority; }
after_stock() {
	gw config priority 10 && [ "$(priority)" = 10 ] &&
	fails probe "$CLIENT" tcp $SERVER_IP4 13000
}
check "config priority 10: after the stock chain, the SYN is dropped first" -- after_stock
before_dnat() {
	local out
	out=$(gw config priority -100 2>&1) && return 1
	diag "$out"
	[ "$(grep -c . <<< "$out")" = 1 ] && [ "$(priority)" = 10 ]
}
check "config priority -100 (DNAT's): one-line error, priority unchanged" -- before_dnat

# A stream across priority changes: every datagram is judged.  Its flow
# counts each datagram it allows; 20 moves while it runs, then the
# datagrams received are at most the flow's count (a datagram judged by
# both hook sets while they overlap counts twice, never zero times).  An
# unjudged datagram would still be delivered: after the first one the
# stock chain accepts the established stream without the mark.
bkill_last() {
	kill "${topo_bg_pids[-1]}"
	wait "${topo_bg_pids[-1]}" 2> /dev/null
	unset 'topo_bg_pids[-1]'
}
unjudged() {
	local r n prio
	printf 'kav stream udp 9998 any any\n' >> "$tmp/set"
	gw load "$tmp/set" > /dev/null || return 1
	topo_bg ip netns exec "$SERVER" socat -u UDP-RECV:9998 \
		OPEN:"$tmp/sink",creat,append
	busywait 5000 listening "$SERVER" udp 9998 || return 1
	stream "$CLIENT" udp $SERVER_IP4 9998 100
	busywait 10000 test -s "$tmp/sink" ||
		{ diag "nothing received; flow: $(flow_packets kav stream)"; return 1; }
	for prio in -50 20 -10 5 -99 0 -10 30 -20 -10 -5 15 -10 -30 10 -10 1 -1 50 -10; do
		gw config priority $prio || return 1
	done
	bkill_last
	r=$(grep -c tick "$tmp/sink")
	n=$(flow_packets kav stream)
	diag "received $r datagrams, the flow counted $n"
	[ "$r" -gt 0 ] && [ "$n" -ge "$r" ]
}
check "priority back to the default" -- gw config priority -10
check "20 priority changes under a stream: no datagram passes unjudged" -- unjudged

# --- flowtable --------------------------------------------------------
gwnft add flowtable inet filter ft '{ hook ingress priority filter; devices = { g0, g1 }; }' ||
	skip_all "no flowtable support"
# The forward chain's rules again, flow add first, as OpenWrt has it.
gwnft flush chain inet filter forward
gwnft add rule inet filter forward meta l4proto '{ tcp, udp }' flow add @ft
gwnft add rule inet filter forward ct state established,related accept
gwnft add rule inet filter forward meta mark and 0x100 == 0x100 accept
gwnft add rule inet filter forward meta l4proto '{ icmp, ipv6-icmp }' accept

rx_bytes() { # bytes the server received on its tcp/13000 connections
	ip netns exec "$SERVER" ss -tinH state established '( sport = :13000 )' |
		grep -o 'bytes_received:[0-9]*' | cut -d: -f2 |
		awk '{ s += $1 } END { print s + 0 }'
}
offloaded() {
	ip netns exec "$GW" conntrack -L -p tcp --dport 13000 2> /dev/null |
		grep -q OFFLOAD
}
grows() { # FUNC MIN [TIMEOUT_MS]: FUNC's value grows by MIN
	local v0=$($1) n
	busywait "${3:-10000}" eval "n=\$($1); [ \$n -ge \$((v0 + $2)) ]"
}
stream "$CLIENT" tcp $SERVER_IP4 13000 50
check "a connection of kav agent-server is offloaded to the flowtable" -- \
	busywait 20000 offloaded
p_off=$(flow_packets kav agent-server)
check "offloaded: data crosses (200 bytes more at the server)" -- grows rx_bytes 200
check "  ... its counter stayed at $p_off" -- test "$(flow_packets kav agent-server)" = "$p_off"
grep -v agent-server "$tmp/set" > "$tmp/narrow"
narrow() {
	local out
	out=$(gw load "$tmp/narrow") || return 1
	diag "$out"
	grep -qx "epgate: load: 1 offloaded connection no longer allowed: flowtable offload torn down, the forward hook judges them again" <<< "$out" &&
	[ "$(gw status -j | jq -r .offload.last)" = 1 ]
}
check "load without agent-server: the offloaded connection is counted and torn down" -- narrow
stopped() {
	local b1 b2
	# The sender's segments are now retransmissions, backing off.
	grows "counter dropped" 1 30000 ||
		{ diag "no drop: dropped $(counter dropped), rx $(rx_bytes)"; return 1; }
	b1=$(rx_bytes)
	grows "counter dropped" 2 30000 ||
		{ diag "no more drops: dropped $(counter dropped), rx $(rx_bytes)"; return 1; }
	b2=$(rx_bytes)
	diag "server received $b1 then $b2 bytes"
	[ "$b1" = "$b2" ] && ! offloaded ||
		{ diag "$(ip netns exec "$GW" conntrack -L -p tcp --dport 13000 2>&1)"; return 1; }
}
check "  ... no more data crosses: its packets reach the hook and are dropped" -- stopped
bkill_last
check "reload the NAT flows" -- quiet gw load "$tmp/set"

# --- FTP: vsftpd, the ftp helper, nf_nat_ftp ---------------------------
mkdir -p "$tmp/ftproot" "$tmp/empty"
chmod 755 "$tmp/ftproot" "$tmp/empty"
head -c 100000 /dev/urandom > "$tmp/ftproot/file"
chmod 644 "$tmp/ftproot/file"
cat > "$tmp/vsftpd.conf" <<EOF
listen=YES
listen_ipv6=NO
listen_port=2021
background=NO
seccomp_sandbox=NO
anonymous_enable=YES
local_enable=NO
write_enable=NO
anon_root=$tmp/ftproot
ftp_username=ftp
secure_chroot_dir=$tmp/empty
pasv_enable=YES
pasv_min_port=40000
pasv_max_port=40010
connect_from_port_20=YES
xferlog_enable=NO
vsftpd_log_file=$tmp/vsftpd.log
EOF
topo_bg ip netns exec "$SERVER" /usr/sbin/vsftpd "$tmp/vsftpd.conf"
busywait 5000 listening "$SERVER" tcp 2021 || skip_all "vsftpd did not start"
check "enable escan server=10.0.2.2 (tcp/2021; the passive range 40000-40010 is in no flow)" -- \
	quiet gw enable escan server=$SERVER_IP4
fetch() { # URL CURL-OPTIONS...: the file, byte for byte
	rm -f "$tmp/got"
	ip netns exec "$CLIENT" curl -sS --max-time $((${FETCH_TIMEOUT:-20} * EPGATE_SLOW)) \
		-o "$tmp/got" "${@:2}" "$1" 2> "$tmp/curl.err" &&
	cmp -s "$tmp/got" "$tmp/ftproot/file" ||
		{ diag "curl $*: $(head -c 300 "$tmp/curl.err"); vsftpd: $(tail -c 300 "$tmp/vsftpd.log" 2> /dev/null)"; return 1; }
}
for via in "$SERVER_IP4:direct" "10.0.1.1:DNAT"; do
	addr=${via%%:*} how=${via#*:}
	check "FTP $how EPSV: the file" -- moved escan agent-server-ftp \
		fetch "ftp://$addr:2021/file" --epsv
	check "FTP $how PASV: the file" -- moved escan agent-server-ftp \
		fetch "ftp://$addr:2021/file" --disable-epsv
	check "FTP $how active (PORT): the file" -- moved escan agent-server-ftp \
		fetch "ftp://$addr:2021/file" --ftp-port "$CLIENT_IP4" --disable-eprt
done
check "FTP data connections were RELATED (expected) ones" -- \
	bash -c "ip netns exec $GW conntrack -L -p tcp 2> /dev/null | grep -q 'helper=ftp'"
no_helper() {
	gwnft flush chain inet filter helpers &&
	FETCH_TIMEOUT=5 fails fetch "ftp://$SERVER_IP4:2021/file" --disable-epsv
}
check "no helper: PASV data to 40000-40010 is dropped" -- no_helper

# --- other protocols ----------------------------------------------------
pingable() { ip netns exec "$CLIENT" ping -c 1 -W $((2 * ${EPGATE_SLOW:-1})) "$1" > /dev/null; }
check "other accept (default): ping crosses" -- pingable $SERVER_IP4
other_drop() {
	gw config other drop && [ "$(gw status -j | jq -r .other)" = drop ] &&
	dropped pingable $SERVER_IP4
}
check "other drop: ping is dropped and counted" -- other_drop
nd_works() {
	gw config hooks forward,input,output || return 1
	ip -n "$CLIENT" -6 neigh flush dev c0
	ip -n "$GW" -6 neigh flush dev g0
	ip -n "$GW" -6 neigh flush dev g1
	ip -n "$SERVER" -6 neigh flush dev s0
	probe "$CLIENT" tcp $SERVER_IP6 13000 &&
	gw config hooks forward
}
check "other drop at every hook: IPv6 neighbour discovery still works (neighbours flushed)" -- nd_works
udp_unreach() { # an ICMP port unreachable comes back for an allowed UDP flow
	ip netns exec "$CLIENT" python3 - "$SERVER_IP4" <<'PY'
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(3)
s.connect((sys.argv[1], 9996))
s.send(b"x")
try:
    s.recv(10)
except ConnectionRefusedError:
    sys.exit(0)
sys.exit(1)
PY
}
printf 'kav unreach udp 9996 any any\n' >> "$tmp/set"
check "a flow for udp/9996, where nobody listens" -- quiet gw load "$tmp/set"
check "other drop: the ICMP error RELATED to that allowed flow passes" -- udp_unreach
check "other accept" -- gw config other accept

# --- drop logging from a namespace that is not the initial one ---------------
logged() { dmesg | grep -c "epgate: drop tcp $CLIENT_IP4:[0-9]* -> $SERVER_IP4:9999"; }
no_log_line() {
	local l0
	gw config log kernel || return 1
	l0=$(logged)
	dropped probe "$CLIENT" tcp $SERVER_IP4 9999 && [ "$(logged)" = "$l0" ]
}
check "log kernel in a container's namespace: no line in the host's log" -- no_log_line
log_all_netns() {
	local l0
	sysctl -qw net.netfilter.nf_log_all_netns=1 || return 1
	l0=$(logged)
	dropped probe "$CLIENT" tcp $SERVER_IP4 9999 &&
	busywait 5000 eval '[ "$(logged)" -gt "$l0" ]'
}
check "  ... with net.netfilter.nf_log_all_netns=1: the lines come" -- log_all_netns
sysctl -qw net.netfilter.nf_log_all_netns=0
gw config log off > /dev/null

# --- the nftables export, without the module ---------------------------------
# The same NAT scenarios against epgate export nft's ruleset: the verdicts
# the module gave.
verdicts() {
	local t
	for t in "$SERVER_IP4 13000" "$SERVER_IP4 9999" "10.0.1.1 13000" \
		 "10.0.1.1 8443" "10.0.1.1 13291" "10.0.2.1 13000" "fd00:1::1 13000"; do
		# shellcheck disable=SC2086
		if probe "$CLIENT" tcp $t; then echo "$t pass"; else echo "$t drop"; fi
	done
}
verdicts > "$tmp/module.verdicts"
diag "module: $(tr '\n' ';' < "$tmp/module.verdicts")"
exported() {
	gw export nft > "$tmp/epgate.nft" &&
	grep -q 'ct reply proto-src' "$tmp/epgate.nft" &&
	grep -q 'ct reply ip saddr 10.0.2.2' "$tmp/epgate.nft" &&
	grep -q 'ct original ip saddr 10.0.1.0/24' "$tmp/epgate.nft" &&
	grep -q 'priority filter - 10;' "$tmp/epgate.nft"
}
check "export nft: judged on ct original saddr, ct reply saddr and proto-src, at filter - 10" -- exported
check "rmmod epgate, the exported ruleset in its place" -- \
	eval 'rmmod epgate && gwnft -f "$tmp/epgate.nft"' 
verdicts > "$tmp/nft.verdicts"
diag "nft:    $(tr '\n' ';' < "$tmp/nft.verdicts")"
check "the same NAT verdicts without the module" -- \
	diff -u "$tmp/module.verdicts" "$tmp/nft.verdicts"
tap_end
