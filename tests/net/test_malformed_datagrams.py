#!/usr/bin/env python3
"""Untrusted wire input (wire.moz): malformed datagrams are dropped and counted.

Node A holds msg rows from its own facts and from node B (which also shows that
msg tuples are received from the network at all). The test then sends A, from a
plain UDP socket, datagram after datagram that must be rejected: every strict
prefix of a valid datagram (0 bytes included), bad magic/version/kind/op, bad
predicate names and lengths, wrong arity, wrong field types and tags, lengths
beyond the datagram, trailing bytes, random bytes and 60 KB datagrams. After
each group A must be alive and stats.malformed must have grown by exactly the
number sent; afterwards A's tables must be unchanged. Finally a valid reliable
insert built here must be acked and appear in the dump, and a resent copy must
be acked again and counted as a duplicate without changing anything.

Wire format (version 1): 'M' 'Z' version:u8 kind:u8 incarnation:u64 seq:u64,
then for data (kind 1 reliable, 2 best effort) op:u8 predicate:(u32 len, bytes)
and tagged fields; kind 3 is an ack. Integers little-endian.
"""

import random
import socket
import struct

from harness import (Cluster, TestFailure, expect_rows, mozlog_string, parse_args, run,
                     table_rows, wait_rows, wait_until)

WAIT_S = 30
CHUNK = 16  # datagrams sent before waiting for them to be counted (keeps A's socket buffer small)

VERSION = 1
RELIABLE, BEST_EFFORT, ACK = 1, 2, 3
INSERT = 1
T_INT, T_FLOAT, T_BOOL, T_STRING, T_ID, T_ADDR, T_LIST = range(1, 8)
LOOPBACK_HOST = 0x7F000001
ADDR_IP = 1


# ------------------------------------------------------------------ encoding

def header(kind, incarnation, seq, magic=b"MZ", version=VERSION):
    return magic + bytes([version, kind]) + struct.pack("<QQ", incarnation, seq)


def name(text):
    raw = text.encode() if isinstance(text, str) else text
    return struct.pack("<I", len(raw)) + raw


def f_int(v):
    return bytes([T_INT]) + struct.pack("<q", v)


def f_float(v):
    return bytes([T_FLOAT]) + struct.pack("<d", v)


def f_bool(v):
    return bytes([T_BOOL, v])  # v is 0/1, or a bad value on purpose


def f_str(text, length=None):
    raw = text.encode() if isinstance(text, str) else text
    return bytes([T_STRING]) + struct.pack("<I", len(raw) if length is None else length) + raw


def f_id(v):
    return bytes([T_ID]) + v.to_bytes(20, "big")


def f_addr(port, host=LOOPBACK_HOST, kind=ADDR_IP):
    return bytes([T_ADDR, kind]) + struct.pack("<IH", host, port)


def f_list(elements, count=None):
    return bytes([T_LIST]) + struct.pack("<I", len(elements) if count is None else count) + b"".join(elements)


def message(fields, pred="msg", op=INSERT):
    return bytes([op]) + name(pred) + b"".join(fields)


