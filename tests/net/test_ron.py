#!/usr/bin/env python3
"""RON (overlays/ron) with 5 node processes: measurements, routing, failover.

1. Every node knows the 5 members; the test waits until each has a route
   (ron.RT) to every other member.
2. Measurements: ron.latency and ron.loss (the CViews, asked through
   ron.query at every node, for its own links and for links it only knows
   from other members' announcements) and a plain ping must be plausible for
   loopback: RTTs above 0 and below LATENCY_MAX_S, losses below ron.moz's
   MAX_LOSS.
3. A sends numbered messages to ron::B every 0.2 s. While all is well they go
   direct: A routes B to B, and a run of messages arrives that no other node
   relayed.
4. The direct path fails: A blocks B and B blocks A (the node's drop filter,
   control op "block"). Within a bounded time A's messages reach B again, each
   relayed by an intermediate (its app.relayed table names the message), and
   A's ron.loss for the link shows it lossy. The failover time -- from the
   block to the first message that took the detour -- is printed.
5. The path recovers (control op "unblock"). Within a bounded time the
   messages go direct again: a run of messages sent after the unblock that no
   node relayed. The recovery time -- from the unblock to the first message of
   that run -- is printed.
"""

import re
import time

from harness import Cluster, TestFailure, parse_args, run, wait_until

NODES = 5
# Bounds on each phase (ctest allows 420 s in all); a passing run takes about 15 s.
CONVERGE_S = 60
ANSWER_S = 20
MEASURE_S = 60
DIRECT_S = 60
FAILOVER_S = 60
RECOVER_S = 60
LOSS_S = 30
LATENCY_MAX_S = 0.25   # a loopback RTT, even on a loaded machine
MAX_LOSS = 0.5         # ron.moz: links this lossy are not used
RUN = 10               # consecutive messages that make "the traffic goes this way"
PACKET = re.compile(r'app\.msg\("([^"]+)", (\d+), ')


def table(conn, name):
    return conn.check({"op": "dump", "table": name})["rows"]


class Queries:
    """Asks ron.query / app.ping at nodes and collects the answers (bounded)."""

    def __init__(self):
        self.next_qid = 1

    def ask(self, conns, views, pings):
        """views: [(node, src, dest)], pings: [(node, dest)] -> ({qid: (src, dest, rtt, loss)}, {qid: (dest, rtt)})."""
        asked_views, asked_pings, facts = {}, {}, {}
        for node, src, dest in views:
            asked_views[self.next_qid] = node
            facts.setdefault(node, []).append(f'ron.query({self.next_qid}, "{src.addr}", "{dest.addr}").')
            self.next_qid += 1
        for node, dest in pings:
            asked_pings[self.next_qid] = node
            facts.setdefault(node, []).append(f'app.ping({self.next_qid}, "{dest.addr}").')
            self.next_qid += 1
        for node, lines in facts.items():
            conns[node].check({"op": "insert", "facts": "\n".join(lines)})
        view_answers, ping_answers = {}, {}

        def answered():
            for node in facts:
                for q, s, d, rtt, loss in table(conns[node], "ron.answer"):
                    if asked_views.get(q) is node:
                        view_answers[q] = (s, d, rtt, loss)
                for q, d, rtt in table(conns[node], "app.pong"):
                    if asked_pings.get(q) is node:
                        ping_answers[q] = (d, rtt)
            done = len(view_answers) == len(asked_views) and len(ping_answers) == len(asked_pings)
            return done, f"{len(view_answers)} of {len(asked_views)} view queries and " \
                         f"{len(ping_answers)} of {len(asked_pings)} pings answered"
        wait_until(answered, ANSWER_S, "answers to ron.query and app.ping", interval=0.3)
        return view_answers, ping_answers


