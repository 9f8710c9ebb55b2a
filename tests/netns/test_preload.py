#!/usr/bin/env python3
"""netns.preload: libmosaic_preload.so (preload/) sends unmodified programs'
TCP connections through a SOCKS5 proxy.

Namespaces C (client, 198.18.1.1), P (proxy, 198.18.1.2 and 198.18.2.1) and
S (server, 198.18.2.2); C has no route to S, so S is reachable only through
the proxy in P: microsocks on 198.18.1.2:1080, or with --socks-node the
project's SOCKS node (started as `NODE --addr 198.18.1.2:7000 --facts F`, F
holding `socks.listen("198.18.1.2:1080").`). Checked, each wait bounded:
  * without the library, curl from C to S fails (no route);
  * with LD_PRELOAD and MOSAIC_SOCKS, unmodified curl (non-blocking connect
    in its event loop) downloads 16 MiB of random bytes from S byte for byte;
  * unmodified iperf3 -c (control and data connections) runs 2 s and reports
    bytes received;
  * MOSAIC_SOCKS naming a port where nothing listens: curl fails at once;
  * a malformed MOSAIC_SOCKS: one line on stderr (once, though curl connects
    twice), and curl behaves as without the library;
  * against a scripted SOCKS5 server in P (this file, role `fake-socks`), a
    Python client in C (role `client`, blocking and non-blocking sockets):
    each reply code becomes its errno; a failed socket can connect again;
    BND.ADDR of each ATYP is consumed and not a byte more; IPv6 destinations
    (and v4-mapped ones, sent as IPv4) on AF_INET6 sockets; a v6-only socket,
    UDP, loopback and the proxy's own address go direct; credentials are
    offered and sent (RFC 1929), wrong or missing ones refused; a proxy that
    hangs up gives ECONNREFUSED, one that never answers ends a non-blocking
    connect after 10 s and a blocking one after its SO_SNDTIMEO; an IPv6 proxy
    ([::1]:PORT) serves IPv6 sockets;
  * with microsocks: its username/password authentication with curl.
"""

import errno
import hashlib
import json
import os
import socket
import socketserver
import struct
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from netns import Lab, expect, run_test, wait_for  # noqa: E402

CLIENT, PROXY_IN, PROXY_OUT, SERVER = "198.18.1.1", "198.18.1.2", "198.18.2.1", "198.18.2.2"
SOCKS_PORT = 1080        # microsocks or the SOCKS node
FAKE_PORT = 1081         # scripted server, no authentication
FAKE_AUTH_PORT = 1082    # scripted server that requires username/password
MICROSOCKS_AUTH_PORT = 1083
DEAD_PORT = 1099         # nothing listens there
FAKE_V6_PORT = 1085      # scripted server on [::1] in C
USER, PASSWORD = "mosaic", "s3cret"
BLOB_BYTES = 16 * 1024 * 1024
NONBLOCKING_LIMIT_S = 10  # the library's bound on a non-blocking connect

# Scripted server: the destination port chooses the answer.
REPLY_CODE_BASE = 2000   # 2000 + REP: reply REP (a failure)
PORT_HANG_UP = 3998      # close after the request
PORT_SILENT = 3999       # never reply
PORT_BND_DOMAIN, PORT_BND_IPV6 = 3003, 3004  # success, BND.ADDR of that ATYP; other ports: IPv4
REPLY_ERRNO = {0x01: errno.ECONNREFUSED, 0x02: errno.EACCES, 0x03: errno.ENETUNREACH, 0x04: errno.EHOSTUNREACH,
               0x05: errno.ECONNREFUSED, 0x06: errno.ETIMEDOUT, 0x07: errno.ECONNREFUSED, 0x08: errno.ECONNREFUSED,
               0x42: errno.ECONNREFUSED}


# ---------------------------------------------------------------- role fake-socks (in P, or in C for [::1])

def read_exact(conn, n):
    data = b""
    while len(data) < n:
        chunk = conn.recv(n - len(data))
        if not chunk:
            raise EOFError
        data += chunk
    return data


