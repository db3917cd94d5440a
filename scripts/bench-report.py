#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""bench-report.py [--clock wall|icount] RESULTS GENDIR [DOC]: the tables
of `make bench`.

Reads what scripts/bench-vm.sh and scripts/bench.sh left in RESULTS,
prints the table, and with DOC writes DOC (Documentation/performance.md),
its plot (performance-SERIES-CLOCK.png beside it, gnuplot) and the plot's
data: the part of DOC between "<!-- bench:SERIES:CLOCK:begin -->" and
"<!-- bench:SERIES:CLOCK:end -->" is replaced (SERIES: the guest kernel's
major.minor), the method around it is hand-written.

The address-set policies (setK: one UDP flow whose initiator is bound to K
prefixes, epgate and an nftables interval set) get their own table and
their own block, "<!-- bench:SERIES:CLOCK:sets:begin -->" ...
"<!-- bench:SERIES:CLOCK:sets:end -->", with the two goals of issue 17
computed from the data.  A run writes the blocks of what it measured and
leaves the others alone: `BENCH_ONLY=sets` writes only the sets block.

--clock says which clock the guest ran on.  wall (the default): the host's,
so 1e9/pps is nanoseconds per packet under TCG.  icount: qemu's instruction
counter at shift 0 (EPGATE_ICOUNT=0), one nanosecond of guest time per
guest instruction executed, so 1e9/pps is guest instructions per packet.
Exits 1 if a window is invalid: an allowed packet that did not reach the
sink, or a dropped one that did.
"""
import os
import statistics
import subprocess
import sys

SYSTEMS = ["epgate", "nft", "ipset", "multiport"]
# Per clock: the unit of 1e9/pps, short and in words.
UNITS = {
    "wall": ("ns/pkt", "ns/packet"),
    "icount": ("instr/pkt", "guest instructions/packet"),
}
SYSTEM_NAMES = {
    "none": "no filter",
    "ct": "conntrack only",
    "epgate": "epgate enforce",
    "nft": "nftables set",
    "ipset": "ipset bitmap:port",
    "multiport": "iptables multiport",
}


def kv(path):
    d = {}
    if os.path.exists(path):
        for line in open(path):
            k, _, v = line.rstrip("\n").partition("\t")
            d[k] = v.strip()
    return d


def ports_of(flows):
    n = {"tcp": set(), "udp": set()}
    for line in open(flows):
        f = line.split("#", 1)[0].split()
        if len(f) < 6:
            continue
        for el in f[3].split(","):
            lo, _, hi = el.partition("-")
            n[f[2]].update(range(int(lo), int(hi or lo) + 1))
    return len(n["tcp"]), len(n["udp"])


def set_k(pol):
    """K of an address-set policy "setK", None for the others."""
    if pol.startswith("set") and pol[3:].isdigit():
        return int(pol[3:])
    return None


def med(xs):
    return statistics.median(xs) if xs else float("nan")


def spread(xs):
    return (min(xs), max(xs)) if xs else (float("nan"),) * 2


def main(argv):
    argv = list(argv)
    clock = "wall"
    if len(argv) > 2 and argv[1] == "--clock":
        clock = argv[2]
        del argv[1:3]
    if clock not in UNITS or len(argv) < 3:
        sys.exit(__doc__.split("\n\n")[0])
    unit, unit_long = UNITS[clock]
    res, gen = argv[1], argv[2]
    doc = argv[3] if len(argv) > 3 else None
    rows = []
    bad = []
    bad_slots = set()
    for line in open(os.path.join(res, "results.tsv")):
        f = line.split()
        r = dict(round=int(f[0]), slot=f[1], config=f[2], traffic=f[3],
                 pps=int(f[4]), sent=int(f[5]), errors=int(f[6]),
                 delivered=int(f[7]))
        filtering = r["config"] not in ("none", "ct")
        want = 0 if (r["traffic"] == "drop" and filtering) else r["sent"]
        if r["delivered"] != want or r["pps"] <= 0:
            bad.append(line.strip())
            bad_slots.add(r["slot"])
        rows.append(r)

    # Per slot: the configuration's window and its baseline's, same round.
    win = {}
    for r in rows:
        win[(r["round"], r["slot"], r["config"], r["traffic"])] = r["pps"]
    rounds = sorted({r["round"] for r in rows})
    slots = []
    for r in rows:
        if r["slot"] not in slots:
            slots.append(r["slot"])
    set_slots = [sl for sl in slots
                 if set_k(sl.partition("/")[2]) is not None]
    slots = [sl for sl in slots if sl not in set_slots]

    def paired(slot, traffic, base):
        """[(pps, base pps)] over the rounds."""
        out = []
        for rd in rounds:
            a = win.get((rd, slot, slot, traffic))
            b = win.get((rd, slot, base, traffic))
            if a and b:
                out.append((a, b))
        return out

    # conntrack vs none: the "ct" slot.
    ct_none = {t: [1e9 / a - 1e9 / b for a, b in paired("ct", t, "none")]
               for t in ("allow", "drop")}
    ct_none_ratio = {t: [a / b for a, b in paired("ct", t, "none")]
                     for t in ("allow", "drop")}
    table = []
    for slot in (["none"] if slots else []) + slots:
        sysname, _, pol = slot.partition("/")
        for traffic in ("allow", "drop"):
            if slot == "none":
                pps = [r["pps"] for r in rows if r["config"] == "none"
                       and r["traffic"] == traffic]
                if not pps:
                    continue
                table.append(dict(slot=slot, sys=sysname, pol="", traffic=traffic,
                                  pps=pps, dct=None, dnone=[0.0], rct=None,
                                  rnone=[1.0]))
                continue
            if slot == "ct":
                pr = paired(slot, traffic, "none")
                if not pr:
                    continue
                table.append(dict(slot=slot, sys=sysname, pol="", traffic=traffic,
                                  pps=[a for a, _ in pr], dct=[0.0],
                                  dnone=ct_none[traffic], rct=[1.0],
                                  rnone=ct_none_ratio[traffic]))
                continue
            pr = paired(slot, traffic, "ct")
            if not pr:
                continue
            dct = [1e9 / a - 1e9 / b for a, b in pr]
            rct = [a / b for a, b in pr]
            table.append(dict(
                slot=slot, sys=sysname, pol=pol, traffic=traffic,
                pps=[a for a, _ in pr], dct=dct,
                dnone=[d + med(ct_none[traffic]) for d in dct], rct=rct,
                rnone=[x * med(ct_none_ratio[traffic]) for x in rct]))

    ports = {}
    for slot in slots:
        pol = slot.partition("/")[2]
        if pol and pol not in ports:
            t, u = ports_of(os.path.join(gen, pol + ".flows"))
            ports[pol] = (t, u)

    def portstr(pol):
        if not pol:
            return "-"
        t, u = ports[pol]
        if pol == "vendors":
            return "5 vendors: %d tcp + %d udp" % (t, u)
        return "%d udp" % u

    def fmt_d(xs):
        if xs is None:
            return "-"
        lo, hi = spread(xs)
        return "%+.0f [%+.0f, %+.0f]" % (med(xs), lo, hi)

    def fmt_r(xs):
        if xs is None:
            return "-"
        return "%.3f" % med(xs)

    head = ["configuration", "ports", "traffic", "median pps",
            "pps min-max", "Δt vs conntrack only, %s [min, max]" % unit,
            "Δt vs no filter, %s" % unit, "rate / ct only",
            "rate / no filter"]
    lines = []
    for t in table:
        lo, hi = spread(t["pps"])
        name = SYSTEM_NAMES[t["sys"]]
        lines.append([name, portstr(t["pol"]), t["traffic"],
                      "%d" % med(t["pps"]), "%d-%d" % (lo, hi),
                      fmt_d(t["dct"]),
                      "%+.0f" % med(t["dnone"]) if t["dnone"] else "-",
                      fmt_r(t["rct"]), fmt_r(t["rnone"])])

    if lines:
        print_table(head, lines)

    # Verdicts, computed, not written by hand.
    verdicts = []
    sizes = [p for p in ports if p != "vendors"]
    sizes.sort(key=int)
    by = {(t["sys"], t["pol"], t["traffic"]): t for t in table}
    ct_path = None
    if ("ct", "", "allow") in by:
        ct_path = 1e9 / med(by[("ct", "", "allow")]["pps"])
    for pol in (["vendors"] if "vendors" in ports else []) + sizes:
        e = by.get(("epgate", pol, "allow"))
        if not e:
            continue
        lo, hi = spread(e["dct"])
        share = ""
        if ct_path:
            share = "; %.1f%% of the %.0f of conntrack only" % (
                100 * med(e["dct"]) / ct_path, ct_path)
        verdicts.append(
            "- %s, allowed traffic: epgate's cost over conntrack only is "
            "%+.0f %s (min %+.0f, max %+.0f over %d rounds%s): %s."
            % (portstr(pol), med(e["dct"]), unit_long, lo, hi, len(e["dct"]),
               share,
               "within the run-to-run spread (the range includes 0)"
               if lo <= 0 <= hi else "outside the run-to-run spread"))
        for other in ("nft", "ipset", "multiport"):
            o = by.get((other, pol, "allow"))
            if not o:
                continue
            diff = med(e["dct"]) - med(o["dct"])
            olo, ohi = spread(o["dct"])
            sep = ("the ranges do not overlap" if hi < olo or ohi < lo
                   else "the ranges overlap")
            verdicts.append(
                "  epgate - %s: %+.0f %s (medians of paired Δt; %s's "
                "range [%+.0f, %+.0f]: %s)."
                % (SYSTEM_NAMES[other], diff, unit_long, other, olo, ohi, sep))
    ep = [by[("epgate", p, "allow")] for p in sizes
          if ("epgate", p, "allow") in by]
    if len(ep) > 1:
        m = [med(e["dct"]) for e in ep]
        verdicts.append(
            "- epgate from %s to %s ports: Δt vs conntrack only goes from "
            "%+.0f to %+.0f %s (largest - smallest median: %.0f)."
            % (sizes[0], sizes[-1], m[0], m[-1], unit_long,
               max(m) - min(m)))

    if verdicts:
        print()
        for v in verdicts:
            print(v)

    shead, slines, sverdicts = set_table(set_slots, rounds, win, clock, gen,
                                         bad_slots)
    if slines:
        if lines:
            print()
        print_table(shead, slines)
        print()
        for v in sverdicts:
            print(v)

    upd = [int(l.split()[3]) for l in open(os.path.join(res, "update.tsv"))
           if l.strip()] if os.path.exists(os.path.join(res, "update.tsv")) \
        else []
    swap = kv(os.path.join(res, "swap.txt"))
    if upd:
        print("\nupdate: replacing a 10,000-flow table: median "
              "%.1f ms per swap (min %.1f, max %.1f, %d samples)"
              % (med(upd) / 1e3, min(upd) / 1e3, max(upd) / 1e3, len(upd)))
    if swap:
        print("swaps under traffic: %s swaps, %s datagrams sent, %s received"
              % (swap.get("swaps"), swap.get("sent"), swap.get("received")))
    lookup = ""
    if os.path.exists(os.path.join(res, "lookup.txt")):
        lookup = open(os.path.join(res, "lookup.txt")).read()
    if bad:
        print("\nbench: INVALID windows (delivered != expected):",
              file=sys.stderr)
        for b in bad:
            print("  " + b, file=sys.stderr)

    if doc and lines:
        write_doc(doc, clock, res, head, lines, verdicts, table, sizes, upd,
                  swap, lookup, bad)
    if doc and slines:
        write_sets_doc(doc, clock, res, gen, shead, slines, sverdicts, bad)
    return 1 if bad else 0


def print_table(head, lines):
    widths = [max(len(head[i]), *(len(l[i]) for l in lines))
              for i in range(len(head))]
    print("  ".join(h.ljust(w) for h, w in zip(head, widths)))
    for l in lines:
        print("  ".join(c.ljust(w) for c, w in zip(l, widths)))


def set_sources(gen, pol):
    """(allow, drop) source addresses of an address-set policy."""
    try:
        f = open(os.path.join(gen, pol + ".src")).read().split()
        return f[0], f[1]
    except (OSError, IndexError):
        return "?", "?"


GOAL_RATIO = 0.5        # epgate's Δt at most half of nft's ...
GOAL_ADDED = 20         # ... and within +20 instructions of the unbound role
GOAL_K = 10000


def set_table(set_slots, rounds, win, clock, gen, bad_slots):
    """The address-set rows: (head, lines, verdicts).

    Per round and traffic, Δt of a configuration is paired with the
    conntrack-only windows of its own slot (same sources, same port), as
    for the port policies; "Δ vs unbound" is, per round, Δt of the row
    minus Δt of the same system's K = 0 row (epgate's unbound role, nft's
    port-only set), median over the rounds [min, max].  A slot with an
    invalid window (allowed traffic lost, dropped traffic delivered) is
    marked, and no goal is judged on it.
    """
    unit, unit_long = UNITS[clock]
    dct = {}            # (sys, K, traffic) -> {round: Δt}
    pps = {}            # (sys, K, traffic) -> [pps]
    for slot in set_slots:
        sysname, _, pol = slot.partition("/")
        k = set_k(pol)
        for traffic in ("allow", "drop"):
            d, p = {}, []
            for rd in rounds:
                a = win.get((rd, slot, slot, traffic))
                b = win.get((rd, slot, "ct", traffic))
                if a and b:
                    d[rd] = 1e9 / a - 1e9 / b
                    p.append(a)
            if d:
                dct[(sysname, k, traffic)] = d
                pps[(sysname, k, traffic)] = p

    def fmt(xs):
        lo, hi = spread(xs)
        return "%+.0f [%+.0f, %+.0f]" % (med(xs), lo, hi)

    def vs_unbound(sysname, k, traffic):
        """Per-round Δt(K) - Δt(0), or None."""
        base = dct.get((sysname, 0, "allow"))
        row = dct.get((sysname, k, traffic))
        if k == 0 or traffic != "allow" or not base or not row:
            return None
        return [row[rd] - base[rd] for rd in rounds if rd in row and rd in base]

    def config_name(sysname, k):
        if sysname == "nft":
            return "nftables set" if k == 0 else "nftables interval set"
        return SYSTEM_NAMES[sysname]

    def prefixes(sysname, k):
        if k == 0:
            return "0 (port-only set)" if sysname == "nft" else "0 (unbound)"
        if k == 1 and sysname == "epgate":
            return "1 (a prefix rule)"
        return "{:,}".format(k)

    head = ["configuration", "prefixes", "traffic", "median pps",
            "pps min-max", "Δt vs conntrack only, %s [min, max]" % unit,
            "Δ vs unbound, %s [min, max]" % unit]
    lines = []
    order = sorted(dct, key=lambda x: (SYSTEMS.index(x[0]), x[1],
                                        x[2] != "allow"))
    for key in order:
        sysname, k, traffic = key
        allow, drop = set_sources(gen, "set%d" % k)
        lo, hi = spread(pps[key])
        vu = vs_unbound(*key)
        invalid = "%s/set%d" % (sysname, k) in bad_slots
        lines.append([config_name(sysname, k) +
                      (" (**invalid windows**)" if invalid else ""),
                      prefixes(sysname, k),
                      "%s from %s" % (traffic,
                                      allow if traffic == "allow" else drop),
                      "%d" % med(pps[key]), "%d-%d" % (lo, hi),
                      fmt(list(dct[key].values())),
                      fmt(vu) if vu else "-"])

    verdicts = []
    if not lines:
        return head, lines, verdicts
    e = dct.get(("epgate", GOAL_K, "allow"))
    n = dct.get(("nft", GOAL_K, "allow"))
    def invalid(*slots):
        bad_ = [sl for sl in slots if sl in bad_slots]
        return ("not judged: %s had invalid windows (allowed traffic lost "
                "or dropped traffic delivered)" % ", ".join(bad_)) if bad_ \
            else None

    k_ = "{:,}".format(GOAL_K)
    e = dct.get(("epgate", GOAL_K, "allow"))
    n = dct.get(("nft", GOAL_K, "allow"))
    why = invalid("epgate/set%d" % GOAL_K, "nft/set%d" % GOAL_K)
    if why or not (e and n):
        verdicts.append(
            "- Goal 1 (epgate's Δt at %s prefixes at most half of nft's): %s."
            % (k_, why or "not measured in this run (no epgate and nft rows "
               "at %s prefixes)" % k_))
    else:
        em, nm = med(list(e.values())), med(list(n.values()))
        verdicts.append(
            "- Goal 1, epgate's Δt over conntrack only at %s prefixes at "
            "most half of nft's: epgate %+.0f, nftables interval set %+.0f "
            "%s (medians; half of nft's: %+.0f; epgate/nft = %.2f): **%s**."
            % (k_, em, nm, unit_long, GOAL_RATIO * nm,
               em / nm if nm else float("nan"),
               "met" if em <= GOAL_RATIO * nm else "not met"))
    vu = vs_unbound("epgate", GOAL_K, "allow")
    why = invalid("epgate/set0", "epgate/set%d" % GOAL_K)
    if why or not vu:
        verdicts.append(
            "- Goal 2 (epgate at %s prefixes within +%d instructions of the "
            "unbound role): %s." % (
                k_, GOAL_ADDED, why or "not measured in this run (no epgate "
                "rows at 0 and %s prefixes)" % k_))
    elif clock == "icount":
        lo, hi = spread(vu)
        verdicts.append(
            "- Goal 2, epgate at %s prefixes within +%d %s of the unbound "
            "role: %+.0f (median of the paired differences, [%+.0f, %+.0f] "
            "over %d rounds): **%s**."
            % (k_, GOAL_ADDED, unit_long, med(vu), lo, hi, len(vu),
               "met" if med(vu) <= GOAL_ADDED else "not met"))
    else:
        lo, hi = spread(vu)
        verdicts.append(
            "- Goal 2 (epgate at %s prefixes within +%d instructions of the "
            "unbound role) is counted in instructions: see the icount "
            "block. Here: %+.0f %s [%+.0f, %+.0f]."
            % (k_, GOAL_ADDED, med(vu), unit_long, lo, hi))
    for sysname in ("epgate", "nft"):
        ks = sorted(k for s_, k, t in dct if s_ == sysname and t == "allow")
        if len(ks) > 1:
            verdicts.append(
                "- %s, allowed traffic, Δt vs conntrack only by prefixes: %s."
                % (config_name(sysname, ks[-1]) if sysname == "nft"
                   else SYSTEM_NAMES[sysname],
                   ", ".join("%s: %+.0f" % ("{:,}".format(k),
                                             med(list(dct[(sysname, k,
                                                           "allow")].values())))
                             for k in ks)))
    return head, lines, verdicts


def run_md(host, env, clock, bad, what):
    """A doc block's first lines: the run, and its invalid windows if any."""
    md = ["Run of %s (%s, %s clock, %s rounds of %s s windows); %s.\n"
          % (host.get("date", "?"), env.get("kernel", "?"),
             "guest instruction-count (icount)" if clock == "icount"
             else "wall", env.get("rounds", "?"), env.get("seconds", "?"),
             what)]
    if bad:
        md.append("**This run had invalid windows** (allowed packets lost or "
                  "dropped ones delivered): %d. See build/bench/%s/results/.\n"
                  % (len(bad), clock))
    return md


