#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The hostname resolver (userspace/resolve.c, through tests/resolve_probe)
# against real DNS servers: Debian's dnsmasq, three of them, in a network
# namespace of their own.
#
#   netns epgate-dns-PID, lo: 10.53.0.1/32, fd53::1/128
#   ┌──────────────────────────────────────────────────────────────┐
#   │ :53    dnsmasq "main"  the test zone (host-record, cname,    │
#   │                        txt, addn-hosts), --local=/test/;     │
#   │                        broken.example -> 192.0.2.1 (no       │
#   │                        route), silent.example -> :5399       │
#   │                        (nobody listens)                      │
#   │ :5300  dnsmasq "val"   --dnssec with the root trust anchor,  │
#   │                        forwards everything to :5354          │
#   │ :5354  dnsmasq "up"    an unsigned a.sf.example              │
#   └──────────────────────────────────────────────────────────────┘
#
# Checks: A + AAAA with their configured TTL; CNAMEs followed, the TTL the
# smaller of the CNAME's and the record's, either way; NXDOMAIN; NODATA
# (a name with only a TXT record; a CNAME to nothing); what dnsmasq really
# answers for a forward that cannot be sent (REFUSED) and for one nobody
# answers (nothing: TIMEOUT); SERVFAIL from the validating dnsmasq when
# the chain of trust cannot be built; a changed answer (addn-hosts +
# SIGHUP) seen within its TTL; the server stopped (SIGSTOP: TIMEOUT) and
# gone (port closed: "Could not contact DNS servers"); the system's server
# from /etc/resolv.conf; EPGATE_DNS_SERVER over IPv6 and a bad one; the
# probe under valgrind.  Runs on the host as well as in the VM.
cd "$(dirname "$0")" || exit 1
source ./lib.sh

tap_begin
PROBE=$EPGATE_TOP/userspace/tests/resolve_probe
[ -x "$PROBE" ] || skip_all "userspace/tests/resolve_probe is not built (make -C userspace tests)"
checktool "dnsmasq --version" dnsmasq
checktool "ip -V" iproute2
TRUST=/usr/share/dnsmasq-base/trust-anchors.conf

