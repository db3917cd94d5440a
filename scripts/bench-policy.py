#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The policies `make bench` measures, written for each system.

  bench-policy.py range N            "LO HI": the UDP ports of the synthetic
                                     N-port policy (contiguous, so that pktgen
                                     can draw destination ports from it)
  bench-policy.py flows N [K]        the synthetic policy as an `epgate load`
                                     flow list: UDP flows of K (64) single
                                     ports each, unbound (any -> any)
  bench-policy.py vendors PROFILE.json...
                                     the default flows of vendor profiles
                                     (`epgate profile show NAME -j`), roles
                                     unbound, as a flow list: what
                                     `epgate enable NAME...` loads
  bench-policy.py nft FLOWLIST       the same port sets as an nftables table
                                     (`nft -f`): one set per protocol, the
                                     bitmap backend unless ranges need
                                     `flags interval`
  bench-policy.py ipset FLOWLIST     `ipset restore` input: one bitmap:port
                                     set per protocol
  bench-policy.py iptables-set FLOWLIST
  bench-policy.py multiport FLOWLIST `iptables-restore` input: one
                                     `-m set --match-set` rule per protocol,
                                     or `-m multiport` rules of 15 ports each

Address sets (issue 17): one UDP flow to SET_PORT whose initiator is bound
to K /24 prefixes with a /24 gap between each, prefix k = 10.0.0.0 +
k * 512, k < K (the shape of lib/tests/bench_sets.c):

  bench-policy.py set-flows K        the `epgate load` flow list: FROM is
                                     `any` (K = 0, unbound), the prefix
                                     (K = 1, an ordinary prefix rule), or
                                     the comma list of the K prefixes (an
                                     anonymous set)
  bench-policy.py set-nft K          the same policy for nftables: an
                                     `ipv4_addr . inet_service` set with
                                     `flags interval` matched by
                                     `ip saddr . udp dport`, in the chain
                                     of the `nft` policies; K = 0 is their
                                     port-only set (bitmap backend)
  bench-policy.py set-range K        "PORT PORT" (the `range` of the set
                                     policies: one port)
  bench-policy.py set-src K          "ALLOW DROP": the traffic's source
                                     addresses, host .7 of prefix K/2 and
                                     of the gap after it ("-" for K = 0:
                                     an unbound role has no outside)

