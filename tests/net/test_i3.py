#!/usr/bin/env python3
"""i3 (overlays/i3) over a Chord ring of 6 servers, with 2 clients that are not
Chord members (each reaches the ring through a different server).

The test computes the ring itself from the live node ids (SHA-1 of "IP:port",
as chord.moz does), so it knows which server is responsible for each trigger.
Alice keeps a private trigger PA (a random id), Bob a public one KB (the SHA-1
of "bob"); once both triggers are in place, each sends a numbered app.msg to
the other's id every 0.2 s (app.dest of i3_node.moz).

1. Triggers: each trigger is stored at the server responsible for its id and
   at no other server.
2. Through the server: every message delivered without a shortcut was relayed
   by the trigger's server (trace.relayed there), none by any other server,
   and the first delivered message went that way.
3. Shortcut: once the sender holds a shortcut to the receiver's address, the
   next 15 messages arrive while the server relays nothing more; the sender
   sent them directly (trace.direct).
4. Mobility: Bob restarts at a new IP:port with the same trigger; Alice (same
   process, same rules) reaches him again; his old trigger expires.
5. Expiry: Bob stops refreshing KB. The trigger disappears from its server
   within its lifetime; after that nothing Alice sends reaches Bob, not even
   by the shortcut (Alice sends through the server again, which drops), while
   Bob's messages to Alice still arrive.
Figures (latencies, recovery and expiry times) are printed.
"""

import hashlib
import os
import random
import re
import statistics
import time

from harness import Cluster, TestFailure, parse_args, run, wait_until

SERVERS = 6
CONVERGE_S = 180   # generous: CI runs two tests at once on two slow cores
STEP_S = 60
HERE = os.path.dirname(os.path.abspath(__file__))
I3_SOURCE = os.path.join(HERE, "..", "..", "overlays", "i3", "i3.moz")
MSG = re.compile(r'^app\.msg\("([^"]+)", (\d+), ([-+0-9.e]+)\)$')


def define(name):
    """A #define of i3.moz, so the test follows the overlay's constants."""
    with open(I3_SOURCE) as f:
        m = re.search(rf"^#define {name} (\S+)", f.read(), re.M)
    return float(m.group(1))


TRIGGER_LIFE = define("TRIGGER_LIFE")


def sha1_id(text):
    return int(hashlib.sha1(text.encode()).hexdigest(), 16)


def id_of(text):
    return int(text[2:-1], 16)  # "0x1fI"


def id_lit(value):
    return f"0x{value:x}I"


def successor(servers, key):
    ring = sorted((sha1_id(s.addr), s) for s in servers)
    for ident, s in ring:
        if ident >= key:
            return s
    return ring[0][1]


