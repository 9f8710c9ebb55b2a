#!/usr/bin/env python3
"""netns.ron_tun: unmodified applications over a tunnel on RON (overlays/moztun/
ron_tun.moz), and RON routing the tunnel around a failed link.

Three namespaces A, B and C (198.18.0.1-3) on one bridge (in a fourth
namespace), each running ron_tun with all three as RON members. A and B have
tun devices (198.19.0.1/24, 198.19.0.2/24) and map each other's tun address to
ron::"IP:port"; C is a RON member only, a possible intermediate. Checked, each
step waiting on a condition with a bound:
  * ping across the tunnel, and an 8 MiB HTTP download compared byte for byte;
  * iperf3 (2 s) completes;
  * failure: during a paced HTTP download, with a ping every 50 ms, A and B
    drop each other's datagrams (iptables); RON moves the tunnel to the detour
    through C, and the download completes byte for byte. The time from the cut
    to the first ping answered through the detour is printed; at most 3 s.
"""

import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from netns import Lab, expect, run_test, wait_for  # noqa: E402
from tunnel_checks import bridge, check_transfers, outage_across, ping_ok  # noqa: E402

PORT = 7000
NODES = {"a": "198.18.0.1", "b": "198.18.0.2", "c": "198.18.0.3"}
TUN = {"a": "198.19.0.1", "b": "198.19.0.2"}
DETOUR_LIMIT_S = 3.0  # RON (probe every 0.5 s, 1 s timeout, two lost probes) needs 1.5-2 s


def start_node(lab, args, ns, label):
    facts = os.path.join(lab.workdir, f"{label}.facts")
    with open(facts, "w") as f:
        for ip in NODES.values():
            f.write(f'ron.member("{ip}:{PORT}").\n')
        for other, tun in TUN.items():
            if other != label:
                f.write(f'tunRoute("{tun}", ron::"{NODES[other]}:{PORT}").\n')
    stats = os.path.join(lab.workdir, f"{label}.json")
    argv = [args.node, "--addr", f"{NODES[label]}:{PORT}", "--facts", facts, "--stats", stats, "--run-for", "200"]
    dev = None
    if label in TUN:
        dev = lab.ifname("t")
        argv += ["--tun", dev, "--tun-addr", f"{TUN[label]}/24"]
    node = ns.start(argv)
    if dev:
        wait_for(lambda: ns.link(dev) is not None or not node.alive(), 15, f"tun device {dev}")
    expect(node.alive(), f"node {label} exited:\n{node.output()}")
    return node, stats


def cut(ns, peer, on):
    op = "-A" if on else "-D"
    for chain, flag in (("INPUT", "-s"), ("OUTPUT", "-d")):
        ns.run(["iptables", op, chain, flag, peer, "-p", "udp", "-j", "DROP"])


def check_failover(lab, a, b):
    """The A-B link is cut during a paced download; RON must route around it."""
    def cut_link():
        t = time.time()
        cut(a, NODES["b"], True)
        cut(b, NODES["a"], True)
        return t
    gap = outage_across(lab, a, b, TUN["b"], cut_link, "the cut")
    print(f"failover: pings answered through the detour {gap:.2f} s after the cut; "
          f"the 6 MiB download completed, identical")
    expect(gap <= DETOUR_LIMIT_S, f"the detour took {gap:.2f} s (limit {DETOUR_LIMIT_S} s)")
    cut(a, NODES["b"], False)
    cut(b, NODES["a"], False)


def main(args):
    with Lab("rt") as lab:
        namespaces = {label: lab.namespace(label) for label in NODES}
        a, b = namespaces["a"], namespaces["b"]
        bridge(lab, namespaces, NODES)
        nodes = {label: start_node(lab, args, namespaces[label], label) for label in NODES}
        wait_for(lambda: ping_ok(a, TUN["b"], 1), 30, "a first ping through the RON tunnel", interval=0.2)
        check_transfers(lab, a, b, TUN["b"], "RON")
        check_failover(lab, a, b)
        for label, (node, _) in nodes.items():
            expect(lab.stop(node) == 0, f"node {label} did not exit cleanly:\n{node.output()}")


def add_arguments(parser):
    parser.add_argument("--node", required=True, help="the ron_tun node binary (build/overlays/ron_tun)")


if __name__ == "__main__":
    run_test(main, tools=["ip", "ss", "ping", "iperf3", "curl", "iptables"], add_arguments=add_arguments)