def table_md(head, lines):
    """A markdown table, and the blank line after it."""
    md = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    md.extend("| " + " | ".join(l) + " |" for l in lines)
    md.append("")
    return md


def write_doc(doc, clock, res, head, lines, verdicts, table, sizes, upd,
              swap, lookup, bad):
    env = kv(os.path.join(res, "env.txt"))
    host = kv(os.path.join(res, "host.txt"))
    series = ".".join(env.get("kernel", "?").split(".")[:2])
    ddir = os.path.dirname(doc) or "."
    pngname = "performance-%s-%s.png" % (series, clock)
    png = os.path.join(ddir, pngname)
    dat = os.path.join(res, "plot.dat")
    by = {(t["sys"], t["pol"], t["traffic"]): t for t in table}
    with open(dat, "w") as f:
        for s in SYSTEMS:
            f.write("# %s\n" % s)
            for p in sizes:
                t = by.get((s, p, "allow"))
                if t:
                    lo, hi = spread(t["rct"])
                    f.write("%s %.4f %.4f %.4f\n" % (p, med(t["rct"]), lo, hi))
            f.write("\n\n")
    ctpps = med(by[("ct", "", "allow")]["pps"]) if ("ct", "", "allow") in by \
        else 0
    gp = """set terminal pngcairo size 900,560 font ",11" noenhanced
set output "%s"
set logscale x
set xrange [4:100000]
set xtics ("6" 6, "100" 100, "1,000" 1000, "10,000" 10000, "65,536" 65536)
set xlabel "allowed UDP ports in the table"
set ylabel "forwarding rate / conntrack-only rate"
set yrange [0:1.1<*]
set grid
set key bottom left
set title "%s, 64-byte UDP forwarded, pktgen netif_receive, TCG%s\\nmedian of %s rounds, bars min-max (conntrack only: median %d pps)"
plot 1 with lines dt 2 lc rgb "gray" title "conntrack only", \\
""" % (png, env.get("kernel", "?"),
       ", icount (guest clock = instructions)" if clock == "icount" else "",
       env.get("rounds", "?"), ctpps)
    plots = []
    for i, s in enumerate(SYSTEMS):
        plots.append('"%s" index %d using 1:2:3:4 with yerrorlines lw 2 '
                     'pt %d title "%s"' % (dat, i, 5 + 2 * i, SYSTEM_NAMES[s]))
    gp += ", \\\n".join(plots) + "\n"
    subprocess.run(["gnuplot"], input=gp.encode(), check=True)

    md = run_md(host, env, clock, bad, "tables and plot written by "
                "`make bench`")
    md.append("#### Forwarding cost\n")
    md.extend(table_md(head, lines))
    md.append("![forwarding rate vs table size, %s, %s clock](%s)\n"
              % (env.get("kernel", "?"), clock, pngname))
    md.append("What the figures say (computed by `scripts/bench-report.py` "
              "from this run):\n")
    md.extend(verdicts)
    md.append("")
    md.append("How each column is obtained:\n")
    if clock == "icount":
        md.append("""- **The clock**: qemu ran with `-icount shift=0`: the guest's clocks
  advance by exactly 1 ns per guest instruction executed (one vCPU), so
  pktgen's "packets per second" is packets per 10^9 guest instructions
  and `1e9/pps` is the number of guest instructions executed per forwarded
  packet, the whole path from `netif_receive_skb()` to the sink's veth,
  including pktgen's own loop.  It does not depend on the host's speed or
  load; it counts no cache, TLB or branch effects (the wall-clock run is
  there for those).""")
    md.append("""- **median pps, pps min-max**: pktgen's own rate (packets sent /
  elapsed) over one window of %s s, per round; %s rounds.  Absolute rates under
  TCG mean little: the comparisons are the next columns.
- **Δt vs conntrack only**: per round, `1e9/pps(config) - 1e9/pps(conntrack only)`,
  the conntrack-only window being measured in the same slot, seconds before
  the configuration's (same destination ports); median over the rounds and
  [min, max].  The range includes 0 when the difference is not above the
  run-to-run noise.
- **Δt vs no filter**: the same plus the median of the paired
  `conntrack only - no filter` difference (the "conntrack only" slot).
- **rate / ct only**: median over the rounds of the paired ratio
  pps(config)/pps(conntrack only); **rate / no filter** multiplies it by
  the median paired conntrack-only/no-filter ratio.
- **traffic**: `allow` = destination ports drawn at random from the allowed
  range (every table entry touched; for the vendor profiles udp/15000);
  `drop` = udp/60000, which no policy allows (no row at 65,536: every UDP
  port is allowed).  Under no filter and conntrack only the "drop" traffic
  is forwarded.
""" % (env.get("seconds", "?"), env.get("rounds", "?")))

    if upd or swap:
        md.append("#### Update latency\n")
    if upd:
        md.append("Replacing a table of 10,000 flows (one UDP port each, "
                  "sent as a multi-message transaction) with one where every "
                  "flow, under the same name, has the next flow's port: "
                  "**median %.1f ms per swap** (min %.1f, max "
                  "%.1f; %d samples) under TCG.\n"
                  % (med(upd) / 1e3, min(upd) / 1e3, max(upd) / 1e3,
                     len(upd)))
        md.append("Each sample is `(t(epgate load --repeat 7 A B) - t(epgate "
                  "load --repeat 2 A B)) / 10`: 14 and 4 swaps, so the "
                  "process start and the parsing of both files cancel out; "
                  "what remains is building the netlink messages, the "
                  "kernel's parse, table build and RCU swap.\n")
    if swap:
        ok = swap.get("sent") == swap.get("received")
        md.append("During %s consecutive swaps (%s s) a paced UDP stream "
                  "with sequence numbers crossed the gateway on an allowed "
                  "port: **%s sent, %s received** (distinct sequence "
                  "numbers)%s.\n"
                  % (swap.get("swaps"), "%.1f" % float(swap.get("swap_seconds", "nan")),
                     swap.get("sent"), swap.get("received"),
                     "" if ok else " — **packets were lost**"))
    setup = {}
    sp = os.path.join(res, "setup.tsv")
    if os.path.exists(sp):
        for line in open(sp):
            f = line.split()
            if len(f) == 4:
                setup.setdefault(f[1], []).append(int(f[2]))
    if setup and clock == "wall":
        md.append("Time to install each policy from a clean gateway (one "
                  "command: `epgate load` after `insmod`, or `epgate enable` "
                  "for the vendors; `nft -f`; `ipset restore` + "
                  "`iptables-restore`; `iptables-restore`), median over the "
                  "rounds, in ms, under TCG:\n")
        pols = []
        for c in setup:
            p = c.partition("/")[2]
            if p and p not in pols:
                pols.append(p)
        md.append("| system | " + " | ".join(pols) + " |")
        md.append("|---|" + "---:|" * len(pols))
        for sname in SYSTEMS:
            cells = []
            for p in pols:
                xs = setup.get("%s/%s" % (sname, p))
                cells.append("%d" % med(xs) if xs else "-")
            md.append("| %s | %s |" % (SYSTEM_NAMES[sname], " | ".join(cells)))
        md.append("")
    if lookup and clock == "wall":
        md.append("#### Table lookup on the host\n")
        md.append("`make bench-lookup` (the module's own table code, "
                  "`lib/tests/bench_lookup.c`; instructions by callgrind, "
                  "difference of two runs):\n")
        md.append("```\n" + lookup.rstrip() + "\n```\n")
    md.extend(machine_md(env, host))
    replace_block(doc, "%s:%s" % (series, clock), md)


