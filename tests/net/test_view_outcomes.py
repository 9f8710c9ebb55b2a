#!/usr/bin/env python3
"""How CView calls end (view_outcomes.moz): node A calls, node B answers.

* Two answers: two(K, &Y) answers every call twice at once; each of A's 3
  calls resumes its caller exactly once (3 rows in `resumed`, one per K).
* An answer and the expiry together: A calls held@B(K, &Y) 3 times; B holds
  the calls. The test stops A's process (SIGSTOP), releases the answers at B,
  waits until B has sent them and the calls are past their 3 s timeout (but
  not their context rows' 6 s lifetime), and lets A go on (SIGCONT): A then
  finds the answers and the expiry due at once. Each call must end once:
  either with its answer (Y = K, no held.timeout) or timed out (Y = -1 and one
  held.timeout(K)), never both.
* A bound on waiting calls: hold(K, &Y) has pending(3) and answers only when
  the test inserts free(K). Of 5 calls made together, 3 wait (3 context rows,
  3 calls held by the view) and 2 fail at once, long before the 20 s timeout:
  r4 resumes with the default Y = -1 and hold.timeout(K) fires, once each,
  and stats.calls_rejected is 2. Once freed, the 3 waiting calls are answered
  (Y = K); the refused ones never reached the view.
* A bound result variable is a filter: with probe(21, 21), probe(22, 5) and
  probe(23, 23), rule r6 (`probe(K, Y), same(K, &Y)`, same answers K) resumes
  for 21 and 23 only; r7 (`probe(K, Y), mute(K, &Y)`, never answered,
  default 23) resumes for 23 only.
* At the end every context table on A is empty.
"""

import os
import signal
import time

from harness import Cluster, TestFailure, parse_args, run, wait_until

WAIT_S = 60
KEYS = (1, 2, 3)
HELD_TIMEOUT_S = 3.0  # view held: timeout(3); its context rows live twice that


def tables(dump, suffix):
    """{table: rows} of the dump's non-empty tables whose name ends with suffix
    (view instances and call sites get prefixes with --cview-opt=inline)."""
    return {t: rows for t, rows in dump.items() if t.endswith(suffix) and rows}


def rows_by_key(node, table):
    """{K: [row without its fresh id, ...]} of a table whose rows are (I, K, ...)."""
    out = {}
    for row in node.rows(table):
        out.setdefault(row[1], []).append(row[2:])
    return out


PROBES = ((21, 21), (22, 5), (23, 23))


def result_filter(a):
    def ended():
        left = {**tables(a.dump(), "r6_call1_ctx"), **tables(a.dump(), "r7_call1_ctx")}
        return not left and a.rows("muted"), f"contexts left {left}, muted {a.rows('muted')}"
    wait_until(ended, WAIT_S, "the calls of same() and mute() to end")
    got = {t: sorted(k for _, k in a.rows(t)) for t in ("matched", "muted")}
    want = {"matched": [21, 23], "muted": [23]}
    if got != want:
        raise TestFailure(f"a result bound before the call must filter answers and defaults: "
                          f"expected resumptions {want}, got {got}")


def two_answers(a):
    with a.connect() as c:
        c.check({"op": "insert", "facts": "".join(f"ask({k}).\n" for k in KEYS)})

    def ended():
        left = tables(a.dump(), "r1_call1_ctx")
        got = rows_by_key(a, "resumed")
        return not left and set(got) == set(KEYS), f"contexts left {left}, resumed {got}"
    wait_until(ended, WAIT_S, "every call of two() to end and resume r1")
    got = rows_by_key(a, "resumed")
    for k in KEYS:
        if len(got[k]) != 1 or got[k][0][0] not in (10 * k, 10 * k + 1):
            raise TestFailure(f"two({k}) answered twice at once: expected r1 to resume once with "
                              f"{10 * k} or {10 * k + 1}, got {got[k]}")


