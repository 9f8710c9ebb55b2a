#!/usr/bin/env python3
"""netns.socks: the SOCKS5 overlay (overlays/socks) between real namespaces.

Namespaces C (client, 198.18.1.1), P (the SOCKS node, 198.18.1.2 and
198.18.2.1) and S (servers, 198.18.2.2); C has no route to S, so S is
reachable only through the node. Checked, each wait bounded:
  * curl --socks5-hostname (a domain name the node resolves), --socks5 (an
    IPv4 address) and an IPv6 destination ([::1] in P) download files byte
    for byte;
  * malformed handshakes get RFC 1928's replies (no acceptable method, a bad
    version, command not supported, address type not supported, a request
    cut short) and the node goes on serving others;
  * a half-close travels: the client sends 1 MiB and shuts down its side; the
    server reads to the end and answers with its hash;
  * a server that resets the connection: the client sees the end, and the
    node keeps no socket;
  * 100 concurrent connections all complete; afterwards no connection is
    open, no call waits but the listener's accept, and memory is back;
  * a client that stops reading while the server sends as fast as it can:
    the node's memory stays bounded (back-pressure), and the connection goes
    once the client closes;
  * a node with username/password (RFC 1929) and an allow list: the right
    credentials pass, wrong or missing ones are refused, a destination off the
    list gets reply 0x02 (not allowed).
"""

import hashlib
import json
import os
import shutil
import signal
import socket
import socketserver
import struct
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from netns import Lab, expect, run_test, wait_for  # noqa: E402
from tunnel_checks import serve  # noqa: E402

CLIENT, PROXY_IN, PROXY_OUT, SERVER = "198.18.1.1", "198.18.1.2", "198.18.2.1", "198.18.2.2"
OPEN_PORT, AUTH_PORT = 1080, 1081
HALF_CLOSE_PORT, RESET_PORT, FIREHOSE_PORT = 9001, 9002, 9003
SERVER_NAME = "server.mosaic.test"
BLOB_BYTES = 8 * 1024 * 1024
CONCURRENT = 100
FIREHOSE_SECONDS = 8
SLOW_READER_RSS_LIMIT_KB = 48 * 1024  # growth allowed while the client does not read


# ---------------------------------------------------------------- role servers (in S)

class HalfCloseHandler(socketserver.BaseRequestHandler):
    """Reads to the end of the stream, then answers with the SHA-256 of what came."""

    def handle(self):
        self.request.settimeout(30)
        digest = hashlib.sha256()
        while True:
            chunk = self.request.recv(65536)
            if not chunk:
                break
            digest.update(chunk)
        self.request.sendall(digest.hexdigest().encode())


class ResetHandler(socketserver.BaseRequestHandler):
    """Reads a byte, then resets the connection (SO_LINGER 0)."""

    def handle(self):
        self.request.settimeout(30)
        self.request.recv(1)
        self.request.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))


class FirehoseHandler(socketserver.BaseRequestHandler):
    """Sends as fast as the connection takes, for a bounded time."""

    def handle(self):
        self.request.settimeout(FIREHOSE_SECONDS + 5)
        block = bytes(256 * 1024)
        end = time.monotonic() + FIREHOSE_SECONDS
        try:
            while time.monotonic() < end:
                self.request.sendall(block)
        except OSError:
            pass


class Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    # Room for every concurrent connection: with socketserver's default
    # backlog of 5 the kernel resets some of a burst of 100, which is the
    # server's doing, not the relay's.
    request_queue_size = 256


