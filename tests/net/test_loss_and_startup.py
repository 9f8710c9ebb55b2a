#!/usr/bin/env python3
"""Shortest paths (shortest.moz) under 20% datagram loss and staggered startup.

Eight nodes on a random cyclic topology (from --seed) start one by one in a
random order, with a random pause of 0-2 s before each, so early nodes send to
peers that are not running yet. Every node drops 20% of the datagrams it
receives (--drop-rate 0.2, data and acks alike). Reliable delivery must still
bring every shortest table to exactly Dijkstra's costs, and the nodes' stats
must show that datagrams were in fact dropped and retransmitted.
"""

import random
import time

import graphs
from harness import Cluster, TestFailure, free_ports, parse_args, run, total_stats, wait_tables
from test_shortest_path import expected_shortest, link_facts

DROP_RATE = 0.2
MAX_START_DELAY_S = 2.0
CONVERGE_S = 150  # loss makes retransmission timers, not computation, the bottleneck


def main(args):
    rng = random.Random(args.seed)
    n, edges = graphs.random_topology(rng)
    order = list(range(n))
    rng.shuffle(order)
    delays = [rng.uniform(0, MAX_START_DELAY_S) for _ in order]
    print(f"seed {args.seed}\ntopology: {graphs.describe(n, edges)}\n"
          f"start order: {order}\ndelays (s): {[round(d, 2) for d in delays]}", flush=True)

    with Cluster(args.node, "loss", keep=args.keep) as cluster:
        ports = free_ports(n)
        nodes = [cluster.node(port=p, args=["--drop-rate", DROP_RATE,
                                            "--seed", (args.seed + i) % 2**31])
                 for i, p in enumerate(ports)]
        for i, node in enumerate(nodes):
            node.facts = link_facts(nodes, edges, i)

        for i, delay in zip(order, delays):
            time.sleep(delay)  # the startup schedule itself, not a wait for a result
            nodes[i].start()

        costs = graphs.shortest_costs(n, edges)
        wait_tables(nodes, "shortest", expected_shortest(nodes, costs), CONVERGE_S,
                    "every node's shortest table to equal Dijkstra's costs despite loss")

        totals = total_stats(nodes)
        print(f"stats over all nodes: {totals}", flush=True)
        if totals.get("filtered", 0) == 0:
            raise TestFailure(f"no datagram was filtered with --drop-rate {DROP_RATE}: "
                              f"the drop filter did not act (stats {totals})")
        if totals.get("retransmits", 0) == 0:
            raise TestFailure(f"datagrams were dropped but none was retransmitted (stats {totals})")


if __name__ == "__main__":
    run(main, parse_args(__doc__))
