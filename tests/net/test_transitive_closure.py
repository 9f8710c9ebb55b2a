#!/usr/bin/env python3
"""Distributed transitive closure (tc.moz) on 8 nodes.

Runs a fixed cyclic topology, then a random one drawn from --seed. Each node is
given only its own outgoing links; the test computes the closure by BFS and
waits until every node's reachable table is exactly {(self, D) : self reaches D}.
"""

import random

import graphs
from harness import (Cluster, expect_rows, mozlog_string, parse_args, run, table_rows,
                     wait_quiescent, wait_tables)

CONVERGE_S = 60  # per topology; a passing run takes seconds
QUIESCE_S = 30


def link_facts(nodes, edges, src):
    return "".join(f"link({mozlog_string(nodes[s].addr)}, {mozlog_string(nodes[d].addr)}).\n"
                   for s, d, _ in edges if s == src)


def check_topology(args, label, n, edges):
    print(f"{label} topology: {graphs.describe(n, edges)}", flush=True)
    closure = graphs.reachable_from(n, edges)
    with Cluster(args.node, f"tc-{label}", keep=args.keep) as cluster:
        nodes = cluster.nodes(n)
        for i, node in enumerate(nodes):
            node.facts = link_facts(nodes, edges, i)
        cluster.start_all()

        expected = {nodes[s]: {(nodes[s].addr, nodes[d].addr) for d in closure[s]}
                    for s in range(n)}
        wait_tables(nodes, "reachable", expected, CONVERGE_S,
                    f"{label}: every node's reachable table to equal the closure")

        # Once nothing is in flight no late tuple may arrive: check again, and
        # check that link tables hold each node's own links and nothing else.
        wait_quiescent(nodes, QUIESCE_S)
        for s, node in enumerate(nodes):
            dump = node.dump()
            expect_rows(expected[node], table_rows(dump, "reachable"),
                        f"{label}: {node} reachable after quiescence")
            own = {(node.addr, nodes[d].addr) for src, d, _ in edges if src == s}
            expect_rows(own, table_rows(dump, "link"), f"{label}: {node} link")
    print(f"{label} topology: converged", flush=True)


def main(args):
    print(f"seed {args.seed}", flush=True)
    check_topology(args, "fixed", *graphs.fixed_topology())
    check_topology(args, "random", *graphs.random_topology(random.Random(args.seed)))


if __name__ == "__main__":
    run(main, parse_args(__doc__))