NS=epgate-dns-$$
tmp=$(mktemp -d /tmp/epgate-resolve.XXXXXX)
chmod 755 "$tmp"
cleanup() {
	local f
	for f in "$tmp"/*.pid; do
		[ -f "$f" ] && kill -CONT "$(cat "$f")" 2> /dev/null && kill "$(cat "$f")" 2> /dev/null
	done
	ip netns del "$NS" 2> /dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

ip netns add "$NS" || skip_all "cannot create a network namespace"
ip -n "$NS" link set lo up
ip -n "$NS" addr add 10.53.0.1/32 dev lo
ip -n "$NS" -6 addr add fd53::1/128 dev lo nodad

# dnsmasq NAME PORT ARGS...: one server in the namespace, in the
# foreground (-k) behind &, as root (no user switch: the files are ours).
dnsmasq_start() {
	local name=$1 port=$2
	shift 2
	ip netns exec "$NS" dnsmasq -k --user=root --group=root --no-resolv --no-hosts \
		--bind-interfaces --listen-address=10.53.0.1 --port="$port" \
		--pid-file="$tmp/$name.pid" --log-queries --log-facility="$tmp/$name.log" \
		"$@" 2> "$tmp/$name.err" &
}

printf '10.0.0.7 rot.test\n' > "$tmp/rot.hosts"
dnsmasq_start main 53 --listen-address=fd53::1 \
	--local=/test/ \
	--host-record=vendor.test,10.0.0.5,fd00::5,7 \
	--host-record=v4only.test,10.0.0.6,30 \
	--host-record=v6only.test,fd00::6,40 \
	--host-record=vendor.nosuch.test,10.0.0.99 \
	--cname=alias.test,vendor.test,3 \
	--cname=slow.test,v4only.test,600 \
	--cname=dangling.test,missing.test \
	--txt-record=nodata.test,hello \
	--addn-hosts="$tmp/rot.hosts" --local-ttl=4 \
	--server=/broken.example/192.0.2.1 \
	--server=/silent.example/10.53.0.1#5399
dnsmasq_start up 5354 --host-record=a.sf.example,10.0.0.9 --local=/sf.example/ --local=//
dnsmasq_start val 5300 --dnssec --conf-file="$TRUST" --server=10.53.0.1#5354

# probe [-t MS] [-r TRIES] NAME...: resolve_probe in the namespace.
T=$((300 * EPGATE_SLOW))
probe() { ip netns exec "$NS" env EPGATE_DNS_SERVER="${SERVER:-10.53.0.1:53}" "$PROBE" "$@"; }
# same WANT-FILE PROBE-ARGS...: the probe's output is exactly WANT-FILE.
same() {
	local want=$1
	shift
	probe "$@" > "$tmp/got" 2>&1
	diff -u "$want" "$tmp/got" | sed 's/^/# /'
	cmp -s "$want" "$tmp/got"
}
answers() { probe -t "$T" -r 1 "$1" 2> /dev/null | grep -qx "$2"; }
# with_server IP:PORT COMMAND...: COMMAND with the probe pointed there.
with_server() {
	local SERVER=$1
	shift
	"$@"
}

ok_main=1 ok_val=1
busywait 10000 answers vendor.test "vendor.test ok 2" && ok_main=0
with_server 10.53.0.1:5354 busywait 10000 answers a.sf.example "a.sf.example ok 1" && ok_val=0
tap_result $ok_main "dnsmasq answers on 10.53.0.1:53"
if [ $ok_main != 0 ]; then
	cat "$tmp"/*.err | sed 's/^/# /'
	tap_end
fi
tap_result $ok_val "the upstream dnsmasq answers on :5354"

cat > "$tmp/want" <<'EOF2'
vendor.test ok 2
vendor.test 10.0.0.5 7
vendor.test fd00::5 7
v4only.test ok 1
v4only.test 10.0.0.6 30
v6only.test ok 1
v6only.test fd00::6 40
EOF2
check "A and AAAA, with each record's TTL; a name with one family is ok" -- \
	same "$tmp/want" vendor.test v4only.test v6only.test

cat > "$tmp/want" <<'EOF2'
alias.test ok 2
alias.test 10.0.0.5 3
alias.test fd00::5 3
slow.test ok 1
slow.test 10.0.0.6 30
EOF2
check "CNAME followed: TTL = min(CNAME 3, record 7) and min(CNAME 600, record 30)" -- \
	same "$tmp/want" alias.test slow.test

cat > "$tmp/want" <<'EOF2'
nx.test nxdomain 0 A query: Domain name not found
nodata.test nodata 0 A query: DNS server returned answer with no data
dangling.test nodata 0 A query: DNS server returned answer with no data
EOF2
check "NXDOMAIN; NODATA for a TXT-only name and for a CNAME to nothing" -- \
	same "$tmp/want" nx.test nodata.test dangling.test

# dnsmasq 2.90 does not answer SERVFAIL for a forward it cannot send: it
# answers REFUSED (its log: "config error is REFUSED (EDE: network
# error)"); c-ares would call that "Could not contact DNS servers", the
# second round (resolve.c) gives the real code.
cat > "$tmp/want" <<'EOF2'
a.broken.example error 0 A query: DNS server refused query
EOF2
check "a forward dnsmasq cannot send: REFUSED, reported as such (not SERVFAIL)" -- \
	same "$tmp/want" -t "$T" -r 1 a.broken.example

# Nor for an upstream that never answers: dnsmasq keeps the query (60 s
# measured without an answer) and the client times out.
cat > "$tmp/want" <<'EOF2'
a.silent.example timeout 0 A query: Timeout while contacting DNS servers
EOF2
check "a forward nobody answers: no answer from dnsmasq, TIMEOUT" -- \
	same "$tmp/want" -t "$T" -r 1 a.silent.example

# SERVFAIL is what a validating dnsmasq answers when it cannot build the
# chain of trust to an unsigned answer ("validation ... is ABANDONED").
cat > "$tmp/want" <<'EOF2'
a.sf.example servfail 0 A query: DNS server returned general failure
EOF2
check "SERVFAIL from the validating dnsmasq" -- \
	with_server 10.53.0.1:5300 same "$tmp/want" -t "$T" -r 1 a.sf.example

cat > "$tmp/want" <<'EOF2'
vendor.test ok 2
vendor.test 10.0.0.5 7
vendor.test fd00::5 7
nx.test nxdomain 0 A query: Domain name not found
a.silent.example timeout 0 A query: Timeout while contacting DNS servers
EOF2
check "one batch mixes answers; the silent name costs one timeout, not the batch" -- \
	same "$tmp/want" -t "$T" -r 1 vendor.test nx.test a.silent.example

cat > "$tmp/want" <<'EOF2'
vendor.test ok 2
vendor.test 10.0.0.5 7
vendor.test fd00::5 7
EOF2
check "EPGATE_DNS_SERVER over IPv6: [fd53::1]:53" -- \
	with_server '[fd53::1]:53' same "$tmp/want" vendor.test
check "a bad EPGATE_DNS_SERVER is refused in one line" -- \
	bash -c "ip netns exec $NS env EPGATE_DNS_SERVER=bogus:x $PROBE vendor.test 2>&1 >/dev/null |
		grep -qx \"resolve_probe: bad DNS server 'bogus:x' (IP, IP:PORT or \[IPV6\]:PORT)\""
check "an IP address is not a hostname to resolve" -- \
	bash -c "ip netns exec $NS $PROBE 10.0.0.5 2>&1 | grep -qx \"resolve_probe: '10.0.0.5': an IPv4 address, not a hostname\""

# The system's server: /etc/resolv.conf (read-only in the VM: a bind
# mount in a mount namespace of the probe's own).
printf 'search test\nnameserver 10.53.0.1\noptions ndots:5\n' > "$tmp/resolv.conf"
cat > "$tmp/want" <<'EOF2'
v4only.test ok 1
v4only.test 10.0.0.6 30
EOF2
check "without EPGATE_DNS_SERVER: the server of /etc/resolv.conf" -- \
	bash -c "ip netns exec $NS unshare -m sh -c 'mount --bind $tmp/resolv.conf /etc/resolv.conf &&
		exec $PROBE v4only.test' > $tmp/got 2>&1 && cmp -s $tmp/want $tmp/got"
# vendor.nosuch.test exists, vendor.nosuch has no server (REFUSED).
cat > "$tmp/want" <<'EOF2'
vendor.nosuch error 0 A query: DNS server refused query
EOF2
check "no search list: vendor.nosuch is not tried as vendor.nosuch.test" -- \
	bash -c "ip netns exec $NS unshare -m sh -c 'mount --bind $tmp/resolv.conf /etc/resolv.conf &&
		exec $PROBE vendor.nosuch' > $tmp/got 2>&1 && cmp -s $tmp/want $tmp/got &&
		! grep -q 'vendor.nosuch.test' $tmp/main.log"

# A changed answer: addn-hosts rewritten, SIGHUP; TTL 4 (--local-ttl).
cat > "$tmp/want" <<'EOF2'
rot.test ok 1
rot.test 10.0.0.7 4
EOF2
check "addn-hosts name with --local-ttl 4" -- same "$tmp/want" rot.test
printf '10.0.0.8 rot.test\nfd00::8 rot.test\n' > "$tmp/rot.hosts"
kill -HUP "$(cat "$tmp/main.pid")"
t0=$(now_ms)
check "after the change (new A, added AAAA), the new answer within the TTL" -- \
	busywait $((4000 + 1000)) answers rot.test "rot.test fd00::8 4"
diag "seen after $(( $(now_ms) - t0 )) ms"
cat > "$tmp/want" <<'EOF2'
rot.test ok 2
rot.test 10.0.0.8 4
rot.test fd00::8 4
EOF2
check "the old A is gone from the answer" -- same "$tmp/want" rot.test

grinded() {
	ip netns exec "$NS" env EPGATE_DNS_SERVER=10.53.0.1:53 \
		valgrind -q --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=all \
		"$PROBE" -t $((2000 * EPGATE_SLOW)) -r 1 vendor.test alias.test nx.test \
		a.silent.example a.broken.example > /dev/null
}
if command -v valgrind > /dev/null; then
	check "the probe under valgrind: no error, no leak (ok, nxdomain, timeout, refused)" -- grinded
fi

# The server stopped: SIGSTOP keeps its socket, nothing answers.
pid=$(cat "$tmp/main.pid")
kill -STOP "$pid"
cat > "$tmp/want" <<'EOF2'
vendor.test timeout 0 A query: Timeout while contacting DNS servers
EOF2
check "server stopped (SIGSTOP): TIMEOUT" -- same "$tmp/want" -t "$T" -r 1 vendor.test
kill -CONT "$pid"
check "server continued: answers again" -- busywait 5000 answers vendor.test "vendor.test ok 2"
# The server gone: its port closed, the kernel answers "port unreachable".
# c-ares 1.18 reports that at once as "Could not contact DNS servers"
# with 2 tries (the default); with 1 try (-r 1) it is reported as a
# timeout, after the timeout (measured).
kill "$pid"
busywait 5000 bash -c "! kill -0 $pid 2> /dev/null"
rm -f "$tmp/main.pid"
cat > "$tmp/want" <<'EOF2'
vendor.test error 0 A query: Could not contact DNS servers
EOF2
check "server gone (port closed): could not contact, at once" -- \
	same "$tmp/want" -t $((5000 * EPGATE_SLOW)) -r 2 vendor.test

tap_end
