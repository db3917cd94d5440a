#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# 100 network namespaces.  With the module loaded, create 100 namespaces,
# in each set enforce mode and enable kaspersky and a synthetic profile of
# 300 single-port flows, judge loopback traffic in ten of them (hooks
# input,output: udp/15000 passes, udp/9999 is dropped), then delete them
# all.  Memory must come back:
#
#   The whole cycle runs inside a cgroup v2 memory cgroup.  Every epgate
#   allocation is GFP_KERNEL_ACCOUNT and the namespaces themselves come from
#   an accounted cache (net_namespace), so the cgroup's memory.stat
#   "kernel" (slab, large kmallocs, percpu, stacks charged to it) is a
#   measure of exactly what this test made the kernel allocate, and nothing
#   the rest of the system did.  A warm-up cycle with the same namespace
#   names first charges what legitimately stays (dentries of /run/netns,
#   of the binaries).  After the measured cycle, the namespaces' teardown is
#   asynchronous (cleanup_net, then RCU callbacks): poll until "kernel" is
#   back within 512 KiB of its value before the cycle.
#
#   Why 512 KiB, and why the synthetic profile: the kernel itself does not
#   give every byte back.  With kaspersky alone (about 10 KiB of epgate
#   state per namespace, on 88 KiB of bare namespace), about 20 cycles on
#   6.1 and 6.12 left between -143 and +289 KiB charged for good (flat for
#   40 s after), and a cycle with no epgate configuration +68 KiB; a
#   256 KiB tolerance failed once in CI at +289.  The 300 flows raise
#   epgate's share of each namespace to about 100 KiB (per-flow per-CPU
#   counters, ruleset, table: 188 KiB a namespace in all).  On a cycle
#   whose own residue is near zero, a leak of that state in 6 of the 100
#   namespaces, or of the namespaces themselves (a held reference) in 3,
#   exceeds the tolerance; against the lowest residue measured with this
#   test (-387 KiB on 6.12) it takes 9 and 5.  /proc/slabinfo and Slab: of
#   /proc/meminfo are reported too (system-wide, noisier).
#
#   Accounting itself: in a fresh cgroup and namespace, `epgate load` of
#   3,000 flows must raise the cgroup's "kernel" by at least the table's
#   size, and replacing the set with an empty one must give it back.
#
# Budget: about two minutes under TCG (ip -batch runs the 200+ epgate
# commands from one ip process; one python process visits the ten
# namespaces with setns()).
cd "$(dirname "$0")" || exit 1
source ./lib.sh

tap_begin
[ -x "$EPGATE" ] || skip_all "userspace/epgate is not built"
[ -f "$EPGATE_KO" ] || skip_all "no module built for $(uname -r)"
checktool "jq --version" jq
E=$EPGATE
N=${NETNS_COUNT:-100}
BULK=300
TOL_KB=512

tmp=$(mktemp -d)
export EPGATE_PROFILE_PATH=$tmp/profiles:$EPGATE_TOP/profiles
cg_root=/sys/fs/cgroup
cg_mounted=0
cgN=$cg_root/epgate-netns-$$
cgL=$cg_root/epgate-load-$$
cgD=$cg_root/epgate-drain-$$
cleanup() {
	ip -force -batch "$tmp/del" > /dev/null 2>&1
	ip netns del epg-memcg 2> /dev/null
	rmdir "$cgN" "$cgL" "$cgD" 2> /dev/null
	[ "$cg_mounted" = 1 ] && umount $cg_root
	epgate_unload
	rm -rf "$tmp"
}
trap cleanup EXIT
epgate_unload

if ! grep -q "^cgroup2 $cg_root " /proc/mounts; then
	mkdir -p $cg_root && mount -t cgroup2 none $cg_root && cg_mounted=1 ||
		skip_all "cannot mount cgroup2 at $cg_root"
fi
grep -qw memory $cg_root/cgroup.controllers || skip_all "no memory controller"
echo +memory > $cg_root/cgroup.subtree_control 2>/dev/null
mkdir -p "$cgN" "$cgL" "$cgD"
[ -f "$cgN/memory.stat" ] || skip_all "memory controller not enabled for child cgroups"

check "the module loads" -- epgate_load

# memstat CGROUP FIELD: bytes
memstat() {
	awk -v f="$2" '$1 == f { print $2 }' "$1/memory.stat"
}
# Kernel memory charged to the cgroup, without the reclaimable slab caches
# (dentries and inodes of the files the test touched: a cache, not a
# leak; epgate's allocations are kmalloc, kvmalloc and percpu).
kmem() {
	awk '$1 == "kernel" { k = $2 } $1 == "slab_reclaimable" { r = $2 }
	     $1 == "slab_unreclaimable" { u = $2 } $1 == "percpu" { p = $2 }
	     END { print (k != "" ? k - r : u + p) }' "$1/memory.stat"
}
# The fields that moved, in KiB, between two copies of memory.stat.
statdiff() {
	awk 'NR == FNR { a[$1] = $2; next }
	     $1 ~ /^(kernel|kernel_stack|pagetables|percpu|sock|vmalloc|slab_reclaimable|slab_unreclaimable)$/ {
		d = int(($2 - a[$1]) / 1024); if (d) printf "%s %+d, ", $1, d }' "$1" "$2"
}