class FakeSocks(socketserver.BaseRequestHandler):
    """One SOCKS5 session; success answers carry, right after the reply and in
    the same segment, a JSON line of what the client sent."""

    def handle(self):
        conn = self.request
        conn.settimeout(30)
        try:
            seen = {}
            _, count = read_exact(conn, 2)
            seen["methods"] = list(read_exact(conn, count))
            if self.server.require_auth:
                if 2 not in seen["methods"]:
                    conn.sendall(b"\x05\xff")
                    return
                conn.sendall(b"\x05\x02")
                _, size = read_exact(conn, 2)
                user = read_exact(conn, size).decode()
                password = read_exact(conn, read_exact(conn, 1)[0]).decode()
                seen["auth"] = [user, password]
                ok = (user, password) == (USER, PASSWORD)
                conn.sendall(b"\x01\x00" if ok else b"\x01\x01")
                if not ok:
                    return
            else:
                conn.sendall(b"\x05\x00")
            version, command, _, atyp = read_exact(conn, 4)
            seen.update(version=version, command=command, atyp=atyp)
            if atyp == 1:
                seen["addr"] = socket.inet_ntop(socket.AF_INET, read_exact(conn, 4))
            elif atyp == 4:
                seen["addr"] = socket.inet_ntop(socket.AF_INET6, read_exact(conn, 16))
            else:
                seen["addr"] = read_exact(conn, read_exact(conn, 1)[0]).decode()
            (port,) = struct.unpack("!H", read_exact(conn, 2))
            seen["port"] = port
            if port == PORT_HANG_UP:
                return
            if port == PORT_SILENT:
                while conn.recv(100):
                    pass
                return
            if REPLY_CODE_BASE < port <= REPLY_CODE_BASE + 0xff:
                conn.sendall(bytes([5, port - REPLY_CODE_BASE, 0, 1, 0, 0, 0, 0, 0, 0]))
                return
            if port == PORT_BND_DOMAIN:
                name = b"bound.proxy.example"
                bound = bytes([3, len(name)]) + name
            elif port == PORT_BND_IPV6:
                bound = bytes([4]) + socket.inet_pton(socket.AF_INET6, "2001:db8::99")
            else:
                bound = bytes([1]) + socket.inet_aton("198.18.2.1")
            conn.sendall(bytes([5, 0, 0]) + bound + struct.pack("!H", 40000) + json.dumps(seen).encode() + b"\n")
        except (EOFError, OSError):
            pass


def fake_socks_main(argv):
    host, port, mode = argv[0], int(argv[1]), argv[2]
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    server_class = type("Server", (socketserver.ThreadingTCPServer,),
                        {"address_family": family, "allow_reuse_address": True, "daemon_threads": True})
    with server_class((host, port), FakeSocks) as server:
        server.require_auth = mode == "auth"
        print(f"fake-socks listening on {host}:{port} ({mode})", flush=True)
        server.serve_forever()


# ---------------------------------------------------------------- role client (in C, under the library)

def client_case(case):
    """One connect as the case says; returns {"errno", "elapsed", "data"}."""
    kind = case.get("kind", "tcp")
    if kind == "loopback":  # a listener of our own on 127.0.0.1: reached directly, or not at all
        listener = socket.socket()
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        listener.settimeout(3)
        s = socket.socket()
        err = s.connect_ex(listener.getsockname())
        try:
            listener.accept()[0].close()
            accepted = True
        except socket.timeout:
            accepted = False
        return {"errno": err, "accepted": accepted}
    family = socket.AF_INET6 if case.get("family") == 6 else socket.AF_INET
    s = socket.socket(family, socket.SOCK_DGRAM if kind == "udp" else socket.SOCK_STREAM)
    if case.get("v6only"):
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
    s.setblocking(not case.get("nonblocking"))
    if "sndtimeo" in case:  # seconds; bounds a blocking connect
        s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDTIMEO, struct.pack("ll", case["sndtimeo"], 0))
    result = {}
    for attempt, port in enumerate([case["port"]] + ([case["again"]] if "again" in case else [])):
        start = time.monotonic()
        err = s.connect_ex((case["host"], port))  # the errno of connect() itself, no Python retries
        result["errno" if attempt == 0 else "errno_again"] = err
        result["elapsed"] = time.monotonic() - start
    if err == 0 and kind == "tcp":
        s.setblocking(True)
        s.settimeout(5)
        data = b""
        try:
            while chunk := s.recv(4096):
                data += chunk
        except (socket.timeout, OSError):
            pass
        result["data"] = data.decode(errors="replace")
    return result


