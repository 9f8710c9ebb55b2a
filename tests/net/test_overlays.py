#!/usr/bin/env python3
"""Runtime-typed addresses, overlay data planes, multi-homing, layering,
bridging, mobility (overlays.moz, with the fwd overlay of overlays/fwd, the sr
module and the small overlay `up` whose nodes have names).

Seven members M0..M6 of the one-hop overlay fwd, with ids spread over the
ring, each also a node of up named "m0".."m6". M0 sends numbered `got` tuples,
every 0.25 s, to each address of its send_to facts once it knows all seven
members; the runtime routes each by the address's overlay. Expected
placements are computed here:

* fwd::K for keys around the ring (and wrapping below the smallest id) arrive
  at the member whose id most closely precedes K; a key fixed in the program
  (probe@fwd::PROBE_KEY, the static form) likewise;
* multi-homing: M2 holds two overlay addresses besides its IP address,
  fwd::<its id> and up::"m2", and is reached by each of the three; its
  localAddr, fwd.localAddr and up.localAddr tables hold exactly those, and
  tuples M2 addresses to itself by any of them arrive without entering its
  overlays (no up.send at M2 carries one: LocSpecDemux knows them as local);
* layering: up::"m3" is routed by up over sr through relay M5 (by IP), and
  up::"m4" over sr whose hops are fwd::<M1's id> and fwd::<M4's id> (three
  layers); the packets arrive intact; M5's and M1's sr.trace tables show
  they crossed those nodes, and M1's message counters that they reached it
  as fwd.recv (through fwd) and never as sr.send (by IP);
* bridging: node B, which is no member of fwd, reaches the owner of a fwd key
  through sr::[M2, fwd::K] (M2 is a gateway member of both), while its direct
  sends to fwd::K go nowhere; B also reaches M2 as up::"m2";
* mobility: M4 stops and comes back at a new IP:port with the same id and
  name; its localAddr is the new address, it re-announces itself, and it
  receives M0's tuples for fwd::K and up::"m4" and B's again, while nothing
  in their rules or facts changed.

Each node's set of destinations is compared exactly, so a tuple at the wrong
node fails the test.
"""

from harness import Cluster, TestFailure, free_ports, parse_args, run, table_rows, wait_until

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


def member_facts(i, seeds, extra=""):
    """Member i of fwd (id IDS[i]) and node "m<i>" of up."""
    return (f"fwd.localAddr({id_literal(IDS[i])}).\nup.localAddr({q(name(i))}).\n" +
            "".join(f"fwd.seed({q(s)}).\n" for s in seeds) + extra)


def name(i):
    return f"m{i}"


def up_addr(i):
    return f"up::{q(name(i))}"


def fwd_addr(key):
    return f"fwd::{id_literal(key)}"


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


def send_facts(dests, fact="send_to"):
    return "".join(f"{fact}({d if d.startswith(('fwd::', 'up::', 'sr::')) else q(d)}).\n" for d in dests)


def expect_local_addrs(node, ip, ident, up_name):
    """The node's three addresses: its IP (kept by the runtime), its fwd id and its up name."""
    dump = node.dump()
    got = {t: table_rows(dump, t) for t in ("localAddr", "fwd.localAddr", "up.localAddr")}
    want = {"localAddr": {(ip,)}, "fwd.localAddr": {(id_literal(ident),)}, "up.localAddr": {(up_name,)}}
    if got != want:
        raise TestFailure(f"{node}'s own addresses are {got}, expected {want}")


def check_self_sends_stay_local(m2):
    """M2's tuples to its own addresses never entered up: up.trace at M2 holds
    only packets from other nodes (M0's, routed to it by IP)."""
    own = [p for _d, p in m2.rows("up.trace") if f'got({q(m2.addr)}' in p]
    if own:
        raise TestFailure(f"{m2}'s tuples to its own addresses entered up there: {own[:3]}")
    if not m2.rows("up.trace"):
        raise TestFailure(f"{m2} saw no up packets from M0, so the check above proves nothing")


def check_layering(m, m0):
    """The layered packets crossed the relays: sr saw them at M5 (1 hop left,
    reached by IP) and at M1 (1 hop left, reached through fwd); M1's counters
    show them arriving as fwd.recv, never as sr.send."""
    for relay, dest in ((m[5], 3), (m[1], 4)):
        crossed = [p for p, hops in relay.rows("sr.trace")
                   if hops == 1 and p.startswith(f"up.send({q(name(dest))}") and f'got({q(m0.addr)}' in p]
        if len(crossed) < MIN_PER_DEST:
            raise TestFailure(f"{relay} relayed {len(crossed)} up packets for {name(dest)}; its sr.trace: "
                              f"{sorted(relay.rows('sr.trace'))[:5]}")
    dump, stats = m[1].snapshot()
    crossed = len([p for p, hops in table_rows(dump, "sr.trace") if hops == 1])
    messages = stats["messages"]
    through_fwd = messages.get("fwd.recv", {}).get("received", 0)
    by_ip = messages.get("sr.send", {}).get("received", 0)
    if through_fwd < crossed or by_ip != 0:
        raise TestFailure(f"{m[1]} holds {crossed} sr packets but received {through_fwd} fwd.recv and {by_ip} "
                          f"sr.send messages; expected at least {crossed} and 0: {messages}")
    ip_relay = m[5].stats()["messages"].get("sr.send", {}).get("received", 0)
    if ip_relay < MIN_PER_DEST:
        raise TestFailure(f"{m[5]} received {ip_relay} sr.send messages, expected at least {MIN_PER_DEST}")