def machine_md(env, host):
    md = []
    md.append("#### Machine\n")
    md.append("| | |\n|---|---|")
    for k, label in (("host_cpu", "host CPU (lscpu)"),
                     ("host_cpus", "host CPUs"),
                     ("host_kernel", "host kernel"),
                     ("qemu", "qemu"),
                     ("tcg", "TCG thread mode"),
                     ("icount", "qemu -icount"),
                     ("load_start", "host load average at start"),
                     ("load", "host load average at end"),
                     ("duration", "duration of the run (s)")):
        md.append("| %s | %s |" % (label, host.get(k, "?")))
    for k, label in (("kernel", "guest kernel"),
                     ("guest_cpu", "guest CPU (-cpu max)"),
                     ("guest_avx2", "AVX2 exposed to the guest"),
                     ("guest_cpus", "guest vCPUs"),
                     ("nft", "nftables"), ("iptables", "iptables"),
                     ("ipset", "ipset")):
        md.append("| %s | %s |" % (label, env.get(k, "?")))
    md.append("")
    return md


def replace_block(doc, key, md):
    """Replace what is between the markers bench:KEY:begin and :end."""
    text = open(doc).read()
    begin = "<!-- bench:%s:begin -->\n" % key
    end = "<!-- bench:%s:end -->" % key
    if begin not in text or end not in text:
        sys.exit("bench-report: %s has no %s ... %s block" % (doc, begin.strip(), end))
    pre, rest = text.split(begin, 1)
    post = rest.split(end, 1)[1]
    with open(doc, "w") as f:
        f.write(pre + begin + "\n".join(md).rstrip() + "\n" + end + post)


