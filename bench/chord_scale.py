#!/usr/bin/env python3
"""Chord at scale on one machine: N Chord node processes on 127.0.0.1.

For each N (--nodes 64,128,256): starts N node processes of overlays/chord
(build/overlays/chord, one process and one UDP port per node) in batches, all
joining through the first, and records

  converge   seconds until every node's best successor and best predecessor
             are its true neighbours on the ring (computed here from the ids,
             SHA-1 of "IP:port", as tests/net/test_chord.py does)
  idle       over a --window of steady state without client lookups: datagrams
             and tuple messages (per predicate, from the nodes' stats) per node
             per second, and CPU (from /proc/PID/stat)
  memory     per node process: RSS, PSS and private (USS) memory from
             /proc/PID/smaps_rollup, mean and max
  lookups    --lookups random keys, each from a random node (chord.query through
             the control endpoint), checked against the true successor
  hops       the mean number of lookup forwarding messages (chord.lookup.init
             sent between nodes) per lookup, measured with the per-predicate
             message counters: those sent while the lookups ran, minus the
             background rate of the nodes' own finger and join lookups
             (measured in the idle window, per node-second); compared with
             1/2 log2 N. The distribution of hops is obtained by replaying each
             lookup over the finger and successor tables dumped right after.

Every wait is bounded; every process is stopped by its PID (tests/net/harness.py
Cluster). Loopback only. Results are printed as Markdown and with --json saved.
"""
import argparse
import collections
import json
import math
import os
import random
import statistics
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "net"))

from harness import Cluster, NodeDied, TestFailure  # noqa: E402
from test_chord import RING, Ring, chord_id, collect, id_of, lookups, table, wrong_nodes  # noqa: E402

CLK_TCK = os.sysconf("SC_CLK_TCK")
LOOKUP_INIT = "chord.lookup.init"  # a lookup call arriving at a node: one per forwarding hop


class BenchFailure(Exception):
    pass


# ---------------------------------------------------------------- /proc