class I3Test:
    """The servers, a control connection per node, and what the steps observe."""

    def __init__(self, servers):
        self.servers = servers
        self.conns = {}
        self.gaps = []  # how much later than its trigger each shortcut ends (s)

    def conn(self, node):
        if node not in self.conns:
            self.conns[node] = node.connect()
        return self.conns[node]

    def rows(self, node, table):
        return self.conn(node).check({"op": "dump", "table": table})["rows"]

    def close(self, node):
        conn = self.conns.pop(node, None)
        if conn:
            conn.close()

    # ------------------------------------------------------------ observations

    def triggers(self, key):
        """{server: {addr: refreshed}} for the trigger rows of `key` on every server."""
        found = {}
        for s in self.servers:
            rows = {a: t for k, a, _, t in self.rows(s, "i3.trigger") if id_of(k) == key}
            if rows:
                found[s] = rows
        return found

    def relayed(self, key, server):
        """Seqs of the messages `server` relayed for `key`: {seq: (from, sent_at)}."""
        out = {}
        for k, p, _src in self.rows(server, "trace.relayed"):
            if id_of(k) == key:
                frm, seq, sent = parse_msg(p)
                out[seq] = (frm, sent)
        return out

    def relayed_anywhere(self, key):
        return {s: self.relayed(key, s) for s in self.servers}

    def sent_by(self, node, table, key):
        """{seq: sent_at} of `node`'s trace.direct / trace.viaServer / app.sent rows for `key`."""
        out = {}
        for row in self.rows(node, table):
            if id_of(row[0]) != key:
                continue
            if table == "app.sent":
                out[row[1]] = row[2]
            else:
                _frm, seq, sent = parse_msg(row[1])
                out[seq] = sent
        return out

    def got(self, node, sender):
        """{seq: (sent_at, got_at)} of the messages `node` got from `sender`."""
        return {seq: (sent, gotat) for frm, seq, sent, gotat in self.rows(node, "app.got") if frm == sender.addr}

    def shortcut(self, sender, key, receiver):
        """The Until of a valid shortcut at `sender` for `key` to `receiver`, else None."""
        now = time.time()
        for lo, width, nxt, until in self.rows(sender, "i3.route"):
            if id_of(lo) == key and id_of(width) == 0 and nxt == receiver.addr and until > now:
                return until
        return None

    # ------------------------------------------------------------ steps

    def wait_ring(self):
        ring = sorted((sha1_id(s.addr), s) for s in self.servers)
        truth = {}
        for i, (_, s) in enumerate(ring):
            truth[s] = (ring[(i + 1) % len(ring)][1].addr, ring[i - 1][1].addr)

        def check():
            wrong = [s for s in self.servers
                     if ([r[1] for r in self.rows(s, "chord.bestSucc")], [r[1] for r in self.rows(s, "chord.bestPred")])
                     != ([truth[s][0]], [truth[s][1]])]
            return not wrong, f"{len(wrong)} of {len(self.servers)} servers lack their true successor/predecessor"
        wait_until(check, CONVERGE_S, f"a correct ring of {SERVERS} servers", interval=0.5)

    def wait_placed(self, key, owner, what):
        home = successor(self.servers, key)

        def check():
            found = self.triggers(key)
            ok = set(found) == {home} and owner.addr in found[home]
            return ok, f"trigger {id_lit(key)} -> {owner.addr} should be on {home} only; found {found}"
        wait_until(check, STEP_S, what)
        return home

    def wait_got(self, receiver, sender, count, after_seq=-1, what=""):
        def check():
            got = {s: v for s, v in self.got(receiver, sender).items() if s > after_seq}
            return len(got) >= count, f"{len(got)} of {count} messages"
        wait_until(check, STEP_S, what or f"{count} messages from {sender} at {receiver}")
        return self.got(receiver, sender)

    def check_through_server(self, sender, receiver, key, home):
        """Every message delivered without a shortcut went through `home` and only through it."""
        got = self.got(receiver, sender)
        relayed = self.relayed_anywhere(key)
        direct = self.sent_by(sender, "trace.direct", key)
        others = {s: sorted(r) for s, r in relayed.items() if s is not home and r}
        if others:
            raise TestFailure(f"messages for {id_lit(key)} were relayed by servers other than its home {home}: {others}")
        at_home = relayed[home]
        stray = sorted(seq for seq in got if seq not in direct and seq not in at_home)
        if stray:
            raise TestFailure(f"{receiver} got messages {stray} that neither went direct nor through {home}")
        first = min(got)
        if first not in at_home:
            raise TestFailure(f"the first message {receiver} got ({first}) did not go through {home}: "
                              f"relayed there {sorted(at_home)}, direct {sorted(direct)[:5]}")
        through = sorted(seq for seq in got if seq in at_home)
        return [got[s][1] - got[s][0] for s in through]

    def shortcut_vs_trigger(self, sender, key, receiver, home):
        """(ok, gap): ok when the sender's shortcut ends where the trigger it came from ends.

        The shortcut's Until is in the sender's clock, the trigger's stamp in the
        server's (one clock here); both change on every refresh, so this holds
        once two reads see the same refresh.
        """
        until = self.shortcut(sender, key, receiver)
        stamp = self.triggers(key).get(home, {}).get(receiver.addr)
        if until is None or stamp is None:
            return False, f"shortcut until {until}, trigger refreshed {stamp}"
        gap = until - (stamp + TRIGGER_LIFE)
        return 0 <= gap < 0.05, gap

    def check_shortcut(self, sender, receiver, key, home, label):
        _, gap = wait_until(lambda: self.shortcut_vs_trigger(sender, key, receiver, home), STEP_S,
                            f"{label}: a shortcut at {sender} to {receiver} that ends with its trigger")
        self.gaps.append(gap)
        before = self.relayed(key, home)
        last_sent = max(self.sent_by(sender, "app.sent", key))
        self.wait_got(receiver, sender, 15, last_sent, f"{label}: 15 messages after the shortcut")
        after = self.relayed(key, home)
        got = {s: v for s, v in self.got(receiver, sender).items() if s > last_sent}
        direct = self.sent_by(sender, "trace.direct", key)
        if set(after) != set(before):
            raise TestFailure(f"{label}: {home} still relayed {sorted(set(after) - set(before))} after the shortcut")
        not_direct = sorted(s for s in got if s not in direct)
        if not_direct:
            raise TestFailure(f"{label}: messages {not_direct} arrived but were not sent by the shortcut")
        return [g - s for s, g in got.values()]


