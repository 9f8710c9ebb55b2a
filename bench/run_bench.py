#!/usr/bin/env python3
"""MOSAIC benchmarks (one node, no network; bounded in time).

  join     derivations/s through a 2-way indexed join (bench/join.moz)
  tc       derivations/s of transitive closure over a 1,000-node random graph
           (bench/tc.moz); the closure size is checked against a BFS
  agg      rows/s absorbed by table aggregates (min, count, sum per group and
           a total count) kept up to date row by row (bench/agg.moz), and the
           same aggregates recomputed per touched group (bench/agg_recompute.moz);
           both checked against the aggregates computed here
  mozc     mozc's compile time: --check, --emit=cpp, and a full node build
           (mozc + the C++ compiler, ccache off)
  cview    CView calls/s on one node and between two nodes, with each set of
           --cview-opt optimizations (bench/cview.moz, bench/cview_bench.py)

Each figure is the median of --reps runs (min and max shown). Derivation rates
exclude the time to read the facts, measured on the same facts with a program
that has the tables but no rules (cview: the same program, without the fact
that starts the calls). --only runs a subset.
"""
import argparse
import glob
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time

import cview_bench

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PORT = 19871  # loopback only; the nodes never send anything


def run_node(binary, facts, work):
    stats = os.path.join(work, "stats.json")
    out = subprocess.run([binary, "--addr", f"127.0.0.1:{PORT}", "--facts", facts, "--until-idle",
                          "--stats", stats, "--dump", os.path.join(work, "dump.json")],
                         capture_output=True, text=True, timeout=300, check=True).stdout
    # "idle after X s, N derivations"
    words = out.split()
    seconds = float(words[words.index("after") + 1])
    with open(stats) as f:
        return seconds, json.load(f)["derivations"]


def build(mozc, source, out, env=None):
    subprocess.run([mozc, source, "-o", out], check=True, env=env, timeout=600)


def median_row(values):
    return statistics.median(values), min(values), max(values)


def bench_rules(name, mozc, work, reps, facts_text, check=None):
    facts = os.path.join(work, f"{name}.facts")
    with open(facts, "w") as f:
        f.write(facts_text)
    node, load = os.path.join(work, name), os.path.join(work, name + "_load")
    build(mozc, os.path.join(ROOT, "bench", f"{name}.moz"), node)
    build(mozc, os.path.join(ROOT, "bench", f"{name}_load.moz"), load)
    totals, loads, derivations = [], [], None
    for _ in range(reps):
        seconds, derivations = run_node(node, facts, work)
        totals.append(seconds)
        if check:
            check(os.path.join(work, "dump.json"))
        loads.append(run_node(load, facts, work)[0])
    load_s = statistics.median(loads)
    rates = [derivations / max(t - load_s, 1e-9) for t in totals]
    return {"derivations": derivations, "total_s": median_row(totals), "all_totals": totals, "load_s": load_s,
            "rate": median_row(rates)}


def join_facts(seed):
    rng = random.Random(seed)
    lines = [f"a({x}, {rng.randrange(1000)})." for x in range(2000) for _ in range(10)]
    lines += [f"b({y}, {y * 100 + k})." for y in range(1000) for k in range(100)]
    return "\n".join(lines) + "\n"


def random_graph(seed, nodes=1000, degree=2.5):
    rng = random.Random(seed)
    edges = set()
    while len(edges) < int(nodes * degree):
        edges.add((rng.randrange(nodes), rng.randrange(nodes)))
    return sorted(edges)


def closure_size(edges):
    succ = {}
    for a, b in edges:
        succ.setdefault(a, []).append(b)
    total = 0
    for start in succ:
        seen, stack = set(), [start]
        while stack:
            for n in succ.get(stack.pop(), []):
                if n not in seen:
                    seen.add(n)
                    stack.append(n)
        total += len(seen)
    return total


def bench_mozc(mozc, reps):
    programs = sorted(glob.glob(os.path.join(ROOT, "bench", "*.moz")) +
                      glob.glob(os.path.join(ROOT, "tests", "net", "*.moz")) +
                      glob.glob(os.path.join(ROOT, "overlays", "*", "*.moz")))
    programs = [p for p in programs if not p.endswith("_load.moz")]
    env = dict(os.environ, MOSAIC_CXX="g++")  # no ccache: measure the real C++ compile
    rows = []
    with tempfile.TemporaryDirectory() as work:
        for prog in programs:
            timings = {}
            for label, args in (("check", ["--check"]), ("emit", ["--emit=cpp", "-o", os.path.join(work, "x.cpp")]),
                                ("binary", ["-o", os.path.join(work, "x")])):
                runs = []
                for _ in range(reps if label != "binary" else 1):
                    t0 = time.monotonic()
                    subprocess.run([mozc, prog] + args, check=True, env=env, timeout=600)
                    runs.append(time.monotonic() - t0)
                timings[label] = statistics.median(runs)
            with open(prog) as f:
                rules = sum(1 for line in f if ":-" in line and not line.lstrip().startswith("//"))
            rows.append((os.path.relpath(prog, ROOT), rules, timings))
    return rows