def cpu_seconds(pid):
    """utime + stime of a process, in seconds."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def proc_values(path):
    """{key: first number} of a /proc file of "Key:  number ..." lines (status, meminfo, smaps_rollup)."""
    values = {}
    with open(path) as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 2 and parts[0].endswith(":") and parts[1].isdigit():
                values[parts[0][:-1]] = int(parts[1])
    return values


def memory_kib(pid):
    """Rss, Pss and private (Private_Clean + Private_Dirty) memory of a process, in KiB."""
    values = proc_values(f"/proc/{pid}/smaps_rollup")
    return {"rss": values.get("Rss", 0), "pss": values.get("Pss", 0),
            "private": values.get("Private_Clean", 0) + values.get("Private_Dirty", 0)}


def context_switches(pid):
    """Voluntary + involuntary context switches of a process so far (each wake-up from the event loop is one)."""
    values = proc_values(f"/proc/{pid}/status")
    return values.get("voluntary_ctxt_switches", 0) + values.get("nonvoluntary_ctxt_switches", 0)


def machine_cpu():
    """(busy, total) jiffies of the whole machine so far, from /proc/stat."""
    with open("/proc/stat") as f:
        fields = [int(x) for x in f.readline().split()[1:]]
    idle = fields[3] + fields[4]  # idle + iowait
    return sum(fields) - idle, sum(fields)


def threads(pid):
    return proc_values(f"/proc/{pid}/status").get("Threads", 0)


def mem_available_kib():
    return proc_values("/proc/meminfo").get("MemAvailable", 0)


def loadavg():
    with open("/proc/loadavg") as f:
        return [float(x) for x in f.read().split()[:3]]


# ---------------------------------------------------------------- measurement windows

def snapshot(nodes, conns):
    """Stats (from the control endpoint) and CPU seconds of every node, at about one time."""
    snap = {"at": time.monotonic(), "machine": machine_cpu(), "stats": {}, "cpu": {}, "switches": {}}
    for n in nodes:
        snap["stats"][n] = conns[n].check({"op": "stats"})["stats"]
        snap["cpu"][n] = cpu_seconds(n.pid)
        snap["switches"][n] = context_switches(n.pid)
    return snap


def delta(a, b, nodes):
    """What happened between snapshots a and b, summed over nodes."""
    busy, total = (y - x for x, y in zip(a["machine"], b["machine"]))
    d = {"node_s": 0.0, "wall_s": b["at"] - a["at"], "cpu_s": 0.0, "switches": 0, "machine_busy": busy / total,
         "sent": 0, "received": 0,
         "retransmits": 0, "messages": collections.Counter(), "received_messages": collections.Counter()}
    for n in nodes:
        sa, sb = a["stats"][n], b["stats"][n]
        d["node_s"] += sb["uptime_s"] - sa["uptime_s"]  # each node's own clock: no skew between reads
        d["cpu_s"] += b["cpu"][n] - a["cpu"][n]
        d["switches"] += b["switches"][n] - a["switches"][n]
        for k in ("sent", "received", "retransmits"):
            d[k] += sb[k] - sa[k]
        for pred, counts in sb.get("messages", {}).items():
            before = sa.get("messages", {}).get(pred, {"sent": 0, "received": 0})
            d["messages"][pred] += counts["sent"] - before["sent"]
            d["received_messages"][pred] += counts["received"] - before["received"]
    return d


# ---------------------------------------------------------------- hop replay

def in_half_open(key, lo, hi):
    """key in (lo, hi] on the ring; (n, n] is the whole ring."""
    if lo == hi:
        return True
    return 0 < (key - lo) % RING <= (hi - lo) % RING


def replay(start, key, state, limit=64):
    """(forwarding hops, answer) of a lookup from `start` for `key`, replayed over
    dumped tables with the rules of chord.moz's lookup view (l1-l4): answer if
    the key is in (us, successor], else forward to the finger closest before
    the key. None if the replay stalls (no successor, no usable finger, a loop)."""
    at, hops = start, 0
    while hops <= limit:
        me, succ, fingers = state[at]
        if succ is None:
            return None
        if in_half_open(key, me, chord_id(succ)):
            return hops, succ
        span = (key - me) % RING or RING  # (me, key) when key == me: all but me
        usable = [((key - fid) % RING, faddr) for fid, faddr in fingers if 0 < (fid - me) % RING < span]
        if not usable:
            return None
        at = min(usable)[1]
        if at not in state:
            return None
        hops += 1
    return None


def routing_state(nodes, conns):
    """{addr: (own id, best successor addr or None, [(finger id, finger addr)])} of every node."""
    state = {}
    for n in nodes:
        succ = [r[1] for r in table(conns[n], "chord.bestSucc")]
        fingers = [(id_of(r[1]), r[2]) for r in table(conns[n], "chord.finger")]
        state[n.addr] = (chord_id(n.addr), succ[0] if succ else None, fingers)
    return state


# ---------------------------------------------------------------- one ring

def landmark_fact(addr):
    return f'chord.landmark("{addr}").\n'


def start_node(cluster, facts_for):
    """Starts a new node with facts_for(node) and connects to its control
    endpoint. A node that could not bind its port (taken by another process
    since the harness saw it free) is replaced by one on another port.
    Returns (node, connection)."""
    for _ in range(5):
        node = cluster.node(control=True)
        node.facts = facts_for(node)
        node.start()
        try:
            return node, node.connect(timeout=60)
        except NodeDied:
            if "cannot bind" not in node.log_tail():
                raise
    raise BenchFailure("no free port for a node five times in a row")


def start_ring(cluster, count, batch, pause):
    """The landmark (a ring of one) first, then the other nodes in batches of
    `batch`, `pause` seconds apart; returns (nodes, {node: control connection})."""
    landmark, conn = start_node(cluster, lambda n: landmark_fact(n.addr))
    facts = landmark_fact(landmark.addr)
    nodes, conns = [landmark], {landmark: conn}
    others = cluster.nodes(count - 1, control=True)
    for i in range(0, len(others), batch):
        for n in others[i:i + batch]:
            n.facts = facts
            n.start()
        for n in others[i:i + batch]:
            try:
                conns[n] = n.connect(timeout=60)
            except NodeDied:
                if "cannot bind" not in n.log_tail():
                    raise
                n, conn = start_node(cluster, lambda _: facts)  # on another port
                conns[n] = conn
            nodes.append(n)
        if i + batch < len(others):
            time.sleep(pause)
    return nodes, conns


def converge(nodes, conns, t0, timeout, interval=1.0):
    """Polls until every node has its true successor and predecessor; returns
    [(seconds since t0, nodes not yet correct)] for every poll."""
    ring = Ring(nodes)
    series = []
    deadline = time.monotonic() + timeout
    while True:
        wrong = len(wrong_nodes(nodes, conns, ring))
        series.append((time.monotonic() - t0, wrong))
        if not wrong:
            return series
        if time.monotonic() >= deadline:
            raise BenchFailure(f"{wrong} of {len(nodes)} nodes still without their true successor and "
                               f"predecessor {timeout:g} s after the last start")
        time.sleep(interval)


def first_time(series, count, share):
    """Seconds until, at one poll, at least `share` of the `count` nodes were correct."""
    for t, wrong in series:
        if count - wrong >= share * count:
            return t
    return None


def run_ring(args, count, rng):
    r = {"nodes": count, "half_log2_n": 0.5 * math.log2(count)}
    available_before = mem_available_kib()
    with Cluster(args.node, f"chord-scale-{count}", keep=args.keep) as c:
        t0 = time.monotonic()
        nodes, conns = start_ring(c, count, args.batch, args.batch_pause)
        r["start_s"] = time.monotonic() - t0
        series = converge(nodes, conns, t0, args.converge_timeout, interval=max(1.0, count / 128))
        r["converge_series"] = series
        r["converge_s"] = series[-1][0]
        r["converge_50_s"] = first_time(series, count, 0.5)
        r["converge_90_s"] = first_time(series, count, 0.9)
        r["converge_after_last_start_s"] = r["converge_s"] - r["start_s"]
        print(f"  N={count}: ring correct {r['converge_s']:.1f} s after the first start "
              f"({r['converge_after_last_start_s']:.1f} s after the last)", flush=True)

        # Idle window: the overlay's own maintenance only, in sub-windows (their spread bounds the background error).
        time.sleep(args.settle)
        load_before = loadavg()
        snaps = [snapshot(nodes, conns)]
        for _ in range(args.subwindows):
            time.sleep(args.window / args.subwindows)
            snaps.append(snapshot(nodes, conns))
        idle = delta(snaps[0], snaps[-1], nodes)
        subs = [delta(a, b, nodes) for a, b in zip(snaps, snaps[1:])]
        r["load_during_idle"] = loadavg()
        r["load_before_idle"] = load_before
        r["idle_window_s"] = idle["wall_s"]
        per = idle["node_s"]
        r["datagrams_sent_per_node_s"] = idle["sent"] / per
        r["datagrams_received_per_node_s"] = idle["received"] / per
        r["retransmits_per_node_s"] = idle["retransmits"] / per
        r["messages_per_node_s"] = {p: v / per for p, v in sorted(idle["messages"].items())}
        r["maintenance_messages_per_node_s"] = sum(idle["messages"].values()) / per
        r["cpu_cores"] = idle["cpu_s"] / idle["wall_s"]
        r["cpu_per_node_pct"] = 100 * idle["cpu_s"] / per
        r["context_switches_per_node_s"] = idle["switches"] / per
        r["machine_busy_pct"] = 100 * idle["machine_busy"]
        background = idle["messages"][LOOKUP_INIT] / per
        sub_rates = [s["messages"][LOOKUP_INIT] / s["node_s"] for s in subs]
        r["background_lookup_init_per_node_s"] = background
        mem = [memory_kib(n.pid) for n in nodes]
        r["memory_kib"] = {k: {"mean": statistics.mean(m[k] for m in mem), "max": max(m[k] for m in mem)}
                           for k in ("rss", "pss", "private")}
        r["threads_per_node"] = max(threads(n.pid) for n in nodes)
        r["mem_available_drop_per_node_kib"] = (available_before - mem_available_kib()) / count

        # Lookups, in rounds: each gives a hop estimate from the counters.
        r["lookups"] = 0
        r["correct"] = r["wrong"] = r["missing"] = 0
        r["hop_rounds"] = []
        r["hops_replayed"] = collections.Counter()
        replay_stalled = replay_wrong = 0
        qid = 1
        for _ in range(args.rounds):
            before = snapshot(nodes, conns)
            asked = lookups(nodes, conns, rng, args.lookups, qid)
            qid += args.lookups
            ok, wrong, missing = collect(nodes, conns, asked, args.answer_timeout)
            after = snapshot(nodes, conns)
            d = delta(before, after, nodes)
            r["lookups"] += len(asked)
            r["correct"] += ok
            r["wrong"] += len(wrong)
            r["missing"] += len(missing)
            expected_background = background * d["node_s"]
            r["hop_rounds"].append({
                "lookups": len(asked), "window_s": d["wall_s"], "init_sent": d["messages"][LOOKUP_INIT],
                "background": expected_background,
                "hops": (d["messages"][LOOKUP_INIT] - expected_background) / len(asked),
                # the background's own spread over the idle sub-windows, scaled to this window
                "hops_err": statistics.pstdev(sub_rates) * d["node_s"] / len(asked) if len(sub_rates) > 1 else None,
            })
            state = routing_state(nodes, conns)
            ring = Ring(nodes)
            for n, key in asked.values():
                got = replay(n.addr, key, state)
                if got is None:
                    replay_stalled += 1
                    continue
                r["hops_replayed"][got[0]] += 1
                replay_wrong += got[1] != ring.successor(key).addr
        rounds = r["hop_rounds"]
        r["hops_measured"] = sum(x["hops"] * x["lookups"] for x in rounds) / r["lookups"]
        r["hops_measured_spread"] = ((min(x["hops"] for x in rounds), max(x["hops"] for x in rounds))
                                     if len(rounds) > 1 else None)
        replayed = r["hops_replayed"]
        total = sum(replayed.values())
        r["hops_replayed_mean"] = sum(h * k for h, k in replayed.items()) / total if total else None
        r["hops_replayed"] = dict(sorted(replayed.items()))
        r["replay_stalled"] = replay_stalled
        r["replay_wrong"] = replay_wrong
        r["load_after"] = loadavg()
        for conn in conns.values():
            conn.close()
    return r


# ---------------------------------------------------------------- report

def histogram(counts):
    total = sum(counts.values())
    return ", ".join(f"{h}: {100 * k / total:.1f}%" for h, k in sorted(counts.items())) if total else "-"


def print_results(results, args):
    print(f"\nmachine: {os.cpu_count()} cores; N Chord node processes on 127.0.0.1; "
          f"{args.lookups} lookups x {args.rounds} rounds per N; idle window {args.window:g} s\n")
    print("| N | start s | ring correct s: 50% / 90% / all nodes | lookups correct | hops, measured: mean (rounds) | "
          "hops, replayed | ½·log2 N |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in results:
        spread = r["hops_measured_spread"]
        spread = f" ({spread[0]:.2f}–{spread[1]:.2f})" if spread else ""
        print(f"| {r['nodes']} | {r['start_s']:.0f} | {r['converge_50_s']:.0f} / {r['converge_90_s']:.0f} / "
              f"{r['converge_s']:.0f} | {r['correct']:,} / {r['lookups']:,} | {r['hops_measured']:.2f}{spread} | "
              f"{r['hops_replayed_mean']:.2f} | {r['half_log2_n']:.1f} |")
    print("\nPer node, in the idle window (no client lookups):\n")
    print("| N | RSS MiB mean / max | PSS MiB mean | private MiB mean / max | datagrams sent /s | "
          "tuple messages sent /s | retransmits /s | context switches /s | CPU % | all nodes: cores | "
          "machine busy % | load 1 / 5 / 15 min |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
    for r in results:
        m = r["memory_kib"]
        print(f"| {r['nodes']} | {m['rss']['mean'] / 1024:.1f} / {m['rss']['max'] / 1024:.1f} | "
              f"{m['pss']['mean'] / 1024:.2f} | {m['private']['mean'] / 1024:.2f} / {m['private']['max'] / 1024:.2f} | "
              f"{r['datagrams_sent_per_node_s']:.1f} | {r['maintenance_messages_per_node_s']:.1f} | "
              f"{r['retransmits_per_node_s']:.2f} | {r['context_switches_per_node_s']:.0f} | "
              f"{r['cpu_per_node_pct']:.2f} | {r['cpu_cores']:.2f} | {r['machine_busy_pct']:.0f} | "
              f"{' / '.join(f'{x:.1f}' for x in r['load_during_idle'])} |")
    print("\nHops replayed over the dumped tables (share of lookups per number of forwarding hops):\n")
    for r in results:
        print(f"* N={r['nodes']}: {histogram(collections.Counter({int(k): v for k, v in r['hops_replayed'].items()}))}"
              f" (replay stalled {r['replay_stalled']}, replay answer wrong {r['replay_wrong']})")
    print("\nMaintenance tuple messages sent per node per second, by predicate (idle window):\n")
    preds = sorted({p for r in results for p in r["messages_per_node_s"]})
    print("| predicate | " + " | ".join(f"N={r['nodes']}" for r in results) + " |")
    print("| --- | " + " | ".join("---:" for _ in results) + " |")
    for p in preds:
        print(f"| {p} | " + " | ".join(f"{r['messages_per_node_s'].get(p, 0):.2f}" for r in results) + " |")
    print()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--node", default=os.path.join(ROOT, "build", "overlays", "chord"), help="the Chord node binary")
    ap.add_argument("--nodes", default="64,128,256", help="ring sizes, comma-separated (default: 64,128,256)")
    ap.add_argument("--lookups", type=int, default=1000, help="lookups per round (default: 1000)")
    ap.add_argument("--rounds", type=int, default=3, help="rounds of lookups per ring (default: 3)")
    ap.add_argument("--window", type=float, default=20, help="seconds of idle measurement (default: 20)")
    ap.add_argument("--subwindows", type=int, default=4, help="idle sub-windows, for the background's spread")
    ap.add_argument("--settle", type=float, default=5, help="seconds between convergence and the idle window")
    ap.add_argument("--batch", type=int, default=32, help="nodes started at once (default: 32)")
    ap.add_argument("--batch-pause", type=float, default=1.0, help="seconds between batches (default: 1)")
    ap.add_argument("--converge-timeout", type=float, default=300, help="seconds to wait for a correct ring")
    ap.add_argument("--answer-timeout", type=float, default=60, help="seconds to wait for a round's answers")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--json", help="also write the results to this file")
    ap.add_argument("--keep", action="store_true", help="keep the nodes' files (facts, logs, dumps)")
    args = ap.parse_args()
    if not os.access(args.node, os.X_OK):
        sys.exit(f"no Chord node binary at {args.node} (cmake --build build --target chord)")
    rng = random.Random(args.seed)
    results = []
    try:
        for count in (int(x) for x in args.nodes.split(",")):
            print(f"N={count}: starting (load {' '.join(f'{x:.2f}' for x in loadavg())})", flush=True)
            r = run_ring(args, count, rng)
            if r["wrong"] or r["missing"]:
                raise BenchFailure(f"N={count}: {r['wrong']} wrong and {r['missing']} unanswered of "
                                   f"{r['lookups']} lookups")
            results.append(r)
    except (TestFailure, BenchFailure) as e:
        sys.exit(f"chord_scale: {e}")
    print_results(results, args)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=2)
    return results


if __name__ == "__main__":
    main()