def client_main(argv):
    print(json.dumps([client_case(case) for case in json.loads(argv[0])]))


# ---------------------------------------------------------------- the test

def preloaded(args, socks, *extra_env):
    return ["env", f"LD_PRELOAD={args.preload}", f"MOSAIC_SOCKS={socks}", *extra_env]


def run_client(ns, args, socks, cases, extra_env=(), timeout=60):
    """The client role under the library; returns one result per case."""
    argv = preloaded(args, socks, *extra_env) + [sys.executable, os.path.abspath(__file__), "client", json.dumps(cases)]
    result = ns.run(argv, timeout=timeout)
    expect("libmosaic_preload" not in result.stderr, f"the library complained:\n{result.stderr}")
    return json.loads(result.stdout)


def curl(ns, argv_prefix, url, out="/dev/null", max_time=60):
    start = time.monotonic()
    result = ns.run(argv_prefix + ["curl", "-sS", "--fail", "--max-time", str(max_time), "-o", out, url],
                    timeout=max_time + 30, check=False)
    return result, time.monotonic() - start


def start_proxy(lab, args, p):
    if args.socks_node:
        facts = os.path.join(lab.workdir, "socks.facts")
        with open(facts, "w") as f:
            f.write(f'socks.listen("{PROXY_IN}:{SOCKS_PORT}").\n')
        proxy = p.start([args.socks_node, "--addr", f"{PROXY_IN}:7000", "--facts", facts])
    else:
        proxy = p.start(["microsocks", "-i", PROXY_IN, "-p", str(SOCKS_PORT)])
    wait_for(lambda: p.listening(SOCKS_PORT) or not proxy.alive(), 15, f"the SOCKS proxy listening on {SOCKS_PORT}")
    expect(proxy.alive(), f"the SOCKS proxy exited:\n{proxy.output()}")
    return proxy


def check_http(lab, args, c, s):
    www = os.path.join(lab.workdir, "www")
    os.makedirs(www)
    blob = os.urandom(BLOB_BYTES)
    with open(os.path.join(www, "blob"), "wb") as f:
        f.write(blob)
    server = s.start([sys.executable, "-m", "http.server", "8080", "--bind", SERVER, "--directory", www])
    wait_for(lambda: s.listening(8080), 15, "http.server listening in S")
    url = f"http://{SERVER}:8080/blob"

    direct, _ = curl(c, [], url, max_time=10)
    expect(direct.returncode != 0, "curl reached the server without the proxy: the test proves nothing")
    print(f"direct: curl fails as it should (exit {direct.returncode})")

    out = os.path.join(lab.workdir, "downloaded")
    result, took = curl(c, preloaded(args, f"{PROXY_IN}:{SOCKS_PORT}"), url, out=out)
    expect(result.returncode == 0, f"curl under the library exited {result.returncode}:\n{result.stderr}")
    with open(out, "rb") as f:
        got = f.read()
    expect(len(got) == len(blob), f"downloaded {len(got)} bytes, served {len(blob)}")
    expect(hashlib.sha256(got).digest() == hashlib.sha256(blob).digest(), "downloaded bytes differ from the served")
    print(f"http: {len(got)} bytes through the proxy in {took:.1f} s, identical")
    return server, url