def write_sets_doc(doc, clock, res, gen, head, lines, verdicts, bad):
    env = kv(os.path.join(res, "env.txt"))
    host = kv(os.path.join(res, "host.txt"))
    series = ".".join(env.get("kernel", "?").split(".")[:2])
    unit = UNITS[clock][0]
    md = run_md(host, env, clock, bad, "table written by `make bench` "
                "(`BENCH_ONLY=sets make bench` writes this block alone)")
    md.append("#### Address sets\n")
    md.extend(table_md(head, lines))
    md.append("The goals of issue 17 (computed by `scripts/bench-report.py` "
              "from this run):\n")
    md.extend(verdicts)
    md.append("")
    md.append("""How each column is obtained: one UDP flow to port %s whose
initiator is bound to K /24 prefixes with a /24 gap between each (prefix k =
10.0.0.0 + k x 512), `epgate load` of `bench sets udp PORT FROM any` (FROM:
`any`, the prefix, or the comma list of the K prefixes); nftables: the same
chain as the port policies with `ip saddr . udp dport @allowed accept`, the
set `type ipv4_addr . inet_service; flags interval` (K = 0: the port-only
set, bitmap backend).  Allowed traffic comes from host .7 of prefix K/2,
dropped traffic from host .7 of the gap after it (no drop row at K = 0:
an unbound role allows it).  **Δt vs conntrack only**: per round, paired
with the conntrack-only windows of the same slot, same traffic, median
[min, max], in %s.  **Δ vs unbound**: per round, the row's Δt minus the
same system's K = 0 Δt, median [min, max].
""" % (set_sources_port(gen), unit))
    md.extend(machine_md(env, host))
    replace_block(doc, "%s:%s:sets" % (series, clock), md)


def set_sources_port(gen):
    for name in sorted(os.listdir(gen)):
        if set_k(name.partition(".")[0]) is not None and \
                name.endswith(".range"):
            return open(os.path.join(gen, name)).read().split()[0]
    return "?"


if __name__ == "__main__":
    sys.exit(main(sys.argv))
