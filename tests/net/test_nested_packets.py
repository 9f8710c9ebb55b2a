#!/usr/bin/env python3
"""Nested tuples and overlay addresses from the network (overlays.moz).

Why: an overlay's data plane carries whole tuples as values -- up.recv(P),
sr.recv(P), fwd.recv(P) -- and any field of type addr may be an overlay
address ov::x whose x is any value, another address or list included. Such
nested values reach the decoder straight from untrusted datagrams, and are
unwrapped again (OverlayRecvUnwrap) when their recv event runs. This test
checks that valid nesting is delivered through every layer while anything
malformed -- at any depth, at decode or at unwrap time -- is dropped and
counted once, without crashing or slowing the node, and that a node's own
unroutable tuples are counted apart from malformed input.

One node A (no fwd membership) holds the fact send_now(nosuch::5), so it
sends got(Me, nosuch::5, S) every 0.25 s to an overlay the program does not
define: stats.unroutable must grow while stats.malformed stays 0 and A lives.
Then, from plain UDP sockets:

1. Valid nesting is delivered (reliable datagrams, acked): up.recv(got(...));
   a 20-layer chain sr.recv(up.recv(fwd.recv(...got(...)))); got rows whose
   Dest is ron::sr::["127.0.0.1:1", fwd::0x10I], has a 64-character overlay
   name, or holds a tuple value, x::prober(7, "s") (each dumped as that
   literal text); and the deepest nesting allowed (kMaxNesting = 32 levels,
   every list, address and nested tuple counting one): 32 nested tuples
   ending in prober(int), 31 ending in got(addr, addr, int), got with a
   31-deep overlay address x::x::...::1, and with x::[[...]] of 30 lists.
   A's got and prober tables must then equal exactly the rows sent.
2. Malformed groups: after each, stats.malformed must have grown by exactly
   the number sent, and A must be alive: every strict truncation of a valid
   up.recv(got(...)) datagram; nested tuple lengths longer or shorter than
   their bytes; bad tags, bool values and address kinds inside the nested
   tuple; a nested tuple with an unknown predicate, wrong arity or wrong field
   types (valid structure, dropped at unwrap); an empty predicate name inside;
   malformed tuple values inside an overlay address that got stores (never
   unwrapped, so only the decoder's eager check can reject them);
   one level too deep (33 nested tuples, a 32-deep overlay address, 31 lists
   inside an overlay address); nestings as deep as one datagram holds (10000
   lists, 10000 alternating lists and overlay addresses, ~9300 overlay
   addresses, ~4000 recv tuples and ~6500 one-letter tuples -- a tuple takes at
   least 10 bytes, so 10000 of them do not fit in 65507), which must each be
   rejected within DEEP_S -- all but the one-letter tuples would deliver a
   got row if the limit were missing; bad overlay names (empty, upper case, 65 characters,
   non-ASCII, bad first or inner character); an overlay address with nothing
   after its name; list counts larger than the bytes left. A's tables must be
   unchanged afterwards.
3. Valid traffic still flows: a new fwd.recv(sr.recv(up.recv(got(...)))) is
   acked and delivered, malformed did not move, and unroutable kept growing.

The encoding helpers come from test_malformed_datagrams.py (its docstring
describes the frame); added here: tuple values (tag 8: u32 length, then the
predicate name and tagged fields) and overlay addresses (tag 6, kind 2: the
overlay name, then one tagged value).
"""

import struct
import time

from harness import (Cluster, TestFailure, expect_rows, parse_args, run, table_rows, wait_rows,
                     wait_until)
from test_malformed_datagrams import (LOOPBACK_HOST, T_ADDR, T_LIST, Sender, expect_ack, f_addr,
                                      f_bool, f_float, f_id, f_int, f_list, f_str, message, name,
                                      wait_malformed)

WAIT_S = 30
DEEP_S = 10     # a datagram nested thousands deep must be rejected within this
CHUNK = 16      # datagrams sent before waiting for them to be counted...
CHUNK_BYTES = 64 * 1024  # ...and bytes (a 60 KB datagram goes alone: small socket buffers)
MAX_DATAGRAM = 65507     # UDP over IPv4
HEADER_SIZE = 20

T_TUPLE = 8
ADDR_OVERLAY = 2
MAX_NESTING = 32  # kMaxNesting in runtime/include/mosaic/codec.hpp
RECVS = ("sr.recv", "up.recv", "fwd.recv")  # the events whose packet is unwrapped


# ------------------------------------------------------------------ encoding (nested values)