def pending_bound(a):
    wanted = (11, 12, 13, 14, 15)
    with a.connect() as c:
        c.check({"op": "insert", "facts": "".join(f"want({k}).\n" for k in wanted)})

    def settled():
        dump, stats = a.snapshot()
        waiting = [r for rows in tables(dump, "r4_call1_ctx").values() for r in rows]
        held = [r for rows in tables(dump, "hold.Held").values() for r in rows]
        kept = [r[1:] for r in dump.get("kept", [])]
        refused = [r[1] for r in dump.get("refused", [])]
        state = (f"waiting {len(waiting)}, held by the view {len(held)}, r4 resumed {kept}, "
                 f"hold.timeout {refused}, calls_rejected {stats['calls_rejected']}")
        return (len(waiting) == 3 and len(held) == 3 and len(kept) == 2 and len(refused) == 2
                and stats["calls_rejected"] == 2), state
    wait_until(settled, WAIT_S, "3 calls of hold() to wait and 2 to fail at once")
    refused_keys = {k for k, y in ((r[1], r[2]) for r in a.rows("kept")) if y == -1}
    if len(refused_keys) != 2 or sorted(refused_keys) != sorted(k for _, k in a.rows("refused")):
        raise TestFailure(f"the 2 refused calls must resume with Y = -1 and raise hold.timeout once each: "
                          f"kept {sorted(a.rows('kept'))}, refused {sorted(a.rows('refused'))}")

    with a.connect() as c:
        c.check({"op": "insert", "facts": "".join(f"free({k}).\n" for k in wanted)})

    def answered():
        return not tables(a.dump(), "r4_call1_ctx") and len(a.rows("kept")) == len(wanted), \
            f"kept {sorted(a.rows('kept'))}"
    wait_until(answered, WAIT_S, "the 3 waiting calls of hold() to be answered")
    got = rows_by_key(a, "kept")
    want = {k: [(-1,)] if k in refused_keys else [(k,)] for k in wanted}
    if got != want or a.stats()["calls_rejected"] != 2 or len(a.rows("refused")) != 2:
        raise TestFailure(f"hold(): expected r4 to resume once per call with {want}, got {got}; "
                          f"hold.timeout {sorted(a.rows('refused'))}, stats {a.stats()}")


def answer_and_expiry(a, b):
    with a.connect() as c:
        c.check({"op": "insert", "facts": "".join(f"go({k}).\n" for k in KEYS)})

    def held():
        rows = [r for rows in tables(b.dump(), "held.Held").values() for r in rows]
        return len(rows) == len(KEYS), f"B holds {rows}"
    wait_until(held, WAIT_S, "B to hold every call of held()")
    ctx = [r for rows in tables(a.dump(), "r2_call1_ctx").values() for r in rows]
    if len(ctx) != len(KEYS):
        raise TestFailure(f"A should have {len(KEYS)} pending calls of held(), has {ctx}")
    started = max(r[-1] for r in ctx)  # the context rows' f_now(): wall clock seconds
    lifetime_end = min(r[-1] for r in ctx) + 2 * HELD_TIMEOUT_S

    os.kill(a.pid, signal.SIGSTOP)  # only A's own process
    try:
        with b.connect() as c:
            c.check({"op": "insert", "facts": "".join(f"release({k}).\n" for k in KEYS)})

        def answered():
            sent = sum(n["sent"] for p, n in b.stats()["messages"].items() if p.endswith("held.return"))
            return sent == len(KEYS), f"B sent {sent} answers"
        wait_until(answered, WAIT_S, "B to send the answers of held()")
        due = started + HELD_TIMEOUT_S + 0.5  # past the timeout: the next sweep expires the calls
        if time.time() < due:
            time.sleep(due - time.time())   # a deadline on the clock, not a guess
        if time.time() > lifetime_end - 0.5:
            raise TestFailure("the machine was too slow to resume A before the context rows' "
                              "lifetime ended; nothing was tested")
    finally:
        os.kill(a.pid, signal.SIGCONT)

    def ended():
        left = tables(a.dump(), "r2_call1_ctx")
        got = rows_by_key(a, "echoed")
        return not left and set(got) == set(KEYS), f"contexts left {left}, echoed {got}"
    wait_until(ended, WAIT_S, "every call of held() to end")
    got, late = rows_by_key(a, "echoed"), rows_by_key(a, "late")
    outcomes = {}
    for k in KEYS:
        results = sorted(y for (y,) in got[k])
        timeouts = len(late.get(k, []))
        if results not in ([k], [-1]) or timeouts != (results == [-1]):
            raise TestFailure(f"held({k}) must end once, answered (Y={k}) or timed out (Y=-1, one "
                              f"held.timeout): r2 resumed with {results}, held.timeout fired {timeouts} times")
        outcomes[k] = "answer" if results == [k] else "timeout"
    return outcomes


def main(args):
    with Cluster(args.node, "view_outcomes", keep=args.keep) as c:
        a = c.node(control=True)
        b = c.node(control=True)
        a.facts = (f'callee("{b.addr}").\n' +
                   "".join(f"pair({k}, {10 * k}).\npair({k}, {10 * k + 1}).\n" for k in KEYS) +
                   "".join(f"probe({k}, {y}).\n" for k, y in PROBES))
        c.start_all()
        two_answers(a)
        result_filter(a)
        pending_bound(a)
        outcomes = answer_and_expiry(a, b)
        left = tables(a.dump(), "_ctx")
        if left:
            raise TestFailure(f"context tables left on A: {left}")
        print(f"ok: two answers resume once; bound results filter; pending(3) refuses 2 of 5 calls at once; "
              f"answer and expiry together end each call once {outcomes}")


if __name__ == "__main__":
    run(main, parse_args(__doc__, seeded=False))