class Sender:
    """A UDP socket speaking as one peer incarnation; every datagram gets a fresh seq."""

    def __init__(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.incarnation = random.SystemRandom().getrandbits(64)
        self.seq = 0

    def next_header(self, kind=RELIABLE, **kw):
        self.seq += 1
        return header(kind, self.incarnation, self.seq, **kw)

    def close(self):
        self.sock.close()


# The valid msg tuple the test inserts, and its fields one by one (so that
# malformed variants can replace or drop any of them).
VALID = dict(key="wire-ok", n=42, x=2.5, flag=True, ident=0x1F, items=[1, 2, 3])


def valid_fields(port, key=VALID["key"]):
    return [f_addr(port), f_str(key), f_int(VALID["n"]), f_float(VALID["x"]), f_bool(1),
            f_id(VALID["ident"]), f_list([f_int(i) for i in VALID["items"]])]


def replaced(fields, index, field):
    out = list(fields)
    out[index] = field
    return out


# ------------------------------------------------------------------ the malformed groups

def malformed_groups(sender, port, rng):
    """[(label, [datagram, ...])]: every datagram here must be rejected as malformed."""
    fields = valid_fields(port, key="must-not-appear")
    body = message(fields)
    h = sender.next_header

    def framed(kind=RELIABLE, **kw):  # a fresh header in front of a valid body
        return h(kind, **kw) + body

    # A strict prefix of a valid datagram is malformed at every length: the
    # header, the message or one of its fields is incomplete.
    full_length = len(framed())
    prefixes = [framed()[:cut] for cut in range(full_length)]

    groups = [
        ("every strict prefix of a valid datagram (0 bytes included)", prefixes),
        ("truncated ack", [h(ACK)[:15]]),
        ("bad magic", [framed(magic=b"XZ"), framed(magic=b"MY"), framed(magic=b"\0\0")]),
        ("bad version", [framed(version=0), framed(version=2), framed(version=255)]),
        ("bad kind", [framed(kind=0), framed(kind=4), framed(kind=255)]),
        ("bad op", [h() + message(fields, op=op) for op in (0, 3, 255)]),
        ("unknown predicate", [h() + message(fields, pred=p)
                               for p in ("nosuch", "", "ms", "msgx", "MSG", b"msg\0", b"\xff\xfe")]),
        ("best-effort with unknown predicate", [h(BEST_EFFORT) + message(fields, pred="nosuch")]),
        ("predicate length beyond the datagram",
         [h() + bytes([INSERT]) + struct.pack("<I", n) + b"msg" + b"".join(fields)
          for n in (0xFFFFFFFF, 1_000_000, len(b"msg" + b"".join(fields)) + 1)]),
        ("wrong arity", [h() + message(fields[:-1]), h() + message(fields + [f_int(7)]),
                         h() + message([]), h(BEST_EFFORT) + message(fields[:1])]),
        ("wrong field types", [h() + message(replaced(fields, i, f)) for i, f in [
            (0, f_int(1)), (0, f_str(f"127.0.0.1:{port}")),       # addr
            (1, f_int(1)), (1, f_addr(port)),                     # string
            (2, f_float(42.0)), (2, f_bool(1)), (2, f_str("42")),  # int
            (3, f_int(2)), (3, f_str("2.5")),                     # float (no int widening)
            (4, f_int(1)),                                        # bool
            (5, f_int(31)), (5, f_str("0x1fI")),                  # id
            (6, f_int(1)), (6, f_list([f_float(1.0)])),           # list<int>
            (6, f_list([f_int(1), f_str("2")])), (6, f_str("[1, 2, 3]")),
        ]]),
        ("bad values and unknown tags", [h() + message(replaced(fields, i, f)) for i, f in [
            (4, f_bool(2)), (4, f_bool(255)),
            (1, bytes([0]) + struct.pack("<I", 3) + b"abc"),
            (1, bytes([8]) + struct.pack("<I", 3) + b"abc"),
            (1, bytes([255]) + struct.pack("<I", 3) + b"abc"),
            (0, f_addr(port, kind=2)), (0, f_addr(port, kind=255)),
        ]]),
        # The overlong field is the last one sent, so its length points past the end.
        ("lengths beyond the datagram",
         [h() + message(fields[:1] + [f_str("abc", length=n)]) for n in (4, 0xFFFFFFFF)]
         + [h() + message(fields[:6] + [f_list([f_int(1), f_int(2), f_int(3)], count=n)])
            for n in (4, 0xFFFFFFFF)]),
        ("trailing bytes after a complete tuple", [framed() + b"\0", framed() + b"junk"]),
        ("random bytes", [_random_bytes(rng) for _ in range(24)]),
        ("60 KB random datagram", [b"\xff" + rng.randbytes(60 * 1024 - 1)]),
        ("60 KB datagram whose string claims more than it holds",
         [h() + bytes([INSERT]) + name("msg") + f_addr(port)
          + bytes([T_STRING]) + struct.pack("<I", 70_000) + b"s" * (60 * 1024)]),
    ]
    return groups


def _random_bytes(rng):
    while True:
        data = rng.randbytes(rng.randint(1, 200))
        if not data.startswith(b"MZ"):  # random, not a lucky well-formed header
            return data


# ------------------------------------------------------------------ checks

def wait_malformed(a, expected, label, chunk):
    """Waits until A has counted `expected` malformed datagrams; more is a failure too."""
    sent = "\n".join(f"  {len(d):5d} bytes: {d[:48].hex(' ')}{' ...' if len(d) > 48 else ''}"
                     for d in chunk)

    def check():
        got = a.stats()["malformed"]
        if got > expected:
            raise TestFailure(f"after '{label}' stats.malformed is {got}, expected {expected}: "
                              f"a datagram was counted twice. The last ones sent:\n{sent}")
        return got == expected, (f"stats.malformed {got}, expected {expected}; one of these was "
                                 f"accepted or not counted:\n{sent}")
    wait_until(check, WAIT_S, f"the '{label}' datagrams to be counted as malformed")
    a.check_alive()


def send_malformed(a, sender, groups, base):
    expected = base
    for label, datagrams in groups:
        print(f"  {len(datagrams):3d} x {label}", flush=True)
        for start in range(0, len(datagrams), CHUNK):
            chunk = datagrams[start:start + CHUNK]
            for d in chunk:
                sender.sock.sendto(d, ("127.0.0.1", a.port))
            expected += len(chunk)
            wait_malformed(a, expected, label, chunk)
    return expected


def expect_ack(sock, a, datagram, incarnation, seq, what):
    """Sends `datagram` until A acks (incarnation, seq); resends count as duplicates."""
    sock.settimeout(1.0)
    wanted = header(ACK, incarnation, seq)
    for _ in range(WAIT_S):
        sock.sendto(datagram, ("127.0.0.1", a.port))
        try:
            while True:
                reply, source = sock.recvfrom(65536)
                if source == ("127.0.0.1", a.port) and reply == wanted:
                    return
                print(f"  ignoring datagram {reply[:24]!r} from {source}", flush=True)
        except socket.timeout:
            a.check_alive()
    raise TestFailure(f"{what}: no ack {wanted!r} from {a} within {WAIT_S} s")


def semantic_row(row):
    """A msg row from a dump with the id and list fields parsed, for comparison."""
    where, key, n, x, flag, ident, items = row
    ident = int(str(ident).removeprefix("0x").removesuffix("I"), 16)
    if isinstance(items, str):  # the literal form "[1, 2, 3]"
        items = [int(v) for v in items.strip("[]").split(",") if v.strip()]
    items = list(items)
    return (where, key, n, x, flag, ident, items)


def msg_fact(where, key, n, x, flag, ident, items):
    return (f"msg({mozlog_string(where)}, {mozlog_string(key)}, {n}, {x!r}, "
            f"{'true' if flag else 'false'}, {ident:#x}I, [{', '.join(map(str, items))}]).\n")


def main(args):
    rng = random.Random(args.seed)
    print(f"seed {args.seed}", flush=True)
    with Cluster(args.node, "malformed", keep=args.keep) as cluster:
        a, b = cluster.nodes(2)
        a.facts = (msg_fact(a.addr, "local-1", 1, 0.5, True, 0x1F, [1, 2])
                   + msg_fact(a.addr, "local-2", -7, -1.25, False, 0xABCDEF, []))
        b.facts = msg_fact(a.addr, "from-b", 3, 3.0, True, 0x2, [9])
        a.start()
        b.start()

        # A's starting state: its own facts plus B's, which came over the network.
        def ready():
            keys = {row[1] for row in a.rows("msg")}
            return keys == {"local-1", "local-2", "from-b"}, f"msg keys at A: {sorted(keys)}"
        wait_until(ready, WAIT_S, "A to hold its own msg facts and B's")
        wait_until(lambda: b.stats()["outstanding"] == 0, WAIT_S, "B to have no outstanding messages")
        b.stop()
        before, stats = a.snapshot()
        print(f"A before: msg {sorted(table_rows(before, 'msg'))}\nstats {stats}", flush=True)

        sender = Sender()
        try:
            groups = malformed_groups(sender, a.port, rng)
            total = sum(len(d) for _, d in groups)
            print(f"sending {total} malformed datagrams to {a}:", flush=True)
            expected = send_malformed(a, sender, groups, stats["malformed"])
        finally:
            sender.close()

        after = a.dump()
        for table in sorted(set(before) | set(after)):
            expect_rows(table_rows(before, table), table_rows(after, table),
                        f"{table} after the malformed datagrams (must be unchanged)")

        # A valid reliable insert from a new peer is acked and stored.
        good = Sender()
        try:
            datagram = good.next_header() + message(valid_fields(a.port))
            expect_ack(good.sock, a, datagram, good.incarnation, good.seq, "valid insert")
            want = (a.addr, VALID["key"], VALID["n"], VALID["x"], VALID["flag"],
                    VALID["ident"], VALID["items"])

            def stored():
                rows = [semantic_row(r) for r in a.rows("msg") if r[1] == VALID["key"]]
                return rows == [want], f"msg rows with key {VALID['key']!r}: {rows}, want [{want}]"
            wait_until(stored, WAIT_S, "the valid insert to appear in A's msg table")
            wait_rows(a, "msgCount", {(a.addr, len(table_rows(before, "msg")) + 1)}, WAIT_S,
                      "msgCount to count the new row")
            accepted, stats = a.snapshot()

            # The same datagram again: acked again (the first ack may have been
            # lost), counted as a duplicate, and nothing changes.
            expect_ack(good.sock, a, datagram, good.incarnation, good.seq, "resent insert")
            wait_until(lambda: a.stats()["duplicates"] > stats["duplicates"], WAIT_S,
                       "the resent insert to be counted as a duplicate")
        finally:
            good.close()

        final, stats = a.snapshot()
        if stats["malformed"] != expected:
            raise TestFailure(f"stats.malformed is {stats['malformed']} at the end, expected {expected}")
        for table in sorted(set(accepted) | set(final)):
            expect_rows(table_rows(accepted, table), table_rows(final, table),
                        f"{table} after the duplicate (must be unchanged)")


if __name__ == "__main__":
    run(main, parse_args(__doc__))