def check_measurements(nodes, conns, queries):
    """One round of queries; returns (ok, description)."""
    views = []
    for i, n in enumerate(nodes):
        for d in nodes:
            if d is not n:
                views.append((n, n, d))                   # its own link
        a, b = nodes[(i + 1) % NODES], nodes[(i + 2) % NODES]
        views.append((n, a, b))                           # a link it knows from a's announcements
    pings = [(n, d) for n in nodes for d in nodes if d is not n]
    view_answers, ping_answers = queries.ask(conns, views, pings)
    bad = [a for a in view_answers.values() if not (0 < a[2] < LATENCY_MAX_S and 0 <= a[3] < MAX_LOSS)]
    bad += [a for a in ping_answers.values() if not 0 < a[1] < LATENCY_MAX_S]
    lat = sorted(a[2] for a in view_answers.values())
    rtt = sorted(a[1] for a in ping_answers.values())
    summary = (f"ron.latency over {len(lat)} links: min {lat[0] * 1e3:.3f} ms, median {lat[len(lat) // 2] * 1e3:.3f} ms, "
               f"max {lat[-1] * 1e3:.3f} ms; ping over {len(rtt)} pairs: min {rtt[0] * 1e3:.3f} ms, "
               f"median {rtt[len(rtt) // 2] * 1e3:.3f} ms, max {rtt[-1] * 1e3:.3f} ms; "
               f"max ron.loss {max(a[3] for a in view_answers.values()):.3f}")
    if bad:
        return False, f"implausible answers (src, dest, rtt[, loss]): {bad[:8]}\n{summary}"
    return True, summary


class Flow:
    """A's messages to B: what arrived at B, and what each node relayed."""

    def __init__(self, a, b, nodes, conns):
        self.a, self.b, self.nodes, self.conns = a, b, nodes, conns

    def arrived(self):
        """[(sent_at, seq)] of A's messages at B, by sending time."""
        return sorted((sent, seq) for src, seq, sent, _at in table(self.conns[self.b], "app.got")
                      if src == self.a.addr)

    def relayed(self):
        """{seq: relaying node} for A's messages to B."""
        out = {}
        for n in self.nodes:
            for dest, packet, _at in table(self.conns[n], "app.relayed"):
                m = PACKET.search(packet)
                if dest == self.b.addr and m and m.group(1) == self.a.addr:
                    out[int(m.group(2))] = n
        return out

    def route(self):
        """A's next hop to B (None if it has none)."""
        rows = [next_hop for dest, next_hop in table(self.conns[self.a], "ron.RT") if dest == self.b.addr]
        return rows[0] if rows else None

    def direct_run(self, since):
        """The first of RUN consecutive messages sent after `since` that no node relayed, or None."""
        relayed = self.relayed()
        run_start, length = None, 0
        for sent, seq in self.arrived():
            if sent <= since:
                continue
            if seq in relayed:
                run_start, length = None, 0
                continue
            if run_start is None:
                run_start = sent
            length += 1
            if length >= RUN:
                return run_start
        return None


def wait_loss(queries, conns, src, dest, lossy):
    """Waits until ron.loss(src, dest), asked at src, is (or is not) at least MAX_LOSS; returns it."""
    seen = {}

    def check():
        view_answers, _ = queries.ask(conns, [(src, src, dest)], [])
        seen["loss"] = next(iter(view_answers.values()))[3]
        return (seen["loss"] >= MAX_LOSS) == lossy, f"ron.loss is {seen['loss']:.3f}"
    wait_until(check, LOSS_S, f"ron.loss({src.name}, {dest.name}) {'>=' if lossy else '<'} {MAX_LOSS}", interval=0.5)
    return seen["loss"]