def parse_msg(text):
    m = MSG.match(text)
    if not m:
        raise TestFailure(f"unexpected packet {text!r}")
    return m.group(1), int(m.group(2)), float(m.group(3))


def ms(values):
    return f"{1000 * statistics.median(values):.2f} ms" if values else "n/a"


def main(args):
    rng = random.Random(args.seed)
    with Cluster(args.node, "i3", keep=args.keep) as c:
        servers = c.nodes(SERVERS, control=True)
        t = I3Test(servers)
        for s in servers:
            s.facts = f'chord.landmark("{servers[0].addr}").\n'
        c.start_all()
        start = time.monotonic()
        t.wait_ring()
        print(f"ring of {SERVERS} servers correct after {time.monotonic() - start:.1f} s")

        # Two clients, not Chord members, each reaching the ring through another server.
        kb, pa = sha1_id("bob"), rng.getrandbits(160)
        alice = c.node(control=True)
        alice.facts = f'i3.server("{servers[1].addr}").\ni3.myTrigger({id_lit(pa)}, "{alice.addr}").\n'
        bob = c.node(control=True)
        bob_facts = f'i3.server("{servers[2].addr}").\ni3.myTrigger({id_lit(kb)}, "{{addr}}").\n'
        bob.facts = bob_facts.format(addr=bob.addr)
        alice.start()
        bob.start()
        start = time.monotonic()
        home_b = t.wait_placed(kb, bob, "Bob's public trigger at its server")
        home_a = t.wait_placed(pa, alice, "Alice's private trigger at its server")
        print(f"1. triggers stored at their servers after {time.monotonic() - start:.1f} s "
              f"(KB on {home_b.name}, PA on {home_a.name})")
        for chord_state in ("chord.node", "chord.bestSucc"):
            for client in (alice, bob):
                if t.rows(client, chord_state):
                    raise TestFailure(f"client {client} has {chord_state} rows: it joined Chord")

        t.conn(alice).check({"op": "insert", "facts": f"app.dest({id_lit(kb)})."})
        t.conn(bob).check({"op": "insert", "facts": f"app.dest({id_lit(pa)})."})
        t.wait_got(bob, alice, 10)
        t.wait_got(alice, bob, 10)
        via_ab = t.check_through_server(alice, bob, kb, home_b)
        via_ba = t.check_through_server(bob, alice, pa, home_a)
        print(f"2. first messages went through the trigger's server: {len(via_ab)} Alice->Bob, "
              f"{len(via_ba)} Bob->Alice; latency through the server {ms(via_ab + via_ba)} "
              f"(first packet, chord lookup included)")

        direct = t.check_shortcut(alice, bob, kb, home_b, "Alice->Bob")
        direct += t.check_shortcut(bob, alice, pa, home_a, "Bob->Alice")
        print(f"3. shortcuts: 15 more messages each way, none relayed; direct latency {ms(direct)}; "
              f"a shortcut ends {ms(t.gaps)} after its trigger")

        # Mobility: Bob comes back at a new IP:port with the same trigger id.
        t.close(bob)
        bob.stop()
        old_bob = bob
        bob = c.node(control=True)
        bob.facts = bob_facts.format(addr=bob.addr) + f"app.dest({id_lit(pa)}).\n"
        restarted = time.time()
        bob.start()
        got = t.wait_got(bob, alice, 5, what="messages from Alice at the restarted Bob")
        recovered = min(g for _, g in got.values()) - restarted
        relayed_new = len(set(got) & set(t.relayed(kb, home_b)))
        t.wait_got(alice, bob, 5, what="messages from the restarted Bob at Alice")
        wait_until(lambda: (t.shortcut(alice, kb, bob) is not None, "none"), STEP_S,
                   "Alice's shortcut to Bob's new address")

        def old_gone():
            found = t.triggers(kb)
            return old_bob.addr not in found.get(home_b, {}) and bob.addr in found.get(home_b, {}), f"{found}"
        wait_until(old_gone, TRIGGER_LIFE + STEP_S, "the old trigger to expire and the new one to stay")
        print(f"4. Bob restarted at {bob.addr}: Alice's messages reach him {recovered:.2f} s after his start "
              f"({relayed_new} of the first {len(got)} through the server, the others by a shortcut to his "
              f"new address); his old trigger expired")

        # Expiry: Bob stops refreshing KB.
        left = time.time()
        t.conn(bob).check({"op": "insert", "facts": f"app.leave({id_lit(kb)})."})
        stamps = []

        def trigger_gone():
            found = t.triggers(kb)
            stamps.extend(found.get(home_b, {}).values())
            return not found, f"{found}"
        wait_until(trigger_gone, TRIGGER_LIFE + STEP_S, "Bob's trigger to expire")
        gone = time.time()
        if gone - left > TRIGGER_LIFE + 4:  # a refresh whose lookup was under way may land after the leave
            raise TestFailure(f"the trigger outlived its lifetime: gone {gone - left:.1f} s after the last refresh")
        # Alice keeps sending, through the server now (her shortcut has ended),
        # which drops her messages: 10 sent after the expiry must reach the
        # server, and none Bob. (A shortcut ends one one-way delay after its
        # trigger, hence the margin.)
        after = gone + 0.5

        def dropped_at_server():
            late = [s for s, (_f, sent) in t.relayed(kb, home_b).items() if sent > after]
            return len(late) >= 10, f"{len(late)} of 10 messages sent after the expiry reached {home_b}"
        wait_until(dropped_at_server, STEP_S, "Alice's messages to reach the server after the expiry")
        late_got = sorted(s for s, (sent, _g) in t.got(bob, alice).items() if sent > after)
        direct_sent = t.sent_by(alice, "trace.direct", kb)
        late_direct = sorted(s for s, sent in direct_sent.items() if sent > after)
        if late_got or late_direct:
            raise TestFailure(f"after the trigger expired Bob still got {late_got}; Alice sent {late_direct} "
                              f"by a shortcut that outlived the trigger")
        last_got = max(sent for sent, _g in t.got(bob, alice).values())
        expiry = max(stamps) + TRIGGER_LIFE if stamps else None
        t.wait_got(alice, bob, 5, max(t.got(alice, bob)), "Bob's messages to Alice to go on")
        print(f"5. Bob stopped refreshing: his trigger was gone from its server {gone - left:.1f} s later "
              f"(lifetime {TRIGGER_LIFE:g} s); the last message that reached him was sent {last_got - left:.1f} s "
              f"after he stopped" + (f"; Alice's last send by the shortcut was "
                                      f"{1000 * (max(direct_sent.values()) - expiry):+.0f} ms from the trigger's "
                                      f"expiry" if expiry else "")
              + "; then none, though Alice's messages still reach the server")
        for conn in list(t.conns):
            t.close(conn)


if __name__ == "__main__":
    run(main, parse_args(__doc__))