def main(args):
    with Cluster(args.node, "overlays", keep=args.keep) as c:
        ports = free_ports(MEMBERS)
        m = [c.node(port=p) for p in ports]
        seeds = [n.addr for n in m]
        M0, M2 = m[0], m[2]

        fwd_keys = {  # key -> why it is interesting
            IDS[3] + 5: "just after M3's id",
            IDS[4] + 5: "just after M4's id (used again after M4 moves)",
            IDS[6] - 1: "just before M6's id",
            IDS[0] - 1: "below the smallest id: wraps to the largest",
            IDS[5]: "exactly M5's id",
        }
        sends = {}  # dest literal -> index of the member it must reach
        for k in fwd_keys:
            sends[fwd_addr(k)] = owner(k)
        sends[M2.addr] = 2                # multi-homing: M2 by its IP address,
        sends[fwd_addr(IDS[2])] = 2       # ... by its fwd id
        sends[up_addr(2)] = 2             # ... and by its up name
        sends[up_addr(3)] = 3             # layered: up over sr (by IP)
        sends[up_addr(4)] = 4             # layered: up over sr over fwd
        routes = (f'up.route({q(name(2))}, {q(M2.addr)}).\n'
                  f'up.route({q(name(3))}, sr::[{q(m[5].addr)}, {q(m[3].addr)}]).\n'
                  f'up.route({q(name(4))}, sr::[{fwd_addr(IDS[1])}, {fwd_addr(IDS[4])}]).\n')
        own = [M2.addr, fwd_addr(IDS[2]), up_addr(2)]
        for i, n in enumerate(m):
            n.facts = member_facts(i, seeds)
        M0.facts += f"want_members({MEMBERS}).\nprober(1).\n" + routes + send_facts(sends)
        M2.facts += send_facts(own, "send_now")
        c.start_all()

        # Delivery, multi-homing and layering.
        expected = {}
        for dest, i in sends.items():
            expected.setdefault(m[i], set()).add(dest)
        wait_destinations(m, M0, expected, "M0's tuples at the nodes their addresses name")
        wait_destinations(m, M2, {M2: set(own)}, "M2's tuples to its own three addresses, at M2")
        expect_local_addrs(M2, M2.addr, IDS[2], name(2))
        check_self_sends_stay_local(M2)

        probe_owner = m[owner(PROBE_KEY)]
        def probes():
            holders = {n: {seq for frm, seq in n.rows("probe") if frm == M0.addr} for n in m}
            wrong = [n for n, seqs in holders.items() if seqs and n is not probe_owner]
            if wrong:
                raise TestFailure(f"probe@fwd::PROBE_KEY tuples at {wrong}, expected only at {probe_owner}")
            return len(holders[probe_owner]) >= MIN_PER_DEST, f"{len(holders[probe_owner])} probes at {probe_owner}"
        wait_until(probes, WAIT_S, f"probe@fwd::PROBE_KEY tuples at {probe_owner}")

        check_layering(m, M0)
        for n in m[1:]:
            stats = n.stats()
            if stats["malformed"] or stats["unroutable"]:
                raise TestFailure(f"{n} dropped tuples: {stats}")

        # Bridging: B is no member of fwd; M2 is a member and runs sr. B is a
        # node of up ("b") with a route to M2's name.
        bridged_key = IDS[4] + 7
        via_gateway = f"sr::[{q(M2.addr)}, {fwd_addr(bridged_key)}]"
        direct = fwd_addr(bridged_key)
        b = c.node(facts=f'up.localAddr("b").\nup.route({q(name(2))}, {q(M2.addr)}).\n' +
                   send_facts([via_gateway, direct, up_addr(2)], "send_now"))
        b.start()
        wait_destinations(m, b, {m[owner(bridged_key)]: {via_gateway}, M2: {up_addr(2)}},
                          f"B's tuples through gateway M2 at {m[owner(bridged_key)]}, and at M2 as up::\"m2\"")

        # Mobility: M4 comes back at a new IP:port with the same id and name.
        old = m[4]
        old.stop()
        new_port = next(p for p in free_ports(2) if p != old.port)
        new = c.node(facts=old.facts, port=new_port)
        if new.addr == old.addr:
            raise TestFailure(f"test set-up: the restarted M4 must have a new address, not {old.addr}")
        new.start()
        m4_key = fwd_addr(IDS[4] + 5)  # one of M0's keys that M4 owns
        if owner(IDS[4] + 5) != 4:
            raise TestFailure("test set-up: the mobility key must belong to M4")

        def reachable_again():
            ids_at_sender = {ident: a for ident, a in M0.rows("fwd.node")}
            fresh = (destinations(new, M0).get(m4_key, 0), destinations(new, M0).get(up_addr(4), 0),
                     destinations(new, b).get(via_gateway, 0))
            ok = ids_at_sender.get(id_literal(IDS[4])) == new.addr and min(fresh) >= MIN_PER_DEST
            return ok, (f"M0 maps {id_literal(IDS[4])} to {ids_at_sender.get(id_literal(IDS[4]))} "
                        f"(new address {new.addr}); tuples at the new M4 from M0 for {m4_key} and "
                        f"{up_addr(4)}, and from B: {fresh}")
        wait_until(reachable_again, WAIT_S, f"M4 reachable as fwd::id and up::name at its new address {new.addr}")
        expect_local_addrs(new, new.addr, IDS[4], name(4))
        print(f"ok: {len(sends)} destinations, probe, 2 layered routes, M2 by 3 addresses, bridge via {M2}, "
              f"mobility {old.addr} -> {new.addr}")


if __name__ == "__main__":
    run(main, parse_args(__doc__, seeded=False))
