#!/usr/bin/env python3
"""netns.alice: the paper's Alice scenario (§6, §7.2) end to end, with NAT,
mobility and a failure (topology and roles: alice_lab.py).

One download over Bob's 8 Mbit/s access link (unmodified curl at Bob, through his tun device, from an
HTTP server on Alice's tun address) runs across every phase, and must end
byte for byte:
  * at school, composition "school": i3 alone; Bob reaches Alice through her
    public trigger, then by i3's shortcut to her IP address;
  * Alice moves home behind G's NAT (new address, her node restarted there)
    and G activates "home" on the running nodes: Alice's triggers become
    sr::[G, Internal] and sr::[ron::G, Internal], Bob's private address
    ron::Bob. Bob's node is not restarted; its tables show the switch;
  * the G-Bob path fails (iptables DROP on G) for a window: RON routes both
    directions around it through a helper (whose counters show the relayed
    packets), and the download keeps moving during the window.
Also checked: nothing outside reaches Alice's home address directly (the NAT
is real). Every step waits on a condition with a bound."""

import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from netns import Lab, expect, run_test, wait_for  # noqa: E402
from alice_lab import ALICE_HOME, BOB, HTTP_PORT, TUN, AliceLab, Download, HttpFile  # noqa: E402

SIZE = 12 * 1024 * 1024
BOB_MBIT = 8             # Bob's access link (tbf): the download spans every phase
FAIL_WINDOW_S = 8.0
DETOUR_S = 4.0           # RON avoids a cut link within ~2 s (probes every 0.5 s); TCP then retransmits
MOVE_RESUME_S = 30.0     # Alice's node restarts, the trigger moves, TCP's backoff ends


def relayed_by_helpers(world):
    """sr.send messages the RON helpers received: each is a detour hop."""
    total = 0
    for h in ("h1", "h2"):
        total += world.stats(h).get("messages", {}).get("sr.send", {}).get("received", 0)
    return total


def main(args):
    with Lab("al", keep_logs=args.keep) as lab:
        world = AliceLab(lab, args.node)
        world.build()
        world.start_servers()
        world.start_ron()
        world.start_alice("school")
        world.activate("school")
        took = world.wait_connected()
        print(f"school: Bob's first ping reached Alice over i3 after {took:.1f} s")
        bob_node = world.nodes["bob"]
        wait_for(lambda: any("198.18.0.1:7100" in r for r in world.table("bob", "i3.route")), 20,
                 "Bob's shortcut to Alice's school address")

        world.shape_bob(BOB_MBIT)
        server = HttpFile(lab, world.ns["a"], TUN["alice"], HTTP_PORT, SIZE)
        dl = Download(lab, world.ns["b"], f"http://{TUN['alice']}:{HTTP_PORT}/blob", "alice.blob")
        dl.wait_bytes(2 * 1024 * 1024, 60, "2 MiB at school")

        # Home: a new address behind the NAT, and the home composition activated.
        t_move = dl.elapsed()
        at_move = dl.bytes()
        world.move_alice_home()
        dl.wait_bytes(at_move + 1024 * 1024, MOVE_RESUME_S, "1 MiB more after the move")
        print(f"home: the download stalled {dl.longest_stall(t_move, dl.elapsed()):.1f} s across the move "
              f"(Alice's node restarted behind the NAT, the home composition activated)")
        expect(bob_node.alive() and world.nodes["bob"] is bob_node, "Bob's node was restarted")
        expect(any('"home"' in r for r in world.table("bob", "comp.active")),
               f"Bob's active composition: {world.table('bob', 'comp.active')}")
        triggers = world.table("bob", "i3.myPrivateTrigger")
        expect(any('ron::"198.18.0.2:7000"' in r for r in triggers), f"Bob's private trigger: {triggers}")
        alice_triggers = world.table("alice", "i3.myPrivateTrigger")
        expect(any('sr::[ron::"198.18.0.3:7000"' in r for r in alice_triggers),
               f"Alice's triggers at home: {alice_triggers}")
        nat = world.ns["s"].run(["ping", "-c", "1", "-W", "1", ALICE_HOME], check=False)
        expect(nat.returncode != 0, "an i3 server reached Alice's home address directly")

        # The G-Bob path fails for a window mid-download; RON goes around it.
        before = relayed_by_helpers(world)
        t_fail = dl.elapsed()
        world.fail_g_bob(True)
        time.sleep(FAIL_WINDOW_S)
        world.fail_g_bob(False)
        during = dl.bytes_between(t_fail + DETOUR_S, t_fail + FAIL_WINDOW_S)
        stall = dl.longest_stall(t_fail, t_fail + FAIL_WINDOW_S)
        detoured = relayed_by_helpers(world) - before
        print(f"failure: longest stall {stall:.1f} s; {during / 1e6:.2f} MB arrived in the last "
              f"{FAIL_WINDOW_S - DETOUR_S:.0f} s of the {FAIL_WINDOW_S:.0f} s window; "
              f"the RON helpers relayed {detoured} packets")
        expect(during > 0, "the download stalled through the failure window")
        expect(detoured > 0, "no packet took a detour through a RON helper")

        code = dl.finish(timeout=120)
        expect(code == 0, f"curl exited with {code}:\n{dl.process.output()}")
        expect(dl.digest() == server.digest, "the download differs from the served file")
        print(f"the {SIZE >> 20} MiB download completed byte for byte in {dl.seconds:.1f} s across the move "
              f"and the failure; longest stall {dl.longest_stall():.1f} s")
        lab.stop(server.process)
        for name, p in list(world.nodes.items()):
            expect(lab.stop(p) == 0, f"node {name} did not exit cleanly:\n{p.output()[-2000:]}")


def add_arguments(parser):
    parser.add_argument("--node", required=True, help="the composition's node binary (build/overlays/alice)")


if __name__ == "__main__":
    run_test(main, tools=["ip", "ss", "ping", "curl", "iptables", "tc"], add_arguments=add_arguments)