def f_tuple(pred, fields, length=None):
    """A tuple value: tag 8, u32 length, then predicate name and tagged fields."""
    body = name(pred) + b"".join(fields)
    return bytes([T_TUPLE]) + struct.pack("<I", len(body) if length is None else length) + body


def f_ov(overlay, inner):
    """The overlay address overlay::inner; `inner` is one tagged value (or a bad tail on purpose)."""
    return bytes([T_ADDR, ADDR_OVERLAY]) + name(overlay) + inner


def in_layers(preds, packet):
    """preds[0](preds[1](...(packet))): nested tuples, outermost first."""
    for pred in reversed(preds):
        packet = f_tuple(pred, [packet])
    return packet


def recv_datagram(layers, inner_packet):
    """A message whose predicate is layers[0], holding layers[1:] and then inner_packet nested."""
    return message([in_layers(layers[1:], inner_packet)], pred=layers[0])


def recv_chain(count):
    """count recv predicates, cycling sr, up, fwd."""
    return [RECVS[i % len(RECVS)] for i in range(count)]


def got(frm, dest, seq):
    return f_tuple("got", [frm, dest, f_int(seq)])


def ip_text(port, host=LOOPBACK_HOST):
    return f"{host >> 24}.{(host >> 16) & 255}.{(host >> 8) & 255}.{host & 255}:{port}"


# ------------------------------------------------------------------ valid nesting

class Valid:
    """The valid datagrams of step 1, each with the row it must leave at A."""

    def __init__(self, src_port):
        self.frm = f_addr(src_port)
        self.frm_text = ip_text(src_port)
        self.items = []    # (label, payload)
        self.got = set()   # expected got rows
        self.prober = set()

    def add_got(self, label, layers, dest, dest_text, seq):
        self.items.append((label, recv_datagram(layers, got(self.frm, dest, seq))))
        self.got.add((self.frm_text, dest_text, seq))

    def add_prober(self, label, layers, n):
        self.items.append((label, recv_datagram(layers, f_tuple("prober", [f_int(n)]))))
        self.prober.add((n,))


def valid_nesting(src_port):
    v = Valid(src_port)
    v.add_got("up.recv(got(...))", ["up.recv"], f_addr(2), ip_text(2), 1)
    v.add_got("20 recv layers", recv_chain(20), f_addr(3), ip_text(3), 2)
    ron = f_ov("ron", f_ov("sr", f_list([f_addr(1), f_ov("fwd", f_id(0x10))])))
    v.add_got("Dest ron::sr::[...]", ["sr.recv", "up.recv"], ron,
              'ron::sr::["127.0.0.1:1", fwd::0x10I]', 3)
    long_name = "a" * 63 + "z"
    v.add_got("64-character overlay name", ["up.recv"], f_ov(long_name, f_ov("o.v_2", f_int(1))),
              f"{long_name}::o.v_2::1", 4)
    v.add_got("a tuple value inside an overlay address in got", ["sr.recv"],
              f_ov("x", f_tuple("prober", [f_int(7), f_str("s")])), 'x::prober(7, "s")', 9)
    # The deepest nesting allowed. The datagram's own tuple is no level; each
    # nested tuple, list and address is one, so got (with its addresses) fits
    # in at most 31 nested tuples and prober(int) in 32.
    v.add_prober(f"{MAX_NESTING} nested tuples (prober(int) innermost)",
                 recv_chain(MAX_NESTING), 132)
    v.add_got(f"{MAX_NESTING - 1} nested tuples (got innermost)", recv_chain(MAX_NESTING - 1),
              f_addr(4), ip_text(4), 5)
    v.add_got(f"{MAX_NESTING - 1}-deep overlay address in got", ["up.recv"],
              ov_chain(MAX_NESTING - 1), "x::" * (MAX_NESTING - 1) + "1", 6)
    v.add_got(f"{MAX_NESTING - 2} lists in an overlay address in got", ["up.recv"],
              f_ov("x", list_chain(MAX_NESTING - 2)),
              "x::" + "[" * (MAX_NESTING - 2) + "1" + "]" * (MAX_NESTING - 2), 7)
    return v


def ov_chain(depth, leaf=f_int(1)):
    return b"".join(f_ov("x", b"") for _ in range(depth)) + leaf


def list_chain(depth, leaf=f_int(1)):
    return (bytes([T_LIST]) + struct.pack("<I", 1)) * depth + leaf


# ------------------------------------------------------------------ malformed groups