Every filter starts with the conntrack rule (established/related accept),
then the port match per protocol (TCP first, then UDP), then drops the
TCP and UDP packets that matched nothing: the verdict epgate gives in
enforce mode with unbound flows.  Only the destination port is matched, as
in unbound epgate flows.
"""
import json
import sys

PER_FLOW = 64
MULTIPORT_MAX = 15      # xt_multiport: 15 entries per rule, a range counts 2
TABLE = "epgbench"
SET_PORT = 1024
SET_BASE = 0x0a000000   # 10.0.0.0
SET_STRIDE = 512        # a /24, then a /24 gap
SET_MAX = (1 << 24) // SET_STRIDE       # 32,768 /24s fit in 10.0.0.0/8


def die(msg):
    sys.stderr.write("bench-policy: %s\n" % msg)
    sys.exit(1)


def synth_range(n):
    if n < 1 or n > 65536:
        die("bad size %d (1..65536)" % n)
    # "65536" is every port a flow can name: 1-65535 (port 0 is no
    # destination, and the flow rules refuse it as profiles always did).
    if n == 65536:
        return 1, 65535
    return 1024, 1024 + n - 1


def synth_flows(n, k=PER_FLOW):
    lo, hi = synth_range(n)
    out = ["# synthetic policy: %d UDP ports %d-%d, %d single ports per flow"
           % (n, lo, hi, k)]
    ports = list(range(lo, hi + 1))
    for i in range(0, len(ports), k):
        chunk = ports[i:i + k]
        out.append("bench f%05d udp %s any any"
                   % (i // k, ",".join(str(p) for p in chunk)))
    return "\n".join(out) + "\n"


def vendor_flows(paths):
    out = ["# default flows of: " + " ".join(paths)]
    for path in paths:
        with open(path) as f:
            prof = json.load(f)
        for fl in prof["flows"]:
            if not fl["default"]:
                continue
            ports = ",".join(str(lo) if lo == hi else "%d-%d" % (lo, hi)
                             for lo, hi in fl["ports"])
            out.append("%s %s %s %s any any" % (prof["name"], fl["name"],
                                                  fl["proto"], ports))
    return "\n".join(out) + "\n"


def parse_flowlist(path):
    """{proto: sorted [(lo, hi)], overlaps merged} from a flow list."""
    sets = {"tcp": [], "udp": []}
    with open(path) as f:
        for line in f:
            line = line.split("#", 1)[0].split()
            if not line:
                continue
            if len(line) < 6 or line[2] not in sets:
                die("%s: bad flow line: %s" % (path, " ".join(line)))
            for el in line[3].split(","):
                lo, _, hi = el.partition("-")
                sets[line[2]].append((int(lo), int(hi or lo)))
    for proto, rs in sets.items():
        rs.sort()
        merged = []
        for lo, hi in rs:
            # Overlaps only: adjacent single ports stay single ports, as
            # written (65,536 single ports are 4,370 multiport rules).
            if merged and lo <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(merged[-1][1], hi))
            else:
                merged.append((lo, hi))
        sets[proto] = merged
    return sets


def singles(ranges):
    for lo, hi in ranges:
        yield from range(lo, hi + 1)


def nft(sets):
    out = ["table inet %s {" % TABLE]
    for proto in ("tcp", "udp"):
        rs = sets[proto]
        if not rs:
            continue
        interval = any(lo != hi for lo, hi in rs)
        out.append("\tset %s_ports {" % proto)
        out.append("\t\ttype inet_service")
        if interval:
            out.append("\t\tflags interval")
            elems = [str(lo) if lo == hi else "%d-%d" % (lo, hi)
                     for lo, hi in rs]
        else:
            elems = [str(p) for p in singles(rs)]
        # One statement: a second "elements =" would replace the first.
        out.append("\t\telements = { %s }" % ",\n\t\t\t".join(
            ", ".join(elems[i:i + 16]) for i in range(0, len(elems), 16)))
        out.append("\t}")
    out.append("\tchain forward {")
    out.append("\t\ttype filter hook forward priority filter + 10; "
               "policy accept;")
    out.append("\t\tct state established,related accept")
    for proto in ("tcp", "udp"):
        if sets[proto]:
            out.append("\t\t%s dport @%s_ports accept" % (proto, proto))
    out.append("\t\tmeta l4proto { tcp, udp } drop")
    out.append("\t}")
    out.append("}")
    return "\n".join(out) + "\n"


def ipset(sets):
    out = []
    for proto in ("tcp", "udp"):
        if not sets[proto]:
            continue
        name = "epg-" + proto
        out.append("create %s bitmap:port range 0-65535" % name)
        for lo, hi in sets[proto]:
            out.append("add %s %s" % (name, lo if lo == hi
                                      else "%d-%d" % (lo, hi)))
    return "\n".join(out) + "\n"


def iptables(sets, kind):
    out = ["*filter", ":FORWARD ACCEPT [0:0]",
           "-A FORWARD -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT"]
    for proto in ("tcp", "udp"):
        rs = sets[proto]
        if not rs:
            continue
        if kind == "set":
            out.append("-A FORWARD -p %s -m set --match-set epg-%s dst "
                       "-j ACCEPT" % (proto, proto))
            continue
        rule, used = [], 0
        for lo, hi in rs:
            # Expand short ranges: "a:b" costs two of the 15 entries.
            items = ([str(p) for p in range(lo, hi + 1)]
                     if hi - lo < 2 else ["%d:%d" % (lo, hi)])
            for it in items:
                cost = 2 if ":" in it else 1
                if used + cost > MULTIPORT_MAX:
                    out.append("-A FORWARD -p %s -m multiport --dports %s "
                               "-j ACCEPT" % (proto, ",".join(rule)))
                    rule, used = [], 0
                rule.append(it)
                used += cost
        if rule:
            out.append("-A FORWARD -p %s -m multiport --dports %s -j ACCEPT"
                       % (proto, ",".join(rule)))
    out.append("-A FORWARD -p tcp -j DROP")
    out.append("-A FORWARD -p udp -j DROP")
    out.append("COMMIT")
    return "\n".join(out) + "\n"


def ip4(a):
    return "%d.%d.%d.%d" % (a >> 24, (a >> 16) & 255, (a >> 8) & 255, a & 255)


def set_k(arg):
    k = int(arg)
    if k < 0 or k > SET_MAX:
        die("bad number of prefixes %d (0..%d)" % (k, SET_MAX))
    # Prefix 1 is 10.0.2.0/24, the server's side of the gateway: the
    # traffic of K = 2 or 3 would come from it.
    if k in (2, 3):
        die("%d prefixes: the traffic would come from 10.0.2.0/24, the "
            "server's subnet (use 1 or 4 and up)" % k)
    return k


def set_prefixes(k):
    return ["%s/24" % ip4(SET_BASE + i * SET_STRIDE) for i in range(k)]


def set_src(k):
    """(allow, drop): host .7 of prefix k/2 and of the gap after it."""
    mid = SET_BASE + (k // 2) * SET_STRIDE
    return ip4(mid + 7), (ip4(mid + 256 + 7) if k else "-")


def set_flows(k):
    if k == 0:
        role = "any"
    else:
        role = ",".join(set_prefixes(k))
    return ("# address sets: udp/%d from %d /24 prefixes (10.0.0.0 + k*512)\n"
            "bench sets udp %d %s any\n" % (SET_PORT, k, SET_PORT, role))


def set_nft(k):
    if k == 0:
        # The unbound role: the port-only set of the other nft policies.
        return nft({"tcp": [], "udp": [(SET_PORT, SET_PORT)]})
    elems = ["%s . %d" % (p, SET_PORT) for p in set_prefixes(k)]
    out = ["table inet %s {" % TABLE,
           "\tset allowed {",
           "\t\ttype ipv4_addr . inet_service",
           "\t\tflags interval",
           "\t\telements = { %s }" % ",\n\t\t\t".join(
               ", ".join(elems[i:i + 8]) for i in range(0, len(elems), 8)),
           "\t}",
           "\tchain forward {",
           "\t\ttype filter hook forward priority filter + 10; "
           "policy accept;",
           "\t\tct state established,related accept",
           "\t\tip saddr . udp dport @allowed accept",
           "\t\tmeta l4proto { tcp, udp } drop",
           "\t}",
           "}"]
    return "\n".join(out) + "\n"


def main(argv):
    if len(argv) < 2:
        die("usage: see the head of %s" % argv[0])
    cmd, args = argv[1], argv[2:]
    if cmd == "range" and len(args) == 1:
        print("%d %d" % synth_range(int(args[0])))
    elif cmd == "flows" and len(args) in (1, 2):
        sys.stdout.write(synth_flows(int(args[0]),
                                     int(args[1]) if len(args) == 2
                                     else PER_FLOW))
    elif cmd == "set-flows" and len(args) == 1:
        sys.stdout.write(set_flows(set_k(args[0])))
    elif cmd == "set-nft" and len(args) == 1:
        sys.stdout.write(set_nft(set_k(args[0])))
    elif cmd == "set-range" and len(args) == 1:
        set_k(args[0])
        print("%d %d" % (SET_PORT, SET_PORT))
    elif cmd == "set-src" and len(args) == 1:
        print("%s %s" % set_src(set_k(args[0])))
    elif cmd == "vendors" and args:
        sys.stdout.write(vendor_flows(args))
    elif cmd == "nft" and len(args) == 1:
        sys.stdout.write(nft(parse_flowlist(args[0])))
    elif cmd == "ipset" and len(args) == 1:
        sys.stdout.write(ipset(parse_flowlist(args[0])))
    elif cmd == "iptables-set" and len(args) == 1:
        sys.stdout.write(iptables(parse_flowlist(args[0]), "set"))
    elif cmd == "multiport" and len(args) == 1:
        sys.stdout.write(iptables(parse_flowlist(args[0]), "multiport"))
    else:
        die("bad arguments: %s" % " ".join(argv[1:]))


if __name__ == "__main__":
    main(sys.argv)
