#!/usr/bin/env python3
"""Runtime-typed addresses, overlay data planes, layering, bridging, mobility
(overlays.moz, with the fwd overlay of overlays/fwd and the sr module).

Seven members M0..M6 of the one-hop overlay fwd, with ids spread over the
ring. M0 sends numbered `got` tuples, every 0.25 s, to each address of its
send_to facts once it knows all seven members; the runtime routes each by
the address's overlay. Expected placements are computed here:

* fwd::K for keys around the ring (and wrapping below the smallest id) arrive
  at the member whose id most closely precedes K; a key fixed in the program
  (probe@fwd::PROBE_KEY, the static form) likewise;
* multi-homing: M2 is reached by its IP address, by fwd::<its id> and by
  up::"<its IP>" (up routes it directly);
* layering: up::M3 is routed by up over sr through relay M5, and up::M4 over
  sr whose first hop is fwd::<M6's id> (three layers); the packets arrive
  intact, and M5's and M6's sr.trace tables show they crossed those nodes;
* bridging: node B, which is no member of fwd, reaches the owner of a fwd key
  through sr::[M2, fwd::K] (M2 is a gateway member of both), while its direct
  sends to fwd::K go nowhere;
* mobility: M4 stops and comes back on a new port with the same id; it
  re-announces itself and receives M0's and B's tuples again, while nothing
  in their rules or facts changed.

Each node's set of destinations is compared exactly, so a tuple at the wrong
node fails the test.
"""

from harness import Cluster, TestFailure, addr, free_ports, parse_args, run, wait_until

