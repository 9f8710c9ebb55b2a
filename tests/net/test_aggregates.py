#!/usr/bin/env python3
"""Table aggregates under inserts, key replacements and deletes (aggregates.moz).

One node with its control endpoint. Rounds of random operations on
item(Key, Group, Value) -- new rows, rows replacing a key's old row (and
moving it to another group), and deletes of present and absent keys -- are
inserted; after each round the node's min, max, count, sum and avg per group,
kept up to date row by row (inc*) and recomputed (rec*), must both equal what
this script computes from its own model of the item table. Groups that empty
must disappear. Run with --seed N to replay a failure.
"""

import random

from harness import Cluster, TestFailure, describe_diff, parse_args, run, wait_until
from test_chord import table

KEYS, GROUPS = 60, 5
ROUNDS, OPS = 15, 40
WAIT_S = 60


def expected_tables(items):
    """{table: set of rows} computed from {key: (group, value)}."""
    groups = {}
    for g, v in items.values():
        groups.setdefault(g, []).append(v)
    want = {
        "Min": {(g, min(vs)) for g, vs in groups.items()},
        "Max": {(g, max(vs)) for g, vs in groups.items()},
        "Count": {(g, len(vs)) for g, vs in groups.items()},
        "Sum": {(g, sum(vs)) for g, vs in groups.items()},
        "Avg": {(g, sum(vs) / len(vs)) for g, vs in groups.items()},
    }
    nonneg = sum(1 for _g, v in items.values() if v >= 0)
    want["All"] = {(0, nonneg)} if nonneg else set()
    return want


def round_ops(rng, items):
    """One round of random operations, applied to the model; returns the facts text.
    A round touches each key at most once: the node queues tuples per predicate,
    so an item(K, ...) and a del(K) inserted together may run in either order."""
    facts = []
    for k in rng.sample(range(KEYS), OPS):
        if rng.random() < 0.3:
            facts.append(f"del({k}).")  # absent keys too: a delete of nothing changes nothing
            items.pop(k, None)
        else:
            g, v = rng.randrange(GROUPS), rng.randint(-50, 50)
            facts.append(f"item({k}, {g}, {v}).")
            items[k] = (g, v)
    return "\n".join(facts)


def main(args):
    rng = random.Random(args.seed)
    with Cluster(args.node, "aggregates", keep=args.keep) as c:
        node = c.node(control=True)
        node.start()
        conn = node.connect()
        items = {}
        for n in range(ROUNDS):
            conn.check({"op": "insert", "facts": round_ops(rng, items)})
            want = expected_tables(items)

            def check():
                diffs = []
                for kind, rows in want.items():
                    for form in ("inc", "rec"):
                        got = {tuple(r) for r in table(conn, form + kind)}
                        if kind == "Avg":  # compare floats to the last bits a running sum may lose
                            got = {(g, round(a, 9)) for g, a in got}
                            rows = {(g, round(a, 9)) for g, a in rows}
                        diff = describe_diff(rows, got, form + kind)
                        if diff:
                            diffs.append(diff)
                return not diffs, "\n".join(diffs)
            wait_until(check, WAIT_S, f"the aggregates after round {n + 1}")
        print(f"{ROUNDS} rounds of {OPS} operations on {KEYS} keys in {GROUPS} groups: "
              f"incremental and recomputed aggregates agree with the model ({len(items)} rows at the end)")
        if not items:
            raise TestFailure("the model ended empty: the test would not show much")


if __name__ == "__main__":
    run(main, parse_args(__doc__))