def role_servers():
    for port, handler in ((HALF_CLOSE_PORT, HalfCloseHandler), (RESET_PORT, ResetHandler),
                          (FIREHOSE_PORT, FirehoseHandler)):
        server = Server((SERVER, port), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
    print("serving", flush=True)
    signal.sigwait({signal.SIGTERM})


# ---------------------------------------------------------------- role client (in C)

def read_exact(s, n):
    data = b""
    while len(data) < n:
        chunk = s.recv(n - len(data))
        if not chunk:
            raise EOFError(f"end of stream after {len(data)} of {n} bytes")
        data += chunk
    return data


def socks_open(proxy_port, host, port, user=None):
    """A connection through the node to host:port (an IPv4 address or a name);
    returns (socket, reply code)."""
    s = socket.create_connection((PROXY_IN, proxy_port), timeout=20)
    if user:
        s.sendall(b"\x05\x01\x02")
        expect(read_exact(s, 2) == b"\x05\x02", "username/password chosen")
        name, password = user.split(":")
        s.sendall(bytes([1, len(name)]) + name.encode() + bytes([len(password)]) + password.encode())
        status = read_exact(s, 2)
        if status != b"\x01\x00":
            return s, -1
    else:
        s.sendall(b"\x05\x01\x00")
        expect(read_exact(s, 2) == b"\x05\x00", "no authentication chosen")
    try:
        address = b"\x01" + socket.inet_aton(host)
    except OSError:
        address = b"\x03" + bytes([len(host)]) + host.encode()
    s.sendall(b"\x05\x01\x00" + address + struct.pack("!H", port))
    reply = read_exact(s, 10)
    return s, reply[1]


def answer_to(raw, wait=5, end=False):
    """Sends raw handshake bytes to the open node (then, with `end`, the end of
    the stream); returns what comes back before it closes."""
    s = socket.create_connection((PROXY_IN, OPEN_PORT), timeout=wait)
    s.sendall(raw)
    if end:
        s.shutdown(socket.SHUT_WR)
    data = b""
    try:
        while True:
            chunk = s.recv(100)
            if not chunk:
                break
            data += chunk
    except (socket.timeout, ConnectionResetError):
        pass
    s.close()
    return data


def half_close_roundtrip(size):
    s, code = socks_open(OPEN_PORT, SERVER, HALF_CLOSE_PORT)
    expect(code == 0, f"CONNECT to the half-close server succeeded (reply {code})")
    payload = os.urandom(size)
    s.sendall(payload)
    s.shutdown(socket.SHUT_WR)
    answer = b""
    while True:
        chunk = s.recv(100)
        if not chunk:
            break
        answer += chunk
    s.close()
    return answer.decode() == hashlib.sha256(payload).hexdigest()


def role_client(check):
    out = {}
    if check == "malformed":
        out["wrong_version"] = answer_to(b"\x04\x01\x00").hex()
        out["no_method"] = answer_to(b"\x05\x01\x02").hex()  # only username/password offered; none configured
        out["bind"] = answer_to(b"\x05\x01\x00" + b"\x05\x02\x00\x01" + socket.inet_aton(SERVER) + b"\x00\x50").hex()
        out["address_type"] = answer_to(b"\x05\x01\x00" + b"\x05\x01\x00\x05\x00").hex()
        out["cut_short"] = answer_to(b"\x05\x01\x00" + b"\x05\x01\x00\x01\xc6", end=True).hex()
        out["zero_methods"] = answer_to(b"\x05\x00").hex()
        out["good_after"] = half_close_roundtrip(1000)
    elif check == "half_close":
        out["ok"] = half_close_roundtrip(1 << 20)
    elif check == "reset":
        s, code = socks_open(OPEN_PORT, SERVER, RESET_PORT)
        s.sendall(b"x")
        ended = "open"
        try:
            ended = "eof" if s.recv(10) == b"" else "data"
        except ConnectionResetError:
            ended = "reset"
        except socket.timeout:
            ended = "timeout"
        out.update(code=code, ended=ended)
    elif check == "concurrent":
        results = [None] * CONCURRENT

        def one(i):
            try:
                results[i] = half_close_roundtrip(64 * 1024)
            except Exception as e:  # noqa: BLE001 -- reported, not raised in a thread
                results[i] = repr(e)

        threads = [threading.Thread(target=one, args=(i,)) for i in range(CONCURRENT)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        out["ok"] = sum(1 for r in results if r is True)
        out["failures"] = [r for r in results if r is not True][:5]
    elif check == "slow_reader":
        s, code = socks_open(OPEN_PORT, SERVER, FIREHOSE_PORT)
        out["code"] = code
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 64 * 1024)
        print("stalled", flush=True)  # the test samples the node's memory now
        time.sleep(FIREHOSE_SECONDS / 2)
        got = len(s.recv(65536))
        s.close()
        out["read_after_stall"] = got
    elif check == "auth":
        s, code = socks_open(AUTH_PORT, SERVER, HALF_CLOSE_PORT, user="alice:secret")
        out["right"] = code
        s.close()
        s, code = socks_open(AUTH_PORT, SERVER, HALF_CLOSE_PORT, user="alice:wrong")
        out["wrong"] = code
        s.close()
        out["none"] = answer_to_port(AUTH_PORT, b"\x05\x01\x00").hex()
        s, code = socks_open(AUTH_PORT, CLIENT, 22, user="alice:secret")  # not on the allow list
        out["not_allowed"] = code
        s.close()
    print(json.dumps(out), flush=True)


def answer_to_port(port, raw):
    s = socket.create_connection((PROXY_IN, port), timeout=5)
    s.sendall(raw)
    data = s.recv(100)
    s.close()
    return data


# ---------------------------------------------------------------- the test

def client_check(c, check, timeout=90):
    result = c.run([sys.executable, os.path.abspath(__file__), "--role", "client", "--check", check], timeout=timeout)
    return json.loads(result.stdout.strip().splitlines()[-1])


def rss_kb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def node_report(lab, node, stats, dump):
    """The node's --stats and --dump, written on SIGUSR1."""
    for path in (stats, dump):
        if os.path.exists(path):
            os.remove(path)
    os.kill(node.pid, signal.SIGUSR1)
    wait_for(lambda: os.path.exists(stats) and os.path.exists(dump), 10, "the node's report")
    with open(stats) as f, open(dump) as g:
        return json.load(f), json.load(g)


def waiting_calls(dump):
    """Context rows of calls still waiting, by table."""
    return {t: len(rows) for t, rows in dump.items() if t.endswith("_ctx") and rows}


def curl(c, argv, out):
    c.run(["curl", "-sS", "--fail", "--max-time", "60", "-o", out, *argv], timeout=90)
    with open(out, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def main(args):
    if args.role == "servers":
        return role_servers()
    if args.role == "client":
        return role_client(args.check)
    with Lab("mks", keep_logs=args.keep) as lab:
        c, p, s = lab.namespace("c"), lab.namespace("p"), lab.namespace("s")
        lab.veth(c, p, f"{CLIENT}/24", f"{PROXY_IN}/24")
        lab.veth(p, s, f"{PROXY_OUT}/24", f"{SERVER}/24")
        # The node resolves the server's name: ip netns exec mounts this over /etc/hosts.
        hosts_dir = f"/etc/netns/{p.name}"
        os.makedirs(hosts_dir, exist_ok=True)
        try:
            with open(os.path.join(hosts_dir, "hosts"), "w") as f:
                f.write(f"127.0.0.1 localhost\n::1 localhost\n{SERVER} {SERVER_NAME}\n")
            run_checks(lab, c, p, s, args)
        finally:
            shutil.rmtree(hosts_dir, ignore_errors=True)


def run_checks(lab, c, p, s, args):
    http, blob_hash = serve(lab, s, SERVER, BLOB_BYTES)
    servers = s.start([sys.executable, os.path.abspath(__file__), "--role", "servers"])
    wait_for(lambda: s.listening(FIREHOSE_PORT), 15, "test servers listening")
    # An IPv6 destination: a server on [::1] in the node's own namespace.
    www6 = os.path.join(lab.workdir, "www6")
    os.makedirs(www6)
    small = os.urandom(100000)
    with open(os.path.join(www6, "small"), "wb") as f:
        f.write(small)
    p.start(["python3", "-m", "http.server", "8081", "--bind", "::1", "--directory", www6])
    wait_for(lambda: p.listening(8081), 15, "IPv6 http.server listening")

    open_facts = os.path.join(lab.workdir, "open.facts")
    with open(open_facts, "w") as f:
        f.write(f'socks.listen("{PROXY_IN}:{OPEN_PORT}").\n')
    auth_facts = os.path.join(lab.workdir, "auth.facts")
    with open(auth_facts, "w") as f:
        f.write(f'socks.listen("{PROXY_IN}:{AUTH_PORT}").\n'
                'socks.config("users", ["alice:secret"]).\n'
                f'socks.config("allow", ["198.18.2.0/24", "{SERVER_NAME}"]).\n')
    stats, dump = os.path.join(lab.workdir, "stats.json"), os.path.join(lab.workdir, "dump.json")
    node = p.start([args.node, "--addr", f"{PROXY_IN}:7000", "--facts", open_facts, "--stats", stats, "--dump", dump])
    auth = p.start([args.node, "--addr", f"{PROXY_IN}:7001", "--facts", auth_facts])
    wait_for(lambda: p.listening(OPEN_PORT) and p.listening(AUTH_PORT), 15, "the SOCKS nodes listening")

    direct = c.run(["curl", "-sS", "--max-time", "3", f"http://{SERVER}:8080/blob", "-o", "/dev/null"], check=False)
    expect(direct.returncode != 0, "the server is unreachable from C without the node")

    out = os.path.join(lab.workdir, "got")
    expect(curl(c, ["--socks5-hostname", f"{PROXY_IN}:{OPEN_PORT}", f"http://{SERVER_NAME}:8080/blob"], out)
           == blob_hash, "curl --socks5-hostname (a name the node resolves) downloads the file byte for byte")
    expect(curl(c, ["--socks5", f"{PROXY_IN}:{OPEN_PORT}", f"http://{SERVER}:8080/blob"], out) == blob_hash,
           "curl --socks5 (an IPv4 address) downloads the file byte for byte")
    expect(curl(c, ["--socks5", f"{PROXY_IN}:{OPEN_PORT}", "http://[::1]:8081/small"], out)
           == hashlib.sha256(small).hexdigest(), "an IPv6 destination ([::1] at the node) byte for byte")
    print(f"downloads: {BLOB_BYTES} B by name and by IPv4 address, 100 kB from an IPv6 address, identical")

    m = client_check(c, "malformed")
    expect(m["wrong_version"] == "05ff", f"a greeting of SOCKS version 4 gets 05 ff ({m['wrong_version']})")
    expect(m["no_method"] == "05ff", f"no acceptable method gets 05 ff ({m['no_method']})")
    expect(m["zero_methods"] == "05ff", f"zero methods gets 05 ff ({m['zero_methods']})")
    expect(m["bind"][:8] == "05000507", f"BIND gets reply 07, command not supported ({m['bind']})")
    expect(m["address_type"][:8] == "05000508", f"address type 5 gets reply 08 ({m['address_type']})")
    expect(m["cut_short"] == "0500" + "0501000100000000" + "0000",
           f"a request cut short by the end of the stream gets reply 01 and the end ({m['cut_short']})")
    expect(m["good_after"] is True, "after the malformed handshakes the node still serves a good one")
    print("malformed handshakes: 05 ff (version 4, no acceptable method, zero methods), 05 07, 05 08, cut short 05 01; the node serves on")

    expect(client_check(c, "half_close")["ok"] is True,
           "a half-close travels: the server read 1 MiB to its end and answered with the right hash")
    print("half-close: 1 MiB sent, shut down, the server's hash of it came back")

    r = client_check(c, "reset")
    expect(r["code"] == 0 and r["ended"] in ("eof", "reset"), f"a server reset ends the client's connection ({r})")
    print(f"server reset: the client saw {r['ended']}")

    def settled():
        st, d = node_report(lab, node, stats, dump)
        calls = waiting_calls(d)
        return st["tcp"]["open"] == 0 and sum(calls.values()) == 1, st, calls

    wait_for(lambda: settled()[0], 20, "no connection open and only the accept waiting")
    rss_before = rss_kb(node.pid)
    con = client_check(c, "concurrent", timeout=150)
    expect(con["ok"] == CONCURRENT, f"all {CONCURRENT} concurrent connections complete ({con})")
    wait_for(lambda: settled()[0], 30, "after the concurrent connections: no connection open, only the accept waiting")
    ok, st, calls = settled()
    rss_after = rss_kb(node.pid)
    print(f"concurrent: {CONCURRENT} connections of 64 KiB each way complete; afterwards open {st['tcp']['open']}, "
          f"waiting calls {calls}, memory {rss_before} -> {rss_after} kB")
    expect(rss_after < rss_before + 16 * 1024, f"memory is back after the connections ({rss_before} -> {rss_after} kB)")

    slow = lab.start(c, [sys.executable, os.path.abspath(__file__), "--role", "client", "--check", "slow_reader"])
    wait_for(lambda: "stalled" in slow.output(), 20, "the slow reader connected")
    peak = rss_before
    end = time.monotonic() + FIREHOSE_SECONDS / 2 - 0.5
    while time.monotonic() < end:
        peak = max(peak, rss_kb(node.pid))
        time.sleep(0.1)
    wait_for(lambda: not slow.alive(), 30, "the slow reader finished")
    result = json.loads(slow.output().strip().splitlines()[-1])
    expect(result["code"] == 0 and result["read_after_stall"] > 0, f"the slow reader was served ({result})")
    expect(peak < rss_before + SLOW_READER_RSS_LIMIT_KB,
           f"memory bounded while the client does not read: {rss_before} -> peak {peak} kB")
    wait_for(lambda: settled()[0], 30, "after the slow reader closed: no connection open")
    print(f"slow reader: memory {rss_before} -> peak {peak} kB while the server sent and the client did not read")

    a = client_check(c, "auth")
    expect(a["right"] == 0, f"the right credentials pass ({a})")
    expect(a["wrong"] == -1, f"wrong credentials are refused ({a})")
    expect(a["none"] == "05ff", f"a client offering no username/password gets 05 ff ({a})")
    expect(a["not_allowed"] == 2, f"a destination off the allow list gets reply 02 ({a})")
    print("auth node: right credentials pass, wrong and missing refused, off the allow list 02")

    for proc in (node, auth, servers, http):
        lab.stop(proc)
    expect(node.returncode == 0, f"the node exits 0 on SIGTERM ({node.returncode})")


def add_arguments(parser):
    parser.add_argument("--node", help="the SOCKS node (build/overlays/socks)")
    parser.add_argument("--role", choices=["servers", "client"], help=argparse_hidden())
    parser.add_argument("--check", help=argparse_hidden())


def argparse_hidden():
    import argparse
    return argparse.SUPPRESS


if __name__ == "__main__":
    if "--role" in sys.argv:  # a helper inside a namespace: no Lab, no requirements
        import argparse
        parser = argparse.ArgumentParser()
        add_arguments(parser)
        parser.add_argument("--keep", action="store_true")
        main(parser.parse_args())
    else:
        run_test(main, tools=["ip", "ss", "curl"], add_arguments=add_arguments)
