#!/usr/bin/env python3
"""MOSAIC demo: six path-vector routing nodes on 127.0.0.1 converge to their
cheapest routes; each node's routing table is printed and the demo exits.

The node binary is overlays/pathvector/pathvector.moz compiled by mozc.
Routes are checked against Dijkstra's algorithm before they are printed.
"""
import heapq
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "net"))
import harness  # noqa: E402  (node processes, dumps, bounded waits, clean-up by PID)

NAMES = ["A", "B", "C", "D", "E", "F"]
# Undirected links with costs; the ring A-B-C-D-E-F-A plus two chords makes cycles
# and several competing paths.
LINKS = [("A", "B", 1), ("B", "C", 2), ("C", "D", 1), ("D", "E", 3), ("E", "F", 1),
         ("F", "A", 4), ("A", "D", 5), ("B", "E", 6)]


def dijkstra(source):
    graph = {n: [] for n in NAMES}
    for a, b, c in LINKS:
        graph[a].append((b, c))
        graph[b].append((a, c))
    dist = {source: 0}
    queue = [(0, source)]
    while queue:
        d, n = heapq.heappop(queue)
        if d > dist[n]:
            continue
        for m, c in graph[n]:
            if d + c < dist.get(m, 1 << 60):
                dist[m] = d + c
                heapq.heappush(queue, (d + c, m))
    return dist


def main(args):
    with harness.Cluster(args.node, "demo") as cluster:
        nodes = dict(zip(NAMES, cluster.nodes(len(NAMES))))
        name_of = {n.addr: name for name, n in nodes.items()}
        for name, node in nodes.items():
            facts = []
            for a, b, c in LINKS:
                for src, dst in ((a, b), (b, a)):
                    if src == name:
                        facts.append(f'link("{node.addr}", "{nodes[dst].addr}", {c}).')
            node.facts = "\n".join(facts) + "\n"
        print(f"starting {len(nodes)} path-vector nodes: " +
              ", ".join(f"{name}={n.addr}" for name, n in nodes.items()))
        cluster.start_all()

        # bestCost(@Src, Dst, Cost) must match Dijkstra on every node (a node also
        # reaches itself through any cycle, so self-routes are left out).
        expected = {}
        for name, node in nodes.items():
            dist = dijkstra(name)
            expected[node] = {(node.addr, nodes[d].addr, c) for d, c in dist.items() if d != name}

        def converged():
            diffs = []
            for node in nodes.values():
                got = {r for r in node.rows("bestCost") if r[1] != node.addr}
                diff = harness.describe_diff(expected[node], got, f"{node} bestCost")
                if diff:
                    diffs.append(diff)
            return not diffs, "\n".join(diffs)
        harness.wait_until(converged, 60, "routes to converge to the Dijkstra costs")
        harness.wait_quiescent(list(nodes.values()), 30)

        print("converged; routing tables:")
        for name, node in nodes.items():
            print(f"\nnode {name} ({node.addr})")
            print(f"  {'to':<4} {'cost':>4}  path")
            routes = sorted((r for r in node.rows("route") if r[1] != node.addr),
                            key=lambda r: name_of[r[1]])
            for _src, dst, hops, cost in routes:
                path = " -> ".join(name_of[h] for h in json.loads(hops))
                print(f"  {name_of[dst]:<4} {cost:>4}  {path}")


if __name__ == "__main__":
    harness.run(main, harness.parse_args(__doc__))
