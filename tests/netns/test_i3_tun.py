#!/usr/bin/env python3
"""netns.i3_tun: unmodified applications over i3 (overlays/moztun/i3_tun.moz,
the paper's rule i3_tun), and the receiver moving to a new address.

Six i3 servers (a Chord ring) in namespace S (198.18.0.10, ports 7001-7006);
two clients in namespaces A (198.18.0.1) and B (198.18.0.2), each reaching the
ring through a different server, with tun devices 198.19.0.1/24 and
198.19.0.2/24; all on one bridge. Each client keeps a trigger for the SHA-1 of
its tun address; a packet for tun address D goes to i3::f_sha1(D). Checked,
each step waiting on a condition with a bound:
  * once the ring has formed and the triggers are in place, ping across the
    tunnel; an 8 MiB HTTP download compared byte for byte; iperf3 (2 s);
  * mobility: during a paced download from B (with a ping every 50 ms), B's
    node restarts at a new IP address (198.18.0.22), same tun address; its
    trigger moves, i3's shortcut follows, and the download completes byte for
    byte. The time from the new node's start to the first ping answered is
    printed; at most 2 s.
"""

import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from netns import Lab, expect, run_test, wait_for  # noqa: E402
from tunnel_checks import bridge, check_transfers, outage_across, ping_ok  # noqa: E402

SERVER_IP = "198.18.0.10"
SERVER_PORTS = range(7001, 7007)
CLIENTS = {"a": ("198.18.0.1", 7002), "b": ("198.18.0.2", 7003)}  # address, the server it goes through
MOVED_B = "198.18.0.22"
TUN = {"a": "198.19.0.1", "b": "198.19.0.2"}
PORT = 7000
RING_S = 150          # a ring of six on two busy cores, and the first triggers
RESUME_LIMIT_S = 2.0


def write_facts(lab, name, lines):
    path = os.path.join(lab.workdir, f"{name}.facts")
    with open(path, "w") as f:
        f.write("".join(line + "\n" for line in lines))
    return path


def start_client(lab, args, ns, label, ip, dev):
    server = f"{SERVER_IP}:{CLIENTS[label][1]}"
    facts = write_facts(lab, f"{label}-{ip}", [f'i3.server("{server}").', f'tunSelf("{TUN[label]}").'])
    node = ns.start([args.node, "--addr", f"{ip}:{PORT}", "--facts", facts, "--tun", dev,
                     "--tun-addr", f"{TUN[label]}/24", "--run-for", "400"])
    wait_for(lambda: ns.link(dev) is not None or not node.alive(), 15, f"tun device {dev}")
    expect(node.alive(), f"client {label} exited:\n{node.output()}")
    return node


def check_move(lab, args, a, b, dev_b, node_b, veth_b):
    """B's node restarts at a new IP address during a paced download; i3 must follow."""
    def move():
        b.run(["ip", "addr", "add", f"{MOVED_B}/24", "dev", veth_b])
        lab.stop(node_b)
        t = time.time()
        start_client(lab, args, b, "b", MOVED_B, dev_b)
        return t
    gap = outage_across(lab, a, b, TUN["b"], move, "the move")
    print(f"mobility: B restarted at {MOVED_B}; pings answered {gap:.2f} s after its new node started; "
          f"the 6 MiB download completed, identical")
    expect(gap <= RESUME_LIMIT_S, f"traffic resumed {gap:.2f} s after the move (limit {RESUME_LIMIT_S} s)")


def main(args):
    with Lab("it") as lab:
        s, a, b = lab.namespace("s"), lab.namespace("a"), lab.namespace("b")
        devices = bridge(lab, {"s": s, "a": a, "b": b}, {"s": SERVER_IP, "a": CLIENTS["a"][0], "b": CLIENTS["b"][0]})
        landmark = f"{SERVER_IP}:{SERVER_PORTS[0]}"
        for port in SERVER_PORTS:
            facts = write_facts(lab, f"s{port}", [f'chord.landmark("{landmark}").'])
            s.start([args.node, "--addr", f"{SERVER_IP}:{port}", "--facts", facts, "--run-for", "400"])
        dev = {label: lab.ifname("t") for label in CLIENTS}
        start_client(lab, args, a, "a", CLIENTS["a"][0], dev["a"])
        node_b = start_client(lab, args, b, "b", CLIENTS["b"][0], dev["b"])
        t0 = time.monotonic()
        wait_for(lambda: ping_ok(a, TUN["b"], 1), RING_S, "a first ping through i3 (ring formed, triggers placed)",
                 interval=0.5)
        print(f"first ping through i3 after {time.monotonic() - t0:.1f} s")
        check_transfers(lab, a, b, TUN["b"], "i3")
        check_move(lab, args, a, b, dev["b"], node_b, devices["b"])


def add_arguments(parser):
    parser.add_argument("--node", required=True, help="the i3_tun node binary (build/overlays/i3_tun)")


if __name__ == "__main__":
    run_test(main, tools=["ip", "ss", "ping", "iperf3", "curl"], add_arguments=add_arguments)