def check_iperf(args, c, s):
    server = s.start(["iperf3", "-s", "-B", SERVER, "-p", "5201"])
    wait_for(lambda: s.listening(5201), 15, "iperf3 listening in S")
    result = c.run(preloaded(args, f"{PROXY_IN}:{SOCKS_PORT}") + ["iperf3", "-c", SERVER, "-p", "5201", "-t", "2",
                                                                   "-J"], timeout=60, check=False)
    expect(result.returncode == 0, f"iperf3 under the library exited {result.returncode}:\n{result.stdout[-2000:]}"
                                   f"{result.stderr}")
    end = json.loads(result.stdout)["end"]
    received = end["sum_received"]
    expect(received["bytes"] > 0 and received["bits_per_second"] > 0, f"iperf3 received nothing: {end}")
    print(f"iperf3: {received['bytes']} bytes in 2 s through the proxy, {received['bits_per_second'] / 1e6:.0f} Mbit/s")
    return server


def check_dead_and_malformed(args, c, url):
    result, took = curl(c, preloaded(args, f"{PROXY_IN}:{DEAD_PORT}"), url, max_time=30)
    expect(result.returncode == 7, f"with no proxy listening curl exited {result.returncode}:\n{result.stderr}")
    expect(took < 5, f"with no proxy listening curl took {took:.1f} s to fail")
    print(f"no proxy: curl fails in {took:.2f} s (exit 7)")

    # Two URLs, so two connects in one process: the message must still come once.
    other = url.replace(":8080/", ":8081/")
    result = c.run(preloaded(args, PROXY_IN) + ["curl", "-sS", "--max-time", "10", "-o", "/dev/null", "-o",
                                                "/dev/null", url, other], timeout=40, check=False)
    ours = [line for line in result.stderr.splitlines() if line.startswith("libmosaic_preload:")]
    expect(len(ours) == 1 and f'MOSAIC_SOCKS="{PROXY_IN}"' in ours[0],
           f"a malformed MOSAIC_SOCKS: expected one message naming it, stderr:\n{result.stderr}")
    expect(result.returncode == 7 and result.stderr.count("Failed to connect") == 2,
           f"a malformed MOSAIC_SOCKS: curl should fail as without the library (exit 7 twice), got "
           f"{result.returncode}:\n{result.stderr}")
    print(f"malformed: one message ({ours[0]!r}); curl then direct, and fails")