def fits(payload):
    if HEADER_SIZE + len(payload) > MAX_DATAGRAM:
        raise AssertionError(f"test bug: a payload of {len(payload)} bytes does not fit in a datagram")
    return payload


def deepest_fitting(build, start):
    """The largest depth >= start for which build(depth) still fits in one datagram, and its payload."""
    per_level = len(build(start + 1)) - len(build(start))
    depth = start + (MAX_DATAGRAM - HEADER_SIZE - len(build(start))) // per_level
    return depth, fits(build(depth))


def deep_groups(frm):
    """Nestings thousands deep; all but the one-letter tuples would deliver got(frm, ..., 90x)
    if the decoder had no nesting limit."""
    def up_got(dest, seq):
        return message([got(frm, dest, seq)], pred="up.recv")

    def recv_tuples(depth):  # depth nested tuples: depth - 1 recv layers (7 bytes names), then got
        layers = [("up.recv", "sr.recv")[i % 2] for i in range(depth)]
        return recv_datagram(layers, got(frm, f_addr(9), 903))

    def letter_tuples(depth):  # one-letter predicates (the smallest tuple encoding)
        return message([in_layers(["a"] * (depth - 1), f_tuple("a", [f_int(1)]))], pred="up.recv")

    mixed = (bytes([T_LIST]) + struct.pack("<I", 1) + f_ov("x", b"")) * 5000 + f_int(1)
    ov_depth, ov_payload = deepest_fitting(lambda d: up_got(ov_chain(d), 902), 1000)
    tuple_depth, tuple_payload = deepest_fitting(recv_tuples, 1000)
    letter_depth, letter_payload = deepest_fitting(letter_tuples, 1000)
    return [
        ("10000 lists in an overlay address", [fits(up_got(f_ov("x", list_chain(10000)), 900))]),
        ("10000 alternating lists and overlay addresses", [fits(up_got(f_ov("x", mixed), 901))]),
        (f"{ov_depth}-deep overlay address (as deep as fits)", [ov_payload]),
        (f"{tuple_depth} nested recv tuples ending in got (as deep as fits)", [tuple_payload]),
        (f"{letter_depth} nested one-letter tuples (as deep as fits)", [letter_payload]),
    ]