slabinfo() { # "kmalloc_active_bytes net_namespace_active Slab_kB"
	awk '$1 ~ /^kmalloc-/ { b += $2 * $4 } $1 == "net_namespace" { n = $2 }
	     END { printf "%d %d ", b, n }' /proc/slabinfo
	awk '$1 == "Slab:" { print $2 }' /proc/meminfo
}
kib() { echo $(( ($1 + 512) / 1024 )); }

# netnsbulk: $BULK single-port UDP flows, 40000 and up.
mkdir "$tmp/profiles"
{
	printf 'profile netnsbulk\ndescription "synthetic: %d single-port flows"\n' "$BULK"
	printf 'document none "none"\nrole a "a"\nrole b "b"\n'
	for i in $(seq 0 $((BULK - 1))); do
		printf '\nflow f%d\n\tproto udp\n\tports %d\n\tdirection a -> b\n\tdescription "f%d"\n' \
			"$i" $((40000 + i)) "$i"
	done
} > "$tmp/profiles/netnsbulk.profile"

# The batch files: one ip process runs all the commands.
: > "$tmp/add"; : > "$tmp/conf"; : > "$tmp/warm"; : > "$tmp/del"
traffic_ns=()
for i in $(seq 1 "$N"); do
	ns=epg-ns$i
	echo "netns add $ns" >> "$tmp/add"
	echo "netns exec $ns $E mode enforce" >> "$tmp/conf"
	echo "netns exec $ns $E enable kaspersky netnsbulk" >> "$tmp/conf"
		if [ $((i % 10)) = 1 ]; then
		echo "netns exec $ns $E config hooks input,output" >> "$tmp/conf"
		traffic_ns+=("$ns")
	fi
	echo "netns del $ns" >> "$tmp/del"
done

# Loopback traffic in each namespace given, from one process (setns).
traffic() {
	python3 - "$@" <<'PY'
import ctypes, fcntl, os, socket, struct, sys
libc = ctypes.CDLL(None, use_errno=True)
ok = True
for ns in sys.argv[1:]:
    fd = open("/run/netns/" + ns)
    if libc.setns(fd.fileno(), 0x40000000) != 0:
        print("# setns %s failed" % ns); sys.exit(1)
    c = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    ifr = fcntl.ioctl(c, 0x8913, struct.pack("16sH", b"lo", 0))
    flags = struct.unpack("16sH", ifr[:18])[1]
    fcntl.ioctl(c, 0x8914, struct.pack("16sH", b"lo", flags | 1))
    got = {}
    for port in (15000, 9999):
        r = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        r.bind(("127.0.0.1", port))
        r.settimeout(1.0 * int(os.environ.get("EPGATE_SLOW", "1")))
        try:
            c.sendto(b"x", ("127.0.0.1", port))
            got[port] = r.recv(16) == b"x"
        except OSError:      # EPERM: dropped at OUTPUT; or timeout
            got[port] = False
        r.close()
    if not got[15000] or got[9999]:
        print("# %s: udp/15000 %s, udp/9999 %s" % (ns, got[15000], got[9999]))
        ok = False
sys.exit(0 if ok else 1)
PY
}

# Memory cgroups keep per-CPU stocks of pre-charged pages and bytes for
# the last cgroup that allocated on each CPU; they are given back when
# another cgroup charges on that CPU.  A process in a third cgroup runs on
# every CPU in turn so that the numbers read are the real charge.
drain_stocks() {
	(
		echo $BASHPID > "$cgD/cgroup.procs"
		for c in $(seq 0 $(( $(nproc) - 1 ))); do
			taskset -c "$c" true
		done
	)
}

# settle CGROUP TARGET: poll the cgroup's kernel memory until it is at most
# TARGET, or has not decreased for 3 s (then it is not going to: the
# memory cgroup statistics are flushed every 2 s at the latest).
settle() {
	local cg=$1 target=$2 v last best t_last
	best=$(kmem "$cg")
	t_last=$(now_ms)
	while :; do
		drain_stocks
		v=$(kmem "$cg")
		[ "$v" -le "$target" ] && { echo "$v"; return 0; }
		if [ "$v" -lt "$best" ]; then
			best=$v
			t_last=$(now_ms)
		fi
		[ $(( $(now_ms) - t_last )) -ge 3000 ] && { echo "$v"; return 1; }
		read -r -t 0.1 -u "$poll_fd"
	done
}

# incg CGROUP COMMAND...: run COMMAND in CGROUP.  The test's own shell
# stays in the root cgroup: a reader of memory.stat inside the cgroup
# would see its own stack, page tables and task charged there.
incg() {
	local cg=$1
	shift
	( echo $BASHPID > "$cg/cgroup.procs" && exec "$@" )
}

