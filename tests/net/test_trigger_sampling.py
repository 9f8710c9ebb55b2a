#!/usr/bin/env python3
"""Trigger sampling (paper §4.5.2, overlays/i3/sampling.moz) with 6 node
processes: 5 i3 servers on a Chord ring and one client; all 6 form a RON mesh.

On 127.0.0.1 every path is equally fast, so the client delays what it sends
to each server (control op "delay"), by a different amount per server. Then:

1. The servers' ring converges.
2. Rule s1 samples: a random id's server (chord.lookup through the client's
   server) and the client's RTT to it (ron.latency). Within a bounded time the
   client's i3.bestPT holds the nearest server, with an id that server is
   responsible for (the test computes it from the live node ids) and an RTT
   that matches the delay; every other server's link, as RON measured it, is
   slower: bestPT holds the lowest-RTT sample (evict max(3)).
3. Rule s2: the chosen server holds a private trigger of the client's, with an
   id the client chose for that server.
4. The network changes: the best server becomes the slowest and another one
   the fastest. Within a bounded time bestPT and the private trigger move to
   the new nearest server.
"""

import time

from harness import Cluster, TestFailure, parse_args, run, wait_until
from test_chord import RING, Ring, chord_id, id_of, table, wait_ring

SERVERS = 5
DELAYS_MS = [8, 30, 45, 60, 75]   # the client's delay to each server, largest arc first
SLACK_S = 0.1                     # an RTT may exceed its delay by this much on a loaded machine
CONVERGE_S = 120
SAMPLE_S = 120                    # bound on the sampling to find the nearest server


def arcs(ring):
    """{node: fraction of the id space it is responsible for}."""
    ids = [i for i, _ in ring.by_id]
    return {n: ((i - ids[k - 1]) % RING) / RING for k, (i, n) in enumerate(ring.by_id)}


def best_pt(conn):
    rows = table(conn, "i3.bestPT")
    return rows[0] if len(rows) == 1 else None


def wait_best(conn, ring, servers, delays, want, what):
    """Waits until the client's bestPT names `want` with an id it is responsible for and an RTT that
    matches its delay, and every other server's measured link is slower; returns the row."""
    by_addr = {s.addr: s for s in servers}

    def check():
        row = best_pt(conn)
        if row is None:
            return False, f"bestPT: {table(conn, 'i3.bestPT')}"
        addr, key, rtt = row
        if by_addr.get(addr) is not want:
            return False, f"bestPT names {addr} ({rtt * 1e3:.1f} ms), not {want.addr}"
        if ring.successor(id_of(key)) is not want:
            raise TestFailure(f"bestPT's id {key} is not in {want.addr}'s range")
        low = 0.9 * delays[want] / 1e3  # RON's average may approach the delay from below
        if not low <= rtt < low + SLACK_S:
            return False, f"bestPT's RTT {rtt * 1e3:.1f} ms does not match the {delays[want]} ms delay yet"
        links = {d: r for d, r, _loss in table(conn, "ron.link")}
        faster = [(s.addr, links.get(s.addr)) for s in servers
                  if s is not want and not (links.get(s.addr, -1) > rtt)]
        if faster:
            return False, f"bestPT's RTT {rtt * 1e3:.1f} ms, but RON measures these links as fast or faster: {faster}"
        return True, row
    return wait_until(check, SAMPLE_S, what, interval=0.5)[1]


def wait_trigger(conns, server, client):
    """Waits until `server` holds a private trigger of the client's whose id the client chose with
    `server` as its best sample (trace.best). The chosen id changes with every new sample from the
    same server (bestPT is keyed by the server), so any of them will do; a trigger of the client's
    at `server` with an id never chosen for it is an error."""
    def check():
        # Triggers first: every id in them was chosen before this read of the client's log.
        mine = {r[0] for r in table(conns[server], "i3.trigger") if r[1] == client.addr}
        chosen = {k for a, k, _rtt, _at in table(conns[client], "trace.best") if a == server.addr}
        stray = mine - chosen
        if stray:
            raise TestFailure(f"{server.name} holds triggers of the client's never chosen for it: {sorted(stray)}")
        return bool(mine), f"{server.name}'s triggers: {table(conns[server], 'i3.trigger')}"
    wait_until(check, 30, f"a private trigger of the client's at {server.name} (rule s2)", interval=0.5)


def set_delays(conn, delays):
    for server, ms in delays.items():
        conn.check({"op": "delay", "peer": server.addr, "ms": ms})


def main(args):
    with Cluster(args.node, "sampling", keep=args.keep) as c:
        servers = c.nodes(SERVERS, control=True)
        client = c.node(control=True)
        everyone = servers + [client]
        members = "".join(f'ron.member("{n.addr}").\n' for n in everyone)
        for s in servers:
            s.facts = f'chord.landmark("{servers[0].addr}").\n' + members
        client.facts = f'i3.server("{servers[0].addr}").\n' + members
        c.start_all()
        conns = {n: n.connect() for n in everyone}
        ring = Ring(servers)
        by_arc = sorted(servers, key=lambda s: -arcs(ring)[s])
        delays = dict(zip(by_arc, DELAYS_MS))
        set_delays(conns[client], delays)
        start = time.monotonic()

        wait_ring(servers, conns, f"a ring of {SERVERS} servers", CONVERGE_S)
        print(f"ring of {SERVERS} servers after {time.monotonic() - start:.1f} s; client delays: " +
              ", ".join(f"{s.name} {ms} ms ({arcs(ring)[s]:.0%} of ids)" for s, ms in delays.items()))

        # 2-3. The nearest server wins, and holds the private trigger.
        nearest = by_arc[0]
        t0 = time.monotonic()
        addr, key, rtt = wait_best(conns[client], ring, servers, delays, nearest,
                                   f"bestPT to hold the nearest server {nearest.name}")
        print(f"bestPT: {nearest.name} at {rtt * 1e3:.1f} ms (delay {delays[nearest]} ms), id {key[:12]}..., "
              f"{time.monotonic() - t0:.1f} s after the ring converged")
        wait_trigger(conns, nearest, client)
        log = table(conns[client], "trace.best")
        print(f"{len(log)} samples became the best on the way: " +
              ", ".join(f"{r[2] * 1e3:.1f} ms" for r in sorted(log, key=lambda r: r[3])))

        # 4. The network changes: the nearest server becomes the farthest, the second one the nearest.
        moved = by_arc[1]
        delays[nearest], delays[moved] = 90, 3
        set_delays(conns[client], delays)
        t1 = time.monotonic()
        addr, key, rtt = wait_best(conns[client], ring, servers, delays, moved,
                                   f"bestPT to move to the new nearest server {moved.name}")
        print(f"after the change, bestPT moved to {moved.name} at {rtt * 1e3:.1f} ms in {time.monotonic() - t1:.1f} s")
        wait_trigger(conns, moved, client)


if __name__ == "__main__":
    run(main, parse_args(__doc__, seeded=False))