WAIT_S = 90
MEMBERS = 7
RING = 2 ** 160
IDS = [(i + 1) * (RING // 8) for i in range(MEMBERS)]  # 0x2000...I, 0x4000...I, ...
PROBE_KEY = 0x9 << 156  # must match overlays.moz
MIN_PER_DEST = 3  # tuples that must arrive for each destination


def id_literal(v):
    return f"0x{v:x}I"


def owner(key):
    """Index of the member responsible for key: the id at or before it on the ring."""
    at_or_before = [i for i, ident in enumerate(IDS) if ident <= key]
    return max(at_or_before, key=lambda i: IDS[i]) if at_or_before else IDS.index(max(IDS))


def q(text):
    return '"' + text + '"'


def member_facts(ident, seeds, extra=""):
    return (f"fwd.me({id_literal(ident)}).\n" + "".join(f"fwd.seed({q(s)}).\n" for s in seeds) + extra)


def destinations(node, sender):
    """{dest literal: number of got rows} at node from sender."""
    counts = {}
    for frm, dest, _seq in node.rows("got"):
        if frm == sender.addr:
            counts[dest] = counts.get(dest, 0) + 1
    return counts


def wait_destinations(nodes, sender, expected, what):
    """Waits until each node has got rows from sender for exactly expected[node]
    (at least MIN_PER_DEST each), and for nothing else."""
    def check():
        problems = []
        for n in nodes:
            seen = destinations(n, sender)
            want = expected.get(n, set())
            wrong = set(seen) - want
            short = {d: seen.get(d, 0) for d in want if seen.get(d, 0) < MIN_PER_DEST}
            if wrong:
                raise TestFailure(f"{n} received tuples addressed to {sorted(wrong)}, which belong elsewhere")
            if short:
                problems.append(f"{n}: too few so far {short}")
        return not problems, "\n".join(problems)
    wait_until(check, WAIT_S, what)


def main(args):
    with Cluster(args.node, "overlays", keep=args.keep) as c:
        ports = free_ports(MEMBERS)
        m = [c.node(port=p) for p in ports]
        seeds = [n.addr for n in m]
        M0 = m[0]

        fwd_keys = {  # key -> why it is interesting
            IDS[3] + 5: "just after M3's id",
            IDS[4] + 5: "just after M4's id (used again after M4 moves)",
            IDS[6] - 1: "just before M6's id",
            IDS[0] - 1: "below the smallest id: wraps to the largest",
            IDS[5]: "exactly M5's id",
        }
        layered_m3 = f'up::{q(m[3].addr)}'
        layered_m4 = f'up::{q(m[4].addr)}'
        sends = {}  # dest literal -> index of the member it must reach
        for k in fwd_keys:
            sends[f"fwd::{id_literal(k)}"] = owner(k)
        sends[m[2].addr] = 2                            # plain IP
        sends[f"fwd::{id_literal(IDS[2])}"] = 2        # the same node by its fwd id
        sends[f'up::{q(m[2].addr)}'] = 2              # ... and by its up address
        sends[layered_m3] = 3
        sends[layered_m4] = 4
        routes = (f'up.route({q(m[2].addr)}, {q(m[2].addr)}).\n'
                  f'up.route({q(m[3].addr)}, sr::[{q(m[5].addr)}, {q(m[3].addr)}]).\n'
                  f'up.route({q(m[4].addr)}, sr::[fwd::{id_literal(IDS[6])}, {q(m[4].addr)}]).\n')
        sender_facts = (f"want_members({MEMBERS}).\nprober(1).\n" + routes +
                        "".join(f"send_to({d if d.startswith(('fwd::', 'up::')) else q(d)}).\n" for d in sends))
        for i, n in enumerate(m):
            n.facts = member_facts(IDS[i], seeds, sender_facts if i == 0 else "")
        c.start_all()

        # Delivery, multi-homing and layering.
        expected = {}
        for dest, i in sends.items():
            expected.setdefault(m[i], set()).add(dest)
        wait_destinations(m, M0, expected, "M0's tuples at the nodes their addresses name")

        probe_owner = m[owner(PROBE_KEY)]
        def probes():
            holders = {n: {seq for frm, seq in n.rows("probe") if frm == M0.addr} for n in m}
            wrong = [n for n, seqs in holders.items() if seqs and n is not probe_owner]
            if wrong:
                raise TestFailure(f"probe@fwd::PROBE_KEY tuples at {wrong}, expected only at {probe_owner}")
            return len(holders[probe_owner]) >= MIN_PER_DEST, f"{len(holders[probe_owner])} probes at {probe_owner}"
        wait_until(probes, WAIT_S, f"probe@fwd::PROBE_KEY tuples at {probe_owner}")

        # The layered packets crossed the relays: sr saw them at M5 (1 hop left,
        # reached by IP) and at M6 (1 hop left, reached through fwd).
        for relay, dest in ((m[5], m[3]), (m[6], m[4])):
            crossed = [p for p, hops in relay.rows("sr.trace")
                       if hops == 1 and p.startswith("up.send(") and f'got({q(M0.addr)}' in p and q(dest.addr) in p]
            if len(crossed) < MIN_PER_DEST:
                raise TestFailure(f"{relay} relayed {len(crossed)} up packets for {dest}; its sr.trace: "
                                  f"{sorted(relay.rows('sr.trace'))[:5]}")
        for n in m[1:]:
            stats = n.stats()
            if stats["malformed"] or stats["unroutable"]:
                raise TestFailure(f"{n} dropped tuples: {stats}")

        # Bridging: B is no member of fwd; M2 is a member and runs sr.
        bridged_key = IDS[4] + 7
        via_gateway = f"sr::[{q(m[2].addr)}, fwd::{id_literal(bridged_key)}]"
        direct = f"fwd::{id_literal(bridged_key)}"
        b = c.node(facts=f"send_now({via_gateway}).\nsend_now({direct}).\n")
        b.start()
        wait_destinations(m, b, {m[owner(bridged_key)]: {via_gateway}},
                          f"B's tuples through gateway M2 at {m[owner(bridged_key)]}")

        # Mobility: M4 comes back at a new address with the same id.
        old = m[4]
        old.stop()
        new = c.node(facts=old.facts)
        new.start()
        m4_key = f"fwd::{id_literal(IDS[4] + 5)}"  # one of M0's keys that M4 owns
        if owner(IDS[4] + 5) != 4:
            raise TestFailure("test set-up: the mobility key must belong to M4")

        def reachable_again():
            ids_at_sender = {ident: a for ident, a in M0.rows("fwd.node")}
            fresh = destinations(new, M0).get(m4_key, 0), destinations(new, b).get(via_gateway, 0)
            ok = ids_at_sender.get(id_literal(IDS[4])) == new.addr and min(fresh) >= MIN_PER_DEST
            return ok, (f"M0 maps {id_literal(IDS[4])} to {ids_at_sender.get(id_literal(IDS[4]))} "
                        f"(new address {new.addr}); tuples at the new M4 from M0, B: {fresh}")
        wait_until(reachable_again, WAIT_S, f"M4 reachable as fwd::id at its new address {new.addr}")
        print(f"ok: {len(sends)} destinations, probe, 2 layered routes, bridge via {m[2]}, "
              f"mobility {old.addr} -> {new.addr}")


if __name__ == "__main__":
    run(main, parse_args(__doc__, seeded=False))
