#!/usr/bin/env python3
"""Distributed shortest paths (shortest.moz) on 8 nodes with cycles.

Runs a fixed cyclic topology, then a random one drawn from --seed. The expected
costs come from Dijkstra: for each node S, the cheapest walk of one or more
links to every D it reaches, including S itself when S lies on a cycle.
"""

import random

import graphs
from harness import (Cluster, TestFailure, expect_rows, mozlog_string, parse_args, run,
                     table_rows, wait_quiescent, wait_tables)

CONVERGE_S = 60  # per topology; a passing run takes seconds
QUIESCE_S = 30


def link_facts(nodes, edges, src):
    return "".join(f"link({mozlog_string(nodes[s].addr)}, {mozlog_string(nodes[d].addr)}, {c}).\n"
                   for s, d, c in edges if s == src)


def expected_shortest(nodes, costs):
    return {nodes[s]: {(nodes[s].addr, nodes[d].addr, c) for d, c in costs[s].items()}
            for s in range(len(nodes))}


def check_paths(node, paths, best):
    """Every path row is a real walk: it starts here and costs at least the optimum."""
    for s, d, c in paths:
        if s != node.addr or d not in best or c < best[d]:
            raise TestFailure(f"{node}: impossible path row {(s, d, c)}; "
                              f"cheapest costs from here: {best}")


def check_topology(args, label, n, edges):
    print(f"{label} topology: {graphs.describe(n, edges)}", flush=True)
    costs = graphs.shortest_costs(n, edges)
    with Cluster(args.node, f"shortest-{label}", keep=args.keep) as cluster:
        nodes = cluster.nodes(n)
        for i, node in enumerate(nodes):
            node.facts = link_facts(nodes, edges, i)
        cluster.start_all()

        expected = expected_shortest(nodes, costs)
        wait_tables(nodes, "shortest", expected, CONVERGE_S,
                    f"{label}: every node's shortest table to equal Dijkstra's costs")

        wait_quiescent(nodes, QUIESCE_S)
        for s, node in enumerate(nodes):
            dump = node.dump()
            expect_rows(expected[node], table_rows(dump, "shortest"),
                        f"{label}: {node} shortest after quiescence")
            own = {(node.addr, nodes[d].addr, c) for src, d, c in edges if src == s}
            expect_rows(own, table_rows(dump, "link"), f"{label}: {node} link")
            check_paths(node, table_rows(dump, "path"),
                        {nodes[d].addr: c for d, c in costs[s].items()})
    print(f"{label} topology: converged", flush=True)


def main(args):
    print(f"seed {args.seed}", flush=True)
    check_topology(args, "fixed", *graphs.fixed_topology())
    check_topology(args, "random", *graphs.random_topology(random.Random(args.seed)))


if __name__ == "__main__":
    run(main, parse_args(__doc__))