# Warm-up: the same names; what it leaves charged stays.
t0=$(now_ms)
warm() {
	incg "$cgN" ip -batch "$tmp/add" && incg "$cgN" ip -batch "$tmp/del"
}
check "warm-up: $N namespaces created and deleted" -- warm
settle "$cgN" 0 > /dev/null
t1=$(now_ms)
diag "warm-up: $(( (t1 - t0) / 1000 )) s"

drain_stocks
k0=$(kmem "$cgN")
cp "$cgN/memory.stat" "$tmp/stat0"
read -r sb0 nn0 sl0 <<< "$(slabinfo)"

create() {
	incg "$cgN" ip -batch "$tmp/add" &&
	incg "$cgN" ip -batch "$tmp/conf" > "$tmp/conf.log" 2>&1 ||
		{ tail -3 "$tmp/conf.log" | sed 's/^/# /'; return 1; }
}
check "$N namespaces: enforce, kaspersky and netnsbulk in each (ip -batch)" -- create
t2=$(now_ms)
k1=$(kmem "$cgN")
read -r sb1 nn1 sl1 <<< "$(slabinfo)"
diag "created in $(( (t2 - t1) / 1000 )) s; cgroup kernel memory +$(kib $((k1 - k0))) KiB ($(( (k1 - k0) / N )) bytes per namespace); net_namespace objects $nn0 -> $nn1"

each_enforces() {
	local ns=${traffic_ns[3]}
	[ "$(ip netns exec "$ns" "$E" status -j | jq -r '"\(.mode) \(.flows)"')" = "enforce $((6 + BULK))" ]
}
check "a namespace shows enforce and $((6 + BULK)) flows (kaspersky's 6, netnsbulk's $BULK)" -- each_enforces
check "loopback in ${#traffic_ns[@]} namespaces: udp/15000 passes, udp/9999 dropped" -- \
	incg "$cgN" bash -c "$(declare -f traffic); traffic ${traffic_ns[*]}"
counted() {
	local ns=${traffic_ns[0]}
	ip netns exec "$ns" "$E" status -j |
		jq -e '.counters.allowed >= 2 and .counters.dropped >= 1' > /dev/null
}
check "their counters: allowed (OUTPUT and INPUT) and dropped" -- counted
check "the initial namespace is untouched (mode off, no flows)" -- \
	test "$(cat $SYSFS/mode) $($E status -j | jq .flows)" = "off 0"

check "delete the $N namespaces (ip -batch)" -- incg "$cgN" ip -batch "$tmp/del"
t3=$(now_ms)
back() {
	local k2
	# settled: within 32 KiB of the start, or no longer decreasing
	k2=$(settle "$cgN" $((k0 + 32 * 1024)))
	[ $((k2 - k0)) -le $((TOL_KB * 1024)) ]
	local rc=$?
	t4=$(now_ms)
	read -r sb2 nn2 sl2 <<< "$(slabinfo)"
	diag "memory.stat fields moved over the cycle (KiB): $(statdiff "$tmp/stat0" "$cgN/memory.stat")"
	diag "teardown: $(( (t4 - t3) / 1000 )).$(( (t4 - t3) % 1000 / 100 )) s until settled"
	diag "cgroup kernel memory: before $(kib "$k0") KiB, with $N namespaces $(kib "$k1") KiB, after $(kib "$k2") KiB (delta $(( (k2 - k0) / 1024 )) KiB, tolerance $TOL_KB)"
	diag "system-wide: kmalloc-* active $(kib "$sb0") -> $(kib "$sb1") -> $(kib "$sb2") KiB; Slab: $sl0 -> $sl1 -> $sl2 kB; net_namespace objects $nn0 -> $nn1 -> $nn2"
	return $rc
}
check "memory back to baseline after teardown (cgroup kernel memory within $TOL_KB KiB)" -- back

# Accounting: allocations go to the caller's cgroup.
python3 -c '
for i in range(3000):
    print("big f%d tcp %d 10.%d.%d.0/24 any" % (i, 20000 + i, i // 250, i % 250))
' > "$tmp/big"
accounted() {
	local a b c tb
	ip netns add epg-memcg || return 1
	drain_stocks
	a=$(kmem "$cgL")
	cp "$cgL/memory.stat" "$tmp/statL0"
	incg "$cgL" ip netns exec epg-memcg "$E" load "$tmp/big" || return 1
	drain_stocks
	b=$(kmem "$cgL")
	tb=$(ip netns exec epg-memcg "$E" status -j | jq .table_bytes)
	incg "$cgL" ip netns exec epg-memcg "$E" load /dev/null || return 1
	c=$(settle "$cgL" $((a + 64 * 1024)))
	diag "memory.stat fields moved (KiB): $(statdiff "$tmp/statL0" "$cgL/memory.stat")"
	diag "load of 3,000 flows: cgroup kernel memory +$(kib $((b - a))) KiB for a table of $(kib "$tb") KiB ($(( (b - a) / 3000 )) bytes per flow in all); after an empty set: $(( (c - a) / 1024 )) KiB over the start"
	[ $((b - a)) -ge "$tb" ] && [ $((c - a)) -le $((64 * 1024)) ]
}
check "epgate load charges the caller's memory cgroup, and gives it back" -- accounted
ip netns del epg-memcg
tap_end
