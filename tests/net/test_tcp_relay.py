#!/usr/bin/env python3
"""The paper's fwdEvent relay rule as written (tcp_relay.moz), on 127.0.0.1.

One node relays connections accepted on a local port to a backend server run
here. Checked: 4 MiB from the backend arrive byte for byte; a client's 1 MiB
upload followed by a half-close reaches the backend, whose hash of it comes
back (the end of the stream travels both ways); 20 connections at once all
complete; a second listener accepts again after the first connection (the
accept loop); and once every connection has ended no socket is left open and
no call but the pending accepts waits (the recursive rule stops: the end of a
stream is read once, and the read after it fails).
"""

import hashlib
import os
import socket
import socketserver
import threading

from harness import Cluster, TestFailure, free_ports, mozlog_string, parse_args, run, wait_until

BLOB = os.urandom(4 << 20)
CONCURRENT = 20


class Backend(socketserver.BaseRequestHandler):
    """'get' -> BLOB; 'put' -> reads to the end of the stream, answers its SHA-256."""

    def handle(self):
        self.request.settimeout(30)
        verb = self.request.recv(3)
        if verb == b"get":
            self.request.sendall(BLOB)
            return
        digest = hashlib.sha256()
        while chunk := self.request.recv(65536):
            digest.update(chunk)
        self.request.sendall(digest.hexdigest().encode())


class Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    # Room for every concurrent connection: with socketserver's default
    # backlog of 5 the kernel resets some of a burst of 100, which is the
    # server's doing, not the relay's.
    request_queue_size = 256


def read_all(s):
    data = bytearray()
    while chunk := s.recv(1 << 16):
        data += chunk
    return bytes(data)


def get(port):
    with socket.create_connection(("127.0.0.1", port), timeout=30) as s:
        s.sendall(b"get")
        return read_all(s)


def put(port, payload):
    with socket.create_connection(("127.0.0.1", port), timeout=30) as s:
        s.sendall(b"put" + payload)
        s.shutdown(socket.SHUT_WR)
        return read_all(s).decode() == hashlib.sha256(payload).hexdigest()


def test(args):
    backend_port, relay_port, second_port = free_ports(3)
    backend = Server(("127.0.0.1", backend_port), Backend)
    threading.Thread(target=backend.serve_forever, daemon=True).start()
    try:
        with Cluster(args.node, "tcp_relay", keep=args.keep) as cluster:
            facts = "".join(f'relayAt({mozlog_string(f"127.0.0.1:{p}")}, "127.0.0.1", {backend_port}).\n'
                            for p in (relay_port, second_port))
            node = cluster.node(facts=facts)
            cluster.start_all()

            def listening():
                for p in (relay_port, second_port):
                    try:
                        socket.create_connection(("127.0.0.1", p), timeout=1).close()
                    except OSError:
                        return False
                return True

            wait_until(listening, 20, "the relay listening on both ports")
            if get(relay_port) != BLOB:
                raise TestFailure("4 MiB through the relay arrived changed")
            if not put(relay_port, os.urandom(1 << 20)):
                raise TestFailure("a 1 MiB upload then half-close: the backend's hash did not match")
            if get(second_port) != BLOB:
                raise TestFailure("the second listener did not relay")

            results = [None] * CONCURRENT

            def one(i):
                try:
                    results[i] = get(relay_port) == BLOB if i % 2 else put(relay_port, os.urandom(64 << 10))
                except OSError as e:
                    results[i] = repr(e)

            threads = [threading.Thread(target=one, args=(i,)) for i in range(CONCURRENT)]
            for t in threads:
                t.start()
            for t in threads:
                t.join(60)
            if results.count(True) != CONCURRENT:
                raise TestFailure(f"concurrent connections: {results.count(True)} of {CONCURRENT} complete: "
                                  f"{[r for r in results if r is not True][:3]}")

            def settled():
                dump, stats = node.snapshot()
                tcp = stats.get("tcp", {})
                waiting = {t: len(r) for t, r in dump.items() if t.endswith("_ctx") and r}
                settled.last = (tcp, waiting)
                # One accept waits per listener (a2 or a3 made it); nothing else.
                return tcp.get("open") == 0 and sum(waiting.values()) == 2 and set(waiting) <= {"a2_call1_ctx", "a3_call1_ctx"}

            wait_until(settled, 20, "every connection closed and only the accepts waiting",)
            tcp, waiting = settled.last
            print(f"relayed: 4 MiB twice, a 1 MiB half-closed upload, {CONCURRENT} at once; "
                  f"afterwards tcp {tcp}, waiting calls {waiting}")
    finally:
        backend.shutdown()


if __name__ == "__main__":
    run(test, parse_args(__doc__, seeded=False))