def malformed_groups(sender, frm):
    """[(label, [datagram, ...], deep)]: each datagram must be counted once in stats.malformed,
    within DEEP_S when deep.

    They derive from up.recv(got(frm, 127.0.0.1:2, 666)); none may leave a row."""
    h = sender.next_header
    dest, seq = f_addr(2), 666
    fields = [frm, dest, f_int(seq)]

    def up(*packet_fields, pred="got", length=None, outer=b""):
        return h() + message([f_tuple(pred, list(packet_fields), length)], pred="up.recv") + outer

    body_len = len(f_tuple("got", fields)) - 5  # predicate name and fields
    full = up(*fields)
    truncations = [up(*fields)[:cut] for cut in range(len(full))]

    overlay_names = ["", "Ron", "RON", "rOn", "a" * 65, "r\u00f6n", b"\xff", b"ron\0",
                     "1ron", "_ron", ".ron", "ro-n", "ro n", "ron:"]
    groups = [
        ("every strict truncation of up.recv(got(...)) (0 bytes included)", truncations),
        ("nested tuple length longer than its bytes",
         [up(*fields, length=n) for n in (body_len + 1, body_len + 1000, 0xFFFFFFFF)]
         + [up(*fields, length=body_len + 1, outer=b"\x01"),   # takes the next byte: a cut int
            up(*fields, length=body_len + 1, outer=b"\x00")]),  # ... or tag 0
        ("nested tuple length shorter than its bytes",
         [up(*fields, length=n) for n in (body_len - 1, body_len - 8, 0, 3, 6)]
         + [up(*fields, length=body_len - 9)]),  # got(From, Dest) inside, then Seq trailing outside
        ("bad tags and values inside the nested tuple",
         [up(frm, dest, bytes([t]) + struct.pack("<q", seq)) for t in (0, 9, 255)]
         + [up(bytes([t]) + frm[1:], dest, f_int(seq)) for t in (0, 9, 200)]
         + [up(*fields, b"\x00"), up(*fields, f_bool(2)), up(*fields, f_bool(255))]
         + [up(bytes([T_ADDR, k]) + frm[2:], dest, f_int(seq)) for k in (3, 255)]
         + [h() + recv_datagram(["sr.recv", "up.recv", "fwd.recv"],
                                got(frm, dest, seq)[:-9] + bytes([42]) + struct.pack("<q", seq))]),
        ("nested tuple with an unknown predicate (dropped at unwrap)",
         [up(*fields, pred=p) for p in ("nosuch", "GOT", "Got", "gotx", "go", b"got\0", b"\xff",
                                        "up.recvx", "a" * 255)]
         + [h() + recv_datagram(["sr.recv", "up.recv"], f_tuple("nosuch", [f_int(1)]))]),
        ("nested got with the wrong arity (dropped at unwrap)",
         [up(), up(frm), up(frm, dest), up(*fields, f_int(1)),
          h() + recv_datagram(recv_chain(5), f_tuple("got", fields + [f_str("x")]))]),
        ("nested got with wrong field types (dropped at unwrap)",
         [up(frm, dest, f) for f in (f_str("666"), f_float(666.0), f_bool(1), f_id(666),
                                     f_list([f_int(666)]), f_tuple("got", fields), f_addr(666))]
         + [up(f, dest, f_int(seq)) for f in (f_int(1), f_str("hello"), f_id(1),
                                              f_list([frm]), f_tuple("got", fields))]
         + [up(frm, f_int(2), f_int(seq)), up(frm, f_ov("x", f_int(1)), f_float(1.5))]
         + [h() + recv_datagram(recv_chain(7), f_tuple("got", [frm, dest, f_str("666")]))]),
        ("an empty predicate name inside",
         [up(*fields, pred=""), up(pred=""),
          h() + recv_datagram(["up.recv", "sr.recv"], f_tuple("", fields)),
          h() + message([f_tuple("", [f_tuple("got", fields)])], pred="up.recv")]),
        # These tuples sit inside an overlay address that got stores, so they
        # are never unwrapped: only the decoder's eager check can reject them.
        ("malformed tuple values inside an overlay address in got",
         [up(frm, f_ov("x", t), f_int(seq)) for t in (
             f_tuple("", [f_int(1)]),                          # empty predicate name
             f_tuple("a" * 256, [f_int(1)]),                   # predicate name over 255 bytes
             f_tuple("prober", [bytes([0]) + bytes(8)]),       # unknown tag
             f_tuple("prober", [f_bool(2)]),                   # bad bool
             f_tuple("prober", [f_int(1)], length=10 + 9 - 1),  # shorter than its int
             f_tuple("prober", [f_int(1)] * 256),              # more than 255 fields
             f_tuple("prober", [f_ov("Bad", f_int(1))]),       # bad overlay name
             f_tuple("prober", [f_list([f_int(1)], count=3)]),  # list count beyond the tuple
         )]),
        (f"one level too deep: {MAX_NESTING + 1} nested tuples, "
         f"a {MAX_NESTING}-deep overlay address, {MAX_NESTING - 1} lists in one",
         [h() + recv_datagram(recv_chain(MAX_NESTING + 1), f_tuple("prober", [f_int(133)])),
          h() + recv_datagram(recv_chain(MAX_NESTING + 1), got(frm, dest, seq)),
          up(frm, ov_chain(MAX_NESTING), f_int(seq)),
          up(frm, f_ov("x", list_chain(MAX_NESTING - 1)), f_int(seq))]),
        ("bad overlay names inside the nested tuple",
         [up(frm, f_ov(n, f_int(1)), f_int(seq)) for n in overlay_names]
         + [up(frm, f_ov("ron", f_ov(n, f_addr(1))), f_int(seq)) for n in ("", "A", "a" * 65)]
         + [h() + message([frm, f_ov("Ron", f_int(1)), f_int(seq)], pred="got")]),
        ("overlay address with nothing after its name",
         [up(frm, f_ov("ron", b"")), up(frm, dest, f_ov("ron", b"")),
          up(frm, f_ov("ron", f_ov("sr", b""))),
          up(frm, f_ov("ron", b""), outer=f_int(seq)),  # the value is outside the tuple's bytes
          h() + message([frm, f_ov("ron", b"")], pred="got")]),
        ("list counts larger than the bytes left",
         [up(frm, f_ov("sr", f_list([f_addr(1), f_addr(2)], count=n)), f_int(seq))
          for n in (2 * 8 + 9 + 1, 1000, 0xFFFFFFFF)]  # 2 addresses and Seq hold 25 bytes
         + [up(frm, f_ov("sr", f_list([f_addr(1)], count=2)))]  # the tuple ends after 1 element
         + [h() + recv_datagram(recv_chain(4),
                                got(frm, f_ov("x", list_chain(5)[:-9] + f_list([], count=10)), seq))]),
    ]
    groups = [(label, datagrams, False) for label, datagrams in groups]
    for label, datagrams in deep_groups(frm):
        groups.append((label, [h() + d for d in datagrams], True))
    return groups


