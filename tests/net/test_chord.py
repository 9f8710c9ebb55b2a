#!/usr/bin/env python3
"""Chord (overlays/chord) with 32 node processes: ring, lookups, churn.

The expected ring is computed here from the live nodes (id = SHA-1 of
"IP:port", as in chord.moz):

1. All 32 nodes join through node 0; the test waits until every node's best
   successor and best predecessor are its true neighbours on the ring.
2. 1,000 lookups of random keys, each from a random node (inserted through the
   nodes' control endpoints as chord.query facts): every answer must be the
   true successor of its key.
3. Churn: 8 random nodes (not the landmark) are killed. The test measures how
   long until the ring is correct again among the 24 survivors and a batch of
   lookups is answered entirely and correctly, then runs 1,000 more lookups,
   all of which must be correct. The recovery time is printed.
"""

import hashlib
import random
import time

from harness import Cluster, TestFailure, parse_args, run, wait_until

NODES = 32
KILL = 8
LOOKUPS = 1000
RING = 2 ** 160
CONVERGE_S = 180
ANSWER_S = 60


def chord_id(addr):
    return int(hashlib.sha1(addr.encode()).hexdigest(), 16)


def id_of(text):
    return int(text[2:-1], 16)  # "0x1fI"


class Ring:
    def __init__(self, nodes):
        self.by_id = sorted((chord_id(n.addr), n) for n in nodes)

    def successor(self, key):
        for ident, n in self.by_id:
            if ident >= key:
                return n
        return self.by_id[0][1]

    def neighbours(self, node):
        ids = [i for i, _ in self.by_id]
        k = ids.index(chord_id(node.addr))
        return self.by_id[(k + 1) % len(ids)][1], self.by_id[k - 1][1]


def table(conn, name):
    return conn.check({"op": "dump", "table": name})["rows"]


def wrong_nodes(nodes, conns, ring):
    """The nodes whose best successor or best predecessor is not their true neighbour on `ring`."""
    wrong = []
    for n in nodes:
        succ, pred = ring.neighbours(n)
        bs = table(conns[n], "chord.bestSucc")
        bp = table(conns[n], "chord.bestPred")
        if [r[1] for r in bs] != [succ.addr] or [r[1] for r in bp] != [pred.addr]:
            wrong.append(n)
    return wrong


def wait_ring(nodes, conns, what, timeout=CONVERGE_S):
    ring = Ring(nodes)

    def check():
        wrong = wrong_nodes(nodes, conns, ring)
        return not wrong, f"{len(wrong)} of {len(nodes)} nodes do not have their true successor and predecessor yet"
    wait_until(check, timeout, what, interval=1.0)


def wait_no_dead_fingers(live, conns, dead, timeout):
    """Waits until no survivor routes through a stopped node: a lookup forwarded
    to one is lost (the overlay does not retry a lookup), so answering every
    lookup needs every finger fresh, not only a correct ring."""
    dead_addrs = {n.addr for n in dead}

    def check():
        stale = sum(1 for n in live for row in table(conns[n], "chord.finger") if row[2] in dead_addrs)
        return stale == 0, f"{stale} fingers of survivors still point at stopped nodes"
    wait_until(check, timeout, "fingers that avoid the stopped nodes", interval=1.0)


def lookups(nodes, conns, rng, count, first_qid):
    """Asks `count` lookups from random nodes; returns {qid: (node, key)}."""
    asked = {}
    per_node = {}
    for q in range(first_qid, first_qid + count):
        n = rng.choice(nodes)
        key = rng.getrandbits(160)
        asked[q] = (n, key)
        per_node.setdefault(n, []).append(f"chord.query({q}, 0x{key:x}I).")
    for n, facts in per_node.items():
        conns[n].check({"op": "insert", "facts": "\n".join(facts)})
    return asked


def collect(nodes, conns, asked, timeout):
    """Waits (bounded) for the answers; returns (correct, wrong, missing) counts and samples."""
    ring = Ring(nodes)
    answers = {}

    def check():
        for n in {n for n, _ in asked.values()}:
            for q, _k, _si, s in table(conns[n], "chord.answer"):
                if q in asked:
                    answers[q] = s
        return len(answers) == len(asked), f"{len(answers)} of {len(asked)} lookups answered"
    try:
        wait_until(check, timeout, "lookup answers", interval=0.5)
    except TestFailure:
        pass
    wrong = [(q, asked[q][1], s, ring.successor(asked[q][1]).addr) for q, s in answers.items()
             if s != ring.successor(asked[q][1]).addr]
    missing = [q for q in asked if q not in answers]
    return len(answers) - len(wrong), wrong, missing


def main(args):
    rng = random.Random(args.seed)
    with Cluster(args.node, "chord", keep=args.keep) as c:
        nodes = c.nodes(NODES, control=True)
        landmark = nodes[0]
        for n in nodes:
            n.facts = f'chord.landmark("{landmark.addr}").\n'
        c.start_all()
        conns = {n: n.connect() for n in nodes}
        start = time.monotonic()
        wait_ring(nodes, conns, f"a correct ring of {NODES} nodes")
        print(f"ring of {NODES} correct after {time.monotonic() - start:.1f} s")

        asked = lookups(nodes, conns, rng, LOOKUPS, 1)
        ok, wrong, missing = collect(nodes, conns, asked, ANSWER_S)
        if wrong or missing:
            raise TestFailure(f"{len(wrong)} wrong and {len(missing)} unanswered of {LOOKUPS} lookups; "
                              f"wrong (qid, key, got, want): {wrong[:5]}")
        print(f"{ok} of {LOOKUPS} lookups correct")

        victims = rng.sample(nodes[1:], KILL)
        for v in victims:
            v.stop()
            conns.pop(v).close()
        live = [n for n in nodes if n not in victims]
        killed_at = time.monotonic()
        wait_ring(live, conns, f"a correct ring of the {len(live)} survivors")
        ring_s = time.monotonic() - killed_at
        wait_no_dead_fingers(live, conns, victims, CONVERGE_S - ring_s)
        qid = LOOKUPS + 1
        while True:  # batches until one is answered entirely and correctly
            if time.monotonic() - killed_at > CONVERGE_S:
                raise TestFailure(f"lookups still wrong or unanswered {CONVERGE_S} s after the churn")
            batch = lookups(live, conns, rng, 100, qid)
            qid += 100
            ok, wrong, missing = collect(live, conns, batch, 10)
            if not wrong and not missing:
                break
        recovered_s = time.monotonic() - killed_at
        asked = lookups(live, conns, rng, LOOKUPS, qid)
        ok, wrong, missing = collect(live, conns, asked, ANSWER_S)
        if wrong or missing:
            raise TestFailure(f"after the churn: {len(wrong)} wrong and {len(missing)} unanswered of {LOOKUPS} "
                              f"lookups; wrong (qid, key, got, want): {wrong[:5]}")
        print(f"killed {KILL} of {NODES}: ring correct again after {ring_s:.1f} s, every lookup correct "
              f"after {recovered_s:.1f} s; then {ok} of {LOOKUPS} lookups correct")
        for conn in conns.values():
            conn.close()


if __name__ == "__main__":
    run(main, parse_args(__doc__))
