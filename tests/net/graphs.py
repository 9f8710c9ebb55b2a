"""Topologies for the multi-node tests and the answers computed without MOSAIC.

A topology is (n, edges) with nodes 0..n-1 and edges (src, dst, cost), at most
one edge per (src, dst). Costs are positive integers.
"""

import heapq

# Eight nodes, three kinds of cycle (a triangle, a square-ish ring, a 2-cycle),
# a self-loop, two routes of different cost into the same ring, and a sink.
FIXED_EDGES = [
    (0, 1, 2), (1, 2, 3), (2, 0, 4),  # cycle 0-1-2
    (2, 3, 1), (0, 3, 9),             # into the next cycle: 0->3 costs 6 via 1,2, not 9
    (3, 4, 5), (4, 5, 1), (5, 3, 2),  # cycle 3-4-5
    (4, 4, 1),                        # self-loop
    (5, 6, 1), (6, 5, 4),             # 2-cycle 5-6
    (1, 6, 7), (6, 7, 2),             # node 7 is a sink: it reaches nothing
]


def fixed_topology():
    return 8, list(FIXED_EDGES)


def random_topology(rng, n=8, max_out=3, max_cost=9):
    """A random directed graph from `rng` (a seeded random.Random) with at least one cycle."""
    edges = {}
    for src in range(n):
        for dst in rng.sample(range(n), rng.randint(1, max_out)):
            if dst != src or rng.random() < 0.2:  # self-loops are allowed but rare
                edges[(src, dst)] = rng.randint(1, max_cost)
    if not any(src in reachable_from(n, _triples(edges))[src] for src in range(n)):
        a, b = rng.sample(range(n), 2)
        edges[(a, b)] = rng.randint(1, max_cost)
        edges[(b, a)] = rng.randint(1, max_cost)
    return n, _triples(edges)


def _triples(edges):
    return sorted((s, d, c) for (s, d), c in edges.items())


def describe(n, edges):
    return f"{n} nodes, edges (src, dst, cost): {edges}"


def reachable_from(n, edges):
    """{s: set of d reachable from s over one or more edges} (s itself only via a cycle)."""
    succ = {i: [d for s, d, _ in edges if s == i] for i in range(n)}
    result = {}
    for s in range(n):
        seen, frontier = set(), list(succ[s])
        while frontier:
            d = frontier.pop()
            if d not in seen:
                seen.add(d)
                frontier.extend(succ[d])
        result[s] = seen
    return result


def shortest_costs(n, edges):
    """{s: {d: cost}}: the cheapest walk of one or more edges from s to d.

    d == s appears when s lies on a cycle, with the cost of the cheapest cycle
    through s -- what path(@S,D,C) :- link(@S,Z,C1), shortest(@Z,D,C2) derives.
    """
    zero_or_more = {s: _dijkstra(n, edges, s) for s in range(n)}
    result = {}
    for s in range(n):
        best = {}
        for src, z, c in edges:
            if src != s:
                continue
            for d, rest in zero_or_more[z].items():
                if d not in best or c + rest < best[d]:
                    best[d] = c + rest
        result[s] = best
    return result


def _dijkstra(n, edges, source):
    """{d: cost} over walks of zero or more edges (so source maps to 0)."""
    succ = {i: [(d, c) for s, d, c in edges if s == i] for i in range(n)}
    dist = {source: 0}
    heap = [(0, source)]
    while heap:
        cost, v = heapq.heappop(heap)
        if cost > dist[v]:
            continue
        for d, c in succ[v]:
            if d not in dist or cost + c < dist[d]:
                dist[d] = cost + c
                heapq.heappush(heap, (cost + c, d))
    return dist
