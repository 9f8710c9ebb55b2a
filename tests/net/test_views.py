#!/usr/bin/env python3
"""CViews between node processes (views.moz, with the stdlib ping view).

Ring nodes N0..N3 (next: N0 -> N1 -> N2 -> N3 -> N0) and a fifth node C.
N0 makes every call; expected answers are computed here:

* ping: N0 pings N1 and C every 0.5 s (40 rounds); the RTTs are plausible
  (0 < RTT < 1 s on loopback);
* remote call: N0 asks N1 to ping N2 (ping@N1(N1, N2, &R)), then calls
  where@N1, which answers with the address of the node it ran at: N1, in each
  of the 4 rounds; nested and remote: N0 calls closer@N1, whose rule calls
  ping at N1 and then where@N2; it answers the RTT, where it ran (N1) and
  where its own call ran (N2), in each of 4 rounds;
* chained calls (rule s1 of paper §4.5.2): lookup@N3(K, &A) finds the owner
  of key K in N3's table (only N3 has one), then label@A(K, &Name, &At) runs at
  that owner: exactly found(1, N1, "n1", N1) and found(2, N2, "n2", N2);
* recursive calls: walk(H) and walk2(H) return the node H steps along the
  ring (tail-recursive and not), for H in {0, 3, 5};
* several answers: gather (a multi view) returns each of N0's friends;
* timeout: once N0 has an answer from C, the test kills C's process; later
  pings of C end after the view's 2 s timeout with the default RTT -1.0 and a
  ping.timeout(N0, C) event;
* no leak: once every periodic has fired its last, every context table on
  every node is empty (calls answered or timed out).
"""

from harness import Cluster, TestFailure, parse_args, run, wait_until

WAIT_S = 60
PING_ROUNDS = 40


def context_rows(node):
    """{table: rows} for every non-empty CView context table of the node."""
    dump = node.dump()
    return {t: rows for t, rows in dump.items() if t.endswith("_ctx") and rows}


def main(args):
    with Cluster(args.node, "views", keep=args.keep) as c:
        ring = c.nodes(4)
        callee = c.node()
        n0, n1, n2, n3 = ring
        q = lambda n: f'"{n.addr}"'
        for i, n in enumerate(ring):
            n.facts = f"next({q(ring[(i + 1) % 4])}).\nname(\"n{i}\").\n"
        n0.facts += (f"peer({q(n1)}).\npeer({q(callee)}).\nvia({q(n1)}, {q(n2)}).\n"
                     f"hops(0).\nhops(3).\nhops(5).\n"
                     f"gatherer(1).\nfriend({q(n1)}).\nfriend({q(n2)}).\nfriend({q(n3)}).\n"
                     f"landmark({q(n3)}).\nkey(1).\nkey(2).\n")
        n3.facts += f"owner(1, {q(n1)}).\nowner(2, {q(n2)}).\n"
        c.start_all()

        # The callee answers; then it dies.
        def answered_by_callee():
            ok = [r for d, _e, r in n0.rows("rtt") if d == callee.addr and r >= 0]
            return bool(ok), f"rtt rows for C: {sorted(n0.rows('rtt'))[:6]}"
        wait_until(answered_by_callee, WAIT_S, "a ping answer from C")
        callee.stop()

        def timed_out():
            defaults = [e for d, e, r in n0.rows("rtt") if d == callee.addr and r == -1.0]
            events = (n0.addr, callee.addr) in n0.rows("timedout")
            return len(defaults) >= 2 and events, f"default rows {defaults}, ping.timeout seen: {events}"
        wait_until(timed_out, WAIT_S, "pings of the killed node C to time out with RTT -1.0 and ping.timeout")

        # Results, once every call has ended.
        def drained():
            for n in ring:
                left = context_rows(n)
                if left:
                    return False, f"{n} still holds contexts: " + ", ".join(f"{t}: {len(r)}" for t, r in left.items())
            rtts = [e for d, e, r in n0.rows("rtt") if d == n1.addr]
            return len(rtts) == PING_ROUNDS, f"{len(rtts)} of {PING_ROUNDS} pings of N1 ended"
        wait_until(drained, WAIT_S, "every call to end and every context table to empty")

        for d, e, r in n0.rows("rtt"):
            if d == n1.addr and not 0 < r < 1.0:
                raise TestFailure(f"implausible RTT {r} s from N0 to N1 (round {e})")
        relayed = n0.rows("relayed")
        if (len(relayed) != 4 or
                any((p, d, at) != (n1.addr, n2.addr, n1.addr) or not 0 < r < 1.0 for _e, p, d, r, at in relayed)):
            raise TestFailure(f"relayed: expected 4 rounds of ping@N1 towards N2 (RTT in (0, 1) s) and "
                              f"where@N1 answered by N1, got {sorted(relayed)}")
        nested = n0.rows("nested")
        if (len(nested) != 4 or
                any((p, d, at, pa) != (n1.addr, n2.addr, n1.addr, n2.addr) or not 0 < r < 1.0
                    for _e, p, d, r, at, pa in nested)):
            raise TestFailure(f"nested: expected 4 rounds of closer@N1 run at N1, its ping N1 -> N2 in "
                              f"(0, 1) s and its where@N2 answered by N2, got {sorted(nested)}")
        want_found = {(1, n1.addr, "n1", n1.addr), (2, n2.addr, "n2", n2.addr)}
        if n0.rows("found") != want_found:
            raise TestFailure(f"found (lookup@N3, then label@Owner): expected {sorted(want_found)}, "
                              f"got {sorted(n0.rows('found'))}")
        want_walk = {(h, ring[h % 4].addr) for h in (0, 3, 5)}
        for table in ("walked", "walked2"):
            if n0.rows(table) != want_walk:
                raise TestFailure(f"{table}: expected {sorted(want_walk)}, got {sorted(n0.rows(table))}")
        rounds = {}
        for e, w in n0.rows("gathered"):
            rounds.setdefault(e, set()).add(w)
        friends = {n1.addr, n2.addr, n3.addr}
        if len(rounds) != 2 or any(ws != friends for ws in rounds.values()):
            raise TestFailure(f"gather: expected each of 2 rounds to answer {sorted(friends)}, got {rounds}")
        ok = [r for d, _e, r in n0.rows("rtt") if d == n1.addr]
        print(f"ok: {len(ok)} pings of N1, median {sorted(ok)[len(ok) // 2] * 1e3:.2f} ms; "
              f"C timed out; walks, gather, remote, nested and chained calls right and where they "
              f"should run; contexts empty")


if __name__ == "__main__":
    run(main, parse_args(__doc__, seeded=False))