def main(args):
    with Cluster(args.node, "ron", keep=args.keep) as c:
        nodes = c.nodes(NODES, control=True)
        members = "".join(f'ron.member("{n.addr}").\n' for n in nodes)
        for n in nodes:
            n.facts = members
        c.start_all()
        conns = {n: n.connect() for n in nodes}
        start = time.monotonic()

        # 1. Routes to every member.
        def routed():
            missing = []
            for n in nodes:
                dests = {d for d, _next in table(conns[n], "ron.RT")}
                missing += [(n.name, d.name) for d in nodes if d is not n and d.addr not in dests]
            return not missing, f"routes missing (node, dest): {missing}"
        wait_until(routed, CONVERGE_S, f"routes between all {NODES} members", interval=0.5)
        print(f"every node routes to every member after {time.monotonic() - start:.1f} s")

        # 2. Plausible measurements (a round is repeated if a load spike made one implausible).
        queries = Queries()
        summary = wait_until(lambda: check_measurements(nodes, conns, queries), MEASURE_S,
                             "plausible ron.latency, ron.loss and ping values", interval=1.0)[1]
        print(summary)

        # 3. A -> B goes direct while all is well.
        a, b = nodes[0], nodes[1]
        flow = Flow(a, b, nodes, conns)
        conns[a].check({"op": "insert", "facts": f'app.flow("{b.addr}").'})
        flow_start = time.time()

        def direct():
            first = flow.direct_run(flow_start)
            return first is not None and flow.route() == b.addr, \
                f"A's next hop to B: {flow.route()}; {len(flow.arrived())} messages arrived, " \
                f"{len(flow.relayed())} relayed"
        wait_until(direct, DIRECT_S, f"{RUN} messages from A to B in a row sent direct", interval=0.5)
        print(f"A -> B direct: {len(flow.arrived())} messages arrived, {len(flow.relayed())} relayed")

        # 4. The direct path fails.
        t_block = time.time()
        conns[a].check({"op": "block", "peer": b.addr})
        t_cut = time.time()  # A drops whatever it sends to B from here on
        conns[b].check({"op": "block", "peer": a.addr})

        def detoured():
            relayed = flow.relayed()
            after = [(sent, seq) for sent, seq in flow.arrived() if sent > t_cut]
            # Nothing sent after the block can arrive directly while it lasts.
            direct = [seq for _sent, seq in after if seq not in relayed]
            if direct:
                raise TestFailure(f"messages {direct[:5]} reached B from A directly through the blocked path")
            return len(after) >= RUN, f"{len(after)} messages sent after the block arrived at B; " \
                                      f"A's next hop to B: {flow.route()}"
        wait_until(detoured, FAILOVER_S, f"{RUN} messages from A to B through an intermediate", interval=0.5)
        relayed = flow.relayed()
        failover = min(sent for sent, seq in flow.arrived() if sent > t_block and seq in relayed) - t_block
        relays = {}
        for seq, n in flow.relayed().items():
            relays[n.name] = relays.get(n.name, 0) + 1
        if a.name in relays or b.name in relays:
            raise TestFailure(f"A or B relayed A's messages to B: {relays}")
        loss = wait_loss(queries, conns, a, b, lossy=True)
        blocked = {n.name: conns[n].check({"op": "stats"})["stats"]["blocked"] for n in (a, b)}
        if not all(blocked.values()):
            raise TestFailure(f"the blocked datagrams are not counted: {blocked}")
        print(f"failover: A's messages to B took a detour {failover:.2f} s after the direct path failed "
              f"(relayed per node: {relays}; ron.loss(A, B) {loss:.2f}; blocked datagrams {blocked})")

        # 5. The path recovers.
        t_unblock = time.time()
        for n in (a, b):
            conns[n].check({"op": "unblock"})

        def back():
            first = flow.direct_run(t_unblock)
            return first is not None and flow.route() == b.addr, \
                f"A's next hop to B: {flow.route()}; latest relayed: {sorted(flow.relayed())[-3:]}"
        wait_until(back, RECOVER_S, f"{RUN} messages from A to B in a row sent direct after the unblock",
                   interval=0.5)
        recovery = flow.direct_run(t_unblock) - t_unblock
        loss = wait_loss(queries, conns, a, b, lossy=False)
        print(f"recovery: A's messages to B went direct again {recovery:.2f} s after the path was restored "
              f"(ron.loss(A, B) {loss:.2f})")


if __name__ == "__main__":
    run(main, parse_args(__doc__, seeded=False))