BENCHMARKS = ["join", "tc", "agg", "mozc", "cview"]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mozc", default=os.path.join(ROOT, "build", "mozc", "mozc"))
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--only", action="append", choices=BENCHMARKS,
                    help="run only this benchmark (repeatable; default: all)")
    ap.add_argument("--cview-calls", type=int, default=100_000, help="calls per one-node CView run")
    ap.add_argument("--cview-remote-calls", type=int, default=20_000, help="calls per two-node CView run")
    ap.add_argument("--cview-walks", type=int, default=20_000, help="walks per recursive CView run")
    ap.add_argument("--cview-callgrind", action="store_true",
                    help="also count instructions per CView call under valgrind (slow: adds minutes)")
    args = ap.parse_args()
    only = set(args.only or BENCHMARKS)
    print(f"machine: {os.cpu_count()} cores; median of {args.reps} runs (min-max)\n")
    if only & {"join", "tc"}:
        rule_benchmarks(args, only)
    if "agg" in only:
        aggregate_benchmarks(args)
    if "mozc" in only:
        print("| program | rules | mozc --check s | mozc --emit=cpp s | full build s (mozc + g++ -O2, no ccache) |")
        print("| --- | ---: | ---: | ---: | ---: |")
        for prog, rules, t in bench_mozc(args.mozc, args.reps):
            print(f"| {prog} | {rules} | {t['check']:.3f} | {t['emit']:.3f} | {t['binary']:.1f} |")
        print()
    if "cview" in only:
        with tempfile.TemporaryDirectory() as work:
            try:
                results = cview_bench.bench_cview(args.mozc, work, args.reps, calls=args.cview_calls,
                                                  remote_calls=args.cview_remote_calls, walks=args.cview_walks,
                                                  callgrind=args.cview_callgrind)
            except cview_bench.BenchFailure as e:
                sys.exit(f"cview: {e}")
        cview_bench.print_cview(results)


def rule_benchmarks(args, only):
    results = []
    with tempfile.TemporaryDirectory() as work:
        if "join" in only:
            join = bench_rules("join", args.mozc, work, args.reps, join_facts(args.seed))
            results.append(("2-way join (20K a, 100K b)", join, ""))
        if "tc" in only:
            edges = random_graph(args.seed)
            expected = closure_size(edges)

            def check_tc(dump_path):
                with open(dump_path) as f:
                    got = len(json.load(f)["reach"])
                if got != expected:
                    sys.exit(f"tc: reach has {got} rows, BFS says {expected}")
            tc = bench_rules("tc", args.mozc, work, args.reps,
                             "".join(f"edge({a}, {b}).\n" for a, b in edges), check_tc)
            results.append((f"transitive closure, 1,000 nodes, {len(edges)} edges", tc,
                            f" ({expected} reach rows, checked by BFS)"))
    print("| benchmark | derivations | total s | facts load s | derivations/s |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for name, r, extra in results:
        med, lo, hi = r["rate"]
        print(f"| {name}{extra} | {r['derivations']:,} | {r['total_s'][0]:.2f} | {r['load_s']:.2f} | "
              f"{med / 1e6:.2f} M ({lo / 1e6:.2f}-{hi / 1e6:.2f}) |")
    print()


def aggregate_benchmarks(args):
    """Rows absorbed per second; the recomputing program only at the smaller
    size, since its no-group count rescans the table for every row (quadratic)."""
    print("| table aggregates (min, count, sum per group; a total count) | rows | groups | total s | "
          "facts load s | rows/s |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    runs = [("agg", "kept up to date row by row (`agg.moz`)", 20_000),
            ("agg_recompute", "recomputed per touched group (`agg_recompute.moz`)", 20_000),
            ("agg", "kept up to date row by row (`agg.moz`)", 200_000)]
    with tempfile.TemporaryDirectory() as work:
        for name, label, rows in runs:
            items, text = agg_facts(args.seed, rows)
            check = aggregate_check(items)
            r = bench_rules(name, args.mozc, work, args.reps, text, check)
            rates = [len(items) / max(t - r["load_s"], 1e-9) for t in r["all_totals"]]
            med, lo, hi = median_row(rates)
            print(f"| {label} | {rows:,} | {len({g for _k, g, _v in items})} | {r['total_s'][0]:.2f} | "
                  f"{r['load_s']:.2f} | {med:,.0f} ({lo:,.0f}-{hi:,.0f}) |")
    print()


def agg_facts(seed, rows, groups=500):
    rng = random.Random(seed)
    items = [(k, rng.randrange(groups), rng.randint(-10**6, 10**6)) for k in range(rows)]
    return items, "".join(f"item({k}, {g}, {v}).\n" for k, g, v in items)


def aggregate_check(items):
    """A check of a dump against the aggregates of `items` computed here."""
    by_group = {}
    for _k, g, v in items:
        by_group.setdefault(g, []).append(v)
    want = {"gmin": {(g, min(vs)) for g, vs in by_group.items()},
            "gcount": {(g, len(vs)) for g, vs in by_group.items()},
            "gsum": {(g, sum(vs)) for g, vs in by_group.items()},
            "total": {(0, len(items))}}

    def check(dump_path):
        with open(dump_path) as f:
            dump = json.load(f)
        for t, rows in want.items():
            if {tuple(r) for r in dump.get(t, [])} != rows:
                sys.exit(f"agg: table {t} does not hold the aggregates computed here")
    return check


if __name__ == "__main__":
    main()
