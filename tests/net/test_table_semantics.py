#!/usr/bin/env python3
"""Table semantics (tables.moz) on node A, with node B sending A located facts.

Checks, each against values computed here from the facts this script writes:
soft-state expiry (rows appear, none leaves before its lifetime, all leave
after it), size eviction (the 3 most recent of 10 rows remain), eviction by
value (evict max: the 2 cheapest offers remain, dearer ones never enter), a count-limited
periodic (exactly 5 firings), key replacement, count/max/sum aggregates over a
table with replaced rows, a delete rule triggered by event facts and the
aggregates that must follow it, and located facts delivered to their node.
"""

import time

from harness import (Cluster, TestFailure, describe_diff, expect_rows, mozlog_string,
                     parse_args, run, table_rows, wait_rows, wait_until)

WAIT_S = 60

# Must match tables.moz.
BLIP_LIFETIME_S, BLIP_COUNT = 4.0, 4
RECENT_MAX, TICKS = 3, 10
FIRED_PERIOD_S, FIRED_COUNT = 0.3, 5

# Slack for comparing the node's insertion times (f_now()) with this process's
# clock: rows younger than lifetime - EARLY_SLACK must still be present, and
# the table must be empty within lifetime + LATE_SLACK of the last insertion.
EARLY_SLACK_S, LATE_SLACK_S = 1.0, 8.0

CFG_FACTS = [("a", 1), ("a", 2), ("b", 5)]  # cfg keys(1): ("a", 2) replaces ("a", 1)

SCORE_FACTS = [  # score(name, team, points), keys(1)
    ("ann", "red", 5), ("bob", "red", 3), ("cid", "blue", 7), ("dee", "blue", 2),
    ("eve", "green", 11),
    ("ann", "red", 12),   # replaces ann's 5
    ("bob", "blue", 4),   # bob moves from red to blue
    ("fay", "red", -6),
]

ITEM_FACTS = [  # item(key, group, value), keys(1)
    ("k1", "g1", 10), ("k2", "g1", 50), ("k3", "g1", 30),
    ("k4", "g2", 7), ("k5", "g2", 3), ("k6", "g2", 9),
]
KILLS = ["k2", "k5", "nosuch"]  # k2 is g1's maximum; "nosuch" matches nothing

OFFER_FACTS = [("p", 40), ("q", 10), ("r", 30), ("s", 50), ("t", 20), ("q", 60)]  # offer(name, cost)
CHEAPEST_MAX = 2  # cheapest: size 2, keys(1), evict max(2)


def evict_max(rows, size):
    """A table keyed on field 0 of `size` rows that evicts the greatest field 1
    (ties: the oldest): what it holds, and every row it ever admitted."""
    table, admitted = {}, set()
    for name, cost in rows:
        table.pop(name, None)  # key replacement keeps the table's size
        table[name] = cost     # dicts keep insertion order: oldest first
        if len(table) > size:
            victim = max(table, key=lambda n: table[n])  # first (oldest) of the greatest
            del table[victim]
            if victim == name:
                continue
        admitted.add((name, cost))
    return {(n, c) for n, c in table.items()}, admitted


def literal(v):
    return mozlog_string(v) if isinstance(v, str) else str(v)


def facts_text(pred, rows):
    return "".join(f"{pred}({', '.join(literal(v) for v in row)}).\n" for row in rows)


def by_key(rows):
    """What a table keyed on the first field holds after inserting rows in order."""
    table = {}
    for row in rows:
        table[row[0]] = row
    return set(table.values())


def aggregates(rows, group, value):
    """{group: (count, max, sum)} over rows."""
    out = {}
    for row in rows:
        values = out.setdefault(row[group], [])
        values.append(row[value])
    return {g: (len(v), max(v), sum(v)) for g, v in out.items()}


def wait_table(node, table, expected, what=None):
    wait_rows(node, table, expected, WAIT_S, what)


# ------------------------------------------------------------------ checks

def check_soft_state(a):
    """blip rows appear, never leave before their lifetime, and all leave after it."""
    def observe():
        before = time.time()
        dump = a.dump()
        after = time.time()
        blip, log = table_rows(dump, "blip"), table_rows(dump, "blipLog")
        for _, t in log:
            if abs(t - before) > 3600:
                raise TestFailure(f"blip time {t} is not near the wall clock {before}: "
                                  "f_now() must be seconds since the epoch")
        early = sorted(r for r in log if r not in blip and after - r[1] < BLIP_LIFETIME_S - EARLY_SLACK_S)
        if early:
            raise TestFailure(f"blip rows expired early (lifetime {BLIP_LIFETIME_S} s): {early} "
                              f"missing at {before:.2f}-{after:.2f}")
        return blip, log, after

    def appeared():
        blip, log, _ = observe()
        return bool(blip), f"blip {sorted(blip)}, blipLog {sorted(log)}"
    wait_until(appeared, WAIT_S, "blip rows to appear")

    def all_expired():
        blip, log, after = observe()
        ok = len(log) == BLIP_COUNT and not blip
        if ok:
            late = after - max(t for _, t in log)
            if late > BLIP_LIFETIME_S + LATE_SLACK_S:
                raise TestFailure(f"blip rows outlived their {BLIP_LIFETIME_S} s lifetime: the "
                                  f"table emptied {late:.1f} s after the last insertion")
        return ok, f"blip {sorted(blip)}, blipLog {sorted(log)} (want {BLIP_COUNT} logged, none left)"
    wait_until(all_expired, WAIT_S, f"all {BLIP_COUNT} blip rows to be inserted and to expire")