def check_protocol(lab, args, c, p):
    fake = p.start([sys.executable, os.path.abspath(__file__), "fake-socks", PROXY_IN, str(FAKE_PORT), "open"])
    fake_auth = p.start([sys.executable, os.path.abspath(__file__), "fake-socks", PROXY_IN, str(FAKE_AUTH_PORT),
                         "auth"])
    wait_for(lambda: p.listening(FAKE_PORT) and p.listening(FAKE_AUTH_PORT), 15, "the scripted SOCKS servers")
    socks = f"{PROXY_IN}:{FAKE_PORT}"

    for nonblocking in (False, True):
        mode = "non-blocking" if nonblocking else "blocking"
        cases = [{"host": SERVER, "port": REPLY_CODE_BASE + code, "nonblocking": nonblocking} for code in REPLY_ERRNO]
        cases.append({"host": SERVER, "port": PORT_HANG_UP, "nonblocking": nonblocking})
        cases.append({"host": SERVER, "port": REPLY_CODE_BASE + 5, "again": 8080, "nonblocking": nonblocking})
        results = run_client(c, args, socks, cases)
        for code, got in zip(REPLY_ERRNO, results):
            want = REPLY_ERRNO[code]
            expect(got["errno"] == want, f"{mode}: reply 0x{code:02x} gave errno {got['errno']}, want {want}")
        expect(results[-2]["errno"] == errno.ECONNREFUSED, f"{mode}: a proxy hanging up gave {results[-2]}")
        again = results[-1]
        expect(again.get("errno_again") == 0 and '"port": 8080' in again.get("data", ""),
               f"{mode}: the socket could not connect again after a refused redirect: {again}")
    print(f"reply codes: {len(REPLY_ERRNO)} codes map to their errno, blocking and non-blocking; hang-up "
          "ECONNREFUSED; a refused socket connects again")

    cases = [
        {"host": SERVER, "port": 8080},                                   # 0 BND IPv4
        {"host": SERVER, "port": PORT_BND_DOMAIN, "nonblocking": True},   # 1 BND domain
        {"host": SERVER, "port": PORT_BND_IPV6},                          # 2 BND IPv6
        {"family": 6, "host": "2001:db8::7", "port": 443},                # 3 IPv6 destination, v4-mapped proxy
        {"family": 6, "host": f"::ffff:{SERVER}", "port": 80, "nonblocking": True},  # 4 sent as IPv4
        {"family": 6, "host": "2001:db8::7", "port": 443, "v6only": True},  # 5 cannot reach the proxy: direct
        {"kind": "udp", "host": SERVER, "port": 53},                      # 6 UDP: direct (no route)
        {"kind": "loopback"},                                             # 7 loopback: direct
        {"host": PROXY_IN, "port": 9},                                    # 8 the proxy's address: direct
    ]
    r = run_client(c, args, socks, cases)
    for i, (atyp, addr, port) in enumerate([(1, SERVER, 8080), (1, SERVER, PORT_BND_DOMAIN), (1, SERVER, PORT_BND_IPV6),
                                            (4, "2001:db8::7", 443), (1, SERVER, 80)]):
        expect(r[i]["errno"] == 0, f"case {cases[i]}: errno {r[i]['errno']}")
        # The data must start exactly where the reply ends: a JSON line, no reply bytes before or missing.
        seen = json.loads(r[i]["data"])
        expect(seen == {"methods": [0], "version": 5, "command": 1, "atyp": atyp, "addr": addr, "port": port},
               f"case {cases[i]}: the proxy saw {seen}")
    expect(r[5]["errno"] == errno.ENETUNREACH, f"a v6-only socket was not left direct: {r[5]}")
    expect(r[6]["errno"] == errno.ENETUNREACH, f"UDP was not left direct: {r[6]}")
    expect(r[7] == {"errno": 0, "accepted": True}, f"loopback was not left direct: {r[7]}")
    expect(r[8]["errno"] == errno.ECONNREFUSED, f"the proxy's own address was not left direct: {r[8]}")
    print("requests: IPv4, IPv6 and v4-mapped destinations; BND.ADDR of each ATYP consumed exactly; "
          "v6-only, UDP, loopback and the proxy's address direct")

    creds = (f"MOSAIC_SOCKS_USER={USER}", f"MOSAIC_SOCKS_PASS={PASSWORD}")
    open_with_creds = run_client(c, args, socks, [{"host": SERVER, "port": 8080}], creds)[0]
    expect(json.loads(open_with_creds["data"])["methods"] == [0, 2], f"credentials not offered: {open_with_creds}")
    auth = f"{PROXY_IN}:{FAKE_AUTH_PORT}"
    good = run_client(c, args, auth, [{"host": SERVER, "port": 8080, "nonblocking": True}], creds)[0]
    expect(good["errno"] == 0 and json.loads(good["data"])["auth"] == [USER, PASSWORD], f"authentication: {good}")
    wrong = run_client(c, args, auth, [{"host": SERVER, "port": 8080}],
                       (f"MOSAIC_SOCKS_USER={USER}", "MOSAIC_SOCKS_PASS=wrong"))[0]
    expect(wrong["errno"] == errno.EACCES, f"wrong credentials gave {wrong}")
    none = run_client(c, args, auth, [{"host": SERVER, "port": 8080}])[0]
    expect(none["errno"] == errno.EACCES, f"no credentials for a proxy that requires them gave {none}")
    print("credentials: offered as method 0x02 and sent; wrong or missing ones give EACCES")

    silent, timed = run_client(c, args, socks, [{"host": SERVER, "port": PORT_SILENT, "nonblocking": True},
                                                {"host": SERVER, "port": PORT_SILENT, "sndtimeo": 1}])
    expect(silent["errno"] == errno.ETIMEDOUT and
           NONBLOCKING_LIMIT_S - 0.5 < silent["elapsed"] < NONBLOCKING_LIMIT_S + 3,
           f"a proxy that never answers, non-blocking socket: {silent}")
    expect(timed["errno"] == errno.ETIMEDOUT and 0.9 < timed["elapsed"] < 3,
           f"a proxy that never answers, blocking socket with SO_SNDTIMEO 1 s: {timed}")
    print(f"silent proxy: a non-blocking connect gives up after {silent['elapsed']:.1f} s, a blocking one with "
          f"SO_SNDTIMEO 1 s after {timed['elapsed']:.1f} s (ETIMEDOUT)")
    lab.stop(fake)
    lab.stop(fake_auth)

    # An IPv6 proxy: IPv6 sockets use it, IPv4 sockets cannot and stay direct.
    fake6 = c.start([sys.executable, os.path.abspath(__file__), "fake-socks", "::1", str(FAKE_V6_PORT), "open"])
    wait_for(lambda: c.listening(FAKE_V6_PORT), 15, "the scripted SOCKS server on [::1]")
    r = run_client(c, args, f"[::1]:{FAKE_V6_PORT}", [{"family": 6, "host": "2001:db8::7", "port": 443},
                                                      {"host": SERVER, "port": 8080}])
    expect(r[0]["errno"] == 0 and json.loads(r[0]["data"])["addr"] == "2001:db8::7", f"IPv6 proxy: {r[0]}")
    expect(r[1]["errno"] == errno.ENETUNREACH, f"an IPv4 socket with an IPv6 proxy was not left direct: {r[1]}")
    print("IPv6 proxy: [::1]:PORT carries IPv6 sockets; IPv4 sockets go direct")
    lab.stop(fake6)


