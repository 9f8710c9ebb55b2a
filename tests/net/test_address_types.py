#!/usr/bin/env python3
"""Overlay addresses whose inner value has the wrong type, at run time (overlays.moz).

Why: mozc rejects fwd::"alice" written in a program (fwd's nodes are ids, the
first field of fwd.send), but an address is a runtime-typed value: one read
from a facts file, or from a datagram (a source route's hops), can name a node
of fwd by a string or a node of up (whose nodes are names) by an int. Such a
tuple must be dropped and counted as unroutable -- not malformed, it decoded
fine -- without crashing the node or disturbing valid traffic.

Nodes A and B are members of fwd (ids 0x10I and 0x80I) and nodes of up ("a"
and "b"). A's facts hold

* send_now(fwd::"alice") and send_now(up::5): A sends got(...) to each every
  0.25 s; stats.unroutable at A must grow while stats.malformed stays 0;
* send_to(fwd::0x80I), send_to(up::"b"): valid traffic to B, which must keep
  arriving throughout.

Then, from a plain UDP socket, reliable datagrams to B (which has no bad
traffic of its own, so its counters are exact): sr.send([fwd::"alice"], got),
sr.send([up::5], got) and sr.send([sr::[fwd::"alice"]], got) (the bad hop one
overlay deeper) must each be acked and raise B's unroutable by exactly one;
localAddr("127.0.0.1:1") -- an attempt to tell B its own address -- must be
counted as malformed and leave B's localAddr alone; sr.send([fwd::0x80I], got)
and sr.send([up::"b"], got) name B itself and must be delivered there as got
rows. At the end A and B are alive and A's valid tuples still reach B.
"""

from harness import Cluster, TestFailure, parse_args, run, table_rows, wait_until
from test_malformed_datagrams import Sender, expect_ack, f_addr, f_id, f_int, f_list, f_str, message
from test_nested_packets import f_ov, f_tuple, ip_text

WAIT_S = 30
ID_A, ID_B = 0x10, 0x80
WRONG = ['fwd::"alice"', "up::5"]  # as A's facts write them, and as its got rows dump them


def facts(ident, name, peers, extra=""):
    return (f"fwd.localAddr(0x{ident:x}I).\nup.localAddr(\"{name}\").\n" +
            "".join(f'fwd.seed("{p}").\n' for p in peers) + extra)


def valid_from_a(b, a):
    """How many valid got tuples from A have reached B (by fwd and by up)."""
    return len([r for r in b.rows("got") if r[0] == a.addr and r[1] in ("fwd::0x80I", 'up::"b"')])


def main(args):
    with Cluster(args.node, "address-types", keep=args.keep) as cluster:
        a = cluster.node()
        b = cluster.node()
        a.facts = facts(ID_A, "a", [b.addr], "want_members(2).\n" +
                        f'up.route("b", "{b.addr}").\n' +
                        "".join(f"send_now({w}).\n" for w in WRONG) +
                        'send_to(fwd::0x80I).\nsend_to(up::"b").\n')
        b.facts = facts(ID_B, "b", [a.addr])
        cluster.start_all()

        # From facts: A's wrongly typed addresses are unroutable, the valid ones reach B.
        def a_counts():
            stats = a.stats()
            ok = stats["unroutable"] >= 8 and stats["malformed"] == 0 and valid_from_a(b, a) >= 6
            return ok, f"A: {stats['unroutable']} unroutable (want >= 8), {stats['malformed']} malformed " \
                       f"(want 0); valid tuples from A at B: {valid_from_a(b, a)} (want >= 6)"
        wait_until(a_counts, WAIT_S, "A's wrongly addressed tuples counted, its valid ones at B")
        stray = [r for r in a.rows("got") | b.rows("got") if r[1] in WRONG]
        if stray:
            raise TestFailure(f"tuples addressed to a wrongly typed address were delivered: {stray}")

        # From datagrams: a source route whose hop has the wrong inner type.
        sender = Sender()
        try:
            port = sender.sock.getsockname()[1]
            frm = f_addr(port)

            def got(seq):
                return f_tuple("got", [frm, f_addr(9), f_int(seq)])

            def deliver(payload, what):
                datagram = sender.next_header() + payload
                expect_ack(sender.sock, b, datagram, sender.incarnation, sender.seq, what)

            bad_hops = [("fwd::\"alice\"", f_ov("fwd", f_str("alice"))), ("up::5", f_ov("up", f_int(5))),
                        ("sr::[fwd::\"alice\"]", f_ov("sr", f_list([f_ov("fwd", f_str("alice"))])))]
            for seq, (label, hop) in enumerate(bad_hops, start=1):
                before = b.stats()
                deliver(message([f_list([hop]), got(seq)], pred="sr.send"), f"sr.send([{label}], got)")

                def counted(before=before):
                    now = b.stats()
                    if now["unroutable"] > before["unroutable"] + 1:
                        raise TestFailure(f"B counted sr.send([{label}], ...) more than once: {now}")
                    return (now["unroutable"] == before["unroutable"] + 1 and now["malformed"] == before["malformed"],
                            f"B: unroutable {now['unroutable']} (was {before['unroutable']}), "
                            f"malformed {now['malformed']} (was {before['malformed']})")
                wait_until(counted, WAIT_S, f"B to count sr.send([{label}], ...) as unroutable, once")
                print(f"  sr.send([{label}], got): unroutable at B", flush=True)

            # No other node can tell B what its IP address is.
            before = b.stats()
            deliver(message([f_addr(1)], pred="localAddr"), "localAddr(127.0.0.1:1)")
            wait_until(lambda: (b.stats()["malformed"] == before["malformed"] + 1, f"B: {b.stats()}"),
                       WAIT_S, "B to count localAddr from the network as malformed")
            if table_rows(b.dump(), "localAddr") != {(b.addr,)}:
                raise TestFailure(f"B's localAddr changed: {table_rows(b.dump(), 'localAddr')}")

            # Hops that are B's own overlay addresses: delivered at B.
            deliver(message([f_list([f_ov("fwd", f_id(ID_B))]), got(10)], pred="sr.send"), "sr.send([fwd::0x80I], got)")
            deliver(message([f_list([f_ov("up", f_str("b"))]), got(11)], pred="sr.send"), 'sr.send([up::"b"], got)')
            want = {(ip_text(port), ip_text(9), 10), (ip_text(port), ip_text(9), 11)}

            def delivered():
                have = {r for r in b.rows("got") if r[0] == ip_text(port)}
                if have - want:
                    raise TestFailure(f"B delivered source-routed tuples it could not route: {sorted(have - want)}")
                return have == want, f"B holds {sorted(have)} of {sorted(want)}"
            wait_until(delivered, WAIT_S, "the got rows of the source routes that end at B's own addresses")
        finally:
            sender.close()

        # Valid traffic kept flowing, and nothing was dropped where it should not be.
        seen = valid_from_a(b, a)
        wait_until(lambda: (valid_from_a(b, a) > seen, f"{valid_from_a(b, a)} valid tuples from A at B"),
                   WAIT_S, "A's valid tuples to keep reaching B")
        for n in (a, b):
            n.check_alive()
        if b.stats()["malformed"] != 1:
            raise TestFailure(f"B counted malformed input other than the localAddr datagram: {b.stats()}")
        print(f"A at the end: {a.stats()}\nB at the end: {b.stats()}", flush=True)


if __name__ == "__main__":
    run(main, parse_args(__doc__, seeded=False))
