#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Many echo services and many probes in one process each.

Under TCG every exec costs about 0.2 s, so the profile tests and the demo do
not start a socat per port: one `serve` answers on every port given, one
`probe` tries every target given and prints one line per target.

  netprobe.py serve PROTO:PORT...          echo on each, IPv4 and IPv6
  netprobe.py probe [-t SEC] PROTO:ADDR:PORT...
        prints "PROTO ADDR PORT pass|drop" per target, in order; a target
        passes when the token sent comes back within SEC (default 1.0)

  netprobe.py burst [-t SEC] udp:ADDR:PORT COUNT SIZE
        sends COUNT datagrams of SIZE bytes one at a time, each waiting up
        to SEC (default 1.0) for its echo; prints "sent N echoed M"

An IPv6 ADDR is written in brackets: udp:[fd00:2::2]:15000.
"""
import os
import selectors
import socket
import sys
import time

# A slow kernel (the debug kernel) stretches every timeout (selftests/lib.sh).
SLOW = float(os.environ.get("EPGATE_SLOW", "1"))


def serve(specs):
    sel = selectors.DefaultSelector()
    for spec in specs:
        proto, port = spec.split(":")
        kind = socket.SOCK_STREAM if proto == "tcp" else socket.SOCK_DGRAM
        s = socket.socket(socket.AF_INET6, kind)
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("::", int(port)))
        if proto == "tcp":
            s.listen(64)
        s.setblocking(False)
        sel.register(s, selectors.EVENT_READ, proto)
    # Ready: the caller polls for the listening sockets (ss), not this line.
    sys.stdout.write("ready\n")
    sys.stdout.flush()
    while True:
        for key, _ in sel.select():
            s = key.fileobj
            if key.data == "tcp":
                try:
                    c, _ = s.accept()
                except OSError:
                    continue
                c.setblocking(False)
                sel.register(c, selectors.EVENT_READ, "conn")
            elif key.data == "udp":
                try:
                    data, peer = s.recvfrom(2048)
                    s.sendto(data, peer)
                except OSError:
                    pass
            else:
                try:
                    data = s.recv(2048)
                except OSError:
                    data = b""
                if data:
                    try:
                        s.send(data)
                    except OSError:
                        pass
                else:
                    sel.unregister(s)
                    s.close()


def parse_target(t):
    proto, rest = t.split(":", 1)
    if rest.startswith("["):
        addr, port = rest[1:].split("]:")
    else:
        addr, port = rest.rsplit(":", 1)
    return proto, addr, int(port)


def probe_one(proto, addr, port, timeout):
    fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
    kind = socket.SOCK_STREAM if proto == "tcp" else socket.SOCK_DGRAM
    token = ("epgate-%d-%f" % (port, time.time())).encode()
    s = socket.socket(fam, kind)
    s.settimeout(timeout)
    try:
        s.connect((addr, port))
        s.send(token)
        got = b""
        deadline = time.time() + timeout
        while len(got) < len(token) and time.time() < deadline:
            chunk = s.recv(2048)
            if not chunk:
                break
            got += chunk
        return got == token
    except OSError:
        return False
    finally:
        s.close()


def probe(args):
    timeout = 1.0
    if args and args[0] == "-t":
        timeout = float(args[1])
        args = args[2:]
    timeout *= SLOW
    ok = True
    for t in args:
        proto, addr, port = parse_target(t)
        res = probe_one(proto, addr, port, timeout)
        print("%s %s %d %s" % (proto, addr, port, "pass" if res else "drop"))
        sys.stdout.flush()
    return 0 if ok else 1


def burst(args):
    timeout = 1.0
    if args and args[0] == "-t":
        timeout = float(args[1])
        args = args[2:]
    timeout *= SLOW
    proto, addr, port = parse_target(args[0])
    count, size = int(args[1]), int(args[2])
    fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_DGRAM)
    s.settimeout(timeout)
    s.connect((addr, port))
    echoed = 0
    for i in range(count):
        payload = (b"%08d" % i).ljust(size, b"x")[:size]
        try:
            s.send(payload)
            if s.recv(65536) == payload:
                echoed += 1
        except OSError:
            pass
    print("sent %d echoed %d" % (count, echoed))
    return 0


def main():
    cmds = {"serve": None, "probe": probe, "burst": burst}
    if len(sys.argv) < 3 or sys.argv[1] not in cmds:
        sys.stderr.write(__doc__)
        return 2
    if sys.argv[1] == "serve":
        serve(sys.argv[2:])
        return 0
    return cmds[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    sys.exit(main())