def send_malformed(a, sender, groups, base):
    """Sends each group in chunks; after each chunk stats.malformed must be exactly right."""
    expected = base
    for label, datagrams, deep in groups:
        print(f"  {len(datagrams):3d} x {label}", flush=True)
        start = 0
        while start < len(datagrams):
            chunk, size = [], 0
            while (start < len(datagrams) and len(chunk) < CHUNK
                   and (not chunk or size + len(datagrams[start]) <= CHUNK_BYTES)):
                chunk.append(datagrams[start])
                size += len(datagrams[start])
                start += 1
            sent_at = time.monotonic()
            for d in chunk:
                sender.sock.sendto(d, ("127.0.0.1", a.port))
            expected += len(chunk)
            wait_malformed(a, expected, label, chunk)
            elapsed = time.monotonic() - sent_at
            if deep and elapsed > DEEP_S:
                raise TestFailure(f"'{label}' ({size} bytes) took {elapsed:.1f} s to be rejected, "
                                  f"more than {DEEP_S} s")
    return expected


# ------------------------------------------------------------------ checks

def deliver(a, good, payload, what):
    """Sends payload reliably from `good` until A acks it."""
    datagram = good.next_header() + fits(payload)
    expect_ack(good.sock, a, datagram, good.incarnation, good.seq, what)


def main(args):
    with Cluster(args.node, "nested", keep=args.keep) as cluster:
        a = cluster.node(facts="send_now(nosuch::5).\n")
        a.start()

        # A's own tuples for nosuch::5 are unroutable, and not malformed.
        def unroutable_grows():
            stats = a.stats()
            return (stats["unroutable"] >= 4 and stats["malformed"] == 0,
                    f"unroutable {stats['unroutable']} (want >= 4), malformed {stats['malformed']} (want 0)")
        wait_until(unroutable_grows, WAIT_S, "A to count its got@nosuch::5 tuples as unroutable")

        good = Sender()
        bad = Sender()
        try:
            # 1. Valid nesting is delivered.
            valid = valid_nesting(good.sock.getsockname()[1])
            print(f"delivering {len(valid.items)} valid nested datagrams to {a}:", flush=True)
            for label, payload in valid.items:
                print(f"  {label} ({HEADER_SIZE + len(payload)} bytes)", flush=True)
                deliver(a, good, payload, label)
            wait_rows(a, "got", valid.got, WAIT_S, "the got rows of the valid nested datagrams at A")
            wait_rows(a, "prober", valid.prober, WAIT_S, "the prober row nested 32 deep at A")
            before, stats = a.snapshot()
            if stats["malformed"] != 0:
                raise TestFailure(f"valid nested datagrams were counted as malformed: {stats}")

            # 2. Malformed nesting is dropped and counted, each datagram once.
            groups = malformed_groups(bad, valid.frm)
            total = sum(len(d) for _, d, _ in groups)
            print(f"sending {total} malformed datagrams to {a}:", flush=True)
            expected = send_malformed(a, bad, groups, stats["malformed"])
            after, stats = a.snapshot()
            for table in sorted(set(before) | set(after)):
                expect_rows(table_rows(before, table), table_rows(after, table),
                            f"{table} after the malformed datagrams (must be unchanged)")

            # 3. Valid traffic keeps flowing, and A keeps counting its own unroutable tuples.
            final = recv_datagram(["fwd.recv", "sr.recv", "up.recv"],
                                  got(valid.frm, f_ov("ron", f_addr(5)), 8))
            deliver(a, good, final, "a valid datagram after the malformed ones")
            wait_rows(a, "got", valid.got | {(valid.frm_text, 'ron::"127.0.0.1:5"', 8)}, WAIT_S,
                      "the got row of the valid datagram sent after the malformed ones")
            unroutable = stats["unroutable"]
            wait_until(lambda: (a.stats()["unroutable"] > unroutable, f"unroutable {unroutable}"),
                       WAIT_S, "A's unroutable count to keep growing")
            final_stats = a.stats()
            if final_stats["malformed"] != expected:
                raise TestFailure(f"stats.malformed is {final_stats['malformed']} at the end, "
                                  f"expected {expected}")
            print(f"A at the end: {final_stats}", flush=True)
        finally:
            good.close()
            bad.close()


if __name__ == "__main__":
    run(main, parse_args(__doc__, seeded=False))