def check_microsocks_auth(lab, args, c, p, url):
    proxy = p.start(["microsocks", "-i", PROXY_IN, "-p", str(MICROSOCKS_AUTH_PORT), "-u", USER, "-P", PASSWORD])
    wait_for(lambda: p.listening(MICROSOCKS_AUTH_PORT), 15, "microsocks with authentication")
    socks = f"{PROXY_IN}:{MICROSOCKS_AUTH_PORT}"
    good, _ = curl(c, preloaded(args, socks, f"MOSAIC_SOCKS_USER={USER}", f"MOSAIC_SOCKS_PASS={PASSWORD}"), url)
    expect(good.returncode == 0, f"curl with the right credentials exited {good.returncode}:\n{good.stderr}")
    bad, took = curl(c, preloaded(args, socks, f"MOSAIC_SOCKS_USER={USER}", "MOSAIC_SOCKS_PASS=wrong"), url)
    expect(bad.returncode == 7 and took < 5, f"curl with wrong credentials: exit {bad.returncode} in {took:.1f} s")
    print("microsocks -u/-P: curl through it with the credentials; refused without them")
    lab.stop(proxy)


def main(args):
    args.preload = os.path.abspath(args.preload)
    expect(os.path.isfile(args.preload), f"no library at {args.preload}")
    with Lab("pl", keep_logs=args.keep) as lab:
        c, p, s = lab.namespace("c"), lab.namespace("p"), lab.namespace("s")
        lab.veth(c, p, f"{CLIENT}/24", f"{PROXY_IN}/24")
        lab.veth(p, s, f"{PROXY_OUT}/24", f"{SERVER}/24")
        proxy = start_proxy(lab, args, p)
        http, url = check_http(lab, args, c, s)
        iperf = check_iperf(args, c, s)
        check_dead_and_malformed(args, c, url)
        check_protocol(lab, args, c, p)
        if not args.socks_node:
            check_microsocks_auth(lab, args, c, p, url)
        expect(proxy.alive(), f"the SOCKS proxy died:\n{proxy.output()}")
        for process in (iperf, http, proxy):
            lab.stop(process)


def add_arguments(parser):
    parser.add_argument("--preload", required=True, help="libmosaic_preload.so (build/preload)")
    parser.add_argument("--socks-node", help="the project's SOCKS node instead of microsocks")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "fake-socks":
        fake_socks_main(sys.argv[2:])
    elif len(sys.argv) > 1 and sys.argv[1] == "client":
        client_main(sys.argv[2:])
    else:
        run_test(main, tools=["ip", "ss", "iperf3", "curl", "microsocks"], add_arguments=add_arguments)