def check_eviction(a):
    """recent (max 3 rows) keeps the 3 most recently inserted of the 10 ticks."""
    def check():
        dump = a.dump()
        log, recent = table_rows(dump, "evLog"), table_rows(dump, "recent")
        if len(log) != TICKS:
            return False, f"evLog has {len(log)} of {TICKS} rows; recent {sorted(recent)}"
        newest = set(sorted(log, key=lambda r: r[1])[-RECENT_MAX:])
        diff = describe_diff(newest, recent, "recent vs the 3 newest evLog rows")
        return not diff, diff
    wait_until(check, WAIT_S, f"recent to hold the {RECENT_MAX} newest of {TICKS} ticks")


def check_periodic_count(a):
    """fired gets exactly FIRED_COUNT rows, and no more after the timer would have fired again."""
    wait_until(lambda: (len(a.rows("fired")) >= FIRED_COUNT, f"fired {sorted(a.rows('fired'))}"),
               WAIT_S, f"{FIRED_COUNT} rows in fired")
    settle = FIRED_PERIOD_S * FIRED_COUNT + 2.0
    wait_until(lambda: a.stats()["uptime_s"] >= settle, WAIT_S, f"node uptime of {settle} s")
    fired = a.rows("fired")
    if len(fired) != FIRED_COUNT:
        raise TestFailure(f"periodic(E, {FIRED_PERIOD_S}, {FIRED_COUNT}) fired {len(fired)} times: "
                          f"{sorted(fired)}")


def check_tables(a, b):
    wait_table(a, "cfg", by_key(CFG_FACTS), "key replacement in cfg")

    scores = by_key(SCORE_FACTS)
    wait_table(a, "score", scores)
    agg = aggregates(scores, group=1, value=2)
    wait_table(a, "teamCount", {(g, c) for g, (c, _, _) in agg.items()})
    wait_table(a, "teamMax", {(g, m) for g, (_, m, _) in agg.items()})
    wait_table(a, "teamSum", {(g, s) for g, (_, _, s) in agg.items()})

    items = by_key(ITEM_FACTS)
    kept = {row for row in items if row[0] not in KILLS}
    wait_table(a, "item", kept, "the delete rule to remove exactly the killed items")
    wait_table(a, "itemLog", items, "itemLog to show every item was inserted")
    agg = aggregates(kept, group=1, value=2)
    wait_table(a, "groupMax", {(g, m) for g, (_, m, _) in agg.items()}, "groupMax after deletes")
    wait_table(a, "groupCount", {(g, c) for g, (c, _, _) in agg.items()}, "groupCount after deletes")
    wait_table(a, "groupSum", {(g, s) for g, (_, _, s) in agg.items()}, "groupSum after deletes")

    cheapest, admitted = evict_max(OFFER_FACTS, CHEAPEST_MAX)
    wait_table(a, "cheapest", cheapest, "cheapest to hold the 2 lowest-cost offers (evict max)")
    wait_table(a, "cheapLog", by_key(sorted(admitted, key=OFFER_FACTS.index)),
               "cheapLog: offers that were admitted to cheapest, never the rejected ones")

    notes = {(a.addr, "x"), (a.addr, "y"), (a.addr, "z")}
    wait_table(a, "note", notes, "B's located note facts to reach A")
    wait_table(a, "noteCount", {(a.addr, len(notes))})
    dump = b.dump()
    expect_rows(set(), table_rows(dump, "note"), f"{b} note (B's facts belong to A)")
    expect_rows(set(), table_rows(dump, "noteCount"), f"{b} noteCount")


def main(args):
    with Cluster(args.node, "tables", keep=args.keep) as cluster:
        a, b = cluster.nodes(2)
        a.facts = (facts_text("cfg", CFG_FACTS) + facts_text("score", SCORE_FACTS)
                   + facts_text("item", ITEM_FACTS) + facts_text("offer", OFFER_FACTS)
                   + facts_text("kill", [(k,) for k in KILLS])  # after the items they delete
                   + facts_text("note", [(a.addr, "z")]))
        b.facts = facts_text("note", [(a.addr, "x"), (a.addr, "y")])
        a.start()
        b.start()

        check_soft_state(a)  # first: the rows exist only during the first seconds
        check_eviction(a)
        check_periodic_count(a)
        check_tables(a, b)


if __name__ == "__main__":
    run(main, parse_args(__doc__, seeded=False))
